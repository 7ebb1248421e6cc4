import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { column } from '../database/migration-columns';

/** private_key_jwt (RFC 7523): the jti of each client assertion, kept until it expires so it is used once. */
export class ClientAssertionJtis1765800000000 implements MigrationInterface {
  name = 'ClientAssertionJtis1765800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({ name: 'client_assertion_jtis', columns: [column.id('jti_hash'), column.time('expires_at')] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('client_assertion_jtis');
  }
}
