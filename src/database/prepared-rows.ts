import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { ObjectLiteral, Repository } from 'typeorm';
import { RawStatement } from './raw-sql';

/**
 * `findOneBy({ <one column>: value })` and `insert(entity)` of a repository as statements
 * prepared once (raw-sql.ts), for the lookups and inserts of the code flow: building them with
 * TypeORM on every request was a fifth of a flow's CPU, and sqlite3 preparing and finalizing
 * each a tenth more. Values cross with the same conversions TypeORM applies (the driver's and
 * the entity's transformers), so a row reads back as the entity TypeORM would build.
 */
export class PreparedRows<Entity extends ObjectLiteral> {
  private readonly statements: RawStatement[] = [];
  private readonly columns: ColumnMetadata[];
  private readonly table: string;

  constructor(private readonly repository: Repository<Entity>) {
    this.columns = repository.metadata.columns;
    // Unqualified, as every raw statement: on PostgreSQL the search path names the schema.
    this.table = this.escape(repository.metadata.tableName);
  }

  /** `findOneBy({ [property]: value })`: the one row whose `property` equals the value, or null. */
  findOneBy<Property extends keyof Entity & string>(property: Property): (value: Entity[Property]) => Promise<Entity | null> {
    const key = this.column(property);
    const select = this.prepare(`SELECT ${this.selectList()} FROM ${this.table} WHERE ${this.escape(key.databaseName)} = ?`);
    return async (value) => {
      const [row] = await select.rows([this.persistent(value, key)]);
      return row ? this.hydrate(row) : null;
    };
  }

  /**
   * A read of one row that `findOneBy` cannot say (a join): `fromWhere` follows
   * `SELECT <every column of the table aliased as alias>`, with `?` for its parameters, which
   * are passed as the driver takes them.
   */
  findOneWhere(alias: string, fromWhere: string): (parameters: unknown[]) => Promise<Entity | null> {
    const select = this.prepare(`SELECT ${this.selectList(alias)} ${fromWhere}`);
    return async (parameters) => {
      const [row] = await select.rows(parameters);
      return row ? this.hydrate(row) : null;
    };
  }

  /**
   * `insert(entity)` writing every column, nothing read back. A column left undefined is
   * written NULL; one with a column default must therefore be given, and is checked.
   */
  insert(): (entity: Entity) => Promise<void> {
    const names = this.columns.map((column) => this.escape(column.databaseName));
    const insert = this.prepare(`INSERT INTO ${this.table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`);
    const defaulted = this.columns.filter((column) => column.default !== undefined);
    return async (entity) => {
      const missing = defaulted.find((column) => column.getEntityValue(entity) === undefined);
      if (missing) throw new Error(`${this.repository.metadata.name}.${missing.propertyName} has a column default: give it a value`);
      await insert.affected(this.columns.map((column) => this.persistent(column.getEntityValue(entity), column)));
    };
  }

  /** Releases the statements; call it before the store closes (sqlite cannot close with them). */
  async finalize(): Promise<void> {
    await Promise.all(this.statements.map((statement) => statement.finalize()));
  }

  private prepare(sql: string): RawStatement {
    const statement = new RawStatement(this.repository.manager.connection, sql);
    this.statements.push(statement);
    return statement;
  }

  /** Every column of the entity, qualified by `alias` when given. */
  private selectList(alias?: string): string {
    const prefix = alias ? `${alias}.` : '';
    return this.columns.map((column) => `${prefix}${this.escape(column.databaseName)}`).join(', ');
  }

  private column(property: string): ColumnMetadata {
    const column = this.repository.metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${this.repository.metadata.name} has no column ${property}`);
    return column;
  }

  private persistent(value: unknown, column: ColumnMetadata): unknown {
    const stored = this.repository.manager.connection.driver.preparePersistentValue(value, column);
    // A value left undefined is stored NULL, as TypeORM stores it.
    return stored === undefined ? null : stored;
  }

  private hydrate(row: Record<string, unknown>): Entity {
    const driver = this.repository.manager.connection.driver;
    const entity = this.repository.metadata.create(undefined, { fromDeserializer: true }) as Entity;
    for (const column of this.columns) column.setEntityValue(entity, driver.prepareHydratedValue(row[column.databaseName], column));
    return entity;
  }

  private escape(name: string): string {
    return this.repository.manager.connection.driver.escape(name);
  }
}
