import { AppConfig } from '../config/app-config';
import { ResourceRegistry } from './resource-registry';
import { grantedResources, readResourceParameter, ResourceTargets } from './resource-targets';

const DEFAULT = 'https://auth.example.com/api';
const INVOICES = 'https://invoices.example.com';

/** A registry of the default API (notes) and an invoices API, without a store. */
function targets(): ResourceTargets {
  const owners: Record<string, string> = { 'notes:read': DEFAULT, 'invoices:read': INVOICES };
  const registry = {
    byIdentifier: (identifier: string) => ([DEFAULT, INVOICES].includes(identifier) ? { identifier } : undefined),
    ownerOf: (scope: string) => (owners[scope] ? { identifier: owners[scope] } : undefined),
  } as unknown as ResourceRegistry;
  return new ResourceTargets(registry, { accessTokenAudience: DEFAULT, accessTokenTtlSeconds: 600 } as AppConfig);
}

describe('readResourceParameter', () => {
  it('takes one value or many, once each', () => {
    expect(readResourceParameter(undefined)).toEqual([]);
    expect(readResourceParameter(INVOICES)).toEqual([INVOICES]);
    expect(readResourceParameter([INVOICES, DEFAULT, INVOICES])).toEqual([INVOICES, DEFAULT]);
  });

  it('refuses relative URIs, fragments and floods with invalid_target', () => {
    expect(() => readResourceParameter('/api')).toThrow(/^invalid_target: resource must be an absolute URI/);
    expect(() => readResourceParameter(`${INVOICES}#part`)).toThrow(/^invalid_target: resource must not contain a fragment/);
    expect(() => readResourceParameter(Array(1000).fill(INVOICES))).toThrow(/^invalid_target: at most 10 resource parameters/);
  });
});

describe('ResourceTargets', () => {
  it('grants ACCESS_TOKEN_AUDIENCE when no resource is named', () => {
    expect(targets().forAuthorization([], ['openid', 'notes:read'], true)).toEqual({ resources: [DEFAULT], scopes: ['openid', 'notes:read'] });
  });

  it('refuses a requested scope of another resource, and narrows a defaulted one', () => {
    expect(() => targets().forAuthorization([INVOICES], ['notes:read'], true)).toThrow(/^invalid_target: scope notes:read is not a scope of/);
    expect(targets().forAuthorization([INVOICES], ['openid', 'notes:read', 'invoices:read'], false).scopes).toEqual(['openid', 'invoices:read']);
  });

  it('needs a resource at the token endpoint only for a grant of several', () => {
    expect(targets().forToken([INVOICES], [], ['invoices:read'], false)).toEqual({ audience: INVOICES, scopes: ['invoices:read'] });
    expect(() => targets().forToken([INVOICES, DEFAULT], [], ['invoices:read'], false)).toThrow(/several resources/);
    expect(targets().forToken([INVOICES, DEFAULT], [DEFAULT], ['invoices:read', 'notes:read'], false)).toEqual({ audience: DEFAULT, scopes: ['notes:read'] });
    expect(() => targets().forToken([INVOICES], [DEFAULT], [], false)).toThrow(/was not granted/);
  });

  it('reads a grant stored before resources existed as one for ACCESS_TOKEN_AUDIENCE', () => {
    expect(grantedResources(null, { accessTokenAudience: DEFAULT })).toEqual([DEFAULT]);
    expect(grantedResources(`${INVOICES} ${DEFAULT}`, { accessTokenAudience: DEFAULT })).toEqual([INVOICES, DEFAULT]);
  });
});
