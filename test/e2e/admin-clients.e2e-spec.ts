import { DataSource } from 'typeorm';
import { sha256 } from '../../src/common/crypto/hashing';
import { FixedClock } from '../../src/common/clock';
import { ClientAuthenticator } from '../../src/clients/client-authenticator';
import { ClientsService } from '../../src/clients/clients.service';
import { RevocationLogService } from '../../src/revocation-log/revocation-log.service';
import { mintAccessToken, mintWithForeignKey } from '../support/access-tokens';
import { createClient } from '../support/authorize-flow';
import { createParty, introspect, signInAndExchange, tokenRequest } from '../support/token-helpers';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';

const AUTH = { Authorization: `Bearer ${ADMIN_KEY}` };

const webApp = {
  client_name: 'Notes web app',
  redirect_uris: ['https://notes.example.com/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  scope: 'openid notes:read notes:write offline_access',
  token_endpoint_auth_method: 'client_secret_basic',
};

describe.each(databases)('admin API for clients on %s', (_name, databaseUrl) => {
  let app: TestApp;
  const clock = new FixedClock();
  beforeAll(async () => {
    // Many wrong keys on purpose, all from one address: the brute-force limit is tested elsewhere.
    app = await createTestApp({ databaseUrl, clock, env: { CLIENT_SECRET_ROTATION_OVERLAP: '3600', ADMIN_AUTH_MAX_FAILURES_PER_IP: '1000' } });
  });
  afterAll(() => app.close());

  const register = async (body: object = webApp) => {
    const res = await app.http().post('/admin/clients').set(AUTH).send(body);
    expect(res.status).toBe(201);
    return res.body as Record<string, unknown> & { client_id: string; client_secret?: string };
  };
  const rowOf = async (clientId: string): Promise<Record<string, unknown>> => {
    const [row] = await app.get(DataSource).query(
      `SELECT * FROM clients WHERE client_id = ${app.config.database.type === 'sqlite' ? '?' : '$1'}`,
      [clientId],
    );
    return row;
  };
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  const authenticates = async (clientId: string, secret: string): Promise<boolean> =>
    app
      .get(ClientAuthenticator)
      .authenticate({ authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, body: {} })
      .then(() => true)
      .catch(() => false);

  describe('POST /admin/clients', () => {
    it('registers a confidential client and shows its 256-bit secret once', async () => {
      const res = await app.http().post('/admin/clients').set(AUTH).send(webApp);
      expect(res.status).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toMatchObject({ ...webApp, skip_consent: false, client_secret_expires_at: 0 });
      expect(res.body.client_id).toMatch(/^[A-Za-z0-9_-]{22,}$/);
      expect(Buffer.from(res.body.client_secret, 'base64url')).toHaveLength(32);
      expect(res.body.client_id_issued_at).toBe(Math.floor(clock.now().getTime() / 1000));
      const shown = await app.http().get(`/admin/clients/${res.body.client_id}`).set(AUTH);
      expect(shown.status).toBe(200);
      expect(shown.body).not.toHaveProperty('client_secret');
    });

    it('stores only the SHA-256 of the secret, never the secret itself', async () => {
      const { client_id, client_secret } = await register();
      const row = await rowOf(client_id);
      expect(row.secret_hash).toBe(sha256(client_secret!));
      expect(JSON.stringify(row)).not.toContain(client_secret);
      expect(await authenticates(client_id, client_secret!)).toBe(true);
    });

    it('gives every client a different unguessable id and secret', async () => {
      const [a, b] = await Promise.all([register(), register()]);
      expect(a.client_id).not.toBe(b.client_id);
      expect(a.client_secret).not.toBe(b.client_secret);
    });

    it('registers a public client without a secret', async () => {
      const body = await register({
        client_name: 'Native app',
        redirect_uris: ['com.example.notes:/callback', 'http://127.0.0.1:51004/cb'],
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid notes:read',
        token_endpoint_auth_method: 'none',
      });
      expect(body).not.toHaveProperty('client_secret');
      expect(body.token_endpoint_auth_method).toBe('none');
      expect((await rowOf(body.client_id)).secret_hash).toBeNull();
    });

    it('applies the RFC 7591 defaults: authorization_code, client_secret_basic, consent shown', async () => {
      const body = await register({ client_name: 'Minimal', redirect_uris: ['https://m.example.com/cb'], scope: 'openid' });
      expect(body).toMatchObject({
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
        skip_consent: false,
      });
      expect(typeof body.client_secret).toBe('string');
    });

    it('registers a first-party client with skip_consent and a service client with client_credentials only', async () => {
      const firstParty = await register({ ...webApp, skip_consent: true });
      expect(firstParty.skip_consent).toBe(true);
      const service = await register({
        client_name: 'Reporting job',
        grant_types: ['client_credentials'],
        scope: 'notes:read',
        token_endpoint_auth_method: 'client_secret_post',
      });
      expect(service).toMatchObject({ redirect_uris: [], grant_types: ['client_credentials'] });
    });
  });

  describe('validation of the metadata', () => {
    const refused = async (body: object, ...fields: RegExp[]) => {
      const res = await app.http().post('/admin/clients').set(AUTH).send(body);
      expect(res.status).toBe(400);
      expect(Array.isArray(res.body.message)).toBe(true);
      for (const field of fields) expect(res.body.message.join('\n')).toMatch(field);
      return res.body.message as string[];
    };

    it.each([
      ['a relative URI', 'callback', /redirect_uris\[0\] must be an absolute URI/],
      ['a fragment', 'https://notes.example.com/cb#top', /redirect_uris\[0\] must not contain a fragment/],
      ['plain http on a public host', 'http://notes.example.com/cb', /redirect_uris\[0\] must use https/],
      ['a javascript: URI', 'javascript:alert(1)', /redirect_uris\[0\] must use https, loopback http, or a private-use/],
      ['a scheme that is not reverse-domain', 'notes:/cb', /redirect_uris\[0\] must use https, loopback http, or a private-use/],
    ])('refuses a redirect URI with %s', async (_what, uri, message) => {
      await refused({ ...webApp, redirect_uris: [uri] }, message);
    });

    it('names the position of the bad redirect URI', async () => {
      await refused({ ...webApp, redirect_uris: ['https://ok.example.com/cb', 'http://bad.example.com/cb'] }, /redirect_uris\[1\]/);
    });

    it('refuses redirect_uris that is not an array of strings', async () => {
      await refused({ ...webApp, redirect_uris: 'https://notes.example.com/cb' }, /redirect_uris must be an array/);
      await refused({ ...webApp, redirect_uris: [42] }, /redirect_uris\[0\] must be a string/);
    });

    it('refuses an unknown grant type, an empty list and duplicates', async () => {
      await refused({ ...webApp, grant_types: ['password'] }, /grant_types must be one of/);
      await refused({ ...webApp, grant_types: ['implicit', 'authorization_code'] }, /grant_types must be one of/);
      await refused({ ...webApp, grant_types: [] }, /grant_types should not be empty/);
      await refused({ ...webApp, grant_types: ['authorization_code', 'authorization_code'] }, /grant_types.*unique/);
    });

    it('refuses an unknown token_endpoint_auth_method', async () => {
      await refused({ ...webApp, token_endpoint_auth_method: 'private_key_jwt' }, /token_endpoint_auth_method must be one of/);
    });

    it('refuses client_credentials for a public client', async () => {
      await refused(
        { ...webApp, grant_types: ['authorization_code', 'client_credentials'], token_endpoint_auth_method: 'none' },
        /grant_types must not contain client_credentials for a public client/,
      );
    });

    it('refuses authorization_code without a redirect URI, and refresh_token without authorization_code', async () => {
      await refused({ ...webApp, redirect_uris: [] }, /redirect_uris must contain at least one URI/);
      await refused(
        { ...webApp, grant_types: ['client_credentials', 'refresh_token'] },
        /grant_types must contain authorization_code when it contains refresh_token/,
      );
    });

    it('refuses unknown, repeated or badly separated scope tokens', async () => {
      await refused({ ...webApp, scope: 'openid notes:delete' }, /scope has unknown scopes: notes:delete/);
      await refused({ ...webApp, scope: 'openid openid' }, /scope must not repeat a scope/);
      await refused({ ...webApp, scope: 'openid  profile' }, /scope must be scope tokens separated by single spaces/);
      await refused({ ...webApp, scope: '' }, /scope must be scope tokens/);
      await refused({ ...webApp, scope: ['openid'] }, /scope must be a string/);
    });

    it('refuses a missing or overlong client_name and a non-boolean skip_consent', async () => {
      const { client_name: _omitted, ...nameless } = webApp;
      await refused(nameless, /client_name must be a string/);
      await refused({ ...webApp, client_name: 'x'.repeat(201) }, /client_name must be shorter than or equal to 200/);
      await refused({ ...webApp, skip_consent: 'yes' }, /skip_consent must be a boolean/);
    });

    it('refuses fields it does not know, and names every bad field at once', async () => {
      const messages = await refused(
        // Whether a well-formed scope exists is asked of the resource registry once the body is valid.
        { ...webApp, client_secret: 'chosen-by-caller', scope: 'bad"scope', grant_types: ['password'] },
        /property client_secret should not exist/,
        /scope must be scope tokens/,
        /grant_types must be one of/,
      );
      expect(messages.length).toBeGreaterThanOrEqual(3);
    });

    it('refuses a body that is not a JSON object', async () => {
      const res = await app.http().post('/admin/clients').set(AUTH).send([webApp]);
      expect(res.status).toBe(400);
      expect(res.body.message.join('\n')).toMatch(/client_name/);
    });
  });

  describe('GET /admin/clients', () => {
    it('pages through the clients oldest first, with the total', async () => {
      const paged = await createTestApp({ databaseUrl, clock: new FixedClock() });
      try {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const res = await paged.http().post('/admin/clients').set(AUTH).send({ ...webApp, client_name: `app ${i}` });
          ids.push(res.body.client_id);
        }
        const first = await paged.http().get('/admin/clients?limit=2').set(AUTH);
        expect(first.status).toBe(200);
        expect(first.body).toMatchObject({ total: 5, offset: 0, limit: 2 });
        const last = await paged.http().get('/admin/clients?offset=4&limit=2').set(AUTH);
        expect(last.body).toMatchObject({ total: 5, offset: 4, limit: 2 });
        const all = await paged.http().get('/admin/clients').set(AUTH);
        expect(all.body).toMatchObject({ total: 5, offset: 0, limit: 20 });
        expect(all.body.items.map((c: { client_id: string }) => c.client_id).sort()).toEqual([...ids].sort());
        const pages = [...first.body.items, ...(await paged.http().get('/admin/clients?offset=2&limit=2').set(AUTH)).body.items, ...last.body.items];
        expect(pages.map((c: { client_id: string }) => c.client_id)).toEqual(all.body.items.map((c: { client_id: string }) => c.client_id));
        for (const item of all.body.items) {
          expect(item).not.toHaveProperty('client_secret');
          expect(Object.keys(item).join(' ')).not.toMatch(/hash/i);
        }
      } finally {
        await paged.close();
      }
    });

    it.each([['limit=0'], ['limit=101'], ['offset=-1'], ['limit=ten'], ['sort=name']])('refuses the query %s', async (query) => {
      const res = await app.http().get(`/admin/clients?${query}`).set(AUTH);
      expect(res.status).toBe(400);
      expect(res.body.message.join('\n')).toMatch(new RegExp(query.split('=')[0]));
    });
  });

  describe('GET, PATCH and DELETE /admin/clients/:client_id', () => {
    it('reads a client without any secret or hash', async () => {
      const { client_id, client_secret } = await register();
      const res = await app.http().get(`/admin/clients/${client_id}`).set(AUTH);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ client_id, ...webApp, skip_consent: false });
      expect(Object.keys(res.body).filter((key) => /secret|hash/i.test(key))).toEqual([]);
      expect(JSON.stringify(res.body)).not.toContain(client_secret);
      expect(JSON.stringify(res.body)).not.toContain(sha256(client_secret!));
    });

    it('changes only the fields given and keeps the secret', async () => {
      const { client_id, client_secret } = await register();
      clock.advance(10);
      const res = await app
        .http()
        .patch(`/admin/clients/${client_id}`)
        .set(AUTH)
        .send({ client_name: 'Renamed', redirect_uris: ['https://new.example.com/cb'], skip_consent: true });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        client_name: 'Renamed',
        redirect_uris: ['https://new.example.com/cb'],
        skip_consent: true,
        scope: webApp.scope,
        grant_types: webApp.grant_types,
      });
      expect(res.body.updated_at).toBe(res.body.client_id_issued_at + 10);
      expect((await app.http().get(`/admin/clients/${client_id}`).set(AUTH)).body.client_name).toBe('Renamed');
      expect(await authenticates(client_id, client_secret!)).toBe(true);
    });

    it('switches between client_secret_basic and client_secret_post', async () => {
      const { client_id } = await register();
      const res = await app.http().patch(`/admin/clients/${client_id}`).set(AUTH).send({ token_endpoint_auth_method: 'client_secret_post' });
      expect(res.status).toBe(200);
      expect(res.body.token_endpoint_auth_method).toBe('client_secret_post');
    });

    it('validates a change like a registration, against the merged metadata', async () => {
      const { client_id } = await register();
      const bad = await app.http().patch(`/admin/clients/${client_id}`).set(AUTH).send({ redirect_uris: ['http://evil.example.com/cb'] });
      expect(bad.status).toBe(400);
      expect(bad.body.message.join()).toMatch(/redirect_uris\[0\] must use https/);
      const incoherent = await app.http().patch(`/admin/clients/${client_id}`).set(AUTH).send({ redirect_uris: [] });
      expect(incoherent.status).toBe(400);
      expect(incoherent.body.message.join()).toMatch(/redirect_uris must contain at least one URI/);
      const unknown = await app.http().patch(`/admin/clients/${client_id}`).set(AUTH).send({ client_id: 'mine' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.message.join()).toMatch(/property client_id should not exist/);
      expect((await app.http().get(`/admin/clients/${client_id}`).set(AUTH)).body.redirect_uris).toEqual(webApp.redirect_uris);
    });

    it('refuses to turn a confidential client public or a public one confidential', async () => {
      const { client_id } = await register();
      const res = await app.http().patch(`/admin/clients/${client_id}`).set(AUTH).send({ token_endpoint_auth_method: 'none' });
      expect(res.status).toBe(400);
      expect(res.body.message.join()).toMatch(/token_endpoint_auth_method cannot switch/);
      const pub = await register({ ...webApp, token_endpoint_auth_method: 'none' });
      const back = await app.http().patch(`/admin/clients/${pub.client_id}`).set(AUTH).send({ token_endpoint_auth_method: 'client_secret_basic' });
      expect(back.status).toBe(400);
      expect(back.body.message.join()).toMatch(/token_endpoint_auth_method cannot switch/);
    });

    it('deletes a client: 204, then 404, and its secret no longer authenticates', async () => {
      const { client_id, client_secret } = await register();
      const res = await app.http().delete(`/admin/clients/${client_id}`).set(AUTH);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect((await app.http().get(`/admin/clients/${client_id}`).set(AUTH)).status).toBe(404);
      expect((await app.http().delete(`/admin/clients/${client_id}`).set(AUTH)).status).toBe(404);
      expect(await authenticates(client_id, client_secret!)).toBe(false);
    });

    it('revokes every token of a deleted client: refresh, authorization-code and client-credentials', async () => {
      const party = await createParty(app);
      const service = await createClient(app, { grant_types: ['client_credentials'], redirect_uris: [], scope: 'notes:read' });
      const observer = await createClient(app, { grant_types: ['client_credentials'], redirect_uris: [], scope: 'notes:read' });
      const userTokens = await signInAndExchange(app, party);
      const serviceToken = await tokenRequest(app, service, { grant_type: 'client_credentials' });
      expect(serviceToken.status).toBe(200);
      for (const token of [userTokens.access_token, serviceToken.body.access_token]) {
        expect((await introspect(app, observer, token)).active).toBe(true);
      }
      for (const clientId of [party.client.client_id, service.client_id]) {
        expect((await app.http().delete(`/admin/clients/${clientId}`).set(AUTH)).status).toBe(204);
      }
      for (const token of [userTokens.access_token, userTokens.refresh_token!, serviceToken.body.access_token]) {
        expect((await introspect(app, observer, token)).active).toBe(false);
      }
      expect((await introspect(app, observer, (await tokenRequest(app, observer, { grant_type: 'client_credentials' })).body.access_token)).active).toBe(true);
    });

    it.each([
      ['GET', 'get', undefined],
      ['PATCH', 'patch', { client_name: 'x' }],
      ['DELETE', 'delete', undefined],
      ['POST secret', 'post', {}],
    ] as const)('answers 404 to %s of an unknown client', async (_label, method, body) => {
      const path = method === 'post' ? '/admin/clients/no-such-client/secret' : '/admin/clients/no-such-client';
      const res = await app.http()[method](path).set(AUTH).send(body);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, message: 'no client no-such-client' });
    });
  });

  describe('POST /admin/clients/:client_id/secret', () => {
    it('issues a new secret; the old one works for the configured overlap, then not', async () => {
      const { client_id, client_secret: oldSecret } = await register();
      const res = await app.http().post(`/admin/clients/${client_id}/secret`).set(AUTH).send({});
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const newSecret: string = res.body.client_secret;
      expect(Buffer.from(newSecret, 'base64url')).toHaveLength(32);
      expect(newSecret).not.toBe(oldSecret);
      expect(res.body.previous_secret_expires_at).toBe(Math.floor(clock.now().getTime() / 1000) + 3600);
      const row = await rowOf(client_id);
      expect(row.secret_hash).toBe(sha256(newSecret));
      expect(row.previous_secret_hash).toBe(sha256(oldSecret!));
      expect(JSON.stringify(row)).not.toContain(newSecret);
      expect(await authenticates(client_id, newSecret)).toBe(true);
      expect(await authenticates(client_id, oldSecret!)).toBe(true);
      clock.advance(3601);
      expect(await authenticates(client_id, oldSecret!)).toBe(false);
      expect(await authenticates(client_id, newSecret)).toBe(true);
    });

    it('takes the overlap from the body; 0 retires the old secret at once', async () => {
      const { client_id, client_secret: oldSecret } = await register();
      const res = await app.http().post(`/admin/clients/${client_id}/secret`).set(AUTH).send({ overlap_seconds: 0 });
      expect(res.status).toBe(200);
      expect(res.body).not.toHaveProperty('previous_secret_expires_at');
      expect(await authenticates(client_id, oldSecret!)).toBe(false);
      expect(await authenticates(client_id, res.body.client_secret)).toBe(true);
    });

    it('refuses a rotation based on a secret another rotation already replaced', async () => {
      const { client_id } = await register();
      const clients = app.get(ClientsService);
      const stale = await clients.findById(client_id);
      const first = await clients.rotateSecret(client_id, 0);
      expect(first).toMatchObject({ clientSecret: expect.any(String) });
      // The second rotation read the client before the first one wrote: it must not win.
      const spy = jest.spyOn(clients, 'findById').mockResolvedValueOnce(stale);
      try {
        expect(await clients.rotateSecret(client_id, 0)).toBe('conflict');
      } finally {
        spy.mockRestore();
      }
      expect(await authenticates(client_id, (first as { clientSecret: string }).clientSecret)).toBe(true);
    });

    it('answers ten racing rotations with 200 or 409 only, leaving the newest secret and its predecessor valid', async () => {
      const { client_id, client_secret: original } = await register();
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => app.http().post(`/admin/clients/${client_id}/secret`).set(AUTH).send({ overlap_seconds: 600 })),
      );
      const won = answers.filter((res) => res.status === 200).map((res) => res.body.client_secret as string);
      expect(won.length).toBeGreaterThanOrEqual(1);
      expect(answers.filter((res) => res.status === 409)).toHaveLength(10 - won.length);
      const valid = [];
      for (const secret of [original!, ...won]) if (await authenticates(client_id, secret)) valid.push(secret);
      expect(valid).toHaveLength(2);
      expect(won).toContain(valid[1]);
    });

    it('refuses a bad overlap and a public client', async () => {
      const { client_id } = await register();
      const bad = await app.http().post(`/admin/clients/${client_id}/secret`).set(AUTH).send({ overlap_seconds: -1 });
      expect(bad.status).toBe(400);
      expect(bad.body.message.join()).toMatch(/overlap_seconds must not be less than 0/);
      const pub = await register({ ...webApp, token_endpoint_auth_method: 'none' });
      const none = await app.http().post(`/admin/clients/${pub.client_id}/secret`).set(AUTH).send({});
      expect(none.status).toBe(400);
      expect(none.body.message.join()).toMatch(/public client has no secret/);
    });
  });
  describe('admin authentication', () => {
    it.each([
      ['no Authorization header', undefined],
      ['a wrong key', 'Bearer wrong-admin-key-0123456789'],
      ['the key with one character changed', `Bearer ${ADMIN_KEY.slice(0, -1)}x`],
      ['a prefix of the key', `Bearer ${ADMIN_KEY.slice(0, 8)}`],
      ['the key as Basic credentials', `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString('base64')}`],
      ['the key without a scheme', ADMIN_KEY],
      ['an empty bearer', 'Bearer '],
    ])('answers 401 with a Bearer challenge to %s', async (_what, authorization) => {
      const req = app.http().get('/admin/clients');
      if (authorization !== undefined) req.set('Authorization', authorization);
      const res = await req;
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(res.body.error).toBe('invalid_token');
    });

    it('accepts the key whatever the case of the scheme name', async () => {
      const res = await app.http().get('/admin/clients').set('Authorization', `bearer ${ADMIN_KEY}`);
      expect(res.status).toBe(200);
    });

    it.each([
      ['POST', 'post', '/admin/clients'],
      ['GET one', 'get', '/admin/clients/x'],
      ['PATCH', 'patch', '/admin/clients/x'],
      ['DELETE', 'delete', '/admin/clients/x'],
      ['POST secret', 'post', '/admin/clients/x/secret'],
    ] as const)('guards %s before validating the body or looking up the client', async (_label, method, path) => {
      const res = await app.http()[method](path).set('Authorization', 'Bearer wrong-admin-key-0123456789').send({ bogus: 1 });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    });

    it('accepts an access token of this server with scope admin', async () => {
      const token = await mintAccessToken(app, { claims: { scope: 'openid admin' }, nowSeconds: nowSeconds() });
      const res = await app.http().get('/admin/clients?limit=1').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.body.limit).toBe(1);
    });

    it('answers 403 insufficient_scope to a valid access token without scope admin', async () => {
      const token = await mintAccessToken(app, { claims: { scope: 'notes:read notes:write' }, nowSeconds: nowSeconds() });
      const res = await app.http().get('/admin/clients').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="insufficient_scope".*scope="admin"/);
    });

    it('answers 401 to a forged, expired or revoked admin token', async () => {
      const forged = await mintWithForeignKey(app, { claims: { scope: 'admin' }, nowSeconds: nowSeconds() });
      const expired = await mintAccessToken(app, {
        claims: { scope: 'admin' },
        nowSeconds: nowSeconds() - 3600,
        ttlSeconds: 60,
      });
      const revoked = await mintAccessToken(app, { claims: { scope: 'admin', jti: 'revoked-admin-token' }, nowSeconds: nowSeconds() });
      expect((await app.http().get('/admin/clients').set('Authorization', `Bearer ${revoked}`)).status).toBe(200);
      await app.get(RevocationLogService).deny('jti', 'revoked-admin-token', new Date(clock.now().getTime() + 600_000));
      for (const token of [forged, expired, revoked]) {
        const res = await app.http().get('/admin/clients').set('Authorization', `Bearer ${token}`);
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
      }
    });

    it('answers 401 to every caller, the right key included, when ADMIN_API_KEY is not set', async () => {
      const closed = await createTestApp({ databaseUrl, env: { ADMIN_API_KEY: '' } });
      try {
        expect(closed.config.adminApiKey).toBeUndefined();
        for (const authorization of [`Bearer ${ADMIN_KEY}`, 'Bearer undefined', 'Bearer ']) {
          const res = await closed.http().post('/admin/clients').set('Authorization', authorization).send(webApp);
          expect(res.status).toBe(401);
          expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
        }
        expect((await closed.http().get('/admin/clients')).status).toBe(401);
      } finally {
        await closed.close();
      }
    });
  });
});
