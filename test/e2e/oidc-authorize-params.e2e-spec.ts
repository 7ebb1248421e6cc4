import { FixedClock } from '../../src/common/clock';
import { authorizationPath, authorize, BrowserCookies, createClient, createUser, formField, TestClient, TestUser } from '../support/authorize-flow';
import { createTestApp, databases, TestApp } from '../support/test-app';

/** OIDC Core §3.1.2.1 request parameters: nonce, prompt, max_age, login_hint. */
describe.each(databases)('OIDC authorization request parameters on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let clock: FixedClock;
  let client: TestClient;
  let firstParty: TestClient;
  let user: TestUser;
  beforeAll(async () => {
    clock = new FixedClock(new Date());
    app = await createTestApp({ databaseUrl, clock });
    client = await createClient(app, { scope: 'openid email notes:read offline_access' });
    firstParty = await createClient(app, { scope: 'openid email', skip_consent: true });
    user = await createUser(app);
  });
  afterAll(() => app.close());

  const signedInBrowser = async (target: TestClient = client, scope = 'openid') => {
    const result = await authorize(app, { client_id: target.client_id, redirect_uri: target.redirect_uri, scope, user });
    expect(result.code).toEqual(expect.any(String));
    return result.cookies;
  };
  const get = (path: string, cookies?: BrowserCookies) => app.http().get(path).set('Cookie', cookies?.header() ?? '');
  const redirectParams = (res: { status: number; headers: Record<string, string> }) => {
    expect(res.status).toBe(302);
    return new URL(res.headers.location).searchParams;
  };

  describe('prompt=none', () => {
    it('answers login_required to the client when nobody is signed in', async () => {
      const params = redirectParams(await get(authorizationPath(client, { prompt: 'none', scope: 'openid', state: 's1' })));
      expect(params.get('error')).toBe('login_required');
      expect(params.get('state')).toBe('s1');
      expect(params.get('iss')).toBe(app.config.issuer);
    });

    it('answers consent_required when the signed-in user has not consented to the scope', async () => {
      const cookies = await signedInBrowser(client, 'openid');
      const params = redirectParams(await get(authorizationPath(client, { prompt: 'none', scope: 'openid email' }), cookies));
      expect(params.get('error')).toBe('consent_required');
    });

    it('answers a code without a page when signed in and consented', async () => {
      const cookies = await signedInBrowser(client, 'openid');
      expect(redirectParams(await get(authorizationPath(client, { prompt: 'none', scope: 'openid' }), cookies)).get('code')).toEqual(
        expect.any(String),
      );
    });
  });

  it('prompt=login shows the sign-in page even with a live session', async () => {
    const cookies = await signedInBrowser();
    const res = await get(authorizationPath(client, { prompt: 'login', scope: 'openid' }), cookies);
    expect(res.status).toBe(200);
    expect(res.text).toContain('name="password"');
  });

  it('prompt=consent shows the consent page even to a skip_consent client', async () => {
    const cookies = await signedInBrowser(firstParty);
    const res = await get(authorizationPath(firstParty, { prompt: 'consent', scope: 'openid' }), cookies);
    expect(res.status).toBe(200);
    expect(res.text).toContain('name="decision" value="allow"');
  });

  it('max_age asks for the password again once the sign-in is older, and keeps auth_time otherwise', async () => {
    const cookies = await signedInBrowser(firstParty);
    clock.advance(120);
    const fresh = await get(authorizationPath(firstParty, { max_age: '600', scope: 'openid' }), cookies);
    expect(redirectParams(fresh).get('code')).toEqual(expect.any(String));
    const stale = await get(authorizationPath(firstParty, { max_age: '60', scope: 'openid' }), cookies);
    expect(stale.status).toBe(200);
    expect(stale.text).toContain('name="password"');
  });

  it('login_hint pre-fills the email, and asks for a sign-in when it names someone else', async () => {
    const hinted = await get(authorizationPath(client, { login_hint: 'ada+hint@example.com', scope: 'openid' }));
    expect(formField(hinted.text, 'email')).toBe('ada+hint@example.com');
    const cookies = await signedInBrowser(firstParty);
    const other = await get(authorizationPath(firstParty, { login_hint: 'someone-else@example.com', scope: 'openid' }), cookies);
    expect(other.status).toBe(200);
    expect(formField(other.text, 'email')).toBe('someone-else@example.com');
    const same = await get(authorizationPath(firstParty, { login_hint: user.email.toUpperCase(), scope: 'openid' }), cookies);
    expect(redirectParams(same).get('code')).toEqual(expect.any(String));
    const none = await get(authorizationPath(firstParty, { login_hint: 'someone-else@example.com', prompt: 'none', scope: 'openid' }), cookies);
    expect(redirectParams(none).get('error')).toBe('login_required');
  });

  it.each([
    ['max_age of -1', { max_age: '-1' }],
    ['max_age of 1e99', { max_age: '1e99' }],
    ['max_age of 99999999999999999999', { max_age: '99999999999999999999' }],
    ['prompt none with login', { prompt: 'none login' }],
    ['an unknown prompt', { prompt: 'select_account' }],
    ['a nonce of 10 kB', { nonce: 'n'.repeat(10_000) }],
    ['a repeated nonce', { nonce: ['a', 'b'] }],
  ])('answers invalid_request to the client for %s', async (_case, overrides) => {
    const params = redirectParams(await get(authorizationPath(client, { scope: 'openid', state: 'bad-input', ...overrides })));
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('state')).toBe('bad-input');
  });

  it('takes a prompt that repeats login many times as one login (no oversized column, no 5xx)', async () => {
    const prompt = Array.from({ length: 40 }, () => 'login').join(' ');
    const cookies = await signedInBrowser();
    const res = await get(authorizationPath(client, { prompt, scope: 'openid' }), cookies);
    expect(res.status).toBe(200);
    expect(res.text).toContain('name="password"');
    const done = await authorize(app, { client_id: client.client_id, redirect_uri: client.redirect_uri, scope: 'openid', user, cookies, extra: { prompt } });
    expect(done.pages).toEqual(['login']);
    expect(done.code).toEqual(expect.any(String));
  });

  it('says on the consent page whether the access ends at sign-out or outlives it (offline_access)', async () => {
    const online = await authorize(app, { client_id: client.client_id, redirect_uri: client.redirect_uri, scope: 'openid notes:read', user, consent: 'deny' });
    expect(online.pages).toContain('consent');
    const onlinePage = await get(authorizationPath(client, { scope: 'openid notes:read', prompt: 'consent' }), online.cookies);
    expect(onlinePage.text).toContain('This access ends when you sign out.');
    const offlinePage = await get(authorizationPath(client, { scope: 'openid notes:read offline_access', prompt: 'consent' }), online.cookies);
    expect(offlinePage.text).toContain('This access continues after you sign out');
  });
});
