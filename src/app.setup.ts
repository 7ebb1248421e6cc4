import { INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import fastifyCookie from '@fastify/cookie';
import { Logger, PinoLogger } from 'nestjs-pino';
import type pino from 'pino';
import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { BODY_LIMIT_BYTES, registerBodyParsers } from './common/body-parsers';
import { UnexpectedErrorFilter } from './common/errors/unexpected-error.filter';
import { rejectNulCharacters } from './common/nul-characters';
import { setSecurityHeaders } from './common/security-headers';
import { AppConfig } from './config/app-config';
import { accessLogHook } from './logging/logger-options';
import { requestIdOf } from './logging/request-id';
import { httpMetricsHook } from './operations/metrics/http-metrics.hook';
import { Metrics } from './operations/metrics/metrics';

/** Node's own default: an idle keep-alive connection is closed after five seconds. */
const KEEP_ALIVE_TIMEOUT_MS = 5000;

/** The HTTP server (Fastify) for one configuration, shared by `main.ts` and the e2e tests. */
export function createHttpAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    // TRUST_PROXY: req.ip is the client's address (from X-Forwarded-For) only behind proxies we believe.
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestIdOf,
    requestIdHeader: false,
    requestTimeout: config.httpRequestTimeoutSeconds * 1000,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    // main.ts drains the connections itself on a signal.
    forceCloseConnections: false,
    return503OnClosing: false,
    clientErrorHandler: answerClientError,
  });
}

/**
 * A request Node cannot parse (headers too large, malformed, too slow) is answered as Node
 * itself answers it, with `Connection: close`: Fastify's own answer leaves that out, so a
 * keep-alive client would send its next request on the connection being closed.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  socket.destroy(error);
}

/** The HTTP pipeline, shared by `main.ts` and the e2e tests so that both run the same server. */
export async function configureApp(app: INestApplication): Promise<void> {
  const fastifyApp = app as NestFastifyApplication;
  fastifyApp.useLogger(app.get(Logger));
  const config = app.get(AppConfig);
  const fastify = fastifyApp.getHttpAdapter().getInstance();
  limitSlowRequests(app.getHttpServer() as Server, config);
  fastify.addHook('onResponse', httpMetricsHook(app.get(Metrics)));
  // The request line goes to this app's root logger, which nestjs-pino builds when the app initialises.
  let rootLogger: pino.Logger | undefined;
  fastify.addHook('onReady', (done) => {
    rootLogger = PinoLogger.root;
    done();
  });
  fastify.addHook('onResponse', accessLogHook(() => rootLogger ?? PinoLogger.root));
  // Fastify sends no X-Powered-By and no ETag (token answers are no-store, API answers per-user).
  fastify.addHook('onRequest', setSecurityHeaders);
  // Only the sign-in and consent pages read cookies; none is signed.
  await fastifyApp.register(fastifyCookie);
  registerBodyParsers(fastify);
  // The OAuth endpoints check their parameters one by one; the JSON APIs are guarded here.
  fastify.addHook('preHandler', rejectNulCharacters);
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
