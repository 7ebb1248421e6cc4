import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { column } from '../database/migration-columns';

/** Users gain a display name, a verified-email flag (OIDC claims) and roles (`admin`). */
export class UserRoles1765200000000 implements MigrationInterface {
  name = 'UserRoles1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('users', [
      new TableColumn(column.string('name', 200, true)),
      new TableColumn(column.boolean('email_verified', false)),
      // A JSON list of strings; null reads as no roles.
      new TableColumn(column.text('roles', true)),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of ['roles', 'email_verified', 'name']) await queryRunner.dropColumn('users', name);
  }
}
