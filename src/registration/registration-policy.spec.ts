import { registrationRedirectProblem, registrationToMetadata } from './registration-policy';

const known = (scope: string) => ['openid', 'notes:read'].includes(scope);
const grants = ['authorization_code', 'refresh_token', 'client_credentials'];

describe('registrationRedirectProblem', () => {
  it.each(['https://app.example.com/cb', 'http://127.0.0.1:51004/cb', 'http://[::1]:8080/cb', 'http://127.0.0.1/cb'])('accepts %s', (uri) => {
    expect(registrationRedirectProblem(uri)).toBeUndefined();
  });

  it.each(['javascript:alert(1)', 'http://app.example.com/cb', 'http://localhost:8080/cb', 'https://app.example.com/cb#x', 'https://user:pw@app.example.com/cb', 'com.example.app:/cb', 'relative/cb'])(
    'refuses %s',
    (uri) => {
      expect(registrationRedirectProblem(uri)).toEqual(expect.any(String));
    },
  );
});

describe('registrationToMetadata', () => {
  it('gives openid alone when no scope is asked for, and defaults to a confidential code-grant client', () => {
    expect(registrationToMetadata({ redirect_uris: ['https://a.example/cb'] }, known, grants)).toEqual(
      expect.objectContaining({ scope: 'openid', grantTypes: ['authorization_code'], tokenEndpointAuthMethod: 'client_secret_basic', skipConsent: false }),
    );
  });

  it.each<[string, unknown, RegExp]>([
    ['101 redirect URIs', { redirect_uris: Array.from({ length: 101 }, (_, i) => `https://a.example/${i}`) }, /^invalid_client_metadata: redirect_uris must list at most 100/],
    ['an unknown grant', { redirect_uris: ['https://a.example/cb'], grant_types: ['urn:ietf:params:oauth:grant-type:device_code'] }, /^invalid_client_metadata: grant_types/],
    ['an unknown scope', { redirect_uris: ['https://a.example/cb'], scope: 'admin' }, /^invalid_client_metadata: scope/],
    ['a javascript: redirect URI', { redirect_uris: ['javascript:alert(1)'] }, /^invalid_redirect_uri: redirect_uris/],
    ['no body', null, /^invalid_client_metadata/],
  ])('refuses %s', (_case, body, message) => {
    expect(() => registrationToMetadata(body, known, grants)).toThrow(message);
  });

  it('accepts exactly the grant types the registry it is given serves', () => {
    const body = { redirect_uris: ['https://a.example/cb'], grant_types: ['authorization_code', 'urn:example:grant'] };
    expect(() => registrationToMetadata(body, known, grants)).toThrow(/urn:example:grant is not supported/);
    expect(registrationToMetadata(body, known, [...grants, 'urn:example:grant']).grantTypes).toEqual(['authorization_code', 'urn:example:grant']);
  });
});
