import { clientMetadataProblems, defaultResponseTypes } from './client-metadata.rules';
import type { ClientMetadata } from './clients.service';

const web: ClientMetadata = {
  clientName: 'App',
  redirectUris: ['https://app.example.com/cb'],
  grantTypes: ['authorization_code', 'refresh_token'],
  scope: 'openid',
  tokenEndpointAuthMethod: 'client_secret_basic',
  skipConsent: false,
};
const machine: ClientMetadata = { ...web, redirectUris: [], grantTypes: ['client_credentials'] };

describe('response_types against grant_types (RFC 7591 §2.1)', () => {
  it('defaults to ["code"] exactly when the code grant is registered', () => {
    expect(defaultResponseTypes(web.grantTypes)).toEqual(['code']);
    expect(defaultResponseTypes(machine.grantTypes)).toEqual([]);
    expect(clientMetadataProblems(web)).toEqual([]);
    expect(clientMetadataProblems(machine)).toEqual([]);
  });

  it.each([
    ['code without the code grant', { ...machine, responseTypes: ['code'] }],
    ['no code with the code grant', { ...web, responseTypes: [] }],
  ])('refuses %s', (_case, metadata) => {
    expect(clientMetadataProblems(metadata)).toEqual([expect.stringMatching(/^response_types/)]);
  });
});
