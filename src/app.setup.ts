import { INestApplication, Logger as NestLogger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { asClientError, sendJsonError, UnexpectedErrorFilter } from './common/errors/unexpected-error.filter';
import { refuseDeepJson } from './common/json-depth';
import { rejectNulCharacters } from './common/nul-characters';
import { AppConfig } from './config/app-config';
import { assignRequestId } from './logging/request-id';
import type { Server } from 'node:http';
import { httpMetricsMiddleware } from './operations/metrics/http-metrics.middleware';
import { Metrics } from './operations/metrics/metrics';

/** Largest JSON or form body accepted; beyond it the answer is `413`. */
export const BODY_LIMIT = '100kb';

/** The HTTP pipeline, shared by `main.ts` and the e2e tests so that both run the same server. */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
  const config = app.get(AppConfig);
  // TRUST_PROXY: req.ip is the client's address (from X-Forwarded-For) only behind proxies we believe.
  express.set('trust proxy', config.trustProxy);
  limitSlowRequests(app.getHttpServer() as Server, config);
  app.use(assignRequestId);
  app.use(httpMetricsMiddleware(app.get(Metrics)));
  express.disable('x-powered-by');
  // Token answers are no-store and API answers per-user: an ETag (a SHA-1 of every body) buys nothing.
  express.set('etag', false);
  app.use(helmet());
  express.useBodyParser('json', { limit: BODY_LIMIT, verify: refuseDeepJson });
  // Room for a repeated RFC 8707 `resource`: the token endpoint answers too many with invalid_target.
  express.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false, parameterLimit: 2_000 });
  app.use(bodyErrorHandler);
  // Only the sign-in and consent pages read cookies.
  app.use(['/authorize', '/logout'], cookieParser());
  // The OAuth endpoints check their parameters one by one; the JSON APIs are guarded here.
  app.use(['/admin', '/api'], rejectNulCharacters);
  app.useGlobalFilters(new UnexpectedErrorFilter());
  setUpApiDocs(app);
  // Shutdown on signals is main.ts's: it drains HTTP before the modules close.
}

/**
 * A request whose headers, or whose whole body, do not arrive in time is answered `408` and
 * its connection closed: a client declaring a longer body than it sends, or dripping bytes,
 * holds a socket for seconds, not Node's default five minutes. Node checks these deadlines
 * on an interval (30 s by default, read when the server starts listening): every second here.
 * Long answers (the revocation feed) are not affected: only receiving the request is timed.
 */
function limitSlowRequests(server: Server, config: AppConfig): void {
  server.requestTimeout = config.httpRequestTimeoutSeconds * 1000;
  server.headersTimeout = Math.min(config.httpHeadersTimeoutSeconds, config.httpRequestTimeoutSeconds) * 1000;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = 1000;
}

/**
 * Body parsing fails before Nest sees the request, so Express would answer with its HTML
 * error page: answer malformed JSON (`400`), an oversized body (`413`) or an unsupported
 * charset/encoding (`415`) with JSON instead.
 */
function bodyErrorHandler(error: unknown, req: Request, res: Response, next: NextFunction): void {
  const clientError = asClientError(error);
  if (!clientError) return next(error);
  const { type } = error as { type?: string };
  const description =
    type === 'entity.parse.failed'
      ? 'the request body is not valid JSON'
      : type === 'entity.too.large'
        ? `the request body is larger than ${BODY_LIMIT}`
        : clientError.message;
  new NestLogger('HTTP').warn({ msg: 'request body refused', reqId: (req as { id?: string }).id, status: clientError.status, type });
  sendJsonError(res, clientError.status, 'invalid_request', description);
}

/** OpenAPI for the admin API and health checks, generated from the DTOs: UI at `/docs`, JSON at `/docs-json`. */
function setUpApiDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Admin API')
    .setDescription(
      'Clients, users and signing keys of the authorization server. Authenticate with ' +
        '`Authorization: Bearer <ADMIN_API_KEY>` or an access token with scope `admin`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, onlyPaths(document, /^\/(admin|health)(\/|$)/));
}

/** The OAuth endpoints are described by their RFCs and the discovery metadata, not here. */
function onlyPaths(document: OpenAPIObject, keep: RegExp): OpenAPIObject {
  const paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => keep.test(path)));
  return { ...document, paths };
}
