import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { column } from '../database/migration-columns';

/** Refresh-token families, every refresh token ever issued (by hash), server secrets, security events. */
export class TokenFamilies1764100000000 implements MigrationInterface {
  name = 'TokenFamilies1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'token_families',
        columns: [
          column.id('id'),
          column.string('client_id', 64),
          column.string('user_id', 64),
          column.text('scope'),
          column.time('auth_time'),
          column.time('created_at'),
          column.time('expires_at'),
          column.time('last_used_at'),
          column.string('current_token_hash', 64, true),
          column.string('previous_token_hash', 64, true),
          column.time('rotated_at', true),
          column.time('revoked_at', true),
          column.string('revoked_reason', 64, true),
        ],
        indices: [
          { name: 'idx_token_families_client_id', columnNames: ['client_id'] },
          { name: 'idx_token_families_user_id', columnNames: ['user_id'] },
          { name: 'idx_token_families_expires_at', columnNames: ['expires_at'] },
          { name: 'idx_token_families_last_used_at', columnNames: ['last_used_at'] },
          { name: 'idx_token_families_revoked_at', columnNames: ['revoked_at'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'refresh_tokens',
        columns: [column.id('token_hash'), column.string('family_id', 64), column.time('issued_at')],
        indices: [{ name: 'idx_refresh_tokens_family_id', columnNames: ['family_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'server_secrets',
        columns: [column.id('name'), column.text('value'), column.time('created_at')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'security_events',
        columns: [
          column.id('id'),
          column.string('kind', 32),
          column.string('family_id', 64, true),
          column.string('client_id', 64, true),
          column.string('user_id', 64, true),
          column.string('ip', 64, true),
          column.time('created_at'),
        ],
        indices: [
          { name: 'idx_security_events_created_at', columnNames: ['created_at'] },
          { name: 'idx_security_events_family_id', columnNames: ['family_id'] },
        ],
      }),
    );
    // Introspection looks denials up by what they name; the codes' replay check by family.
    await queryRunner.createIndex('revocations', new TableIndex({ name: 'idx_revocations_kind_value', columnNames: ['kind', 'value'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('revocations', 'idx_revocations_kind_value');
    for (const table of ['security_events', 'server_secrets', 'refresh_tokens', 'token_families']) {
      await queryRunner.dropTable(table);
    }
  }
}
