import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { AuthorizationCode } from '../../src/tokens/grants/authorization-code.entity';
import { FixedClock } from '../../src/common/clock';
import { sha256 } from '../../src/common/crypto/hashing';
import {
  authorizationPath,
  authorize,
  BrowserCookies,
  createClient,
  createUser,
  pkcePair,
  TestClient,
  TestUser,
} from '../support/authorize-flow';
import { createTestApp, databases, TestApp } from '../support/test-app';

/** The error parameters of a redirect back to the client. */
function redirectedError(res: Response): Record<string, string> {
  expect(res.status).toBe(302);
  const url = new URL(res.headers.location as string);
  return Object.fromEntries(url.searchParams);
}

function expectErrorPage(res: Response, text: RegExp): void {
  expect(res.status).toBe(400);
  expect(res.headers.location).toBeUndefined();
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.text).toMatch(text);
}

describe.each(databases)('authorization endpoint on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let clock: FixedClock;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    clock = new FixedClock();
    app = await createTestApp({ databaseUrl, clock });
    client = await createClient(app, { redirect_uris: ['https://app.example.com/callback', 'com.example.app:/cb'] });
    user = await createUser(app);
  });
  afterAll(() => app.close());

  const get = (path: string, cookies?: BrowserCookies) => app.http().get(path).set('Cookie', cookies?.header() ?? '');

  describe('requests that cannot be trusted answer a 400 page and never redirect', () => {
    it('shows an error page for an unknown client', async () => {
      expectErrorPage(await get(authorizationPath({ ...client, client_id: 'no-such-client' })), /not registered/);
    });

    it('shows an error page when client_id is missing', async () => {
      expectErrorPage(await get(authorizationPath(client, { client_id: undefined })), /not registered/);
    });

    it('shows an error page when redirect_uri is missing, even though the client registered URIs', async () => {
      const single = await createClient(app, { redirect_uris: ['https://only.example.com/cb'] });
      expectErrorPage(await get(authorizationPath(single, { redirect_uri: undefined })), /redirect URI/);
    });

    it.each([
      ['a trailing slash', 'https://app.example.com/callback/'],
      ['another letter case', 'https://APP.example.com/callback'],
      ['an extra query', 'https://app.example.com/callback?x=1'],
      ['a prefix of the registered URI', 'https://app.example.com/call'],
      ['an unregistered host', 'https://evil.example.com/callback'],
    ])('shows an error page for a redirect_uri with %s', async (_case, redirectUri) => {
      expectErrorPage(await get(authorizationPath(client, { redirect_uri: redirectUri })), /redirect URI/);
    });

    it('shows an error page for a client_id with a NUL character', async () => {
      expectErrorPage(await get(authorizationPath(client, { client_id: `${client.client_id}\0` })), /not registered/);
    });

    it('shows an error page when redirect_uri is repeated', async () => {
      const res = await get(authorizationPath(client, { redirect_uri: [client.redirect_uri, 'https://evil.example.com/cb'] }));
      expectErrorPage(res, /redirect URI/);
    });
  });

  describe('other problems redirect back with error, error_description, state and iss', () => {
    const cases: Array<[string, Record<string, string | string[] | undefined>, string]> = [
      ['response_type is missing', { response_type: undefined }, 'invalid_request'],
      ['response_type is token', { response_type: 'token' }, 'unsupported_response_type'],
      ['code_challenge is missing', { code_challenge: undefined }, 'invalid_request'],
      ['code_challenge_method is missing', { code_challenge_method: undefined }, 'invalid_request'],
      ['code_challenge_method is plain', { code_challenge_method: 'plain' }, 'invalid_request'],
      ['code_challenge is 42 characters', { code_challenge: 'a'.repeat(42) }, 'invalid_request'],
      ['code_challenge is 129 characters', { code_challenge: 'a'.repeat(129) }, 'invalid_request'],
      ['code_challenge has a reserved character', { code_challenge: `${'a'.repeat(42)}+` }, 'invalid_request'],
      ['scope asks for more than the client registered', { scope: 'notes:read admin' }, 'invalid_scope'],
      ['a parameter is repeated', { scope: ['notes:read', 'notes:write'] }, 'invalid_request'],
      ['prompt has an unknown value', { prompt: 'select_account' }, 'invalid_request'],
      ['prompt combines none with login', { prompt: 'none login' }, 'invalid_request'],
      ['max_age is not a number', { max_age: 'soon' }, 'invalid_request'],
      ['max_age is negative', { max_age: '-1' }, 'invalid_request'],
    ];
    it.each(cases)('redirects with %s', async (_case, overrides, error) => {
      const params = redirectedError(await get(authorizationPath(client, { state: 'st<>&"', ...overrides })));
      expect(params).toEqual({ error, error_description: expect.any(String), state: 'st<>&"', iss: app.config.issuer });
      expect(params.error_description.length).toBeGreaterThan(0);
    });

    it('redirects with unauthorized_client when the client may not use authorization_code', async () => {
      const machine = await createClient(app, { grant_types: ['client_credentials'], redirect_uris: ['https://m.example.com/cb'] });
      const params = redirectedError(await get(authorizationPath(machine)));
      expect(params).toMatchObject({ error: 'unauthorized_client', state: 'state-123', iss: app.config.issuer });
    });

    it('answers invalid_request, without echoing it, for a state with a NUL character', async () => {
      const params = redirectedError(await get(authorizationPath(client, { state: 'a\0b' })));
      expect(params).toEqual({ error: 'invalid_request', error_description: expect.any(String), iss: app.config.issuer });
    });

    it('leaves state out of an error redirect when none was sent', async () => {
      const params = redirectedError(await get(authorizationPath(client, { state: undefined, response_type: 'token' })));
      expect(params).toEqual({ error: 'unsupported_response_type', error_description: expect.any(String), iss: app.config.issuer });
    });

    it('keeps the redirect URI exactly as registered for a private-use scheme', async () => {
      const res = await get(authorizationPath({ ...client, redirect_uri: 'com.example.app:/cb' }, { response_type: 'token' }));
      expect(res.status).toBe(302);
      expect(res.headers.location).toMatch(/^com\.example\.app:\/cb\?error=unsupported_response_type&/);
    });
  });

  describe('PKCE challenges', () => {
    it.each([43, 128])('accepts a challenge of %i unreserved characters', async (length) => {
      const res = await get(authorizationPath(client, { code_challenge: 'A-._~z9'.repeat(20).slice(0, length) }));
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/name="password"/);
    });
  });

  describe('success', () => {
    it('redirects with a code, the state and iss (RFC 9207)', async () => {
      const result = await authorize(app, { ...client, user, state: 'af0ifjsldkj', scope: 'notes:read' });
      expect(result.pages).toEqual(['login', 'consent']);
      expect(result.location.startsWith(`${client.redirect_uri}?`)).toBe(true);
      expect(result.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(result.state).toBe('af0ifjsldkj');
      expect(result.iss).toBe(app.config.issuer);
    });

    it('stores the code only as its hash, bound to client, redirect URI, challenge, scope, user and auth time, for 60 s', async () => {
      const { verifier, challenge } = pkcePair();
      const signedInAt = clock.now();
      const result = await authorize(app, { ...client, user, verifier, scope: 'notes:read notes:write' });
      const codes = app.get(DataSource).getRepository(AuthorizationCode);
      expect(await codes.findOneBy({ codeHash: result.code! })).toBeNull();
      const stored = await codes.findOneByOrFail({ codeHash: sha256(result.code!) });
      expect(stored).toMatchObject({
        clientId: client.client_id,
        userId: user.id,
        redirectUri: client.redirect_uri,
        codeChallenge: challenge,
        scope: 'notes:read notes:write',
        consumedAt: null,
      });
      expect(stored.authTime.getTime()).toBe(signedInAt.getTime());
      expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(60_000);
    });

    it("grants the client's registered scopes when no scope is requested", async () => {
      const result = await authorize(app, { ...client, user });
      const stored = await app.get(DataSource).getRepository(AuthorizationCode).findOneByOrFail({ codeHash: sha256(result.code!) });
      expect(stored.scope).toBe(client.scope);
    });

    it('issues a different code every time', async () => {
      const first = await authorize(app, { ...client, user });
      const second = await authorize(app, { ...client, user, cookies: first.cookies });
      expect(second.pages).toEqual([]);
      expect(second.code).not.toBe(first.code);
    });

    it('accepts the request as a form POST too (RFC 6749 §3.1)', async () => {
      const query = new URLSearchParams(authorizationPath(client).split('?')[1]);
      const res = await app.http().post('/authorize').type('form').send(query.toString());
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/<form method="post"/);
      expect(res.text).toMatch(/name="email"/);
    });
  });

  describe('prompt and max_age', () => {
    // A fresh user each time, signed in and consenting to notes:read only.
    let cookies: BrowserCookies;
    let reader: TestUser;
    beforeEach(async () => {
      reader = await createUser(app);
      cookies = (await authorize(app, { ...client, user: reader, scope: 'notes:read' })).cookies;
    });

    it('answers login_required for prompt=none without a session', async () => {
      expect(redirectedError(await get(authorizationPath(client, { prompt: 'none' })))).toMatchObject({
        error: 'login_required',
        state: 'state-123',
        iss: app.config.issuer,
      });
    });

    it('answers consent_required for prompt=none when consent is still needed', async () => {
      const res = await get(authorizationPath(client, { prompt: 'none', scope: 'openid' }), cookies);
      expect(redirectedError(res)).toMatchObject({ error: 'consent_required', state: 'state-123' });
    });

    it('answers a code without any page for prompt=none when signed in and consented', async () => {
      const res = await get(authorizationPath(client, { prompt: 'none', scope: 'notes:read' }), cookies);
      expect(redirectedError(res)).toEqual({ code: expect.any(String), state: 'state-123', iss: app.config.issuer });
    });

    it('shows the login page again for prompt=login', async () => {
      const res = await get(authorizationPath(client, { prompt: 'login' }), cookies);
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/name="password"/);
      const again = await authorize(app, { ...client, user: reader, scope: 'notes:read', cookies, extra: { prompt: 'login' } });
      expect(again.pages).toEqual(['login']);
      expect(again.code).toBeDefined();
    });

    it('shows the consent page again for prompt=consent', async () => {
      const result = await authorize(app, { ...client, user: reader, scope: 'notes:read', cookies, extra: { prompt: 'consent' } });
      expect(result.pages).toEqual(['consent']);
      expect(result.code).toBeDefined();
    });

    it('asks to sign in again when the sign-in is older than max_age', async () => {
      clock.advance(120);
      const stale = await get(authorizationPath(client, { max_age: '60', scope: 'notes:read' }), cookies);
      expect(stale.status).toBe(200);
      expect(stale.text).toMatch(/name="password"/);
      const fresh = await get(authorizationPath(client, { max_age: '300', scope: 'notes:read' }), cookies);
      expect(redirectedError(fresh).code).toEqual(expect.any(String));
    });

    it('answers login_required for prompt=none when the sign-in is older than max_age', async () => {
      clock.advance(10);
      const res = await get(authorizationPath(client, { prompt: 'none', max_age: '5' }), cookies);
      expect(redirectedError(res)).toMatchObject({ error: 'login_required' });
    });

    it('records the new auth time when max_age forced a sign-in', async () => {
      clock.advance(120);
      const result = await authorize(app, { ...client, user: reader, scope: 'notes:read', cookies, extra: { max_age: '60' } });
      expect(result.pages).toEqual(['login']);
      const stored = await app.get(DataSource).getRepository(AuthorizationCode).findOneByOrFail({ codeHash: sha256(result.code!) });
      expect(stored.authTime.getTime()).toBe(clock.now().getTime());
    });
  });
});
