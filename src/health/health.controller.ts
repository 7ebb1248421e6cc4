import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';

/** Probes for an orchestrator: liveness never touches dependencies, readiness pings the database. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  /** Liveness: the process serves HTTP. A restart would not fix a database outage, so no ping here. */
  @Get()
  @HealthCheck()
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Readiness: `503` while the database does not answer within a second and a half. */
  @Get('ready')
  @HealthCheck()
  @ApiOkResponse({ description: '`{"status":"ok","info":{"database":{"status":"up"}}}`' })
  @ApiServiceUnavailableResponse({ description: 'The database is down' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 1500 })]);
  }
}
