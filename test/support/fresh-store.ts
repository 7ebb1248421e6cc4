import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';

/** An empty store of its own for one suite: a sqlite file in a temporary directory, or a PostgreSQL schema. */
export interface FreshStore {
  databaseUrl: string;
  /** Deletes the file's directory, or drops the schema. */
  remove(): Promise<void>;
}

/** `kind` and `baseDatabaseUrl` as `databases` gives them; `prefix` names the directory and the schema. */
export function freshStore(kind: string, baseDatabaseUrl: string, prefix: string): FreshStore {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  if (kind === 'sqlite') {
    return { databaseUrl: `sqlite:${join(dir, 'auth.sqlite')}`, remove: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = new URL(baseDatabaseUrl);
  url.searchParams.set('schema', schema);
  return {
    databaseUrl: url.toString(),
    remove: async () => {
      rmSync(dir, { recursive: true, force: true });
      const client = new PgClient({ connectionString: baseDatabaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}
