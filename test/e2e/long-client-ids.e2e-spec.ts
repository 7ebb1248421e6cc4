import { DataSource } from 'typeorm';
import { createTestApp, databases, TestApp } from '../support/test-app';

const longId = `https://agent.example/${'a'.repeat(280)}.json`;

/** The migration that widens every client_id column to 512 characters keeps the rows it finds, both ways. */
describe.each(databases)('the LongClientIds migration on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let dataSource: DataSource;

  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
    dataSource = app.get(DataSource);
  });
  afterAll(() => app.close());

  const consents = async () => (await dataSource.query('SELECT client_id FROM consents ORDER BY client_id')).map((row: { client_id: string }) => row.client_id);
  const insertConsent = (clientId: string) => dataSource.query('INSERT INTO consents (user_id, client_id, scope, granted_at) VALUES ($1, $2, $3, $4)'.replace(/\$\d/g, (p) => (dataSource.options.type === 'postgres' ? p : '?')), ['user-1', clientId, 'openid', Date.now()]);

  it('is the latest migration, and keeps rows through down and up again', async () => {
    const [latest] = await dataSource.query('SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1');
    expect(latest.name).toBe('LongClientIds1765800001000');
    await insertConsent('short-client-id');
    await dataSource.undoLastMigration();
    expect(await consents()).toEqual(['short-client-id']);
    await dataSource.runMigrations();
    expect(await consents()).toEqual(['short-client-id']);
  });

  it('stores a client id of 300 characters; on PostgreSQL every client_id column is 512 wide', async () => {
    await insertConsent(longId);
    expect(await consents()).toContain(longId);
    if (dataSource.options.type !== 'postgres') return; // sqlite does not enforce a varchar length
    for (const table of ['clients', 'consents', 'authorization_requests', 'authorization_codes', 'token_families', 'security_events']) {
      const [column] = await dataSource.query(
        `SELECT character_maximum_length AS length FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '${table}' AND column_name = 'client_id'`,
      );
      expect(Number(column.length)).toBe(512);
    }
  });
});
