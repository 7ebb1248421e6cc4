import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';

// Globs keep modules independent: an entity or migration is picked up by living in the tree.
// `{ts,js}` serves both the compiled server and the tests, which run from sources.
const SRC = join(__dirname, '..');
const ENTITIES = [join(SRC, '**/*.entity.{ts,js}')];
const MIGRATIONS = [join(SRC, 'migrations/*.{ts,js}')];

/**
 * The sqlite3 module as TypeORM gets it. TypeORM calls `verbose()` on the driver, which wraps
 * every statement to capture a stack trace and `util.inspect` its arguments: a quarter of the
 * CPU of a refresh. Handing it a driver whose `verbose()` is a no-op keeps the plain module.
 */
function quietSqlite3(): unknown {
  const sqlite3 = require('sqlite3') as object;
  return { ...sqlite3, verbose: () => sqlite3 };
}

/**
 * One definition of the store for the app, the tests and the TypeORM CLI (`ormconfig.ts`).
 * The schema comes only from migrations: `synchronize` stays off.
 */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  if (database.type === 'sqlite') {
    if (database.path !== ':memory:') mkdirSync(dirname(database.path), { recursive: true });
    return {
      type: 'sqlite',
      driver: quietSqlite3(),
      database: database.path,
      // WAL is switched on by prepare-database.ts, which retries the switch: TypeORM's own
      // switch runs before its busy timeout and fails at once while another instance opens
      // the same fresh file.
      enableWAL: false,
      // Long at first: the first statements wait for another instance's migrations.
      // prepare-database.ts lowers it to 5 s once the store is ready.
      busyTimeout: 60_000,
      entities: ENTITIES,
      migrations: MIGRATIONS,
      synchronize: false,
      migrationsRun: false,
      logging: false,
    };
  }
  return {
    type: 'postgres',
    url: database.url,
    schema: database.schema,
    // Raw statements name tables unqualified; the search path points them at the schema.
    extra: database.schema ? { options: `-c search_path=${database.schema}` } : undefined,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false,
  };
}
