import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table with a client id column (no foreign keys refer to them; their indexes follow the type). */
const TABLES = ['clients', 'consents', 'authorization_requests', 'authorization_codes', 'token_families', 'security_events'];

/**
 * Widens `client_id` from 64 to 512 characters: metadata-document clients are named by URLs.
 * PostgreSQL alters the type in place (its indexes follow). sqlite does not enforce a varchar
 * length, but the declared type is what `migration:generate` compares with the entities, so
 * TypeORM rebuilds each table (rows copied, indexes recreated). `down` narrows back, and fails
 * on PostgreSQL while a longer id is stored rather than cut it.
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
    for (const table of TABLES) {
      if (queryRunner.connection.options.type === 'postgres') {
        await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "client_id" TYPE varchar(${length})`);
        continue;
      }
      const existing = (await queryRunner.getTable(table))!.findColumnByName('client_id')!;
      const resized = existing.clone();
      resized.length = String(length);
      await queryRunner.changeColumn(table, existing, resized);
    }
  }
}
