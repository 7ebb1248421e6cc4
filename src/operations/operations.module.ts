import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuditModule } from './audit/audit.module';
import { HealthController } from './health/health.controller';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsModule } from './metrics/metrics.module';
import { RevocationGauges } from './revocation-gauges';

/** What an operator needs: health probes, Prometheus metrics, the audit trail. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), MetricsModule, AuditModule],
  controllers: [HealthController, MetricsController],
  providers: [RevocationGauges],
})
export class OperationsModule {}
