import { Client as PgClient } from 'pg';
import { DenyListService } from '../../src/revocation-log/deny-list.service';
import { RevocationLogService } from '../../src/revocation-log/revocation-log.service';
import { mintAccessToken } from '../support/access-tokens';
import { createParty, introspect, refresh, signInAndExchange } from '../support/token-helpers';
import { TestApp } from '../support/test-app';
import { PERCENTILE_SAMPLES, percentiles, staggeredSamples, timeUntilRefused } from '../support/timing';
import { sharedStores, startTwoInstances, stopTwoInstances } from '../support/two-instances';

const REVOCATIONS = PERCENTILE_SAMPLES;
/** DenyListService's safety poll on PostgreSQL: the latest a denial lands when NOTIFY is lost. */
const POSTGRES_SAFETY_POLL_MS = 5_000;

type Sampling = Parameters<typeof staggeredSamples>[1];

/**
 * Two instances on one store: a denial recorded on A must be enforced by B within a second.
 * On sqlite B polls, so the samples are spread over the poll's phases (two in flight keeps the
 * run short); PostgreSQL pushes, so they run one after another, adding no load of their own.
 */
const stores = sharedStores('propagation-').map(
  ([name, databaseUrl]): [string, () => string, Sampling] => [name, databaseUrl, name.startsWith('sqlite') ? { intervalMs: 70, concurrency: 2 } : { intervalMs: 0, concurrency: 1 }],
);

describe.each(stores)('revocation propagation between instances on %s', (name, databaseUrl, sampling) => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    [a, b] = await startTwoInstances(databaseUrl());
  });
  afterAll(() => stopTwoInstances(a, b));

  it(`enforces on B a denial recorded on A within one second (p99 over ${REVOCATIONS})`, async () => {
    const meOnB = (token: string) => async () => (await b.http().get('/api/me').set('Authorization', `Bearer ${token}`)).status;
    const latencies = await staggeredSamples(REVOCATIONS, sampling, async (i) => {
      const sid = `family-${i}`;
      const token = await mintAccessToken(b, { claims: { sid } });
      expect(await meOnB(token)()).toBe(200);
      const denyOnA = () => a.get(RevocationLogService).deny('sid', sid, new Date(Date.now() + 600_000));
      const { status, elapsedMs } = await timeUntilRefused(denyOnA, meOnB(token));
      expect(status).toBe(401);
      return elapsedMs;
    });
    const { p99 } = percentiles(`revocation propagation A→B on ${name}`, latencies);
    // A generous bound; the figures are what docs/resources.md reports.
    expect(p99).toBeLessThan(1000);
  });

  it('refuses on B, within one second, the family of a refresh token replayed on A', async () => {
    const party = await createParty(a);
    const first = await signInAndExchange(a, party, 'notes:read');
    const rotated = await refresh(a, party.client, first.refresh_token!);
    expect(rotated.status).toBe(200);
    const token = rotated.body.access_token as string;
    expect((await b.http().get('/api/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    const replayOnA = async () => expect((await refresh(a, party.client, first.refresh_token!)).body.error).toBe('invalid_grant');
    const meOnB = async () => (await b.http().get('/api/me').set('Authorization', `Bearer ${token}`)).status;
    const { status, elapsedMs } = await timeUntilRefused(replayOnA, meOnB);
    expect(status).toBe(401);
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('answers inactive at introspection on B, within one second, for the family of a refresh token replayed on A', async () => {
    const party = await createParty(a);
    const first = await signInAndExchange(a, party, 'notes:read');
    const rotated = await refresh(a, party.client, first.refresh_token!);
    expect(rotated.status).toBe(200);
    const token = rotated.body.access_token as string;
    expect(await introspect(b, party.client, token)).toMatchObject({ active: true });
    const replayOnA = async () => expect((await refresh(a, party.client, first.refresh_token!)).body.error).toBe('invalid_grant');
    // Introspection answers from B's deny set, as its guards do: 401 stands for `active: false`.
    const introspectOnB = async () => ((await introspect(b, party.client, token)).active === false ? 401 : 200);
    const { status, elapsedMs } = await timeUntilRefused(replayOnA, introspectOnB);
    expect(status).toBe(401);
    expect(await introspect(b, party.client, token)).toEqual({ active: false });
    expect(elapsedMs).toBeLessThan(1000);
  });

  if (name.startsWith('postgres')) {
    it('keeps enforcing after its LISTEN connection is killed', async () => {
      const admin = new PgClient({ connectionString: process.env.TEST_POSTGRES_URL });
      await admin.connect();
      try {
        const killed = await admin.query('SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = $1', [
          b.get(DenyListService).listenerName,
        ]);
        expect(killed.rowCount).toBe(1);
      } finally {
        await admin.end();
      }
      const token = await mintAccessToken(b, { claims: { sid: 'after-listener-loss' } });
      const denyOnA = () => a.get(RevocationLogService).deny('sid', 'after-listener-loss', new Date(Date.now() + 600_000));
      const meOnB = async () => (await b.http().get('/api/me').set('Authorization', `Bearer ${token}`)).status;
      const { status, elapsedMs } = await timeUntilRefused(denyOnA, meOnB, POSTGRES_SAFETY_POLL_MS * 3);
      expect(status).toBe(401);
      // Reconnection with backoff, or at worst the next safety poll: within one poll interval,
      // with room for the catch-up query on a loaded machine.
      expect(elapsedMs).toBeLessThan(POSTGRES_SAFETY_POLL_MS + 2_000);
    });
  }
});
