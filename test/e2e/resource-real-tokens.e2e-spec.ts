import {
  createParty,
  introspect,
  jwtPayload,
  Party,
  refresh,
  revoke,
  signInAndExchange,
  tokenRequest,
} from '../support/token-helpers';
import { createClient } from '../support/authorize-flow';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';

/** The resource API against tokens from the real token endpoint, and the revocations it makes. */
describe.each(databases)('resource API with tokens from the token endpoint on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let party: Party;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
    party = await createParty(app);
  });
  afterAll(() => app.close());

  const get = (path: string, token: string) => app.http().get(path).set('Authorization', `Bearer ${token}`);

  it('serves /api/me and the notes to a token from a code exchange', async () => {
    const tokens = await signInAndExchange(app, party, 'notes:read notes:write');
    const me = await get('/api/me', tokens.access_token);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ sub: party.user.id, client_id: party.client.client_id, scope: 'notes:read notes:write' });
    const created = await app.http().post('/api/notes').set('Authorization', `Bearer ${tokens.access_token}`).send({ text: 'from a real token' });
    expect(created.status).toBe(201);
    expect((await get('/api/notes', tokens.access_token)).body).toContainEqual(created.body);
  });

  it('refuses every access token of a family once a spent refresh token is replayed', async () => {
    const first = await signInAndExchange(app, party, 'notes:read');
    const rotated = await refresh(app, party.client, first.refresh_token!);
    expect(rotated.status).toBe(200);
    expect((await get('/api/me', rotated.body.access_token)).status).toBe(200);

    const replay = await refresh(app, party.client, first.refresh_token!);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    for (const token of [first.access_token, rotated.body.access_token]) {
      const response = await get('/api/me', token);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    }
  });

  it('refuses an access token revoked at the revocation endpoint', async () => {
    const tokens = await signInAndExchange(app, party, 'notes:read');
    expect((await get('/api/me', tokens.access_token)).status).toBe(200);
    expect((await revoke(app, party.client, tokens.access_token, 'access_token')).status).toBe(200);
    expect((await get('/api/me', tokens.access_token)).status).toBe(401);
    expect((await introspect(app, party.client, tokens.access_token)).active).toBe(false);
  });

  it("refuses a user's tokens once the admin revokes the user's sessions", async () => {
    const tokens = await signInAndExchange(app, party, 'notes:read');
    expect((await get('/api/me', tokens.access_token)).status).toBe(200);
    const revoked = await app.http().delete(`/admin/users/${party.user.id}/sessions`).set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(revoked.status).toBeLessThan(300);
    expect((await get('/api/me', tokens.access_token)).status).toBe(401);
  });

  it('gives a client-credentials token /api/me but a clear 403 on the notes', async () => {
    const machine = await createClient(app, { grant_types: ['client_credentials'], scope: 'notes:read', redirect_uris: [] });
    const issued = await tokenRequest(app, machine, { grant_type: 'client_credentials', scope: 'notes:read' });
    expect(issued.status).toBe(200);
    expect(jwtPayload(issued.body.access_token).sub).toBe(machine.client_id);
    const me = await get('/api/me', issued.body.access_token);
    expect(me.status).toBe(200);
    expect(me.body.sub).toBe(machine.client_id);
    const notes = await get('/api/notes', issued.body.access_token);
    expect(notes.status).toBe(403);
    expect(notes.body.error).toBe('access_denied');
  });
});
