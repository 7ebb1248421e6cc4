import type { Client } from '../clients/client.entity';
import { AuthorizationPageError, redirectWith, trustedRedirect, validateAuthorizationParams } from './authorization-params';

const client = {
  clientId: 'c1',
  clientName: 'App',
  redirectUris: ['https://app.example.com/cb', 'https://app.example.com/cb?tenant=1'],
  grantTypes: ['authorization_code'],
  scope: 'openid notes:read',
} as Client;

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const valid = { response_type: 'code', client_id: 'c1', redirect_uri: 'https://app.example.com/cb', code_challenge: CHALLENGE, code_challenge_method: 'S256' };

describe('trustedRedirect', () => {
  it('returns a registered redirect URI matched byte for byte', () => {
    expect(trustedRedirect(valid, client)).toBe('https://app.example.com/cb');
  });

  it.each([[undefined], ['https://app.example.com/cb/'], ['https://app.example.com/CB'], [['https://app.example.com/cb']]])(
    'refuses %p with a page error, not a redirect',
    (redirectUri) => {
      expect(() => trustedRedirect({ ...valid, redirect_uri: redirectUri }, client)).toThrow(AuthorizationPageError);
    },
  );

  it('refuses an unknown client with a page error', () => {
    expect(() => trustedRedirect(valid, null)).toThrow(/^400 Unknown application/);
  });
});

describe('validateAuthorizationParams', () => {
  const validate = (overrides: Record<string, unknown>) =>
    validateAuthorizationParams({ ...valid, ...overrides }, client, 'https://app.example.com/cb');

  it('defaults the scope to the registered scope', () => {
    expect(validate({}).scopes).toEqual(['openid', 'notes:read']);
  });

  it('keeps a requested subset, without duplicates', () => {
    expect(validate({ scope: 'notes:read notes:read' }).scopes).toEqual(['notes:read']);
  });

  it('refuses a scope outside the registration', () => {
    expect(() => validate({ scope: 'notes:write' })).toThrow(/^invalid_scope/);
  });

  it('requires S256', () => {
    expect(() => validate({ code_challenge_method: 'plain' })).toThrow(/^invalid_request: code_challenge_method/);
  });

  it('reads prompt and max_age', () => {
    expect(validate({ prompt: 'login consent', max_age: '0' })).toMatchObject({ prompts: ['login', 'consent'], maxAgeSeconds: 0 });
  });

  it('counts a repeated prompt value once (OIDC)', () => {
    expect(validate({ prompt: 'login login consent login' }).prompts).toEqual(['login', 'consent']);
  });

  it.each(['none login', 'none consent', 'none none login', 'bogus', 'login bogus'])('refuses prompt=%p', (prompt) => {
    expect(() => validate({ prompt })).toThrow(/^invalid_request: prompt/);
  });

  it.each(['-1', '1e99', '1.5', '9999999999', ' 1'])('refuses max_age=%p', (maxAge) => {
    expect(() => validate({ max_age: maxAge })).toThrow(/^invalid_request: max_age/);
  });

  it('keeps nonce and login_hint exactly as sent, within bounds', () => {
    expect(validate({ nonce: ' n-é ', login_hint: 'Ada@Example.com' })).toMatchObject({ nonce: ' n-é ', loginHint: 'Ada@Example.com' });
    expect(() => validate({ nonce: 'n'.repeat(513) })).toThrow(/^invalid_request: nonce/);
    expect(() => validate({ login_hint: 'x'.repeat(321) })).toThrow(/^invalid_request: login_hint/);
  });

  it('refuses a client without the authorization_code grant', () => {
    expect(() =>
      validateAuthorizationParams(valid, { ...client, grantTypes: ['client_credentials'] } as Client, 'https://app.example.com/cb'),
    ).toThrow(/^unauthorized_client/);
  });
});

describe('redirectWith', () => {
  it('adds parameters to a redirect URI that has a query, and leaves undefined ones out', () => {
    expect(redirectWith('https://app.example.com/cb?tenant=1', { code: 'a b', state: undefined, iss: 'https://as' })).toBe(
      'https://app.example.com/cb?tenant=1&code=a+b&iss=https%3A%2F%2Fas',
    );
  });
});
