import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { column } from '../database/migration-columns';

/** Pending authorization requests, sign-in sessions, remembered consent and failed sign-ins. */
export class AuthorizationSessions1764097000000 implements MigrationInterface {
  name = 'AuthorizationSessions1764097000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'authorization_requests',
        columns: [
          column.id('id_hash'),
          column.string('client_id', 64),
          column.text('redirect_uri'),
          column.text('scope'),
          column.text('state', true),
          column.string('code_challenge', 128),
          column.string('prompt', 32, true),
          column.string('user_id', 64, true),
          column.time('created_at'),
          column.time('expires_at'),
        ],
        indices: [{ name: 'idx_authorization_requests_expires_at', columnNames: ['expires_at'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'user_sessions',
        columns: [column.id('id_hash'), column.string('user_id', 64), column.time('auth_time'), column.time('expires_at')],
        indices: [
          { name: 'idx_user_sessions_user_id', columnNames: ['user_id'] },
          { name: 'idx_user_sessions_expires_at', columnNames: ['expires_at'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'consents',
        columns: [column.id('user_id'), column.id('client_id'), column.id('scope', 200), column.time('granted_at')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'login_failures',
        columns: [column.sequence('seq'), column.string('throttle_key', 64), column.time('created_at')],
        indices: [
          { name: 'idx_login_failures_key_created_at', columnNames: ['throttle_key', 'created_at'] },
          { name: 'idx_login_failures_created_at', columnNames: ['created_at'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['login_failures', 'consents', 'user_sessions', 'authorization_requests']) {
      await queryRunner.dropTable(table);
    }
  }
}
