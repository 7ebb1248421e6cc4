import { randomBytes } from 'node:crypto';
import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { column } from '../database/migration-columns';

const OLD_SUCCESSOR_KEY = 'refresh_successor_key';

/**
 * Refresh tokens that prove their family and generation: a family row gains its secret, its
 * live generation and the key id of its live token; the server keys that MAC tokens get a
 * table of their own (kid, rotation). The key that used to derive successors becomes the
 * first of them, still sealed as it was. `refresh_tokens` stays for the families started
 * before: it receives nothing new and drains as they rotate into the new form and expire.
 */
export class SelfProvingRefreshTokens1765100000000 implements MigrationInterface {
  name = 'SelfProvingRefreshTokens1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('token_families', [
      new TableColumn(column.integer('generation', true)),
      new TableColumn(column.string('token_secret', 64, true)),
      new TableColumn(column.string('token_key_id', 16, true)),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'refresh_token_keys',
        columns: [column.id('kid', 16), column.text('secret'), column.time('created_at'), column.time('retired_at', true), column.time('expires_at', true)],
      }),
    );
    const p = placeholders(queryRunner);
    const [old] = (await queryRunner.query(`SELECT value, created_at FROM server_secrets WHERE name = ${p(1)}`, [OLD_SUCCESSOR_KEY])) as Array<{
      value: string;
      created_at: string | number;
    }>;
    if (old) {
      await queryRunner.query(`INSERT INTO refresh_token_keys (kid, secret, created_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [
        randomBytes(8).toString('base64url'),
        old.value,
        Number(old.created_at),
      ]);
      await queryRunner.query(`DELETE FROM server_secrets WHERE name = ${p(1)}`, [OLD_SUCCESSOR_KEY]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const p = placeholders(queryRunner);
    const [oldest] = (await queryRunner.query('SELECT secret, created_at FROM refresh_token_keys ORDER BY created_at ASC, kid ASC')) as Array<{
      secret: string;
      created_at: string | number;
    }>;
    if (oldest) {
      await queryRunner.query(`INSERT INTO server_secrets (name, value, created_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [
        OLD_SUCCESSOR_KEY,
        oldest.secret,
        Number(oldest.created_at),
      ]);
    }
    await queryRunner.dropTable('refresh_token_keys');
    await queryRunner.dropColumns('token_families', ['token_key_id', 'token_secret', 'generation']);
  }
}

function placeholders(queryRunner: QueryRunner): (n: number) => string {
  return queryRunner.connection.options.type === 'postgres' ? (n) => `$${n}` : () => '?';
}
