import { DataSource } from 'typeorm';
import { createTestApp, databases, TestApp } from '../support/test-app';

const longId = `https://agent.example/${'a'.repeat(280)}.json`;

/** The migration that widens every client_id column to 512 characters (a table rebuild on sqlite) keeps the rows it finds, both ways. */
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

  it('stores a client id of 300 characters; every client_id column is declared varchar(512), its indexes kept', async () => {
    await insertConsent(longId);
    expect(await consents()).toContain(longId);
    for (const table of ['clients', 'consents', 'authorization_requests', 'authorization_codes', 'token_families', 'security_events']) {
      const [column] = await dataSource.query(
        dataSource.options.type === 'postgres'
          ? `SELECT 'varchar(' || character_maximum_length || ')' AS type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '${table}' AND column_name = 'client_id'`
          : `SELECT type FROM pragma_table_info('${table}') WHERE name = 'client_id'`,
      );
      expect(`${table}: ${column.type}`).toBe(`${table}: varchar(512)`);
    }
    // The sqlite rebuild keeps the indexes on client_id.
    const indexes = await dataSource.query(
      dataSource.options.type === 'postgres'
        ? "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE 'idx_%_client_id'"
        : "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%_client_id'",
    );
    expect(indexes.map((index: { name: string }) => index.name).sort()).toEqual(['idx_security_events_client_id', 'idx_token_families_client_id']);
  });
});
