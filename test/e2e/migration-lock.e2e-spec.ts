import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { prepareDatabase } from '../../src/database/prepare-database';
import { createTestApp, databases, TestApp } from '../support/test-app';

/** A fresh store that outlives one app, and how to remove it. */
function freshStore(name: string, databaseUrl: string): { url: string; remove: () => Promise<void> } {
  if (name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'oauth-lock-'));
    return { url: `sqlite:${join(dir, 'auth.sqlite')}`, remove: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `test_lock_${randomBytes(6).toString('hex')}`;
  const url = new URL(databaseUrl);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    remove: async () => {
      const client = new PgClient({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

async function expectEachMigrationOnce(dataSource: DataSource): Promise<void> {
  const recorded: Array<{ name: string; times: string | number }> = await dataSource.query('SELECT name, COUNT(*) AS times FROM migrations GROUP BY name');
  expect(recorded).toHaveLength(dataSource.migrations.length);
  expect(recorded.every((row) => Number(row.times) === 1)).toBe(true);
}

// Two starts at once on one fresh store, each with its own connections: without a lock both
// would see every migration pending and the second would fail on the first's tables.
describe.each(databases)('migrations of two instances starting together on %s', (name, databaseUrl) => {
  const store = freshStore(name, databaseUrl);
  const apps: TestApp[] = [];
  const connections: DataSource[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(connections.map((connection) => connection.destroy()));
    await store.remove();
  });

  const startBoth = async <T>(start: () => Promise<T>): Promise<T[]> => {
    const started = await Promise.allSettled([start(), start()]);
    expect(started.map((result) => (result.status === 'rejected' ? String(result.reason) : 'started'))).toEqual(['started', 'started']);
    return started.map((result) => (result as PromiseFulfilledResult<T>).value);
  };

  if (name === 'postgres') {
    it('are applied once on PostgreSQL: both apps start, and each migration is recorded one time', async () => {
      apps.push(...(await startBoth(() => createTestApp({ databaseUrl: store.url }))));
      await expectEachMigrationOnce(apps[0].get(DataSource));
    });
  } else {
    // The migration step of a start, on two connections to one file: sqlite's write lock orders them.
    it('are applied once on sqlite: both connections prepare the store, and each migration is recorded one time', async () => {
      const database = parseDatabaseUrl(store.url);
      const prepare = async () => {
        const connection = await new DataSource(dataSourceOptions(database)).initialize();
        connections.push(connection);
        await prepareDatabase(connection, database);
        return connection;
      };
      const [first] = await startBoth(prepare);
      await expectEachMigrationOnce(first);
    });
  }
});
