import { randomBytes } from 'node:crypto';
import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { column } from '../database/migration-columns';

const OLD_SUCCESSOR_KEY = 'refresh_successor_key';

/**
 * Refresh tokens that prove their family and generation: a family row gains its secret, its
 * live generation and the key id of its live token; the server keys that MAC tokens get a
 * table of their own (kid, rotation). The key that used to derive successors becomes the
 * first of them, still sealed as it was. `last_used_at` loses its index, so a rotation touches
 * no indexed column. `refresh_tokens` stays for the families started
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
    // A rotation then changes no indexed column, so PostgreSQL updates the row in place (HOT)
    // and its page pruning reclaims the old version: no index entry and no table growth per
    // rotation. The purge, every 10 minutes, finds idle families by a scan instead.
    await queryRunner.dropIndex('token_families', 'idx_token_families_last_used_at');
    if (queryRunner.connection.options.type === 'postgres') await queryRunner.query('ALTER TABLE token_families SET (fillfactor = 80)');
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
    if (queryRunner.connection.options.type === 'postgres') await queryRunner.query('ALTER TABLE token_families RESET (fillfactor)');
    await queryRunner.createIndex('token_families', new TableIndex({ name: 'idx_token_families_last_used_at', columnNames: ['last_used_at'] }));
    await queryRunner.dropColumns('token_families', ['token_key_id', 'token_secret', 'generation']);
  }
}

function placeholders(queryRunner: QueryRunner): (n: number) => string {
  return queryRunner.connection.options.type === 'postgres' ? (n) => `$${n}` : () => '?';
}
