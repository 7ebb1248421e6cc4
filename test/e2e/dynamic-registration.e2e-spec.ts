import { authorize, createUser } from '../support/authorize-flow';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';

const nativeApp = { client_name: 'Native notes', redirect_uris: ['http://127.0.0.1:49152/callback'], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none', scope: 'notes:read' };

describe.each(databases)('dynamic client registration (RFC 7591/7592) on %s', (_name, databaseUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl, env: { DYNAMIC_REGISTRATION: 'open' } });
  });
  afterAll(() => app.close());

  it('lists the registration endpoint in the discovery metadata', async () => {
    const res = await app.http().get('/.well-known/oauth-authorization-server');
    expect(res.body.registration_endpoint).toBe(`${app.config.issuer}/register`);
  });

  it('registers a public native client that signs a user in, reads and updates itself, and is listed with its origin', async () => {
    const res = await app.http().post('/register').send(nativeApp);
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual(expect.objectContaining({ client_id: expect.any(String), registration_access_token: expect.any(String), token_endpoint_auth_method: 'none', scope: 'notes:read' }));
    expect(res.body.client_secret).toBeUndefined();
    expect(res.body.registration_client_uri).toBe(`${app.config.issuer}/register/${res.body.client_id}`);
    const path = new URL(res.body.registration_client_uri).pathname;
    const token = res.body.registration_access_token as string;

    const flow = await authorize(app, { client_id: res.body.client_id, redirect_uri: 'http://127.0.0.1:49152/callback', scope: 'notes:read', user: await createUser(app) });
    expect(flow.code).toBeDefined();

    const read = await app.http().get(path).set('Authorization', `Bearer ${token}`);
    expect(read.status).toBe(200);
    expect(read.body.client_name).toBe('Native notes');

    const put = await app.http().put(path).set('Authorization', `Bearer ${token}`).send({ ...nativeApp, client_id: res.body.client_id, client_name: 'Renamed' });
    expect(put.status).toBe(200);
    expect(put.body.client_name).toBe('Renamed');

    const listed = await app.http().get('/admin/clients?limit=100').set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(listed.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ client_id: res.body.client_id, origin: 'registration' })]));
  });

  it('gives a confidential client its secret once, and forgets the client and its token after DELETE', async () => {
    const res = await app.http().post('/register').send({ redirect_uris: ['https://app.example.com/cb'], grant_types: ['authorization_code', 'client_credentials'], scope: 'notes:read' });
    expect(res.status).toBe(201);
    expect(res.body.client_secret).toEqual(expect.any(String));
    expect(res.body.token_endpoint_auth_method).toBe('client_secret_basic');
    const path = new URL(res.body.registration_client_uri).pathname;
    const token = await app.http().post('/token').type('form').auth(res.body.client_id, res.body.client_secret).send({ grant_type: 'client_credentials', scope: 'notes:read' });
    expect(token.status).toBe(200);

    expect((await app.http().delete(path).set('Authorization', `Bearer ${res.body.registration_access_token}`)).status).toBe(204);
    const after = await app.http().get(path).set('Authorization', `Bearer ${res.body.registration_access_token}`);
    expect(after.status).toBe(401);
    expect(after.body.error).toBe('invalid_token');
  });

  it('gives no scope beyond openid when none is asked for', async () => {
    const res = await app.http().post('/register').send({ redirect_uris: ['https://app.example.com/cb'] });
    expect(res.status).toBe(201);
    expect(res.body.scope).toBe('openid');
  });

  it('answers 401 to a missing or wrong registration access token, and to another client\'s', async () => {
    const first = await app.http().post('/register').send(nativeApp);
    const second = await app.http().post('/register').send(nativeApp);
    const path = new URL(first.body.registration_client_uri).pathname;
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${second.body.registration_access_token}`]) {
      const req = app.http().get(path);
      const res = await (authorization ? req.set('Authorization', authorization) : req);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
    }
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['1 000 redirect URIs', { redirect_uris: Array.from({ length: 1000 }, (_, i) => `https://app.example.com/cb/${i}`) }, 'invalid_client_metadata'],
    ['an unknown grant type', { redirect_uris: ['https://app.example.com/cb'], grant_types: ['password'] }, 'invalid_client_metadata'],
    ['a javascript: redirect URI', { redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
    ['a plain http redirect URI off loopback', { redirect_uris: ['http://app.example.com/cb'] }, 'invalid_redirect_uri'],
    ['no redirect URI for the code grant', { grant_types: ['authorization_code'] }, 'invalid_redirect_uri'],
    ['an unknown scope', { redirect_uris: ['https://app.example.com/cb'], scope: 'openid launch:missiles' }, 'invalid_client_metadata'],
    ['an unknown authentication method', { redirect_uris: ['https://app.example.com/cb'], token_endpoint_auth_method: 'tls_client_auth' }, 'invalid_client_metadata'],
    ['a public client with client_credentials', { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }, 'invalid_client_metadata'],
    ['redirect_uris that are not a list', { redirect_uris: 'https://app.example.com/cb' }, 'invalid_client_metadata'],
  ])('refuses a registration with %s', async (_case, body, error) => {
    const res = await app.http().post('/register').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(error);
  });

  it('throttles registrations per address', async () => {
    const throttled = await createTestApp({ databaseUrl, env: { DYNAMIC_REGISTRATION: 'open' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await throttled.http().post('/register').send(nativeApp)).status);
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201));
      expect(statuses[10]).toBe(429);
    } finally {
      await throttled.close();
    }
  });
});

describe.each(databases)('dynamic registration behind initial access tokens on %s', (_name, databaseUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl, env: { DYNAMIC_REGISTRATION: 'token' } });
  });
  afterAll(() => app.close());

  it('registers only with a live initial access token, and only as often as it allows', async () => {
    expect((await app.http().post('/register').send(nativeApp)).status).toBe(401);
    const made = await app.http().post('/admin/initial-access-tokens').set('Authorization', `Bearer ${ADMIN_KEY}`).send({ expires_in: 600, max_uses: 1 });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ token: expect.any(String), expires_at: expect.any(Number) });
    const first = await app.http().post('/register').set('Authorization', `Bearer ${made.body.token}`).send(nativeApp);
    expect(first.status).toBe(201);
    const second = await app.http().post('/register').set('Authorization', `Bearer ${made.body.token}`).send(nativeApp);
    expect(second.status).toBe(401);
    expect(second.body.error).toBe('invalid_token');
  });
});

describe('dynamic registration turned off', () => {
  it('has no registration endpoint in discovery, and refuses registrations', async () => {
    const app = await createTestApp();
    try {
      expect((await app.http().get('/.well-known/oauth-authorization-server')).body.registration_endpoint).toBeUndefined();
      const res = await app.http().post('/register').send(nativeApp);
      expect(res.status).toBe(400);
    } finally {
      await app.close();
    }
  });
});
