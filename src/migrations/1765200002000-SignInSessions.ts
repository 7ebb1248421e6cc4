import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { column } from '../database/migration-columns';

/**
 * OIDC sign-in sessions: each session gets a public id (`sid` of ID and logout tokens), and the
 * codes and token families it starts remember it, so that ending the session ends them.
 * Authorization requests keep their `nonce`; `prompt` becomes text (no length to overflow).
 */
export class SignInSessions1765200002000 implements MigrationInterface {
  name = 'SignInSessions1765200002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('user_sessions', new TableColumn(column.string('sid', 64, true)));
    await queryRunner.createIndex('user_sessions', new TableIndex({ name: 'idx_user_sessions_sid', columnNames: ['sid'] }));

    await queryRunner.addColumns('authorization_codes', [
      new TableColumn(column.string('session_id', 64, true)),
      new TableColumn(column.text('nonce', true)),
    ]);
    await queryRunner.createIndex('authorization_codes', new TableIndex({ name: 'idx_authorization_codes_user_id', columnNames: ['user_id'] }));

    await queryRunner.addColumns('token_families', [
      new TableColumn(column.string('session_id', 64, true)),
      // Granted with `offline_access`: the family outlives the session.
      new TableColumn(column.boolean('offline', false)),
    ]);
    await queryRunner.createIndex('token_families', new TableIndex({ name: 'idx_token_families_session_id', columnNames: ['session_id'] }));

    await queryRunner.addColumn('authorization_requests', new TableColumn(column.text('nonce', true)));
    await queryRunner.changeColumn('authorization_requests', 'prompt', new TableColumn(column.text('prompt', true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.changeColumn('authorization_requests', 'prompt', new TableColumn(column.string('prompt', 32, true)));
    await queryRunner.dropColumn('authorization_requests', 'nonce');
    await queryRunner.dropIndex('token_families', 'idx_token_families_session_id');
    await queryRunner.dropColumn('token_families', 'offline');
    await queryRunner.dropColumn('token_families', 'session_id');
    await queryRunner.dropIndex('authorization_codes', 'idx_authorization_codes_user_id');
    await queryRunner.dropColumn('authorization_codes', 'nonce');
    await queryRunner.dropColumn('authorization_codes', 'session_id');
    await queryRunner.dropIndex('user_sessions', 'idx_user_sessions_sid');
    await queryRunner.dropColumn('user_sessions', 'sid');
  }
}
