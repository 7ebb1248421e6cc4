import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { addSeconds, Clock } from '../common/clock';
import { RevocationLogService } from '../revocation-log/revocation-log.service';
import { AuthorizationCodesRepository } from './grants/authorization-codes.repository';
import { TokenFamiliesRepository } from './refresh-tokens/token-families.repository';

const PURGE_INTERVAL_MS = 10 * 60_000;
// A redeemed code is kept a day past its expiry, so a late replay still revokes its family.
const CODE_RETENTION_SECONDS = 86_400;

/** Deletes expired codes, dead families with their refresh tokens, and spent denials, periodically. */
@Injectable()
export class TokenPurgeJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TokenPurgeJob.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly codes: AuthorizationCodesRepository,
    private readonly families: TokenFamiliesRepository,
    private readonly revocations: RevocationLogService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge().catch((error) => this.logger.warn(`purge failed: ${error}`)), PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass; answers what it deleted. */
  async purge(): Promise<{ codes: number; families: number; revocations: number }> {
    const now = this.clock.now();
    // A revoked family is kept while its access tokens live: introspection reads it.
    const revokedBefore = addSeconds(now, -(this.config.accessTokenTtlSeconds + this.config.clockSkewSeconds));
    const codes = await this.codes.purgeExpired(addSeconds(now, -CODE_RETENTION_SECONDS));
    const families = await this.families.purgeExpired(now, this.config.refreshTokenIdleTtlSeconds, revokedBefore);
    const revocations = await this.revocations.purgeExpired(now);
    if (codes + families + revocations > 0) this.logger.log({ msg: 'purged', codes, families, revocations });
    return { codes, families, revocations };
  }
}
