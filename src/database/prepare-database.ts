import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';

/** How long a starting instance waits for another one's migrations on sqlite. */
const SQLITE_MIGRATION_WAIT_MS = 60_000;
/** The busy timeout the app runs with (data-source-options.ts). */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;
const WAL_SWITCH_RETRY_MS = 20;

/**
 * Everything the store needs before the app serves: the schema (PostgreSQL), the sqlite
 * pragmas, and the migrations. Run on every start; migrations that ran are skipped. Instances
 * starting together take turns, so each migration is applied once.
 */
export async function prepareDatabase(dataSource: DataSource, database: DatabaseConfig): Promise<void> {
  if (database.type === 'sqlite') {
    if (database.path !== ':memory:') await switchToWal(dataSource);
    // WAL with synchronous=NORMAL stays crash-safe (a power loss may drop the last commits,
    // never corrupt the file) and avoids an fsync per commit.
    await dataSource.query('PRAGMA synchronous = NORMAL');
    await migrateSqlite(dataSource);
    await dataSource.query('PRAGMA foreign_keys = ON');
  } else {
    await migratePostgres(dataSource, database.schema);
  }
}

/**
 * WAL lets readers run beside the writer. The switch (a no-op once the file is in WAL) needs
 * the file to itself for a moment, and sqlite answers SQLITE_BUSY at once rather than waiting
 * while another instance holds it, so it is retried for as long as a start waits on sqlite.
 */
async function switchToWal(dataSource: DataSource): Promise<void> {
  const deadline = Date.now() + SQLITE_MIGRATION_WAIT_MS;
  for (;;) {
    try {
      await dataSource.query('PRAGMA journal_mode = WAL');
      return;
    } catch (error) {
      if (!String(error).includes('SQLITE_BUSY') || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, WAL_SWITCH_RETRY_MS));
    }
  }
}

/**
 * PostgreSQL: a session advisory lock, per schema, around the schema creation and the
 * migrations. A second instance waits on it, then finds nothing pending.
 */
async function migratePostgres(dataSource: DataSource, schema: string | undefined): Promise<void> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`nest-oauth-server migrations ${schema ?? ''}`]);
    try {
      if (schema) await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '')}"`);
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [`nest-oauth-server migrations ${schema ?? ''}`]);
    }
  } finally {
    await lock.release();
  }
}

/**
 * sqlite: the pending check and every migration run inside one `BEGIN IMMEDIATE`, which
 * takes the database's write lock first; another process waits for it, then finds nothing
 * pending. Foreign keys are off meanwhile, as TypeORM wants them while it rebuilds tables
 * (the pragma is ignored inside a transaction, so it is set before).
 */
async function migrateSqlite(dataSource: DataSource): Promise<void> {
  await dataSource.query('PRAGMA foreign_keys = OFF');
  await dataSource.query(`PRAGMA busy_timeout = ${SQLITE_MIGRATION_WAIT_MS}`);
  await dataSource.query('BEGIN IMMEDIATE');
  try {
    await dataSource.runMigrations({ transaction: 'none' });
    await dataSource.query('COMMIT');
  } catch (error) {
    await dataSource.query('ROLLBACK');
    throw error;
  } finally {
    await dataSource.query(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  }
}
