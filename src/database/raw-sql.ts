import { createHash } from 'node:crypto';
import type { DataSource, QueryResult } from 'typeorm';

/** The parts of sqlite3's `Database` and `Statement` a prepared statement uses. */
interface SqliteHandle {
  prepare(sql: string, callback: (error: Error | null) => void): SqliteStatement;
}
interface SqliteStatement {
  all(parameters: unknown[], callback: (error: Error | null, rows: unknown[]) => void): void;
  run(parameters: unknown[], callback: (this: { changes: number }, error: Error | null) => void): void;
  finalize(callback?: () => void): void;
}
/** The part of pg's `Pool` a named statement uses. */
interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

interface Outcome<Row> {
  records: Row[];
  affected: number;
}

/**
 * A hot statement as plain SQL, prepared once per connection and reused: for the few paths
 * where building it with a QueryBuilder, or having the driver parse it, on every request costs
 * more CPU than running it. Written once with `?` placeholders; PostgreSQL gets them numbered
 * (`$1…`). The SQL must not hold a literal `?`.
 *
 * - sqlite: one `sqlite3.Statement` on the driver's own connection (TypeORM's sqlite driver has
 *   exactly one), so it runs in the same order and the same transactions as TypeORM's queries
 *   would. SELECTs step to the end (`all`), so the statement never holds a read transaction
 *   open between calls; sqlite3 queues the calls of one statement.
 * - PostgreSQL: a named statement (`{ name, text, values }`) on the pool, which each pooled
 *   connection parses once. That needs session pooling: behind PgBouncer in transaction mode,
 *   only with `max_prepared_statements` set (docs/operations.md).
 *
 * Anything else (no handle yet, after `finalize`) goes through a TypeORM query runner.
 */
export class RawStatement<Row = Record<string, unknown>> {
  private readonly sql: string;
  private readonly isSelect: boolean;
  /** Same text, same name, on every instance: a pooled connection parses it once. */
  private readonly name: string;
  private prepared?: { handle: SqliteHandle; statement: SqliteStatement };
  private finalized = false;

  constructor(
    private readonly dataSource: DataSource,
    sql: string,
  ) {
    const folded = sql.replace(/\s+/g, ' ').trim();
    let position = 0;
    this.sql = dataSource.options.type === 'postgres' ? folded.replace(/\?/g, () => `$${++position}`) : folded;
    this.isSelect = /^select /i.test(this.sql);
    this.name = `hot_${createHash('sha256').update(this.sql).digest('hex').slice(0, 24)}`;
  }

  /** The rows a SELECT answers. */
  async rows(parameters: unknown[]): Promise<Row[]> {
    return (await this.run(parameters)).records;
  }

  /** How many rows an INSERT, UPDATE or DELETE changed, as both drivers report it. */
  async affected(parameters: unknown[]): Promise<number> {
    return (await this.run(parameters)).affected;
  }

  /** Releases the sqlite statement (the connection cannot close while it lives). */
  finalize(): Promise<void> {
    this.finalized = true;
    const prepared = this.prepared;
    this.prepared = undefined;
    return new Promise((resolve) => (prepared ? prepared.statement.finalize(() => resolve()) : resolve()));
  }

  private run(parameters: unknown[]): Promise<Outcome<Row>> {
    if (!this.finalized && this.dataSource.isInitialized) {
      if (this.dataSource.options.type === 'sqlite') {
        const handle = (this.dataSource.driver as unknown as { databaseConnection?: SqliteHandle }).databaseConnection;
        if (handle) return this.runOnSqlite(handle, parameters);
      } else if (this.dataSource.options.type === 'postgres') {
        const pool = (this.dataSource.driver as unknown as { master?: PgPool }).master;
        if (pool) return this.runOnPostgres(pool, parameters);
      }
    }
    return this.runThroughTypeOrm(parameters);
  }

  private runOnSqlite(handle: SqliteHandle, parameters: unknown[]): Promise<Outcome<Row>> {
    if (this.prepared?.handle !== handle) {
      // A failed preparation fails every call queued on the statement; the next call prepares again.
      const statement = handle.prepare(this.sql, (error) => {
        if (error && this.prepared?.statement === statement) this.prepared = undefined;
      });
      this.prepared = { handle, statement };
    }
    const { statement } = this.prepared;
    return new Promise((resolve, reject) => {
      if (this.isSelect) {
        statement.all(parameters, (error, rows) => (error ? reject(error) : resolve({ records: rows as Row[], affected: 0 })));
      } else {
        statement.run(parameters, function (error) {
          if (error) reject(error);
          else resolve({ records: [], affected: this.changes });
        });
      }
    });
  }

  private async runOnPostgres(pool: PgPool, parameters: unknown[]): Promise<Outcome<Row>> {
    const result = await pool.query({ name: this.name, text: this.sql, values: parameters });
    return { records: result.rows as Row[], affected: result.rowCount ?? 0 };
  }

  // `DataSource.query` drops the structured result that carries `affected`; its query runner keeps it.
  private async runThroughTypeOrm(parameters: unknown[]): Promise<Outcome<Row>> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const result: QueryResult = await runner.query(this.sql, parameters, true);
      return { records: result.records as Row[], affected: result.affected ?? 0 };
    } finally {
      await runner.release();
    }
  }
}
