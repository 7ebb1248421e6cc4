import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminEventsController } from './admin-events.controller';
import { AdminAuditInterceptor } from './admin-audit.interceptor';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditPurgeJob } from './audit-purge.job';
import { AuditTrail } from './audit-trail';
import { SecurityEvent } from './security-event.entity';

/** The audit trail: `AuditTrail.record(...)` for every module, `GET /admin/events` to read it. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([SecurityEvent])],
  controllers: [AdminEventsController],
  providers: [AuditEventsRepository, AuditTrail, AuditPurgeJob, AdminAuditInterceptor],
  exports: [AuditTrail, AuditEventsRepository, AdminAuditInterceptor],
})
export class AuditModule {}
