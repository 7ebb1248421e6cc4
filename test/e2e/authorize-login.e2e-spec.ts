import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
// The module object itself (not a namespace copy), so a spy on it sees the server's calls.
import argon2 from 'argon2';
import { DataSource } from 'typeorm';
import { UserSession } from '../../src/authorization/user-session.entity';
import { FixedClock } from '../../src/common/clock';
import { sha256 } from '../../src/common/crypto/hashing';
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

interface LoginForm {
  cookies: BrowserCookies;
  request_id: string;
  csrf_token: string;
}

/** Opens the login page in a browser (fresh cookies unless given) and reads its form. */
async function openLogin(app: TestApp, client: TestClient, cookies = new BrowserCookies(), extra: Record<string, string> = {}): Promise<LoginForm> {
  const res = await app.http().get(authorizationPath(client, extra)).set('Cookie', cookies.header());
  expect(res.status).toBe(200);
  cookies.store(res);
  return { cookies, request_id: formField(res.text, 'request_id')!, csrf_token: formField(res.text, 'csrf_token')! };
}

function submit(app: TestApp, form: LoginForm, fields: Record<string, string>) {
  return app
    .http()
    .post('/authorize')
    .type('form')
    .set('Cookie', form.cookies.header())
    .send({ request_id: form.request_id, csrf_token: form.csrf_token, ...fields });
}

function setCookieLine(headers: Record<string, unknown>, name: string): string | undefined {
  const lines = (headers['set-cookie'] as string[] | undefined) ?? [];
  return lines.find((line) => line.startsWith(`${name}=`));
}

describe.each(databases)('sign-in on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let clock: FixedClock;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    clock = new FixedClock();
    app = await createTestApp({ databaseUrl, clock, env: { SESSION_TTL: '3600' } });
    client = await createClient(app, { skip_consent: true });
    user = await createUser(app);
  });
  afterAll(() => app.close());

  describe('the login page', () => {
    it('has a post form with labelled email and password inputs, a hidden CSRF token and a submit button', async () => {
      const res = await app.http().get(authorizationPath(client));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
      const form = /<form method="post"[^>]*>([\s\S]*?)<\/form>/.exec(res.text)?.[1] ?? '';
      expect(form).toMatch(/<label for="email">/);
      expect(form).toMatch(/<input id="email" name="email" type="email"/);
      expect(form).toMatch(/<label for="password">/);
      expect(form).toMatch(/<input id="password" name="password" type="password"/);
      expect(form).toMatch(/<input type="hidden" name="csrf_token" value="[A-Za-z0-9_-]{43}">/);
      expect(form).toMatch(/<button type="submit">/);
      expect(res.text).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1">/);
    });

    it('loads nothing from elsewhere: no script, no external stylesheet or image', async () => {
      const res = await app.http().get(authorizationPath(client));
      expect(res.text).not.toMatch(/<script|<link rel="stylesheet"|src=|https?:\/\/(?!localhost)/);
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    });

    it('carries only an opaque request id: the request itself stays on the server', async () => {
      const res = await app.http().get(authorizationPath(client, { scope: 'notes:read', state: 'visible-state' }));
      const hidden = [...res.text.matchAll(/<input type="hidden" name="([^"]+)"/g)].map((match) => match[1]);
      expect(hidden.sort()).toEqual(['csrf_token', 'request_id']);
      expect(res.text).not.toContain('visible-state');
      expect(res.text).not.toContain('code_challenge');
    });
  });

  describe('credentials', () => {
    it('signs in with the right password and redirects with a code', async () => {
      const form = await openLogin(app, client);
      const res = await submit(app, form, { email: user.email, password: user.password });
      expect(res.status).toBe(302);
      expect(new URL(res.headers.location).searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('accepts the email in another letter case', async () => {
      const form = await openLogin(app, client);
      const res = await submit(app, form, { email: user.email.toUpperCase(), password: user.password });
      expect(res.status).toBe(302);
    });

    it('answers the same generic message for an unknown email and a wrong password, without a session', async () => {
      const wrongPassword = await submit(app, await openLogin(app, client), { email: user.email, password: 'wrong password' });
      const unknownEmail = await submit(app, await openLogin(app, client), { email: 'nobody@example.com', password: user.password });
      for (const res of [wrongPassword, unknownEmail]) {
        expect(res.status).toBe(400);
        expect(res.text).toContain('Wrong email or password.');
        expect(res.text).toMatch(/name="password"/);
        expect(setCookieLine(res.headers, 'oauth_session')).toBeUndefined();
      }
      const strip = (text: string) => text.replace(/value="[^"]*"/g, '');
      expect(strip(wrongPassword.text)).toBe(strip(unknownEmail.text));
    });

    it('asks for both fields when one is missing', async () => {
      const res = await submit(app, await openLogin(app, client), { email: user.email });
      expect(res.status).toBe(400);
      expect(res.text).toContain('Enter your email and password.');
    });

    it('verifies an argon2id hash of the same cost for an unknown email as for a wrong password, so the time taken reveals no accounts', async () => {
      const verify = jest.spyOn(argon2, 'verify');
      try {
        const unknownEmail = await submit(app, await openLogin(app, client), { email: 'ghost@example.com', password: 'not the password' });
        const wrongPassword = await submit(app, await openLogin(app, client), { email: user.email, password: 'not the password' });
        expect([unknownEmail.status, wrongPassword.status]).toEqual([400, 400]);
        expect(verify).toHaveBeenCalledTimes(2);
        // `$argon2id$v=19$<memory, passes, lanes>$salt$hash`: algorithm, version and cost decide the work.
        const [forUnknown, forKnown] = verify.mock.calls.map(([hash]) => hash.split('$').slice(1, 4).join('$'));
        expect(forKnown).toMatch(/^argon2id\$v=19\$(?=.*m=\d+)(?=.*t=\d+)(?=.*p=\d+)/);
        expect(forUnknown).toBe(forKnown);
      } finally {
        verify.mockRestore();
      }
      // The same user's failures must not throttle the rest of this suite.
      await app.get(DataSource).query('DELETE FROM login_failures');
    });
  });

  describe('sessions', () => {
    it('sets an HttpOnly, SameSite=Lax session cookie with the configured lifetime, not Secure on an http issuer', async () => {
      const res = await submit(app, await openLogin(app, client), { email: user.email, password: user.password });
      const line = setCookieLine(res.headers, 'oauth_session')!;
      expect(line).toMatch(/; HttpOnly/);
      expect(line).toMatch(/; SameSite=Lax/);
      expect(line).toMatch(/; Max-Age=3600;/);
      expect(line).toMatch(/; Path=\//);
      expect(line).not.toMatch(/; Secure/);
    });

    it('stores only the SHA-256 of the session id', async () => {
      const form = await openLogin(app, client);
      const res = await submit(app, form, { email: user.email, password: user.password });
      form.cookies.store(res);
      const sessionId = form.cookies.get('oauth_session')!;
      const sessions = app.get(DataSource).getRepository(UserSession);
      expect(await sessions.findOneBy({ idHash: sessionId })).toBeNull();
      expect(await sessions.findOneBy({ idHash: sha256(sessionId) })).toMatchObject({ userId: user.id });
    });

    it('keeps the user signed in: a second authorization shows no page', async () => {
      const first = await authorize(app, { ...client, user });
      const second = await authorize(app, { ...client, user, cookies: first.cookies });
      expect(first.pages).toEqual(['login']);
      expect(second.pages).toEqual([]);
      expect(second.code).toBeDefined();
    });

    it('regenerates the session on sign-in: the old id stops working', async () => {
      const first = await authorize(app, { ...client, user });
      const oldSession = first.cookies.get('oauth_session')!;
      const again = await authorize(app, { ...client, user, cookies: first.cookies, extra: { prompt: 'login' } });
      const newSession = again.cookies.get('oauth_session')!;
      expect(newSession).not.toBe(oldSession);
      const withOld = await app.http().get(authorizationPath(client, { prompt: 'none' })).set('Cookie', `oauth_session=${oldSession}`);
      expect(new URL(withOld.headers.location).searchParams.get('error')).toBe('login_required');
      const withNew = await app.http().get(authorizationPath(client, { prompt: 'none' })).set('Cookie', `oauth_session=${newSession}`);
      expect(new URL(withNew.headers.location).searchParams.get('code')).toEqual(expect.any(String));
    });

    it('ends the session after SESSION_TTL', async () => {
      const { cookies } = await authorize(app, { ...client, user });
      clock.advance(3599);
      const alive = await app.http().get(authorizationPath(client, { prompt: 'none' })).set('Cookie', cookies.header());
      expect(new URL(alive.headers.location).searchParams.get('code')).toEqual(expect.any(String));
      clock.advance(2);
      const ended = await app.http().get(authorizationPath(client, { prompt: 'none' })).set('Cookie', cookies.header());
      expect(new URL(ended.headers.location).searchParams.get('error')).toBe('login_required');
    });

    it('ignores a forged session cookie', async () => {
      const res = await app.http().get(authorizationPath(client, { prompt: 'none' })).set('Cookie', `oauth_session=${'A'.repeat(43)}`);
      expect(new URL(res.headers.location).searchParams.get('error')).toBe('login_required');
    });
  });

  describe('CSRF', () => {
    it('refuses a login form without the CSRF token with a 403 page', async () => {
      const form = await openLogin(app, client);
      const res = await submit(app, { ...form, csrf_token: '' }, { email: user.email, password: user.password });
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(setCookieLine(res.headers, 'oauth_session')).toBeUndefined();
    });

    it('refuses a wrong CSRF token', async () => {
      const form = await openLogin(app, client);
      const wrong = form.csrf_token.slice(0, -1) + (form.csrf_token.endsWith('A') ? 'B' : 'A');
      const res = await submit(app, { ...form, csrf_token: wrong }, { email: user.email, password: user.password });
      expect(res.status).toBe(403);
    });

    it("refuses another browser's token (the form was posted without this browser's cookie)", async () => {
      const victim = await openLogin(app, client);
      const attacker = await openLogin(app, client);
      const res = await submit(app, { ...attacker, cookies: victim.cookies }, { email: user.email, password: user.password });
      expect(res.status).toBe(403);
      const noCookie = await submit(app, { ...victim, cookies: new BrowserCookies() }, { email: user.email, password: user.password });
      expect(noCookie.status).toBe(403);
    });

    it('refuses a token for another pending request', async () => {
      const browser = await openLogin(app, client);
      const other = await openLogin(app, client, browser.cookies);
      const res = await submit(app, { ...browser, csrf_token: other.csrf_token }, { email: user.email, password: user.password });
      expect(res.status).toBe(403);
    });

    it('never answers 500 to a mangled form', async () => {
      const form = await openLogin(app, client);
      const repeated = await app
        .http()
        .post('/authorize')
        .type('form')
        .set('Cookie', form.cookies.header())
        .send(`request_id=${form.request_id}&request_id=x&csrf_token=${form.csrf_token}&email=a&password=b`);
      expect(repeated.status).toBe(403);
      const json = await app.http().post('/authorize').send({ request_id: ['x'], csrf_token: { a: 1 } });
      expect(json.status).toBe(403);
      const nul = await submit(app, await openLogin(app, client), { email: `${user.email}\0`, password: user.password });
      expect(nul.status).toBe(400);
      expect(nul.text).toContain('Enter your email and password.');
    });
  });

  describe('pending requests', () => {
    it('expires a sign-in page after 10 minutes', async () => {
      const form = await openLogin(app, client);
      clock.advance(601);
      const res = await submit(app, form, { email: user.email, password: user.password });
      expect(res.status).toBe(400);
      expect(res.text).toContain('Request expired');
    });

    it('completes a pending request once: a second submission finds it used', async () => {
      const form = await openLogin(app, client);
      expect((await submit(app, form, { email: user.email, password: user.password })).status).toBe(302);
      const replay = await submit(app, form, { email: user.email, password: user.password });
      expect(replay.status).toBe(400);
      expect(replay.text).toContain('Request expired');
    });
  });

  describe('logout', () => {
    it('ends the session with POST /logout and its CSRF token', async () => {
      const { cookies } = await authorize(app, { ...client, user });
      const page = await app.http().get('/logout').set('Cookie', cookies.header());
      expect(page.status).toBe(200);
      const csrf = formField(page.text, 'csrf_token')!;
      const res = await app.http().post('/logout').type('form').set('Cookie', cookies.header()).send({ csrf_token: csrf });
      expect(res.status).toBe(200);
      expect(res.text).toContain('Signed out');
      expect(setCookieLine(res.headers, 'oauth_session')).toMatch(/Expires=Thu, 01 Jan 1970/);
      // Even a client that kept the old cookie is signed out: the session is gone from the store.
      const after = await app.http().get(authorizationPath(client, { prompt: 'none' })).set('Cookie', cookies.header());
      expect(new URL(after.headers.location).searchParams.get('error')).toBe('login_required');
    });

    it('refuses POST /logout without the CSRF token, and the session lives on', async () => {
      const { cookies } = await authorize(app, { ...client, user });
      const res = await app.http().post('/logout').type('form').set('Cookie', cookies.header()).send({});
      expect(res.status).toBe(403);
      const after = await app.http().get(authorizationPath(client, { prompt: 'none' })).set('Cookie', cookies.header());
      expect(new URL(after.headers.location).searchParams.get('code')).toEqual(expect.any(String));
    });
  });
});

describe.each(databases)('sign-in throttling on %s', (name, databaseUrl) => {
  let app: TestApp;
  let clock: FixedClock;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    clock = new FixedClock();
    app = await createTestApp({
      databaseUrl,
      clock,
      env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_IP: '6', LOGIN_THROTTLE_WINDOW: '600' },
    });
    client = await createClient(app, { skip_consent: true });
    user = await createUser(app);
  });
  afterAll(() => app.close());
  beforeEach(() => app.get(DataSource).query('DELETE FROM login_failures'));

  const fail = async (email: string) => {
    const res = await submit(app, await openLogin(app, client), { email, password: 'wrong password' });
    expect(res.status).toBe(400);
  };

  it('refuses an account after 3 failures, even with the right password, and says when to retry', async () => {
    for (let i = 0; i < 3; i++) await fail(user.email);
    const blocked = await submit(app, await openLogin(app, client), { email: user.email, password: user.password });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBe('600');
    expect(blocked.text).toContain('Too many failed sign-in attempts');
    expect(setCookieLine(blocked.headers, 'oauth_session')).toBeUndefined();
  });

  it('throttles an unknown email the same way as a real account', async () => {
    for (let i = 0; i < 3; i++) await fail('ghost@example.com');
    const blocked = await submit(app, await openLogin(app, client), { email: 'ghost@example.com', password: 'x' });
    expect(blocked.status).toBe(429);
  });

  it('lets the account in again once the window has passed', async () => {
    for (let i = 0; i < 3; i++) await fail(user.email);
    clock.advance(601);
    const res = await submit(app, await openLogin(app, client), { email: user.email, password: user.password });
    expect(res.status).toBe(302);
  });

  it('clears the account count after a successful sign-in', async () => {
    for (let i = 0; i < 2; i++) await fail(user.email);
    expect((await submit(app, await openLogin(app, client), { email: user.email, password: user.password })).status).toBe(302);
    for (let i = 0; i < 2; i++) await fail(user.email);
    expect((await submit(app, await openLogin(app, client), { email: user.email, password: user.password })).status).toBe(302);
  });

  it('does not lock out another account', async () => {
    for (let i = 0; i < 3; i++) await fail(user.email);
    const other = await createUser(app);
    expect((await submit(app, await openLogin(app, client), { email: other.email, password: other.password })).status).toBe(302);
  });

  it('lets at most 3 of 10 simultaneous guesses reach the password check', async () => {
    const forms = await Promise.all(Array.from({ length: 10 }, () => openLogin(app, client)));
    const answers = await Promise.all(forms.map((form) => submit(app, form, { email: user.email, password: 'guess' })));
    const statuses = answers.map((res) => res.status);
    // 400: the password was checked (and was wrong); 429: refused before the check.
    expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(7);
    expect(statuses.every((status) => status === 400 || status === 429)).toBe(true);
  });

  it('refuses an IP address after 6 failures across accounts', async () => {
    for (let i = 0; i < 6; i++) await fail(`spray${i}@example.com`);
    const fresh = await createUser(app);
    const blocked = await submit(app, await openLogin(app, client), { email: fresh.email, password: fresh.password });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts failures across two instances sharing the store', async () => {
    const shared = name === 'sqlite' ? `sqlite:${join(tmpdir(), `throttle-${randomBytes(6).toString('hex')}.sqlite`)}` : app.databaseUrl;
    const env = { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_IP: '6', LOGIN_THROTTLE_WINDOW: '600' };
    const first = name === 'sqlite' ? await createTestApp({ databaseUrl: shared, clock, env }) : app;
    const second = await createTestApp({ databaseUrl: first.databaseUrl, clock, env });
    try {
      const firstClient = name === 'sqlite' ? await createClient(first, { skip_consent: true }) : client;
      const account = await createUser(first);
      for (let i = 0; i < 2; i++) {
        const res = await submit(first, await openLogin(first, firstClient), { email: account.email, password: 'wrong' });
        expect(res.status).toBe(400);
      }
      expect((await submit(second, await openLogin(second, firstClient), { email: account.email, password: 'wrong' })).status).toBe(400);
      const blocked = await submit(first, await openLogin(first, firstClient), { email: account.email, password: account.password });
      expect(blocked.status).toBe(429);
    } finally {
      await second.close();
      if (first !== app) {
        await first.close();
        rmSync(shared.slice('sqlite:'.length), { force: true });
        rmSync(`${shared.slice('sqlite:'.length)}-wal`, { force: true });
        rmSync(`${shared.slice('sqlite:'.length)}-shm`, { force: true });
      }
    }
  });
});

describe('session cookie on an https issuer', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { ISSUER: 'https://auth.example.com' } });
  });
  afterAll(() => app.close());

  it('marks the session cookie Secure', async () => {
    const client = await createClient(app, { skip_consent: true });
    const user = await createUser(app);
    const form = await openLogin(app, client);
    const res = await submit(app, form, { email: user.email, password: user.password });
    expect(res.status).toBe(302);
    expect(setCookieLine(res.headers, 'oauth_session')).toMatch(/; Secure/);
    expect(setCookieLine(res.headers, 'oauth_session')).toMatch(/; HttpOnly/);
    expect(new URL(res.headers.location).searchParams.get('iss')).toBe('https://auth.example.com');
  });
});
