import { clientIdUrlProblem, hostListProblem } from './client-id-url';
import { clientFromDocument } from './client-metadata-document';
import { cacheSeconds } from './client-metadata.resolver';

const URL_ID = 'https://agent.example/client.json';
const known = (scope: string) => ['openid', 'notes:read'].includes(scope);
const build = (fields: Record<string, unknown>) =>
  clientFromDocument(URL_ID, { client_id: URL_ID, redirect_uris: ['https://agent.example/cb'], ...fields }, known, 'openid notes:read', new Date());

describe('clientIdUrlProblem', () => {
  it('accepts an https URL with a path', () => {
    expect(clientIdUrlProblem(URL_ID, false)).toBeUndefined();
  });

  it.each(['http://agent.example/client.json', 'https://agent.example', 'https://agent.example/', 'https://agent.example/a/../b', 'https://u:p@agent.example/c', 'https://agent.example/c#f', `https://agent.example/${'x'.repeat(512)}`])(
    'refuses %s',
    (url) => {
      expect(clientIdUrlProblem(url, false)).toEqual(expect.any(String));
    },
  );

  it('accepts plain http only with the development switch', () => {
    expect(clientIdUrlProblem('http://127.0.0.1:8080/client.json', true)).toBeUndefined();
  });
});

describe('hostListProblem', () => {
  const lists = (allowedHosts: string[], deniedHosts: string[]) => ({ allowedHosts, deniedHosts });
  it('refuses a denied host on any port, or a denied host:port on that port only', () => {
    expect(hostListProblem(new URL('https://agent.example:8443/c.json'), lists([], ['agent.example']), true)).toMatch(/DENY_HOSTS/);
    expect(hostListProblem(new URL('https://agent.example/c.json'), lists([], ['agent.example:443']), false)).toMatch(/DENY_HOSTS/);
    expect(hostListProblem(new URL('https://agent.example:8443/c.json'), lists([], ['agent.example:443']), true)).toBeUndefined();
  });
  it('lets the deny list win over the allow list, which applies to documents only', () => {
    expect(hostListProblem(new URL('https://agent.example/c.json'), lists(['agent.example'], ['agent.example']), true)).toMatch(/DENY_HOSTS/);
    expect(hostListProblem(new URL('https://keys.example/jwks'), lists(['agent.example'], []), true)).toMatch(/not on CLIENT_ID_METADATA_HOSTS/);
    expect(hostListProblem(new URL('https://keys.example/jwks'), lists(['agent.example'], []), false)).toBeUndefined();
  });
});

describe('clientFromDocument', () => {
  it('makes a public client whose name carries the host', () => {
    const client = build({ client_name: 'Claude' });
    expect(client).toEqual(expect.objectContaining({ clientId: URL_ID, clientName: 'Claude (agent.example)', tokenEndpointAuthMethod: 'none', scope: 'openid notes:read' }));
  });

  it('takes the logout metadata of the document', () => {
    const client = build({ post_logout_redirect_uris: ['https://agent.example/out'], backchannel_logout_uri: 'https://agent.example/bcl', backchannel_logout_session_required: true });
    expect(client).toEqual(expect.objectContaining({ postLogoutRedirectUris: ['https://agent.example/out'], backchannelLogoutUri: 'https://agent.example/bcl', backchannelLogoutSessionRequired: true }));
  });

  it('makes a private_key_jwt client of a document with jwks_uri', () => {
    expect(build({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://agent.example/jwks' }).tokenEndpointAuthMethod).toBe('private_key_jwt');
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['another client_id', { client_id: 'https://other.example/client.json' }, /client_id must equal/],
    ['a secret', { client_secret: 'x' }, /client_secret must not appear/],
    ['private_key_jwt without keys', { token_endpoint_auth_method: 'private_key_jwt' }, /exactly one of jwks and jwks_uri/],
    ['private_key_jwt with both jwks and jwks_uri', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'EC' }] }, jwks_uri: 'https://agent.example/jwks' }, /exactly one/],
    ['a private key in jwks', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'EC', d: 'secret' }] } }, /public keys/],
    ['a symmetric key in jwks', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'oct', k: 'secret' }] } }, /RSA, EC or OKP/],
    ['a javascript: jwks_uri', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'javascript:alert(1)' }, /jwks_uri must be an https URL/],
    ['keys without private_key_jwt', { jwks_uri: 'https://agent.example/jwks' }, /private_key_jwt only/],
    ['client_secret_basic', { token_endpoint_auth_method: 'client_secret_basic' }, /must be none or private_key_jwt/],
    ['a javascript: post_logout_redirect_uri', { post_logout_redirect_uris: ['javascript:alert(1)'] }, /post_logout_redirect_uris/],
    ['a backchannel_logout_uri that is not http(s)', { backchannel_logout_uri: 'file:///etc/passwd' }, /backchannel_logout_uri/],
    ['a javascript: redirect URI', { redirect_uris: ['javascript:alert(1)'] }, /redirect_uris/],
    ['client_credentials', { grant_types: ['client_credentials'] }, /grant_types/],
    ['an unknown scope', { scope: 'admin' }, /unknown scopes/],
  ])('refuses a document with %s', (_case, fields, message) => {
    expect(() => build(fields)).toThrow(message);
  });
});

describe('cacheSeconds', () => {
  it.each<[string | undefined, number]>([
    [undefined, 300],
    ['max-age=120', 120],
    ['public, max-age=5', 60],
    ['max-age=9999999', 86400],
    ['no-store', 0],
    ['no-cache, max-age=600', 0],
  ])('keeps a document with Cache-Control %s for %i s', (header, seconds) => {
    expect(cacheSeconds(header)).toBe(seconds);
  });
});
