import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { FixedClock } from '../../src/common/clock';
import { authorizationPath, BrowserCookies, createClient, createUser, formField, TestClient } from '../support/authorize-flow';
import { basicAuth } from '../support/token-helpers';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';

const LIMITS = {
  TRUST_PROXY: 'loopback',
  AUTH_THROTTLE_WINDOW: '300',
  CLIENT_AUTH_MAX_FAILURES_PER_IP: '3',
  CLIENT_AUTH_MAX_FAILURES_PER_CLIENT: '5',
  ADMIN_AUTH_MAX_FAILURES_PER_IP: '3',
  LOGIN_THROTTLE_WINDOW: '600',
  LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP: '3',
  LOGIN_MAX_FAILURES_PER_ACCOUNT: '8',
  LOGIN_MAX_FAILURES_PER_IP: '50',
};

/** Brute force against client secrets, the admin key and passwords, from one address or many. */
describe.each(databases)('brute-force throttling on %s', (name, databaseUrl) => {
  let app: TestApp;
  let clock: FixedClock;
  let client: TestClient;
  let warnings: jest.SpyInstance;

  beforeAll(async () => {
    clock = new FixedClock();
    app = await createTestApp({ databaseUrl, clock, env: LIMITS });
    client = await createClient(app, { grant_types: ['client_credentials'], redirect_uris: [], scope: 'notes:read' });
  });
  afterAll(() => app.close());
  beforeEach(async () => {
    await app.get(DataSource).query('DELETE FROM auth_failures');
    await app.get(DataSource).query('DELETE FROM login_failures');
    clock.advance(301); // forget every block learned in memory by earlier tests
    warnings = jest.spyOn(Logger.prototype, 'warn');
  });
  afterEach(() => warnings.mockRestore());

  /** The audit trail's `warn` lines of one action, with their detail spread out. */
  const securityEvents = (action: string) =>
    warnings.mock.calls
      .map(([entry]) => entry as { msg?: string; event?: { action?: string; detail?: Record<string, unknown> } })
      .filter((entry) => entry?.msg === 'security event' && entry.event?.action === action)
      .map(({ event }) => ({ ...event, ...event?.detail }));

  const clientCredentials = (from: string, secret: string, target: TestApp = app, path = '/token') =>
    target
      .http()
      .post(path)
      .type('form')
      .set('X-Forwarded-For', from)
      .set('Authorization', basicAuth(client.client_id, secret))
      .send(path === '/token' ? { grant_type: 'client_credentials' } : { token: 'some-token' });
  const right = () => client.client_secret!;

  describe('client authentication', () => {
    it('refuses an address with 429 and Retry-After after 3 failures, the right secret included, while other addresses get in', async () => {
      expect((await clientCredentials('203.0.113.1', 'wrong')).status).toBe(401);
      expect((await clientCredentials('203.0.113.1', 'wrong', app, '/introspect')).status).toBe(401);
      expect((await clientCredentials('203.0.113.1', 'wrong', app, '/revoke')).status).toBe(401);
      const refused = await clientCredentials('203.0.113.1', 'wrong');
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('300');
      expect(refused.headers['cache-control']).toBe('no-store');
      expect(refused.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.stringMatching(/too many failed client authentications/) });
      expect((await clientCredentials('203.0.113.1', right())).status).toBe(429);
      expect((await clientCredentials('198.51.100.7', right())).status).toBe(200);
    });

    it('turns a client’s wrong answers into 429 after 5 failures from anywhere, while its right secret still works', async () => {
      for (let i = 1; i <= 5; i++) expect((await clientCredentials(`203.0.113.${i}`, 'wrong')).status).toBe(401);
      const throttled = await clientCredentials('203.0.113.6', 'wrong');
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
      expect((await clientCredentials('203.0.113.7', right())).status).toBe(200);
      expect((await clientCredentials('203.0.113.1', right())).status).toBe(200);
    });

    it('lets the address in again once its failures leave the window', async () => {
      for (let i = 0; i < 4; i++) await clientCredentials('203.0.113.9', 'wrong');
      expect((await clientCredentials('203.0.113.9', right())).status).toBe(429);
      clock.advance(301);
      expect((await clientCredentials('203.0.113.9', right())).status).toBe(200);
    });

    it('counts unknown clients and malformed credentials against the address too', async () => {
      const unknown = () =>
        app.http().post('/token').type('form').set('X-Forwarded-For', '203.0.113.20').set('Authorization', basicAuth('no-such-client', 'x')).send({ grant_type: 'client_credentials' });
      for (let i = 0; i < 3; i++) expect((await unknown()).status).toBe(401);
      expect((await unknown()).status).toBe(429);
    });

    it('logs the throttling at warn with client, address and limit, never the secret', async () => {
      for (let i = 0; i < 4; i++) await clientCredentials('203.0.113.30', 'wrong-secret-value');
      const events = securityEvents('client_auth_throttled');
      expect(events).toEqual([expect.objectContaining({ client_id: client.client_id, ip: '203.0.113.30', limit: 3, retry_after_seconds: 300 })]);
      expect(JSON.stringify(warnings.mock.calls)).not.toContain('wrong-secret-value');
    });

    it('counts failures across two instances sharing the store', async () => {
      const shared = name === 'sqlite' ? `sqlite:${join(tmpdir(), `brute-${randomBytes(6).toString('hex')}.sqlite`)}` : app.databaseUrl;
      const first = name === 'sqlite' ? await createTestApp({ databaseUrl: shared, clock, env: LIMITS }) : app;
      const second = await createTestApp({ databaseUrl: first.databaseUrl, clock, env: LIMITS });
      try {
        const sharedClient = name === 'sqlite' ? await createClient(first, { grant_types: ['client_credentials'], redirect_uris: [], scope: 'notes:read' }) : client;
        const attempt = (target: TestApp, secret: string) =>
          target.http().post('/token').type('form').set('X-Forwarded-For', '203.0.113.40').set('Authorization', basicAuth(sharedClient.client_id, secret)).send({ grant_type: 'client_credentials' });
        expect((await attempt(first, 'wrong')).status).toBe(401);
        expect((await attempt(first, 'wrong')).status).toBe(401);
        expect((await attempt(second, 'wrong')).status).toBe(401);
        expect((await attempt(second, 'wrong')).status).toBe(429);
        expect((await attempt(first, 'wrong')).status).toBe(429);
        expect((await attempt(first, sharedClient.client_secret!)).status).toBe(429);
      } finally {
        await second.close();
        if (first !== app) {
          await first.close();
          for (const suffix of ['', '-wal', '-shm']) rmSync(`${shared.slice('sqlite:'.length)}${suffix}`, { force: true });
        }
      }
    });
  });

  describe('admin key', () => {
    const adminCall = (from: string, key: string) => app.http().get('/admin/clients').set('X-Forwarded-For', from).set('Authorization', `Bearer ${key}`);

    it('refuses an address with 429 after 3 wrong keys or tokens, the right key included, while other addresses get in', async () => {
      expect((await adminCall('203.0.113.50', 'not-the-admin-key')).status).toBe(401);
      expect((await adminCall('203.0.113.50', 'not-the-admin-key')).status).toBe(401);
      expect((await adminCall('203.0.113.50', 'a.forged.jwt')).status).toBe(401);
      const refused = await adminCall('203.0.113.50', 'not-the-admin-key');
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('300');
      expect((await adminCall('203.0.113.50', ADMIN_KEY)).status).toBe(429);
      expect((await adminCall('198.51.100.8', ADMIN_KEY)).status).toBe(200);
      const events = securityEvents('admin_auth_throttled');
      expect(events).toEqual([expect.objectContaining({ ip: '203.0.113.50', limit: 3 })]);
      expect(JSON.stringify(warnings.mock.calls)).not.toContain('not-the-admin-key');
    });

    it('does not count a call without credentials as a guess', async () => {
      for (let i = 0; i < 5; i++) expect((await app.http().get('/admin/clients').set('X-Forwarded-For', '203.0.113.51')).status).toBe(401);
      expect((await adminCall('203.0.113.51', ADMIN_KEY)).status).toBe(200);
    });
  });

  describe('sign-in lockout', () => {
    let loginClient: TestClient;
    beforeAll(async () => {
      loginClient = await createClient(app, { skip_consent: true });
    });

    const signIn = async (from: string, email: string, password: string) => {
      const cookies = new BrowserCookies();
      const page = await app.http().get(authorizationPath(loginClient)).set('X-Forwarded-For', from).set('Cookie', cookies.header());
      expect(page.status).toBe(200);
      cookies.store(page);
      return app
        .http()
        .post('/authorize')
        .type('form')
        .set('X-Forwarded-For', from)
        .set('Cookie', cookies.header())
        .send({ request_id: formField(page.text, 'request_id'), csrf_token: formField(page.text, 'csrf_token'), email, password });
    };

    it('locks an account only for the address that failed 3 times: the owner elsewhere still signs in', async () => {
      const user = await createUser(app);
      for (let i = 0; i < 3; i++) expect((await signIn('203.0.113.60', user.email, 'wrong password')).status).toBe(400);
      const locked = await signIn('203.0.113.60', user.email, user.password);
      expect(locked.status).toBe(429);
      expect(locked.headers['retry-after']).toBe('600');
      expect((await signIn('198.51.100.9', user.email, user.password)).status).toBe(302);
      const events = securityEvents('sign_in_throttled');
      expect(events).toEqual([expect.objectContaining({ limit: 'account_and_ip', ip: '203.0.113.60', email: user.email })]);
      expect(JSON.stringify(warnings.mock.calls)).not.toContain(user.password);
    });

    it('locks the account as a whole after 8 failures spread over many addresses', async () => {
      const user = await createUser(app);
      for (let i = 1; i <= 8; i++) expect((await signIn(`203.0.113.${100 + i}`, user.email, 'wrong password')).status).toBe(400);
      const locked = await signIn('198.51.100.10', user.email, user.password);
      expect(locked.status).toBe(429);
      const events = securityEvents('sign_in_throttled');
      expect(events).toEqual([expect.objectContaining({ limit: 'account', ip: '198.51.100.10' })]);
    });
  });
});

describe('TRUST_PROXY off (the default)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { CLIENT_AUTH_MAX_FAILURES_PER_IP: '2' } });
  });
  afterAll(() => app.close());

  it('ignores X-Forwarded-For: every failure counts against the socket address', async () => {
    const attempt = (from: string) =>
      app.http().post('/token').type('form').set('X-Forwarded-For', from).set('Authorization', basicAuth('no-such-client', 'x')).send({ grant_type: 'client_credentials' });
    expect((await attempt('203.0.113.1')).status).toBe(401);
    expect((await attempt('203.0.113.2')).status).toBe(401);
    expect((await attempt('203.0.113.3')).status).toBe(429);
  });
});
