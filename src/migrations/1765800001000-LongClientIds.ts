import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table with a client id column (no foreign keys refer to them; their indexes follow the type). */
const TABLES = ['clients', 'consents', 'authorization_requests', 'authorization_codes', 'token_families', 'security_events'];

/**
 * Widens `client_id` from 64 to 512 characters: metadata-document clients are named by URLs.
 * PostgreSQL alters the type in place. sqlite does not enforce a varchar length, so its tables
 * are left as they are (no rebuild). `down` narrows back on PostgreSQL, and fails there while a
 * longer id is stored rather than cut it.
 */
export class LongClientIds1765800001000 implements MigrationInterface {
  name = 'LongClientIds1765800001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.resize(queryRunner, 512);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.resize(queryRunner, 64);
  }

  private async resize(queryRunner: QueryRunner, length: number): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    for (const table of TABLES) await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "client_id" TYPE varchar(${length})`);
  }
}
