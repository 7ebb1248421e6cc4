import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { column } from '../database/migration-columns';

/** The security events become the audit trail: who acted, what, on what, with what detail. */
export class AuditTrail1765400000000 implements MigrationInterface {
  name = 'AuditTrail1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('security_events', [
      new TableColumn(column.string('actor', 300, true)),
      new TableColumn(column.string('action', 64, true)),
      new TableColumn(column.string('target', 200, true)),
      new TableColumn(column.text('detail', true)),
    ]);
    // GET /admin/events filters by type, client and user, newest first.
    await queryRunner.createIndices('security_events', [
      new TableIndex({ name: 'idx_security_events_kind_created_at', columnNames: ['kind', 'created_at'] }),
      new TableIndex({ name: 'idx_security_events_client_id', columnNames: ['client_id'] }),
      new TableIndex({ name: 'idx_security_events_user_id', columnNames: ['user_id'] }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of ['idx_security_events_user_id', 'idx_security_events_client_id', 'idx_security_events_kind_created_at']) {
      await queryRunner.dropIndex('security_events', index);
    }
    for (const name of ['detail', 'target', 'action', 'actor']) await queryRunner.dropColumn('security_events', name);
  }
}
