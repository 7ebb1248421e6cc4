import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../../common/crypto/hashing';
import { OAuthError } from '../../common/errors/oauth-error';
import { AppConfig } from '../../config/app-config';
import { Metrics } from './metrics';

/** `GET /metrics`: Prometheus text format, behind `METRICS_TOKEN` (bearer) when it is set. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const expected = this.config.metricsToken;
    if (expected !== undefined) {
      const presented = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!presented) throw new OAuthError('invalid_token', 'a metrics token is required');
      if (!constantTimeEqual(presented, expected)) throw new OAuthError('invalid_token', 'invalid metrics token');
    }
    await res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
