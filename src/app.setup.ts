import { INestApplication, Logger as NestLogger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { asClientError, sendJsonError, UnexpectedErrorFilter } from './common/errors/unexpected-error.filter';
import { rejectNulCharacters } from './common/nul-characters';
import { assignRequestId } from './logging/request-id';
import { httpMetricsMiddleware } from './operations/metrics/http-metrics.middleware';
import { Metrics } from './operations/metrics/metrics';

/** Largest JSON or form body accepted; beyond it the answer is `413`. */
export const BODY_LIMIT = '100kb';

/** The HTTP pipeline, shared by `main.ts` and the e2e tests so that both run the same server. */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
  app.use(assignRequestId);
  app.use(httpMetricsMiddleware(app.get(Metrics)));
  express.disable('x-powered-by');
  // Token answers are no-store and API answers per-user: an ETag (a SHA-1 of every body) buys nothing.
  express.set('etag', false);
  app.use(helmet());
  express.useBodyParser('json', { limit: BODY_LIMIT });
  express.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
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
