import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';

/**
 * Everything the store needs before the app serves: the schema (PostgreSQL), the sqlite
 * pragmas, and the migrations. Run on every start; migrations that ran are skipped.
 */
export async function prepareDatabase(dataSource: DataSource, database: DatabaseConfig): Promise<void> {
  if (database.type === 'sqlite') {
    // WAL with synchronous=NORMAL stays crash-safe (a power loss may drop the last commits,
    // never corrupt the file) and avoids an fsync per commit.
    await dataSource.query('PRAGMA synchronous = NORMAL');
    await dataSource.query('PRAGMA foreign_keys = ON');
  } else if (database.schema) {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${database.schema.replace(/"/g, '')}"`);
  }
  await dataSource.runMigrations({ transaction: 'each' });
}
