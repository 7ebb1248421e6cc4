import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { SERVER_SCOPES } from '../../src/common/scopes';
import { BUILT_IN_SCOPES } from '../../src/resources/resource-registry';
import {
  authorizationPath,
  authorize,
  BrowserCookies,
  createClient,
  createUser,
  formField,
  TestClient,
  TestUser,
} from '../support/authorize-flow';
import { createTestApp, databases, TestApp } from '../support/test-app';

interface ConsentForm {
  cookies: BrowserCookies;
  page: Response;
  request_id: string;
  csrf_token: string;
}

/** Signs `user` in through the login page and returns the consent page it leads to. */
async function openConsent(app: TestApp, client: TestClient, user: TestUser, scope?: string, cookies = new BrowserCookies()): Promise<ConsentForm> {
  let page = await app.http().get(authorizationPath(client, { scope })).set('Cookie', cookies.header());
  cookies.store(page);
  if (/name="password"/.test(page.text)) {
    page = await app
      .http()
      .post('/authorize')
      .type('form')
      .set('Cookie', cookies.header())
      .send({ request_id: formField(page.text, 'request_id'), csrf_token: formField(page.text, 'csrf_token'), email: user.email, password: user.password });
    cookies.store(page);
  }
  expect(page.status).toBe(200);
  expect(page.text).toMatch(/name="decision"/);
  return { cookies, page, request_id: formField(page.text, 'request_id')!, csrf_token: formField(page.text, 'csrf_token')! };
}

function decide(app: TestApp, form: ConsentForm, decision: string, cookies = form.cookies) {
  return app
    .http()
    .post('/authorize')
    .type('form')
    .set('Cookie', cookies.header())
    .send({ request_id: form.request_id, csrf_token: form.csrf_token, decision });
}

function expectSafePage(res: Response): void {
  expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
  expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['cache-control']).toBe('no-store');
}

describe.each(databases)('consent on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let client: TestClient;

  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
    client = await createClient(app, { client_name: 'Notes Viewer', scope: 'openid notes:read notes:write' });
  });
  afterAll(() => app.close());

  it("names the client and describes each requested scope, with Allow and Deny buttons in a post form", async () => {
    const { page } = await openConsent(app, client, await createUser(app), 'openid notes:read');
    expect(page.text).toContain('<strong>Notes Viewer</strong>');
    expect(page.text).toContain(SERVER_SCOPES.openid);
    expect(page.text).toContain(BUILT_IN_SCOPES[0].description);
    expect(page.text).not.toContain(BUILT_IN_SCOPES[1].description);
    const form = /<form method="post"[^>]*>([\s\S]*?)<\/form>/.exec(page.text)?.[1] ?? '';
    expect(form).toMatch(/<button type="submit" name="decision" value="allow">/);
    expect(form).toMatch(/<button type="submit" name="decision" value="deny"/);
    expect(form).toMatch(/<input type="hidden" name="csrf_token" value="[A-Za-z0-9_-]{43}">/);
  });

  it('redirects with access_denied, the state and iss when the user denies', async () => {
    const form = await openConsent(app, client, await createUser(app), 'notes:read');
    const res = await decide(app, form, 'deny');
    expect(res.status).toBe(302);
    const params = Object.fromEntries(new URL(res.headers.location).searchParams);
    expect(params).toEqual({ error: 'access_denied', error_description: expect.any(String), state: 'state-123', iss: app.config.issuer });
  });

  it('remembers nothing after Deny: the next request asks again', async () => {
    const user = await createUser(app);
    const form = await openConsent(app, client, user, 'notes:read');
    expect((await decide(app, form, 'deny')).status).toBe(302);
    const again = await authorize(app, { ...client, user, scope: 'notes:read', cookies: form.cookies });
    expect(again.pages).toEqual(['consent']);
  });

  it('remembers consent: the same or fewer scopes skip the page, more scopes ask again', async () => {
    const user = await createUser(app);
    const first = await authorize(app, { ...client, user, scope: 'openid notes:read' });
    expect(first.pages).toEqual(['login', 'consent']);
    const same = await authorize(app, { ...client, user, scope: 'notes:read openid', cookies: first.cookies });
    expect(same.pages).toEqual([]);
    expect(same.code).toBeDefined();
    const fewer = await authorize(app, { ...client, user, scope: 'notes:read', cookies: first.cookies });
    expect(fewer.pages).toEqual([]);
    const more = await authorize(app, { ...client, user, scope: 'openid notes:read notes:write', cookies: first.cookies });
    expect(more.pages).toEqual(['consent']);
    const afterMore = await authorize(app, { ...client, user, scope: 'notes:write', cookies: first.cookies });
    expect(afterMore.pages).toEqual([]);
  });

  it('remembers consent per client and per user', async () => {
    const user = await createUser(app);
    const first = await authorize(app, { ...client, user, scope: 'notes:read' });
    const otherClient = await createClient(app, { client_name: 'Other', scope: 'notes:read' });
    const elsewhere = await authorize(app, { ...otherClient, user, scope: 'notes:read', cookies: first.cookies });
    expect(elsewhere.pages).toEqual(['consent']);
    const otherUser = await createUser(app);
    const someoneElse = await authorize(app, { ...client, user: otherUser, scope: 'notes:read' });
    expect(someoneElse.pages).toEqual(['login', 'consent']);
  });

  it('shows the consent page to a skip_consent client only when it sends prompt=consent (OIDC)', async () => {
    const firstParty = await createClient(app, { client_name: 'First party', skip_consent: true });
    const user = await createUser(app);
    const first = await authorize(app, { ...firstParty, user });
    expect(first.pages).toEqual(['login']);
    expect(first.code).toBeDefined();
    const again = await authorize(app, { ...firstParty, user, cookies: first.cookies });
    expect(again.pages).toEqual([]);
    const prompted = await authorize(app, { ...firstParty, user, cookies: first.cookies, extra: { prompt: 'consent' } });
    expect(prompted.pages).toEqual(['consent']);
    expect(prompted.code).toBeDefined();
  });

  it('refuses a consent form without a valid CSRF token with a 403 page', async () => {
    const form = await openConsent(app, client, await createUser(app), 'notes:read');
    const res = await decide(app, { ...form, csrf_token: 'x'.repeat(43) }, 'allow');
    expect(res.status).toBe(403);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('Request refused');
  });

  it("refuses consent from a session other than the one that signed in", async () => {
    const form = await openConsent(app, client, await createUser(app), 'notes:read');
    const other = await authorize(app, { ...client, user: await createUser(app), scope: 'openid' });
    // The other user's session cookie with this browser's CSRF cookie.
    const mixed = new BrowserCookies();
    mixed.store({ headers: { 'set-cookie': [`oauth_browser=${form.cookies.get('oauth_browser')}`, `oauth_session=${other.cookies.get('oauth_session')}`] } } as unknown as Response);
    const res = await decide(app, form, 'allow', mixed);
    expect(res.status).toBe(403);
    expect(res.text).toContain('Not signed in');
  });

  it('refuses a decision other than allow or deny', async () => {
    const form = await openConsent(app, client, await createUser(app), 'notes:read');
    const res = await decide(app, form, 'maybe');
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });

  it('answers a consent form once: a replayed Allow finds the request used', async () => {
    const form = await openConsent(app, client, await createUser(app), 'notes:read');
    expect((await decide(app, form, 'allow')).status).toBe(302);
    const replay = await decide(app, form, 'allow');
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('Request expired');
  });

  it('grants exactly one code when the same Allow is submitted twice at once', async () => {
    const form = await openConsent(app, client, await createUser(app), 'notes:read');
    const answers = await Promise.all([decide(app, form, 'allow'), decide(app, form, 'allow')]);
    expect(answers.map((res) => res.status).sort()).toEqual([302, 400]);
  });
});

describe.each(databases)('page safety on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let evil: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
    evil = await createClient(app, { client_name: '<script>alert(1)</script>' });
    user = await createUser(app);
  });
  afterAll(() => app.close());

  it('escapes a client name on the login page', async () => {
    const res = await app.http().get(authorizationPath(evil));
    expect(res.status).toBe(200);
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).not.toContain('<script>');
  });

  it('escapes a client name on the consent page', async () => {
    const { page } = await openConsent(app, evil, user, 'notes:read');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).not.toContain('<script>');
  });

  it('escapes the email echoed back into the login form', async () => {
    const first = await app.http().get(authorizationPath(evil));
    const cookies = new BrowserCookies();
    cookies.store(first);
    const res = await app
      .http()
      .post('/authorize')
      .type('form')
      .set('Cookie', cookies.header())
      .send({ request_id: formField(first.text, 'request_id'), csrf_token: formField(first.text, 'csrf_token'), email: '"><script>alert(2)</script>', password: 'x' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('value="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"');
    expect(res.text).not.toContain('<script>');
  });

  it('sends the safety headers on the login page', async () => {
    expectSafePage(await app.http().get(authorizationPath(evil)));
  });

  it('sends the safety headers on the consent page', async () => {
    expectSafePage((await openConsent(app, evil, user, 'openid')).page);
  });

  it('sends the safety headers on the error page', async () => {
    const res = await app.http().get(authorizationPath({ ...evil, client_id: 'unknown' }));
    expect(res.status).toBe(400);
    expectSafePage(res);
  });

  it('sends the safety headers on the redirect that carries the code', async () => {
    const form = await openConsent(app, evil, await createUser(app), 'notes:read');
    const res = await decide(app, form, 'allow');
    expect(res.status).toBe(302);
    expectSafePage(res);
  });

  it('sends the safety headers on the 403 CSRF page and the logout page', async () => {
    const refused = await app.http().post('/authorize').type('form').send({ request_id: 'x', csrf_token: 'y', email: 'a', password: 'b' });
    expect(refused.status).toBe(403);
    expectSafePage(refused);
    expectSafePage(await app.http().get('/logout'));
  });

  it('allows the inline stylesheet only by its hash', async () => {
    const res = await app.http().get(authorizationPath(evil));
    const css = /<style>([\s\S]*?)<\/style>/.exec(res.text)![1];
    const hash = createHash('sha256').update(css).digest('base64');
    expect(res.headers['content-security-policy']).toContain(`style-src 'sha256-${hash}'`);
  });
});
