import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { column } from '../database/migration-columns';

/** Failed client authentications and admin keys, counted per client and per address. */
export class AuthFailures1765500000000 implements MigrationInterface {
  name = 'AuthFailures1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'auth_failures',
        columns: [column.sequence('seq'), column.string('throttle_key', 64), column.time('created_at')],
        indices: [
          { name: 'idx_auth_failures_key_created_at', columnNames: ['throttle_key', 'created_at'] },
          { name: 'idx_auth_failures_created_at', columnNames: ['created_at'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('auth_failures');
  }
}
