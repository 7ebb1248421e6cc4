import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { column } from '../database/migration-columns';

/** Registered resource servers (RFC 8707), their scopes, and the registry's change counter. */
export class Resources1765300000000 implements MigrationInterface {
  name = 'Resources1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'resources',
        columns: [
          column.id('id'),
          column.string('identifier', 2048),
          column.string('name', 200),
          column.integer('access_token_ttl', true),
          column.time('created_at'),
          column.time('updated_at'),
        ],
        indices: [{ name: 'uq_resources_identifier', columnNames: ['identifier'], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'resource_scopes',
        columns: [column.id('name', 128), column.string('resource_id', 64), column.string('description', 500), column.integer('position')],
        indices: [{ name: 'idx_resource_scopes_resource_id', columnNames: ['resource_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({ name: 'resource_registry', columns: [{ ...column.integer('id'), isPrimary: true }, column.integer('version')] }),
    );
    await queryRunner.query('INSERT INTO resource_registry (id, version) VALUES (1, 0)');
    // RFC 8707: the resources a grant was made for, so a refresh can stay within them.
    for (const table of ['authorization_requests', 'authorization_codes', 'token_families']) {
      await queryRunner.query(`ALTER TABLE ${table} ADD COLUMN resources text`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['token_families', 'authorization_codes', 'authorization_requests']) await queryRunner.dropColumn(table, 'resources');
    await queryRunner.dropTable('resource_registry');
    await queryRunner.dropTable('resource_scopes');
    await queryRunner.dropTable('resources');
  }
}
