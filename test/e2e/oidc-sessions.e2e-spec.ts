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
    app = await createTestApp({ databaseUrl, clock, listen: true });
  });
  afterAll(() => app.close());

  const twoFamilies = async () => {
    const party = await createParty(app, { scope: `${SCOPE} offline_access` });
    const online = await signInAndExchange(app, party, SCOPE);
    const offline = await signInAndExchange(app, party, `${SCOPE} offline_access`);
    return { party, online, offline };
  };

  it('logout revokes the family granted without offline_access, through the revocation feed; the offline one survives', async () => {
    const { party, online, offline } = await twoFamilies();
    const feed = await FeedReader.open(app.baseUrl!, (await registerResourceServerClient(app)).basic);
    try {
      await logout(app, party.cookies);
      const event = await feed.untilSid(jwtPayload(online.access_token).sid as string);
      expect(event.data.exp).toEqual(expect.any(Number));
      expect(feed.events.some((each) => each.data.sid === jwtPayload(offline.access_token).sid)).toBe(false);
    } finally {
      await feed.close();
    }
    expect(await isRevoked(app, party, online)).toBe(true);
    expect((await introspect(app, party.client, offline.access_token)).active).toBe(true);
    expect((await refresh(app, party.client, offline.refresh_token!)).status).toBe(200);
  });

  it('session expiry revokes the family granted without offline_access; the offline one survives', async () => {
    const { party, online, offline } = await twoFamilies();
    expect(await app.get(SessionExpiryJob).sweep()).toBe(0);
    clock.advance(app.config.sessionTtlSeconds + 1);
    expect(await app.get(SessionExpiryJob).sweep()).toBeGreaterThanOrEqual(1);
    expect(await isRevoked(app, party, online)).toBe(true);
    expect((await refresh(app, party.client, offline.refresh_token!)).status).toBe(200);
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

describe.each(stores)('a logout on one instance, on %s', (_name, databaseUrl) => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await createTestApp({ databaseUrl: databaseUrl() });
    b = await createTestApp({ databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    if (a.databaseUrl.startsWith('sqlite:')) rmSync(join(a.databaseUrl.slice('sqlite:'.length), '..'), { recursive: true, force: true });
  });

  it('gets the access tokens of the session refused by the other instance within a second', async () => {
    const party = await createParty(a, { scope: SCOPE });
    const tokens = await signInAndExchange(a, party, SCOPE);
    const meOnB = async () => (await b.http().get('/api/me').set('Authorization', `Bearer ${tokens.access_token}`)).status;
    expect(await meOnB()).toBe(200);
    const page = await a.http().get('/logout').set('Cookie', party.cookies.header());
    const logoutOnA = () =>
      a.http().post('/logout').type('form').set('Cookie', party.cookies.header()).send({ csrf_token: formField(page.text, 'csrf_token') }).expect(200);
    const { status, elapsedMs } = await timeUntilRefused(logoutOnA, meOnB);
    expect(status).toBe(401);
    expect(elapsedMs).toBeLessThan(1000);
  });
});
