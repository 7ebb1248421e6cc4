import type { DataSource, QueryResult } from 'typeorm';

/**
 * A hot statement as plain SQL, for the few paths where building it with a QueryBuilder on
 * every request costs more CPU than running it. Written once with `?` placeholders; PostgreSQL
 * gets them numbered (`$1…`). Whitespace is folded because TypeORM's sqlite runner picks `run`
 * (which reports the changed rows) only for a statement that starts with `INSERT `, `UPDATE `
 * or `DELETE `. The SQL must not hold a literal `?`.
 */
export class RawStatement<Row = Record<string, unknown>> {
  private readonly sql: string;

  constructor(
    private readonly dataSource: DataSource,
    sql: string,
  ) {
    const folded = sql.replace(/\s+/g, ' ').trim();
    let position = 0;
    this.sql = dataSource.options.type === 'postgres' ? folded.replace(/\?/g, () => `$${++position}`) : folded;
  }

  /** The rows a SELECT answers. */
  async rows(parameters: unknown[]): Promise<Row[]> {
    return (await this.run(parameters)).records as Row[];
  }

  /** How many rows an INSERT, UPDATE or DELETE changed, as both drivers report it. */
  async affected(parameters: unknown[]): Promise<number> {
    return (await this.run(parameters)).affected ?? 0;
  }

  // `DataSource.query` drops the structured result that carries `affected`; its query runner keeps it.
  private async run(parameters: unknown[]): Promise<QueryResult> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await runner.query(this.sql, parameters, true);
    } finally {
      await runner.release();
    }
  }
}
