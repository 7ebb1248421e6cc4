import { Writable } from 'node:stream';
import { PARAMS_PROVIDER_TOKEN } from 'nestjs-pino';
import { FixedClock } from '../../src/common/clock';
import { AppConfig } from '../../src/config/app-config';
import { loggerOptions } from '../../src/logging/logger-options';
import { AuditPurgeJob } from '../../src/operations/audit/audit-purge.job';
import { AuditTrail } from '../../src/operations/audit/audit-trail';
import { mintAccessToken } from '../support/access-tokens';
import { createParty, exchangeCode, obtainCode, Party, refresh, signInAndExchange } from '../support/token-helpers';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';

const AUTH = { Authorization: `Bearer ${ADMIN_KEY}` };
const DAY_SECONDS = 86_400;

/** Every log line the app writes, as parsed JSON. */
class LogCapture extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  raw = '';
  _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.raw += chunk.toString();
    for (const line of chunk.toString().split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
    done();
  }
}

// One stream for the whole file: nestjs-pino keeps its out-of-request logger process-wide.
const logs = new LogCapture();

describe.each(databases)('audit trail on %s', (name, databaseUrl) => {
  let app: TestApp;
  let party: Party;
  const clock = new FixedClock(new Date());
  beforeAll(async () => {
    app = await createTestApp({
      databaseUrl,
      clock,
      env: { AUDIT_RETENTION_DAYS: '30' },
      // The production logger at level warn, written to a stream the test reads.
      override: (builder) =>
        builder.overrideProvider(PARAMS_PROVIDER_TOKEN).useValue({ pinoHttp: [loggerOptions({ logLevel: 'warn' } as AppConfig).pinoHttp, logs] }),
    });
    party = await createParty(app, { grant_types: ['authorization_code', 'refresh_token'], scope: 'openid offline_access' });
  });
  afterAll(() => app.close());

  const events = (query: Record<string, string | number> = {}) => app.http().get('/admin/events').query(query).set(AUTH);

  it('records refresh token reuse and code replay, readable by type, client and user', async () => {
    const first = await signInAndExchange(app, party);
    expect((await refresh(app, party.client, first.refresh_token!)).status).toBe(200);
    expect((await refresh(app, party.client, first.refresh_token!)).status).toBe(400);
    const code = await obtainCode(app, party);
    expect((await exchangeCode(app, party, code)).status).toBe(200);
    expect((await exchangeCode(app, party, code)).status).toBe(400);

    const reuse = await events({ type: 'refresh_token_reuse', client_id: party.client.client_id });
    expect(reuse.status).toBe(200);
    expect(reuse.body).toMatchObject({ total: 1, offset: 0, limit: 20 });
    expect(reuse.body.items[0]).toEqual({
      id: expect.any(String),
      type: 'refresh_token_reuse',
      created_at: Math.floor(clock.now().getTime() / 1000),
      actor: null,
      action: null,
      target: null,
      client_id: party.client.client_id,
      user_id: party.user.id,
      family_id: expect.any(String),
      ip: expect.any(String),
      detail: { family_revoked: true },
    });
    const ofUser = await events({ user_id: party.user.id });
    expect(ofUser.body.items.map((event: { type: string }) => event.type).sort()).toEqual(['code_replay', 'refresh_token_reuse']);
    expect(JSON.stringify(ofUser.body)).not.toContain(first.refresh_token);
  });

  it('streams each event to the log at warn as it is recorded', async () => {
    const event = await app.get(AuditTrail).record({ kind: 'sign_in_lockout', ip: '203.0.113.9', detail: { failures: 5, reason: `log test ${name}` } });
    const line = logs.lines.find((entry) => entry.msg === 'security event' && (entry.event as { id?: string })?.id === event.id);
    expect(line).toMatchObject({ level: 40, event: { type: 'sign_in_lockout', ip: '203.0.113.9', detail: { failures: 5 } } });
  });

  it('records each change through the admin API with who, what, on what and from where, but no reads and no secrets', async () => {
    const created = await app.http().post('/admin/clients').set(AUTH).send({ client_name: 'Audited', scope: 'openid', grant_types: ['client_credentials'] });
    expect(created.status).toBe(201);
    expect((await app.http().get(`/admin/clients/${created.body.client_id}`).set(AUTH)).status).toBe(200);
    const rotated = await app.http().post(`/admin/clients/${created.body.client_id}/secret`).set(AUTH).send({});
    expect(rotated.status).toBe(200);
    // An admin access token instead of the key: the actor is its subject and client.
    const token = await mintAccessToken(app, { claims: { sub: 'ops-person', client_id: 'ops-console', scope: 'admin' } });
    expect((await app.http().delete(`/admin/clients/${created.body.client_id}`).set('Authorization', `Bearer ${token}`)).status).toBe(204);
    const user = await app.http().post('/admin/users').set(AUTH).send({ email: `audited-${name}@example.com`, password: 'correct horse battery staple' });
    expect(user.status).toBe(201);

    const res = await events({ type: 'admin_action', limit: 100 });
    expect(res.status).toBe(200);
    const actions = res.body.items.map((event: Record<string, unknown>) => [event.action, event.target, event.actor]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['POST /admin/clients', created.body.client_id, 'admin_key'],
        ['POST /admin/clients/:client_id/secret', created.body.client_id, 'admin_key'],
        ['DELETE /admin/clients/:client_id', created.body.client_id, 'sub:ops-person client:ops-console'],
        ['POST /admin/users', user.body.id, 'admin_key'],
      ]),
    );
    expect(actions.some(([action]: string[]) => action.startsWith('GET '))).toBe(false);
    expect(res.body.items.every((event: { ip: string | null }) => typeof event.ip === 'string' && event.ip.length > 0)).toBe(true);
    const body = JSON.stringify(res.body);
    for (const secret of [created.body.client_secret, rotated.body.client_secret, 'correct horse battery staple', ADMIN_KEY]) expect(body).not.toContain(secret);
  });

  it('pages newest first and filters by time', async () => {
    const start = Math.floor(clock.now().getTime() / 1000);
    clock.advance(60);
    const later = await app.get(AuditTrail).record({ kind: 'client_auth_failures', clientId: 'paging-client', detail: { failures: 20 } });
    clock.advance(60);
    const latest = await app.get(AuditTrail).record({ kind: 'client_auth_failures', clientId: 'paging-client', detail: { failures: 40 } });

    const page = await events({ client_id: 'paging-client', limit: 1 });
    expect(page.body).toMatchObject({ total: 2, offset: 0, limit: 1, items: [{ id: latest.id }] });
    const next = await events({ client_id: 'paging-client', limit: 1, offset: 1 });
    expect(next.body.items.map((event: { id: string }) => event.id)).toEqual([later.id]);
    const window = await events({ since: start + 30, until: start + 90 });
    expect(window.body.items.map((event: { id: string }) => event.id)).toEqual([later.id]);
  });

  it.each([
    ['type', 'no_such_type'],
    ['limit', '0'],
    ['limit', '101'],
    ['offset', '-1'],
    ['offset', '1e21'],
    ['since', 'yesterday'],
    ['colour', 'blue'],
  ])('answers 400 naming %s=%s', async (field, value) => {
    const res = await events({ [field]: value });
    expect(res.status).toBe(400);
    expect(res.body.message.join('\n')).toContain(field);
  });

  it('answers 401 without admin credentials', async () => {
    expect((await app.http().get('/admin/events')).status).toBe(401);
  });

  it('deletes events older than AUDIT_RETENTION_DAYS, keeping the newer ones', async () => {
    const old = await app.get(AuditTrail).record({ kind: 'sign_in_lockout', userId: 'retention-user' });
    clock.advance(20 * DAY_SECONDS);
    const recent = await app.get(AuditTrail).record({ kind: 'sign_in_lockout', userId: 'retention-user' });
    clock.advance(11 * DAY_SECONDS); // `old` is 31 days old now, `recent` 11
    expect(await app.get(AuditPurgeJob).purge()).toBeGreaterThanOrEqual(1);
    const left = await events({ user_id: 'retention-user' });
    expect(left.body.items.map((event: { id: string }) => event.id)).toEqual([recent.id]);
    expect(old.id).not.toBe(recent.id);
  });
});
