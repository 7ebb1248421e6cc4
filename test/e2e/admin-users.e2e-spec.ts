import { DataSource } from 'typeorm';
import { UsersService } from '../../src/users/users.service';
import { authorize } from '../support/authorize-flow';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';
import { createParty, introspect, Party, refresh, signInAndExchange } from '../support/token-helpers';

const AUTH = { Authorization: `Bearer ${ADMIN_KEY}` };
const PASSWORD = 'correct horse battery staple';

describe.each(databases)('admin API for users on %s', (_name, databaseUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
  });
  afterAll(() => app.close());

  let counter = 0;
  const uniqueEmail = () => `user${++counter}-${Date.now()}@example.com`;
  const createUser = async (email = uniqueEmail(), password = PASSWORD) => {
    const res = await app.http().post('/admin/users').set(AUTH).send({ email, password });
    expect(res.status).toBe(201);
    return res.body as { id: string; email: string };
  };

  describe('POST /admin/users', () => {
    it('creates a user and answers 201 with its id, email, name and roles, never the hash', async () => {
      const email = uniqueEmail();
      const res = await app.http().post('/admin/users').set(AUTH).send({ email, password: PASSWORD });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), email, email_verified: false, name: null, roles: [], created_at: expect.any(Number) });
    });

    it('stores an argon2id hash, never the password, and the user can sign in with it', async () => {
      const email = uniqueEmail();
      const { id } = await createUser(email);
      const rows = await app.get(DataSource).query('SELECT * FROM users');
      const row = rows.find((candidate: { id: string }) => candidate.id === id);
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
      expect(JSON.stringify(rows)).not.toContain(PASSWORD);
      const users = app.get(UsersService);
      expect((await users.verifyCredentials(email.toUpperCase(), PASSWORD))?.id).toBe(id);
      expect(await users.verifyCredentials(email, `${PASSWORD}!`)).toBeNull();
    });

    it('answers 409 to an email that is taken in another letter case', async () => {
      const email = uniqueEmail();
      await createUser(email);
      const res = await app.http().post('/admin/users').set(AUTH).send({ email: email.toUpperCase(), password: PASSWORD });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ statusCode: 409, message: 'email is already registered' });
    });

    it('creates exactly one of two racing sign-ups with one email', async () => {
      const email = uniqueEmail();
      const answers = await Promise.all(
        [email, email.toUpperCase()].map((variant) => app.http().post('/admin/users').set(AUTH).send({ email: variant, password: PASSWORD })),
      );
      expect(answers.map((res) => res.status).sort()).toEqual([201, 409]);
    });

    it.each([
      ['a password of 11 characters', { password: 'x'.repeat(11) }, /password must be longer than or equal to 12 characters/],
      ['a password of 129 characters', { password: 'x'.repeat(129) }, /password must be shorter than or equal to 128 characters/],
      ['a password that is not a string', { password: 123456789012345 }, /password must be a string/],
      ['no password', { password: undefined }, /password must be a string/],
      ['an invalid email', { email: 'not-an-email' }, /email must be an email/],
      ['no email', { email: undefined }, /email must be an email/],
      ['an unknown field', { role: 'admin' }, /property role should not exist/],
    ])('answers 400 naming the field for %s', async (_what, change, message) => {
      const res = await app.http().post('/admin/users').set(AUTH).send({ email: uniqueEmail(), password: PASSWORD, ...change });
      expect(res.status).toBe(400);
      expect(res.body.message.join('\n')).toMatch(message);
    });

    it('accepts passwords of exactly 12 and 128 characters', async () => {
      await createUser(uniqueEmail(), 'x'.repeat(12));
      await createUser(uniqueEmail(), 'y'.repeat(128));
    });
  });

  describe('GET and DELETE /admin/users/:id', () => {
    it('reads a user without the password hash', async () => {
      const { id, email } = await createUser();
      const res = await app.http().get(`/admin/users/${id}`).set(AUTH);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id, email, email_verified: false, name: null, roles: [], created_at: expect.any(Number) });
    });

    it('deletes a user: 204, then 404, and the credentials no longer sign in', async () => {
      const email = uniqueEmail();
      const { id } = await createUser(email);
      const res = await app.http().delete(`/admin/users/${id}`).set(AUTH);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect((await app.http().get(`/admin/users/${id}`).set(AUTH)).status).toBe(404);
      expect((await app.http().delete(`/admin/users/${id}`).set(AUTH)).status).toBe(404);
      expect(await app.get(UsersService).verifyCredentials(email, PASSWORD)).toBeNull();
    });

    it('answers 404 for an unknown id', async () => {
      const res = await app.http().get('/admin/users/no-such-user').set(AUTH);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, message: 'no user no-such-user' });
    });
  });

  describe('DELETE /admin/users/:id/sessions', () => {
    const signedIn = async () => {
      const party = await createParty(app, { scope: 'openid notes:read offline_access' });
      const tokens = await signInAndExchange(app, party);
      expect(tokens.refresh_token).toEqual(expect.any(String));
      return { party, tokens };
    };
    const showsLogin = async (party: Party) =>
      (
        await authorize(app, {
          client_id: party.client.client_id,
          redirect_uri: party.client.redirect_uri,
          scope: 'openid',
          user: party.user,
          cookies: party.cookies,
        })
      ).pages.includes('login');

    it('revokes every token family of the user and ends the sign-in sessions', async () => {
      const { party, tokens } = await signedIn();
      const second = await signInAndExchange(app, party); // same browser: a second family
      expect(await showsLogin(party)).toBe(false);

      const res = await app.http().delete(`/admin/users/${party.user.id}/sessions`).set(AUTH);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ revoked_token_families: 2, ended_sign_in_sessions: 1 });

      for (const set of [tokens, second]) {
        const refused = await refresh(app, party.client, set.refresh_token!);
        expect(refused.status).toBe(400);
        expect(refused.body.error).toBe('invalid_grant');
        expect((await introspect(app, party.client, set.access_token)).active).toBe(false);
      }
      expect(await showsLogin(party)).toBe(true);
    });

    it('refuses access tokens that no token family stands behind', async () => {
      const party = await createParty(app, { grant_types: ['authorization_code'], scope: 'openid notes:read' });
      const tokens = await signInAndExchange(app, party);
      expect(tokens.refresh_token).toBeUndefined();
      expect((await introspect(app, party.client, tokens.access_token)).active).toBe(true);
      expect((await app.http().delete(`/admin/users/${party.user.id}/sessions`).set(AUTH)).status).toBe(200);
      expect((await introspect(app, party.client, tokens.access_token)).active).toBe(false);
      const me = await app.http().get('/api/me').set('Authorization', `Bearer ${tokens.access_token}`);
      expect(me.status).toBe(401);
    });

    it('leaves the tokens of other users alone', async () => {
      const victim = await signedIn();
      const bystander = await signedIn();
      const res = await app.http().delete(`/admin/users/${victim.party.user.id}/sessions`).set(AUTH);
      expect(res.status).toBe(200);
      expect((await introspect(app, bystander.party.client, bystander.tokens.access_token)).active).toBe(true);
      expect((await refresh(app, bystander.party.client, bystander.tokens.refresh_token!)).status).toBe(200);
    });

    it('answers 200 with zero counts for a user without sessions, 404 for an unknown user', async () => {
      const { id } = await createUser();
      const none = await app.http().delete(`/admin/users/${id}/sessions`).set(AUTH);
      expect(none.status).toBe(200);
      expect(none.body).toEqual({ revoked_token_families: 0, ended_sign_in_sessions: 0 });
      const unknown = await app.http().delete('/admin/users/no-such-user/sessions').set(AUTH);
      expect(unknown.status).toBe(404);
    });

    it('revokes the tokens of a deleted user too', async () => {
      const { party, tokens } = await signedIn();
      expect((await app.http().delete(`/admin/users/${party.user.id}`).set(AUTH)).status).toBe(204);
      expect((await introspect(app, party.client, tokens.access_token)).active).toBe(false);
      expect((await refresh(app, party.client, tokens.refresh_token!)).body.error).toBe('invalid_grant');
    });
  });

  describe('authentication', () => {
    it.each([
      ['POST', 'post', '/admin/users'],
      ['GET', 'get', '/admin/users/x'],
      ['DELETE', 'delete', '/admin/users/x'],
      ['DELETE sessions', 'delete', '/admin/users/x/sessions'],
    ] as const)('answers 401 to %s without the admin key, creating nothing', async (_label, method, path) => {
      const email = uniqueEmail();
      const res = await app.http()[method](path).send({ email, password: PASSWORD });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(await app.get(UsersService).verifyCredentials(email, PASSWORD)).toBeNull();
    });

    it('answers 401 to a wrong key', async () => {
      const res = await app.http().post('/admin/users').set('Authorization', 'Bearer not-the-admin-key-at-all').send({ email: uniqueEmail(), password: PASSWORD });
      expect(res.status).toBe(401);
    });
  });
});
