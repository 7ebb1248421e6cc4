import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ResourceRegistry } from '../../src/resources/resource-registry';
import { createClient } from '../support/authorize-flow';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';
import { eventually } from '../support/timing';

const AUTH = { Authorization: `Bearer ${ADMIN_KEY}` };

const invoices = {
  identifier: 'https://invoices.example.com',
  name: 'Invoices API',
  scopes: [
    { name: 'invoices:read', description: 'Read your invoices' },
    { name: 'invoices:write', description: 'Create and change your invoices' },
  ],
  access_token_ttl: 300,
};

describe.each(databases)('admin API for resources on %s', (_name, databaseUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
  });
  afterAll(() => app.close());

  const post = (body: unknown) => app.http().post('/admin/resources').set(AUTH).send(body as object);
  const count = async (table: string) => Number((await app.get(DataSource).query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  it('registers the built-in notes API at first start, from ACCESS_TOKEN_AUDIENCE', async () => {
    const res = await app.http().get('/admin/resources').set(AUTH);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 1, offset: 0, limit: 20 });
    expect(res.body.items[0]).toMatchObject({
      identifier: app.config.accessTokenAudience,
      scopes: [
        { name: 'notes:read', description: 'Read your notes' },
        { name: 'notes:write', description: 'Create and delete your notes' },
      ],
      access_token_ttl: null,
    });
  });

  it('registers, reads, pages, changes and deletes a resource', async () => {
    const created = await post(invoices);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), ...invoices, created_at: expect.any(Number) });
    const { id } = created.body;
    expect((await app.http().get(`/admin/resources/${id}`).set(AUTH)).body).toEqual(created.body);
    const page = await app.http().get('/admin/resources?offset=1&limit=1').set(AUTH);
    expect(page.body).toMatchObject({ total: 2, offset: 1, limit: 1, items: [{ id }] });

    const patched = await app.http().patch(`/admin/resources/${id}`).set(AUTH).send({ name: 'Billing', scopes: [invoices.scopes[0]], access_token_ttl: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Billing', scopes: [invoices.scopes[0]], access_token_ttl: null, identifier: invoices.identifier });
    expect(app.get(ResourceRegistry).isKnownScope('invoices:write')).toBe(false);

    expect((await app.http().delete(`/admin/resources/${id}`).set(AUTH)).status).toBe(204);
    expect((await app.http().get(`/admin/resources/${id}`).set(AUTH)).status).toBe(404);
    expect(app.get(ResourceRegistry).isKnownScope('invoices:read')).toBe(false);
  });

  it('answers 409 naming a scope another resource owns, and writes nothing', async () => {
    const before = await count('resources');
    const res = await post({ identifier: 'https://reports.example.com', name: 'Reports', scopes: [{ name: 'reports:read', description: 'r' }, { name: 'notes:read', description: 'n' }] });
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/scope notes:read belongs to another resource/);
    expect(await count('resources')).toBe(before);
    expect(app.get(ResourceRegistry).isKnownScope('reports:read')).toBe(false);
  });

  it('answers 409 for an identifier that is already registered', async () => {
    const res = await post({ identifier: app.config.accessTokenAudience, name: 'Again', scopes: [] });
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/is already registered/);
  });

  it.each([
    ['a relative identifier', { ...invoices, identifier: '/invoices' }, /identifier must be an absolute URI/],
    ['an identifier with a fragment', { ...invoices, identifier: 'https://invoices.example.com/#x' }, /identifier must not contain a fragment/],
    ['a scope repeated in one body', { ...invoices, scopes: [invoices.scopes[0], invoices.scopes[0]] }, /scopes repeats invoices:read/],
    ['one of the server scopes', { ...invoices, scopes: [{ name: 'openid', description: 'x' }] }, /server's own scopes: openid/],
    ['a malformed scope name', { ...invoices, scopes: [{ name: 'two words', description: 'x' }] }, /name must be a scope token/],
    ['a scope without description', { ...invoices, scopes: [{ name: 'invoices:read' }] }, /description must be a string/],
    ['a TTL above ACCESS_TOKEN_TTL', { ...invoices, access_token_ttl: 100_000 }, /access_token_ttl must be at most ACCESS_TOKEN_TTL/],
    ['an unknown field', { ...invoices, owner: 'me' }, /property owner should not exist/],
  ])('refuses %s with 400 naming it', async (_case, body, message) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.message.join('\n')).toMatch(message);
  });

  it('refuses more scopes than a resource may have, and a 10 000-scope body, without a 5xx', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `s${i}`, description: 'd' }));
    const hundreds = await post({ ...invoices, scopes: many(1000) });
    expect(hundreds.status).toBe(400);
    expect(hundreds.body.message.join('\n')).toMatch(/scopes must contain no more than 100 elements/);
    const huge = await post({ ...invoices, scopes: many(10_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.error_description).toMatch(/larger than/);
    expect(await count('resource_scopes')).toBe(2);
  });

  it('refuses to register a client with a scope no resource has, and accepts it once registered', async () => {
    const client = { client_name: 'Billing app', grant_types: ['client_credentials'], scope: 'ledger:read', token_endpoint_auth_method: 'client_secret_basic' };
    const refused = await app.http().post('/admin/clients').set(AUTH).send(client);
    expect(refused.status).toBe(400);
    expect(refused.body.message.join('\n')).toMatch(/unknown scopes: ledger:read/);
    const ledger = await post({ identifier: 'https://ledger.example.com', name: 'Ledger', scopes: [{ name: 'ledger:read', description: 'Read the ledger' }] });
    expect(ledger.status).toBe(201);
    expect((await app.http().post('/admin/clients').set(AUTH).send(client)).status).toBe(201);
  });

  it('refuses to delete a resource, or drop a scope, while clients use it, naming them', async () => {
    const created = await post({ identifier: 'https://hr.example.com', name: 'HR', scopes: [{ name: 'hr:read', description: 'Read HR' }, { name: 'hr:write', description: 'Write HR' }] });
    const client = await createClient(app, { client_name: 'HR portal', scope: 'openid hr:read' });
    const deleted = await app.http().delete(`/admin/resources/${created.body.id}`).set(AUTH);
    expect(deleted.status).toBe(409);
    expect(deleted.body.message).toContain(`${client.client_id} (HR portal)`);
    expect(deleted.body.message).toMatch(/clients still use hr:read/);
    const narrowed = await app.http().patch(`/admin/resources/${created.body.id}`).set(AUTH).send({ scopes: [{ name: 'hr:write', description: 'Write HR' }] });
    expect(narrowed.status).toBe(409);
    expect((await app.http().patch(`/admin/resources/${created.body.id}`).set(AUTH).send({ scopes: [{ name: 'hr:read', description: 'Read HR records' }] })).status).toBe(200);
    expect((await app.http().delete(`/admin/clients/${client.client_id}`).set(AUTH)).status).toBe(204);
    expect((await app.http().delete(`/admin/resources/${created.body.id}`).set(AUTH)).status).toBe(204);
  });

  it('lists the registered scopes in discovery, and no longer the deleted ones', async () => {
    const metadata = await app.http().get('/.well-known/oauth-authorization-server');
    expect(metadata.body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'admin', 'notes:read', 'notes:write', 'ledger:read']));
    expect(metadata.body.scopes_supported).not.toContain('invoices:read');
  });

  it('answers 404 for an unknown id and 401 without the key', async () => {
    expect((await app.http().get('/admin/resources/nope').set(AUTH)).status).toBe(404);
    expect((await app.http().patch('/admin/resources/nope').set(AUTH).send({ name: 'x' })).status).toBe(404);
    expect((await app.http().get('/admin/resources')).status).toBe(401);
  });
});

const stores: Array<[name: string, databaseUrl: () => string]> = [
  ['sqlite (shared file, polling)', () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'registry-')), 'auth.sqlite')}`],
  ...(process.env.TEST_POSTGRES_URL ? [['postgres (LISTEN/NOTIFY)', () => process.env.TEST_POSTGRES_URL!] as [string, () => string]] : []),
];

describe.each(stores)('resource registry across two instances on %s', (_name, databaseUrl) => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await createTestApp({ databaseUrl: databaseUrl() });
    second = await createTestApp({ databaseUrl: first.databaseUrl });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    if (first?.databaseUrl.startsWith('sqlite:')) rmSync(join(first.databaseUrl.slice('sqlite:'.length), '..'), { recursive: true, force: true });
  });

  it('shows a resource registered on one instance in the other one within a second', async () => {
    const res = await first.http().post('/admin/resources').set(AUTH).send({ identifier: 'https://payroll.example.com', name: 'Payroll', scopes: [{ name: 'payroll:read', description: 'See payslips' }] });
    expect(res.status).toBe(201);
    await eventually(() => second.get(ResourceRegistry).isKnownScope('payroll:read'), 1000);
    expect((await second.http().get('/.well-known/oauth-authorization-server')).body.scopes_supported).toContain('payroll:read');
    expect((await first.http().delete(`/admin/resources/${res.body.id}`).set(AUTH)).status).toBe(204);
    await eventually(() => !second.get(ResourceRegistry).isKnownScope('payroll:read'), 1000);
  });
});
