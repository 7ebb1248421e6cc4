import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { column } from '../database/migration-columns';

/** The demo resource API's notes, each owned by one user. */
export class Notes1764150000000 implements MigrationInterface {
  name = 'Notes1764150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'notes',
        columns: [column.id('id'), column.string('user_id', 64), column.text('text'), column.time('created_at')],
        indices: [{ name: 'idx_notes_user_id_created_at', columnNames: ['user_id', 'created_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('notes');
  }
}
