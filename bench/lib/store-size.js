'use strict';
// The bytes a store holds, to see what a scenario leaves behind: sqlite counts the pages in use
// (page_count − freelist_count, × page_size: a freed page that will be reused is not growth),
// PostgreSQL sums pg_total_relation_size (tables, indexes, TOAST) over the schema's tables.
// PostgreSQL's figure includes dead row versions until autovacuum reclaims them.

async function sqliteBytes(path) {
  const sqlite3 = require('sqlite3');
  const db = await new Promise((resolve, reject) => {
    const handle = new sqlite3.Database(path, sqlite3.OPEN_READONLY, (error) => (error ? reject(error) : resolve(handle)));
  });
  const pragma = (name) => new Promise((resolve, reject) => db.get(`PRAGMA ${name}`, (error, row) => (error ? reject(error) : resolve(Object.values(row)[0]))));
  try {
    return ((await pragma('page_count')) - (await pragma('freelist_count'))) * (await pragma('page_size'));
  } finally {
    await new Promise((resolve) => db.close(resolve));
  }
}

async function postgresBytes(databaseUrl) {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') || 'public';
  url.searchParams.delete('schema');
  const { Client } = require('pg');
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [schema],
    );
    return Number(rows[0].bytes);
  } finally {
    await client.end();
  }
}

/** A function answering the store's size in bytes, for a DATABASE_URL of our server. */
function storeSizer(databaseUrl) {
  if (databaseUrl.startsWith('sqlite:')) return () => sqliteBytes(databaseUrl.slice('sqlite:'.length));
  return () => postgresBytes(databaseUrl);
}

module.exports = { storeSizer };
