import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { column } from '../database/migration-columns';

/** RFC 7591/7592: how a client came to be, its registration access token, and initial access tokens. */
export class DynamicRegistration1765700000000 implements MigrationInterface {
  name = 'DynamicRegistration1765700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('clients', [
      new TableColumn({ name: 'origin', type: 'varchar', length: '16', isNullable: false, default: "'admin'" }),
      new TableColumn(column.string('registration_access_token_hash', 64, true)),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'initial_access_tokens',
        columns: [column.id('token_hash'), column.time('expires_at', true), column.integer('uses_left', true), column.time('created_at')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('initial_access_tokens');
    await queryRunner.dropColumn('clients', 'registration_access_token_hash');
    await queryRunner.dropColumn('clients', 'origin');
  }
}
