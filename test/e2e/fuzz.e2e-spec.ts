import fc from 'fast-check';
import { Agent } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { authorizationPath, BrowserCookies, createClient, formField } from '../support/authorize-flow';
import type { GrantType } from '../../src/clients/client.entity';
import { FuzzFixtures, fuzzRequests, PendingForm, send } from '../support/fuzz-requests';
import { createParty, exchangeCode, obtainCode, signInAndExchange } from '../support/token-helpers';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';

/**
 * Hostile input, measured: generated requests against every endpoint of a real listening
 * server. FUZZ_RUNS is the total over the databases (10 000 by default), FUZZ_SEED fixes the
 * sequence (fixed in CI, so a failure replays), FUZZ_REPORT=1 prints the answers by status.
 */
const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
/** Requests in flight at once: one fast-check run sends this many. */
const BATCH = 8;
/** Heap growth allowed over the whole run, after a full collection at both ends. */
const MAX_HEAP_GROWTH_BYTES = 64 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

describe.each(databases)('fuzzing every endpoint on %s', (name, databaseUrl) => {
  const runs = Math.ceil(TOTAL_RUNS / databases.length);
  let app: TestApp;
  let agent: Agent;

  beforeAll(async () => {
    app = await createTestApp({
      databaseUrl,
      listen: true,
      // Requests come "from" 203.0.113.x: the sign-in throttle bounds the password checks the
      // fuzz causes, and leaves the real flow at the end (from 127.0.0.1) alone. Client and
      // admin failures are let through so the fuzz reaches past authentication.
      env: { TRUST_PROXY: 'loopback', CLIENT_AUTH_MAX_FAILURES_PER_IP: '1000000', CLIENT_AUTH_MAX_FAILURES_PER_CLIENT: '1000000', ADMIN_AUTH_MAX_FAILURES_PER_IP: '1000000' },
    });
    agent = new Agent({ keepAlive: true, maxSockets: BATCH });
  });
  afterAll(async () => {
    agent.destroy();
    await app.close();
  });

  /** Opens the sign-in page of `client` in a new browser; signs `user` in when given, to reach consent. */
  async function pendingForm(client: { client_id: string; redirect_uri: string }, user?: { email: string; password: string }): Promise<PendingForm> {
    const cookies = new BrowserCookies();
    let page = await app.http().get(authorizationPath(client)).set('Cookie', cookies.header());
    cookies.store(page);
    if (user) {
      const form = { request_id: formField(page.text, 'request_id'), csrf_token: formField(page.text, 'csrf_token') };
      page = await app.http().post('/authorize').type('form').set('Cookie', cookies.header()).send({ ...form, email: user.email, password: user.password });
      cookies.store(page);
      expect(page.text).toContain('name="decision"');
    }
    return { requestId: formField(page.text, 'request_id')!, csrfToken: formField(page.text, 'csrf_token')!, cookie: cookies.header() };
  }

  async function fixtures(): Promise<FuzzFixtures> {
    const grantTypes: GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];
    const party = await createParty(app, { grant_types: grantTypes, scope: 'openid notes:read notes:write offline_access' });
    const tokens = await signInAndExchange(app, party, 'notes:read notes:write offline_access');
    const code = await obtainCode(app, party, 'notes:read');
    const publicClient = await createClient(app, { token_endpoint_auth_method: 'none' });
    return {
      adminKey: ADMIN_KEY,
      clientId: party.client.client_id,
      clientSecret: party.client.client_secret!,
      publicClientId: publicClient.client_id,
      redirectUri: party.client.redirect_uri,
      userId: party.user.id,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token!,
      code: code.code,
      login: await pendingForm(publicClient),
      consent: await pendingForm(publicClient, party.user),
    };
  }

  it(`answers every generated request below 500, in bounded memory, and still serves a code flow afterwards`, async () => {
    const byStatus = new Map<number, number>();
    const byTarget = new Map<string, number>();
    const serverErrors: string[] = [];
    const requests = fuzzRequests(await fixtures());

    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    // fc.check, not fc.assert: a failing request is reported below in one short line, not as a
    // counterexample holding megabytes of generated body.
    const outcome = await fc.check(
      fc.asyncProperty(fc.array(requests, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const statuses = await Promise.all(batch.map((req) => send(app.baseUrl!, agent, req)));
        statuses.forEach((status, i) => {
          byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
          byTarget.set(batch[i].target, (byTarget.get(batch[i].target) ?? 0) + 1);
          if (status >= 500) serverErrors.push(`${status} ${batch[i].method} ${batch[i].path.slice(0, 200)}`);
        });
        return statuses.every((status) => status > 0 && status < 500);
      }),
      { seed: SEED, numRuns: Math.ceil(runs / BATCH), endOnFailure: true },
    );
    // A request that got no answer at all (a reset connection) is a crash, reported as such.
    if (outcome.failed && serverErrors.length === 0) throw new Error(`the fuzz stopped: ${String(outcome.errorInstance)}`.slice(0, 1000));
    collectGarbage();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

    if (process.env.FUZZ_REPORT) {
      const sent = [...byStatus.values()].reduce((sum, count) => sum + count, 0);
      const statuses = [...byStatus.entries()].sort(([x], [y]) => x - y).map(([status, count]) => `${status}: ${count}`).join(', ');
      const targets = [...byTarget.entries()].map(([target, count]) => `${target}: ${count}`).join(', ');
      console.log(`fuzz on ${name}: ${sent} requests, seed ${SEED}; by status ${statuses}; by endpoint ${targets}; heap growth ${(heapGrowth / 1048576).toFixed(1)} MB; rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
    }
    expect(serverErrors).toEqual([]);
    expect(byTarget.size).toBe(10); // every endpoint group was reached
    expect(heapGrowth).toBeLessThan(MAX_HEAP_GROWTH_BYTES);

    // Still a working server: a new user signs in, gets a code, exchanges it, calls the API.
    const party = await createParty(app, { grant_types: ['authorization_code', 'refresh_token'], scope: 'openid notes:read offline_access' });
    const exchanged = await exchangeCode(app, party, await obtainCode(app, party, 'notes:read offline_access'));
    expect(exchanged.status).toBe(200);
    const me = await app.http().get('/api/me').set('Authorization', `Bearer ${exchanged.body.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body.sub).toBe(party.user.id);
  }, 180_000);
});
