import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { column } from '../database/migration-columns';

/** Clients, users, signing keys, authorization codes and the revocation log. */
export class InitialSchema1764090000000 implements MigrationInterface {
  name = 'InitialSchema1764090000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'clients',
        columns: [
          column.id('client_id'),
          column.string('client_name', 200),
          column.text('redirect_uris'),
          column.text('grant_types'),
          column.text('scope'),
          column.string('token_endpoint_auth_method', 32),
          column.boolean('skip_consent', false),
          column.string('secret_hash', 64, true),
          column.string('previous_secret_hash', 64, true),
          column.time('previous_secret_expires_at', true),
          column.time('created_at'),
          column.time('updated_at'),
        ],
        indices: [{ name: 'idx_clients_created_at', columnNames: ['created_at'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          column.id('id'),
          column.string('email', 320),
          column.string('email_normalized', 320),
          column.string('password_hash', 255),
          column.time('created_at'),
        ],
        indices: [{ name: 'uq_users_email_normalized', columnNames: ['email_normalized'], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'signing_keys',
        columns: [
          column.id('kid'),
          column.string('alg', 16),
          column.text('public_jwk'),
          column.text('private_jwk'),
          column.time('created_at'),
          column.time('retired_at', true),
          column.time('expires_at', true),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'authorization_codes',
        columns: [
          column.id('code_hash'),
          column.string('client_id', 64),
          column.string('user_id', 64),
          column.text('redirect_uri'),
          column.text('scope'),
          column.string('code_challenge', 128),
          column.time('auth_time'),
          column.time('expires_at'),
          column.time('consumed_at', true),
          column.string('family_id', 64, true),
          column.time('created_at'),
        ],
        indices: [{ name: 'idx_authorization_codes_expires_at', columnNames: ['expires_at'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'revocations',
        columns: [
          column.sequence('seq'),
          column.string('kind', 8),
          column.string('value', 255),
          column.time('expires_at'),
          column.time('created_at'),
        ],
        indices: [{ name: 'idx_revocations_expires_at', columnNames: ['expires_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['revocations', 'authorization_codes', 'signing_keys', 'users', 'clients']) {
      await queryRunner.dropTable(table);
    }
  }
}
