import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { DenyListService } from '../../revocation-log/deny-list.service';

/**
 * Probes for an orchestrator: liveness never touches dependencies, readiness checks that this
 * instance can serve as promised (database answers, revocation log followed).
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly denyList: DenyListService,
  ) {}

  /** Liveness: the process serves HTTP. A restart would not fix a database outage, so no ping here. */
  @Get('live')
  @HealthCheck()
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** The same liveness probe at its older path. */
  @Get()
  @HealthCheck()
  @ApiOkResponse({ description: '`{"status":"ok"}`, as /health/live' })
  liveAtRoot(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * Readiness: `503` while the database does not answer within a second and a half, or while
   * (on PostgreSQL) the LISTEN connection of the revocation log is down: denials from other
   * instances would then reach this one only at the next safety poll, seconds late.
   */
  @Get('ready')
  @HealthCheck()
  @ApiOkResponse({ description: '`{"status":"ok","info":{"database":{"status":"up"},"revocation_log":{"status":"up"}}}`' })
  @ApiServiceUnavailableResponse({ description: 'The database is down, or the revocation log is not followed' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 1500 }), () => this.revocationLog()]);
  }

  private revocationLog(): HealthIndicatorResult {
    const indicator = this.indicators.check('revocation_log');
    return this.denyList.isFollowingLog() ? indicator.up() : indicator.down({ message: 'the LISTEN connection is down' });
  }
}
