import { basicAuth, createParty, Party, signInAndExchange, tokenRequest } from '../support/token-helpers';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';

/** PostgreSQL text cannot hold U+0000: input carrying one is the client's error, never a 500. */
describe.each(databases)('NUL characters in input on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let party: Party;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
    party = await createParty(app);
  });
  afterAll(() => app.close());

  const admin = (method: 'get' | 'post' | 'delete', path: string) =>
    app.http()[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`);

  it('refuses one in an admin path or body with 400 naming where it was', async () => {
    for (const res of [
      await admin('get', '/admin/clients/%00'),
      await admin('post', '/admin/clients/%00/secret'),
      await admin('delete', '/admin/users/%00/sessions'),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: 'the URL must not contain NUL characters' });
    }
    const body = await admin('post', '/admin/clients').send({
      client_name: 'a\0b',
      redirect_uris: ['https://app.example/cb'],
      grant_types: ['authorization_code'],
      scope: 'notes:read',
      token_endpoint_auth_method: 'none',
    });
    expect(body.status).toBe(400);
    expect(body.body.error_description).toBe('client_name must not contain NUL characters');
  });

  it('refuses one in a note or a note id with 400', async () => {
    const tokens = await signInAndExchange(app, party, 'notes:read notes:write');
    const bearer = `Bearer ${tokens.access_token}`;
    const created = await app.http().post('/api/notes').set('Authorization', bearer).send({ text: 'x\0y' });
    expect(created.status).toBe(400);
    expect(created.body.error_description).toBe('text must not contain NUL characters');
    const deleted = await app.http().delete('/api/notes/%00').set('Authorization', bearer);
    expect(deleted.status).toBe(400);
  });

  it('answers invalid_request for one in client_id and invalid_client for one in Basic credentials', async () => {
    const param = await tokenRequest(app, undefined, { grant_type: 'client_credentials', client_id: 'a\0' });
    expect(param.status).toBe(400);
    expect(param.body.error).toBe('invalid_request');
    const basic = await app
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basicAuth(`${party.client.client_id}\0`, party.client.client_secret!))
      .send({ grant_type: 'client_credentials' });
    expect(basic.status).toBe(401);
    expect(basic.body.error).toBe('invalid_client');
  });
});
