import { Client as PgClient } from 'pg';
import { DenyListService } from '../../src/revocation-log/deny-list.service';
import { registerResourceServerClient } from '../support/access-tokens';
import { authorize } from '../support/authorize-flow';
import { createParty, Party, refresh, revoke, signInAndExchange, tokenRequest } from '../support/token-helpers';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';
import { eventually } from '../support/timing';

const AUTH = { Authorization: `Bearer ${ADMIN_KEY}` };
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

const CONTRACT_METRICS = [
  'oauth_tokens_issued_total',
  'oauth_refresh_rotations_total',
  'oauth_refresh_reuse_detected_total',
  'oauth_client_auth_failures_total',
  'oauth_login_failures_total',
  'oauth_revocation_feed_subscribers',
  'oauth_deny_set_entries',
  'oauth_revocation_log_lag_seconds',
  'http_request_duration_seconds',
];

/** The value of one sample in Prometheus text format; 0 when the series is absent. */
function sample(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((entry) => entry.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

async function scrape(app: TestApp): Promise<string> {
  const res = await app.http().get('/metrics');
  expect(res.status).toBe(200);
  return res.text;
}

describe.each(databases)('metrics on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let party: Party;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl, listen: true });
    party = await createParty(app, { grant_types: ['authorization_code', 'refresh_token'], scope: 'openid offline_access' });
  });
  afterAll(() => app.close());

  it('serves every contract metric in Prometheus text format', async () => {
    const res = await app.http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    for (const name of CONTRACT_METRICS) expect(res.text).toContain(`# TYPE ${name} `);
    expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
  });

  it('counts tokens by grant type, rotations, reuse, failed client authentications and failed sign-ins', async () => {
    const before = await scrape(app);
    const first = await signInAndExchange(app, party);
    const second = await refresh(app, party.client, first.refresh_token!);
    expect(second.status).toBe(200);
    expect((await refresh(app, party.client, first.refresh_token!)).status).toBe(400); // reuse
    const wrongSecret = await tokenRequest(app, { ...party.client, client_secret: 'not-the-secret' }, { grant_type: 'refresh_token', refresh_token: 'x' });
    expect(wrongSecret.status).toBe(401);
    await expect(
      authorize(app, { client_id: party.client.client_id, redirect_uri: party.client.redirect_uri, user: { email: party.user.email, password: 'wrong password 123' } }),
    ).rejects.toThrow(/ended with 400/);

    const after = await scrape(app);
    const delta = (name: string, labels?: string) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('oauth_tokens_issued_total', 'grant_type="authorization_code"')).toBe(1);
    expect(delta('oauth_tokens_issued_total', 'grant_type="refresh_token"')).toBe(1);
    expect(delta('oauth_refresh_rotations_total')).toBe(1);
    expect(delta('oauth_refresh_reuse_detected_total')).toBe(1);
    expect(delta('oauth_client_auth_failures_total')).toBe(1);
    expect(delta('oauth_login_failures_total')).toBe(1);
  });

  it('labels request durations with the route pattern, never the raw path', async () => {
    const { client_id: clientId } = party.client;
    expect((await app.http().get(`/admin/clients/${clientId}`).set(AUTH)).status).toBe(200);
    expect((await app.http().get('/no/such/path/0123456789')).status).toBe(404);
    const text = await scrape(app);
    expect(sample(text, 'http_request_duration_seconds_count', 'route="/admin/clients/:client_id",method="GET",status="200"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'http_request_duration_seconds_count', 'route="unmatched",method="GET",status="404"')).toBeGreaterThanOrEqual(1);
    // Cumulative buckets: +Inf holds every observation.
    const unmatched = 'route="unmatched",method="GET",status="404"';
    expect(sample(text, 'http_request_duration_seconds_bucket', `${unmatched},le="+Inf"`)).toBe(sample(text, 'http_request_duration_seconds_count', unmatched));
    expect(sample(text, 'http_request_duration_seconds_bucket', `${unmatched},le="10"`)).toBeLessThanOrEqual(sample(text, 'http_request_duration_seconds_count', unmatched));
    expect(text).not.toContain(clientId);
    expect(text).not.toContain('0123456789');
  });

  it('gauges the deny set and the feed subscribers when scraped', async () => {
    const tokens = await signInAndExchange(app, party);
    expect((await revoke(app, party.client, tokens.access_token)).status).toBe(200);
    const denied = app.get(DenyListService);
    await eventually(() => denied.denialCount > 0);
    const feedClient = await registerResourceServerClient(app);
    const abort = new AbortController();
    const stream = await fetch(`${app.baseUrl}/revocations/stream`, { headers: { Authorization: feedClient.basic }, signal: abort.signal });
    try {
      expect(stream.status).toBe(200);
      const text = await scrape(app);
      expect(sample(text, 'oauth_revocation_feed_subscribers')).toBe(1);
      expect(sample(text, 'oauth_deny_set_entries')).toBe(denied.denialCount);
      expect(sample(text, 'oauth_revocation_log_lag_seconds')).toBeGreaterThanOrEqual(0);
    } finally {
      abort.abort();
    }
  });

  it('keeps the metrics of each app apart: a second app in the same process starts from zero', async () => {
    const other = await createTestApp({ databaseUrl });
    try {
      expect(sample(await scrape(app), 'oauth_tokens_issued_total', 'grant_type="authorization_code"')).toBeGreaterThan(0);
      expect(sample(await scrape(other), 'oauth_tokens_issued_total', 'grant_type="authorization_code"')).toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe('metrics behind METRICS_TOKEN', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { METRICS_TOKEN } });
  });
  afterAll(() => app.close());

  it('answers 401 with a Bearer challenge without the token or with a wrong one', async () => {
    const missing = await app.http().get('/metrics');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(missing.text).not.toContain('oauth_');
    const wrong = await app.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN.replace(/f$/, 'e')}`);
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain('oauth_');
  });

  it('serves the metrics with the right token', async () => {
    const res = await app.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('# TYPE oauth_tokens_issued_total counter');
  });
});

describe.each(databases)('health probes on %s', (name, databaseUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
  });
  afterAll(() => app.close());

  it('answers liveness at /health/live', async () => {
    const res = await app.http().get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok' });
  });

  it('answers readiness with the database up and the revocation log followed', async () => {
    const res = await app.http().get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, revocation_log: { status: 'up' } } });
  });

  if (name === 'postgres') {
    it('answers 503 to readiness while the LISTEN connection is down, and 200 once it is back', async () => {
      const admin = new PgClient({ connectionString: process.env.TEST_POSTGRES_URL });
      await admin.connect();
      const listenerName = app.get(DenyListService).listenerName;
      const cut = () => admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [listenerName]);
      try {
        // The listener reconnects with a backoff; cut it until a probe sees it down.
        let ready = 200;
        const deadline = Date.now() + 10_000;
        while (ready !== 503 && Date.now() < deadline) {
          await cut();
          const res = await app.http().get('/health/ready');
          ready = res.status;
          if (ready === 503) expect(res.body).toMatchObject({ status: 'error', error: { revocation_log: { status: 'down' } } });
        }
        expect(ready).toBe(503);
        expect((await app.http().get('/health/live')).status).toBe(200);
        // Left alone, it reconnects and readiness follows.
        await eventually(() => app.get(DenyListService).isFollowingLog(), 15_000);
        expect((await app.http().get('/health/ready')).status).toBe(200);
      } finally {
        await admin.end();
      }
    }, 30_000);
  }
});
