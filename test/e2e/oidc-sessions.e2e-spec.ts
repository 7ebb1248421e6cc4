import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionExpiryJob } from '../../src/authorization/session-expiry.job';
import { FixedClock } from '../../src/common/clock';
import { registerResourceServerClient } from '../support/access-tokens';
import { authorize, BrowserCookies, formField } from '../support/authorize-flow';
import { FeedReader } from '../support/feed-reader';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';
import { timeUntilRefused } from '../support/timing';
import { createParty, exchangeCode, introspect, jwtPayload, obtainCode, Party, refresh, signInAndExchange, TokenSet } from '../support/token-helpers';

const SCOPE = 'openid notes:read';
/** Short sessions, so that expiring one leaves its access tokens unexpired. */
const SESSION_TTL = 60;

/** Signs the browser out through the confirmation form of `/logout`. */
async function logout(app: TestApp, cookies: BrowserCookies): Promise<void> {
  const page = await app.http().get('/logout').set('Cookie', cookies.header());
  expect(page.status).toBe(200);
  const res = await app
    .http()
    .post('/logout')
    .type('form')
    .set('Cookie', cookies.header())
    .send({ csrf_token: formField(page.text, 'csrf_token'), decision: 'logout' });
  expect(res.status).toBe(200);
  cookies.store(res);
}

const isRevoked = async (app: TestApp, party: Party, tokens: TokenSet) =>
  (await introspect(app, party.client, tokens.access_token)).active === false &&
  (await refresh(app, party.client, tokens.refresh_token!)).body.error === 'invalid_grant';

/** OIDC: a family granted without offline_access belongs to its sign-in session and ends with it. */
describe.each(databases)('sessions end the tokens they started, on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let clock: FixedClock;
  beforeAll(async () => {
    clock = new FixedClock(new Date());
    app = await createTestApp({ databaseUrl, clock, listen: true, env: { SESSION_TTL: String(SESSION_TTL) } });
  });
  afterAll(() => app.close());

  const endings: Record<string, (party: Party) => Promise<unknown>> = {
    logout: (party) => logout(app, party.cookies),
    'session expiry': async () => {
      clock.advance(SESSION_TTL + 1);
      expect(await app.get(SessionExpiryJob).sweep()).toBeGreaterThanOrEqual(1);
    },
    'DELETE /admin/users/:id/sessions': (party) =>
      app.http().delete(`/admin/users/${party.user.id}/sessions`).set('Authorization', `Bearer ${ADMIN_KEY}`).expect(200),
  };

  const twoFamilies = async () => {
    const party = await createParty(app, { scope: `${SCOPE} offline_access` });
    const online = await signInAndExchange(app, party, SCOPE);
    const offline = await signInAndExchange(app, party, `${SCOPE} offline_access`);
    return { party, online, offline };
  };

  it.each(Object.keys(endings))('%s revokes the family granted without offline_access through the revocation feed', async (ending) => {
    const { party, online, offline } = await twoFamilies();
    const feed = await FeedReader.follow(app.baseUrl!, (await registerResourceServerClient(app)).basic);
    try {
      await endings[ending](party);
      const event = await feed.untilSid(jwtPayload(online.access_token).sid as string);
      expect(event.data.exp).toEqual(expect.any(Number));
    } finally {
      await feed.close();
    }
    expect((await introspect(app, party.client, online.access_token)).active).toBe(false);
    expect((await refresh(app, party.client, online.refresh_token!)).body.error).toBe('invalid_grant');
    // With offline_access the family outlives the session; an operator's sign-out-everywhere ends it too.
    const offlineLives = ending !== 'DELETE /admin/users/:id/sessions';
    expect((await introspect(app, party.client, offline.access_token)).active).toBe(offlineLives);
    expect((await refresh(app, party.client, offline.refresh_token!)).status).toBe(offlineLives ? 200 : 400);
  });

  it('DELETE /admin/users/:id/sessions revokes every family, and a code issued before it no longer exchanges', async () => {
    const { party, online, offline } = await twoFamilies();
    const code = await obtainCode(app, party, SCOPE);
    const res = await app.http().delete(`/admin/users/${party.user.id}/sessions`).set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(res.status).toBe(200);
    expect(await isRevoked(app, party, online)).toBe(true);
    expect(await isRevoked(app, party, offline)).toBe(true);
    const exchange = await exchangeCode(app, party, code);
    expect(exchange.status).toBe(400);
    expect(exchange.body.error).toBe('invalid_grant');
  });

  it('deleting the user kills their unredeemed codes too', async () => {
    const party = await createParty(app, { scope: SCOPE });
    const code = await obtainCode(app, party, SCOPE);
    expect((await app.http().delete(`/admin/users/${party.user.id}`).set('Authorization', `Bearer ${ADMIN_KEY}`)).status).toBe(204);
    expect((await exchangeCode(app, party, code)).body.error).toBe('invalid_grant');
  });

  it('logout kills the unredeemed codes of the session', async () => {
    const party = await createParty(app, { scope: SCOPE });
    await signInAndExchange(app, party, SCOPE);
    const code = await obtainCode(app, party, SCOPE);
    await logout(app, party.cookies);
    expect((await exchangeCode(app, party, code)).body.error).toBe('invalid_grant');
  });

  it('signing in again as the same user (prompt=login) keeps the session and its tokens', async () => {
    const party = await createParty(app, { scope: SCOPE });
    const first = (await signInAndExchange(app, party, SCOPE)) as TokenSet & { id_token: string };
    const again = await authorize(app, {
      ...party.client,
      scope: SCOPE,
      user: party.user,
      cookies: party.cookies,
      extra: { prompt: 'login' },
    });
    expect(again.pages).toEqual(['login']);
    const second = (await exchangeCode(app, party, { code: again.code!, verifier: again.verifier })).body as { id_token: string };
    expect(jwtPayload(second.id_token).sid).toBe(jwtPayload(first.id_token).sid);
    expect((await introspect(app, party.client, first.access_token)).active).toBe(true);
  });
});

const stores: Array<[name: string, databaseUrl: () => string]> = [
  ['sqlite (shared file)', () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'oidc-sessions-')), 'auth.sqlite')}`],
  ...(process.env.TEST_POSTGRES_URL ? [['postgres', () => process.env.TEST_POSTGRES_URL!] as [string, () => string]] : []),
];

describe.each(stores)('a session ending on one instance, on %s', (_name, databaseUrl) => {
  let a: TestApp;
  let b: TestApp;
  const clock = new FixedClock(new Date());
  beforeAll(async () => {
    const env = { SESSION_TTL: String(SESSION_TTL) };
    a = await createTestApp({ databaseUrl: databaseUrl(), clock, env });
    b = await createTestApp({ databaseUrl: a.databaseUrl, clock, env });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    if (a.databaseUrl.startsWith('sqlite:')) rmSync(join(a.databaseUrl.slice('sqlite:'.length), '..'), { recursive: true, force: true });
  });

  const endingsOnA: Record<string, (party: Party) => Promise<() => Promise<unknown>>> = {
    logout: async (party) => {
      const page = await a.http().get('/logout').set('Cookie', party.cookies.header());
      const csrf = formField(page.text, 'csrf_token')!;
      return () => a.http().post('/logout').type('form').set('Cookie', party.cookies.header()).send({ csrf_token: csrf }).expect(200);
    },
    'session expiry': async () => {
      clock.advance(SESSION_TTL + 1);
      return () => a.get(SessionExpiryJob).sweep();
    },
    'DELETE /admin/users/:id/sessions': async (party) => () =>
      a.http().delete(`/admin/users/${party.user.id}/sessions`).set('Authorization', `Bearer ${ADMIN_KEY}`).expect(200),
  };

  it.each(Object.keys(endingsOnA))('%s on A gets the session\'s access tokens refused by B within a second', async (ending) => {
    const party = await createParty(a, { scope: SCOPE });
    const tokens = await signInAndExchange(a, party, SCOPE);
    const meOnB = async () => (await b.http().get('/api/me').set('Authorization', `Bearer ${tokens.access_token}`)).status;
    expect(await meOnB()).toBe(200);
    const endOnA = await endingsOnA[ending](party);
    const { status, elapsedMs } = await timeUntilRefused(endOnA, meOnB);
    expect(status).toBe(401);
    expect(elapsedMs).toBeLessThan(1000);
  });
});
