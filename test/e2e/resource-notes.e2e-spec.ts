import { mintAccessToken } from '../support/access-tokens';
import { createTestApp, databases, TestApp } from '../support/test-app';

describe.each(databases)('notes API on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let alice: string;
  let bob: string;
  let aliceReadOnly: string;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
    alice = await mintAccessToken(app, { claims: { sub: 'alice', scope: 'notes:read notes:write' } });
    bob = await mintAccessToken(app, { claims: { sub: 'bob', scope: 'notes:read notes:write' } });
    aliceReadOnly = await mintAccessToken(app, { claims: { sub: 'alice', scope: 'notes:read' } });
  });
  afterAll(() => app.close());

  const as = (token: string) => ({
    list: () => app.http().get('/api/notes').set('Authorization', `Bearer ${token}`),
    create: (body: unknown) => app.http().post('/api/notes').set('Authorization', `Bearer ${token}`).send(body as object),
    remove: (id: string) => app.http().delete(`/api/notes/${id}`).set('Authorization', `Bearer ${token}`),
  });

  it('creates a note and lists it for its owner', async () => {
    const created = await as(alice).create({ text: 'buy milk' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), text: 'buy milk', created_at: expect.any(String) });
    expect(new Date(created.body.created_at).toISOString()).toBe(created.body.created_at);
    const listed = await as(aliceReadOnly).list();
    expect(listed.status).toBe(200);
    expect(listed.body).toContainEqual(created.body);
  });

  it('never shows one user the notes of another', async () => {
    const secret = await as(alice).create({ text: 'alice only' });
    expect(secret.status).toBe(201);
    const listed = await as(bob).list();
    expect(listed.status).toBe(200);
    expect(listed.body.map((note: { id: string }) => note.id)).not.toContain(secret.body.id);
  });

  it("answers 404 when a user deletes another user's note, and keeps the note", async () => {
    const note = await as(alice).create({ text: 'keep me' });
    const attempt = await as(bob).remove(note.body.id);
    expect(attempt.status).toBe(404);
    const listed = await as(alice).list();
    expect(listed.body.map((n: { id: string }) => n.id)).toContain(note.body.id);
  });

  it('deletes a note of its owner with 204, then answers 404', async () => {
    const note = await as(alice).create({ text: 'short-lived' });
    const deleted = await as(alice).remove(note.body.id);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await as(alice).remove(note.body.id)).status).toBe(404);
    expect((await as(alice).list()).body.map((n: { id: string }) => n.id)).not.toContain(note.body.id);
  });

  it('needs notes:write to create or delete', async () => {
    const note = await as(alice).create({ text: 'mine' });
    const create = await as(aliceReadOnly).create({ text: 'nope' });
    expect(create.status).toBe(403);
    expect(create.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(create.headers['www-authenticate']).toContain('scope="notes:write"');
    const remove = await as(aliceReadOnly).remove(note.body.id);
    expect(remove.status).toBe(403);
    expect(remove.body.error).toBe('insufficient_scope');
  });

  it('needs notes:read to list', async () => {
    const writer = await mintAccessToken(app, { claims: { sub: 'alice', scope: 'notes:write' } });
    const response = await as(writer).list();
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toContain('scope="notes:read"');
  });

  it.each([
    ['a missing text', {}],
    ['an empty text', { text: '' }],
    ['a text over 10000 characters', { text: 'x'.repeat(10_001) }],
    ['a text that is not a string', { text: 42 }],
  ])('answers 400 naming the field for %s', async (_case, body) => {
    const response = await as(alice).create(body);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.message)).toContain('text');
  });

  it('accepts a text of exactly 10000 characters', async () => {
    const response = await as(alice).create({ text: 'y'.repeat(10_000) });
    expect(response.status).toBe(201);
    expect(response.body.text).toHaveLength(10_000);
  });

  it('answers 400 for unknown fields', async () => {
    const response = await as(alice).create({ text: 'ok', owner: 'bob' });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.message)).toContain('owner');
  });

  it('answers 400, not 500, for a body that is not JSON', async () => {
    const response = await app
      .http()
      .post('/api/notes')
      .set('Authorization', `Bearer ${alice}`)
      .set('Content-Type', 'application/json')
      .send('{"text":');
    expect(response.status).toBe(400);
  });

  it('answers a client-credentials token with a clear 403', async () => {
    const machine = await mintAccessToken(app, { claims: { sub: 'svc-1', client_id: 'svc-1', scope: 'notes:read notes:write' } });
    const listed = await as(machine).list();
    expect(listed.status).toBe(403);
    expect(listed.body).toEqual({ error: 'access_denied', error_description: expect.stringContaining('client') });
    expect((await as(machine).create({ text: 'x' })).status).toBe(403);
  });

  it('answers 401 without a token', async () => {
    const response = await app.http().get('/api/notes');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(`Bearer realm="api", resource_metadata="${app.config.issuer}/.well-known/oauth-protected-resource/api"`);
  });
});
