import { DataSource } from 'typeorm';
import { authorizationPath, authorize, BrowserCookies, createClient } from '../support/authorize-flow';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';
import { exchangeCode, introspect, jwtPayload, Party, refresh, signInAndExchange, tokenRequest } from '../support/token-helpers';

const AUTH = { Authorization: `Bearer ${ADMIN_KEY}` };
const PASSWORD = 'correct horse battery staple';

describe.each(databases)('users with roles, and who gets admin, on %s', (_name, databaseUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
  });
  afterAll(() => app.close());

  let counter = 0;
  const uniqueEmail = () => `roles${++counter}-${Date.now()}@example.com`;
  const createUser = async (body: Record<string, unknown> = {}) => {
    const res = await app.http().post('/admin/users').set(AUTH).send({ email: uniqueEmail(), password: PASSWORD, ...body });
    expect(res.status).toBe(201);
    return { ...(res.body as { id: string; email: string; roles: string[] }), password: PASSWORD };
  };
  const adminClientParty = async (user: { id: string; email: string; password: string }): Promise<Party> => ({
    user,
    client: await createClient(app, { scope: 'openid admin notes:read' }),
    cookies: new BrowserCookies(),
  });

  describe('the users admin API', () => {
    it('creates a user with a name and roles, and reads it back', async () => {
      const user = await createUser({ name: 'Ada', roles: ['admin', 'support'] });
      expect(user).toMatchObject({ name: 'Ada', roles: ['admin', 'support'], email_verified: false });
      const read = await app.http().get(`/admin/users/${user.id}`).set(AUTH);
      expect(read.body).toEqual({ id: user.id, email: user.email, name: 'Ada', roles: ['admin', 'support'], email_verified: false, created_at: expect.any(Number) });
    });

    it('lists users in pages, oldest first', async () => {
      const created = [await createUser(), await createUser(), await createUser()];
      const all = await app.http().get('/admin/users?limit=100').set(AUTH);
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ offset: 0, limit: 100, total: expect.any(Number) });
      const ids = (all.body.items as Array<{ id: string }>).map((item) => item.id);
      expect(ids.slice(-3)).toEqual(created.map((user) => user.id));
      const page = await app.http().get(`/admin/users?offset=${all.body.total - 2}&limit=1`).set(AUTH);
      expect(page.body.items).toEqual([expect.objectContaining({ id: created[1].id })]);
      expect((await app.http().get('/admin/users?limit=1000').set(AUTH)).status).toBe(400);
    });

    it('updates password, name, email, email_verified and roles; the password only ever as argon2id', async () => {
      const user = await createUser();
      const newEmail = uniqueEmail();
      const res = await app
        .http()
        .patch(`/admin/users/${user.id}`)
        .set(AUTH)
        .send({ password: 'another long passphrase', name: 'Grace', email: newEmail, email_verified: true, roles: ['ops'] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ email: newEmail, name: 'Grace', email_verified: true, roles: ['ops'] });
      const row = await app.get(DataSource).createQueryBuilder().select('password_hash', 'hash').from('users', 'u').where('id = :id', { id: user.id }).getRawOne<{ hash: string }>();
      expect(row!.hash).toMatch(/^\$argon2id\$/);
      const signIn = await authorize(app, {
        ...(await createClient(app, { skip_consent: true, scope: 'openid' })),
        scope: 'openid',
        user: { email: newEmail, password: 'another long passphrase' },
      });
      expect(signIn.code).toEqual(expect.any(String));
    });

    it('refuses bad fields with 400, a taken email with 409, an unknown id with 404', async () => {
      const user = await createUser();
      const other = await createUser();
      for (const body of [{ roles: 'admin' }, { roles: ['has space'] }, { email_verified: 'yes' }, { password: 'short' }, { name: '' }, { unknown: 1 }]) {
        expect((await app.http().patch(`/admin/users/${user.id}`).set(AUTH).send(body)).status).toBe(400);
      }
      expect((await app.http().patch(`/admin/users/${user.id}`).set(AUTH).send({ email: other.email.toUpperCase() })).status).toBe(409);
      expect((await app.http().patch('/admin/users/no-such-user').set(AUTH).send({ name: 'x' })).status).toBe(404);
    });
  });

  describe('admin reaches a user token only with the admin role', () => {
    it('drops admin from an ordinary user on an admin client: a token without it, 403 on /admin, and no admin line on the consent page', async () => {
      const party = await adminClientParty(await createUser());
      const result = await authorize(app, { ...party.client, scope: 'openid admin notes:read', user: party.user, cookies: party.cookies });
      expect(result.pages).toEqual(['login', 'consent']);
      const consent = await app.http().get(authorizationPath(party.client, { scope: 'openid admin notes:read', prompt: 'consent' })).set('Cookie', party.cookies.header());
      expect(consent.text).toContain('notes:read');
      expect(consent.text).not.toContain('<code>admin</code>');
      const res = await exchangeCode(app, party, { code: result.code!, verifier: result.verifier });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('openid notes:read');
      expect(jwtPayload(res.body.access_token).scope).toBe('openid notes:read');
      const list = await app.http().get('/admin/clients').set('Authorization', `Bearer ${res.body.access_token}`);
      expect(list.status).toBe(403);
      const create = await app.http().post('/admin/users').set('Authorization', `Bearer ${res.body.access_token}`).send({ email: uniqueEmail(), password: PASSWORD });
      expect(create.status).toBe(403);
    });

    it('gives admin to a user with the admin role, and the admin API opens to the token', async () => {
      const party = await adminClientParty(await createUser({ roles: ['admin'] }));
      const tokens = await signInAndExchange(app, party, 'openid admin notes:read');
      expect(tokens.scope).toBe('openid admin notes:read');
      expect((await app.http().get('/admin/clients').set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(200);
    });

    it('gives admin to a client_credentials token when the client was registered with it', async () => {
      const machine = await createClient(app, { grant_types: ['client_credentials'], redirect_uris: [], scope: 'admin notes:read' });
      const res = await tokenRequest(app, machine, { grant_type: 'client_credentials' });
      expect(res.body.scope).toBe('admin notes:read');
      expect((await app.http().get('/admin/clients').set('Authorization', `Bearer ${res.body.access_token}`)).status).toBe(200);
    });

    it('revokes the families that carry admin when the role is taken away, and leaves the others', async () => {
      const user = await createUser({ roles: ['admin'] });
      const party = await adminClientParty(user);
      const withAdmin = await signInAndExchange(app, party, 'openid admin notes:read');
      const without = await signInAndExchange(app, party, 'openid notes:read');
      const res = await app.http().patch(`/admin/users/${user.id}`).set(AUTH).send({ roles: [] });
      expect(res.status).toBe(200);
      expect((await app.http().get('/admin/clients').set('Authorization', `Bearer ${withAdmin.access_token}`)).status).toBe(401);
      expect((await introspect(app, party.client, withAdmin.access_token)).active).toBe(false);
      expect((await refresh(app, party.client, withAdmin.refresh_token!)).body.error).toBe('invalid_grant');
      expect((await introspect(app, party.client, without.access_token)).active).toBe(true);
      expect((await refresh(app, party.client, without.refresh_token!)).status).toBe(200);
      // The next sign-in gets the rest of the scope, without admin.
      expect((await signInAndExchange(app, party, 'openid admin notes:read')).scope).toBe('openid notes:read');
    });
  });
});
