import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';

/** Input shaped to break parsers and validators answers 400 naming the problem, never a 5xx. */
describe.each(databases)('hostile input on %s', (_name, databaseUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
  });
  afterAll(() => app.close());

  const deeplyNested = '['.repeat(10_000) + ']'.repeat(10_000);
  const unterminated = '['.repeat(10_000);
  const deepObject = '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000);

  it.each([
    ['post', '/admin/clients'],
    ['patch', '/admin/clients/some-id'],
    ['post', '/admin/users'],
    ['post', '/api/notes'],
    ['post', '/token'],
    ['post', '/introspect'],
  ] as const)('answers 400 to deeply nested JSON at %s %s, without credentials', async (method, path) => {
    for (const body of [deeplyNested, unterminated, deepObject]) {
      const res = await app.http()[method](path).set('Content-Type', 'application/json').send(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    }
  });

  it('answers 400 to deeply nested JSON with admin credentials too', async () => {
    const res = await app
      .http()
      .post('/admin/clients')
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .set('Content-Type', 'application/json')
      .send(`{"client_name":${deeplyNested}}`);
    expect(res.status).toBe(400);
    expect(res.body.error_description).toMatch(/nested/);
  });

  it('accepts JSON nested as deep as real clients send it', async () => {
    const res = await app
      .http()
      .post('/admin/clients')
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .send({ client_name: 'Nested', scope: 'notes:read', grant_types: ['client_credentials'], redirect_uris: [] });
    expect(res.status).toBe(201);
  });

  it.each(['1e21', '9007199254740993', '1e400'])('answers 400 naming offset for offset=%s', async (offset) => {
    const res = await app.http().get('/admin/clients').query({ offset }).set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toMatch(/offset/);
  });

  it.each(['-0', '0x10', ' 1', '1.0'])('answers below 500 for the odd numeral offset=%s', async (offset) => {
    const res = await app.http().get('/admin/clients').query({ offset }).set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(res.status).toBeLessThan(500);
  });
});
