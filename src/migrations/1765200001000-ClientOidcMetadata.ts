import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { column } from '../database/migration-columns';

/**
 * OIDC and RFC 7591 client metadata: logout targets, and the registration names the server
 * stores and returns without acting on them. Lists are JSON text; null reads as the default.
 */
export class ClientOidcMetadata1765200001000 implements MigrationInterface {
  name = 'ClientOidcMetadata1765200001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('clients', [
      new TableColumn(column.text('response_types', true)),
      new TableColumn(column.text('post_logout_redirect_uris', true)),
      new TableColumn(column.text('backchannel_logout_uri', true)),
      new TableColumn(column.boolean('backchannel_logout_session_required', false)),
      new TableColumn(column.text('client_uri', true)),
      new TableColumn(column.text('logo_uri', true)),
      new TableColumn(column.text('policy_uri', true)),
      new TableColumn(column.text('tos_uri', true)),
      new TableColumn(column.text('contacts', true)),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of [
      'contacts',
      'tos_uri',
      'policy_uri',
      'logo_uri',
      'client_uri',
      'backchannel_logout_session_required',
      'backchannel_logout_uri',
      'post_logout_redirect_uris',
      'response_types',
    ]) {
      await queryRunner.dropColumn('clients', name);
    }
  }
}
