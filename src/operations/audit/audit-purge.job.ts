import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { addSeconds, Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { AuditEventsRepository } from './audit-events.repository';

const PURGE_INTERVAL_MS = 10 * 60_000;

/** Keeps the audit trail bounded: deletes events older than `AUDIT_RETENTION_DAYS`, periodically. */
@Injectable()
export class AuditPurgeJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditPurgeJob.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly events: AuditEventsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge().catch((error) => this.logger.warn(`audit purge failed: ${error}`)), PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass, in batches; answers how many events it deleted. */
  async purge(): Promise<number> {
    const before = addSeconds(this.clock.now(), -this.config.auditRetentionDays * 86_400);
    let deleted = 0;
    for (let batch = await this.events.purgeBefore(before); batch > 0; batch = await this.events.purgeBefore(before)) deleted += batch;
    if (deleted > 0) this.logger.log({ msg: 'audit events purged', deleted });
    return deleted;
  }
}
