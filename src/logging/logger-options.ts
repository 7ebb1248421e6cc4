import type { Params } from 'nestjs-pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import type { onResponseHookHandler } from 'fastify';
import type pino from 'pino';
import type { AppConfig } from '../config/app-config';
import { flushAfterFatal, logDestination } from './log-destination';

/**
 * Paths pino blanks in every log line: credentials in headers, cookies, and any body or
 * object field that carries a password, secret, token or code. A test proves each.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-admin-key"]',
  'res.headers["set-cookie"]',
  'res.headers.location',
  // The same headers wherever an object of headers is logged by hand.
  '*.authorization',
  '*.cookie',
  '*["set-cookie"]',
  '*.password',
  '*.client_secret',
  '*.clientSecret',
  '*.refresh_token',
  '*.access_token',
  '*.id_token',
  '*.code',
  '*.code_verifier',
  '*.token',
  '*.secret',
];

/**
 * Field names whose value is blanked at any depth of a logged object (pino's paths reach one
 * level only). Compared in lower case.
 */
const SECRET_FIELDS = new Set([
  'authorization',
  'cookie',
  'set-cookie',
  'x-admin-key',
  'password',
  'client_secret',
  'clientsecret',
  'refresh_token',
  'refreshtoken',
  'access_token',
  'accesstoken',
  'id_token',
  'code',
  'code_verifier',
  'token',
  'secret',
  'registration_access_token',
  'key_encryption_key',
  'admin_api_key',
  'metrics_token',
]);
const CENSOR = '[redacted]';

/**
 * A copy of `value` with every secret field blanked, however deep; unchanged objects are
 * returned as they are (no copy). Only plain objects and arrays are walked: a request, a
 * socket or an error is left to pino's serializers.
 */
export function redactSecrets(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value !== 'object' || value === null || seen.has(value)) return value;
  if (Array.isArray(value)) {
    seen.add(value);
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const redacted = redactSecrets(item, seen);
      if (redacted !== item) (copy ??= [...value])[index] = redacted;
    });
    return copy ?? value;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  seen.add(value);
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const redacted = SECRET_FIELDS.has(key.toLowerCase()) && item !== undefined && item !== null ? CENSOR : redactSecrets(item, seen);
    if (redacted !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = redacted;
  }
  return copy ?? value;
}

/** Paths whose requests write no request line. */
const QUIET_PATHS = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

/**
 * Structured JSON logs, one line per request with its id (see request-id.ts); never a secret.
 * The request line is written by `accessLogHook`, not by pino-http: pino-http would build a
 * serialized, redacted child logger and an async context for every request, which cost more
 * than the line itself. The logger it builds is still the root logger the app's lines go to.
 */
export function loggerOptions(config: AppConfig): Params {
  return {
    forRoutes: [],
    pinoHttp: {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: CENSOR },
      // pino's paths reach one level; this blanks the same fields at any depth.
      formatters: { log: (object: Record<string, unknown>) => redactSecrets(object) as Record<string, unknown> },
      // Query strings can carry codes and states: log the path only.
      serializers: {
        // Also meets any object logged under `req` by hand: keep only these three fields.
        req: (req: { id?: unknown; method?: unknown; url?: unknown }) => ({
          id: req.id,
          method: req.method,
          path: typeof req.url === 'string' ? req.url.split('?')[0] : undefined,
        }),
      },
      autoLogging: false,
    },
  };
}

/**
 * How the request line is written: it carries only fields that are safe by construction (id,
 * method, path, status, time), so it skips the redaction every other line goes through, which
 * cost more than the rest of the line on the light paths.
 */
const REQUEST_LINE_OPTIONS: pino.ChildLoggerOptions = {
  redact: [],
  formatters: { log: (object: object) => object },
};

/**
 * Fastify `onResponse` hook writing the request line: the request's id, method and path (never
 * its query, headers or body), the status and the time to answer in milliseconds. `logger` is
 * read when the first response ends (the root logger exists once the app is initialised).
 */
export function accessLogHook(logger: () => pino.Logger): onResponseHookHandler {
  let requestLines: pino.Logger | undefined;
  return function logRequest(request, reply, done) {
    requestLines ??= logger().child({}, REQUEST_LINE_OPTIONS);
    if (requestLines.isLevelEnabled('info') && !QUIET_PATHS.has(request.url)) {
      const statusCode = reply.statusCode;
      requestLines.info(
        {
          // The `req` serializer keeps the path of `url` only.
          req: { id: request.id, method: request.method, url: request.url },
          // pino's response serializer reads `statusCode` once `headersSent`; it finds no headers here.
          res: { statusCode, headersSent: true },
          responseTime: Math.round(reply.elapsedTime),
        },
        statusCode >= 500 ? 'request errored' : 'request completed',
      );
    }
    done();
  };
}

/** `loggerOptions` writing to the process's asynchronous standard output (see log-destination.ts). */
export function serverLoggerParams(config: AppConfig): Params {
  const options = loggerOptions(config);
  const pinoHttp = { ...(options.pinoHttp as PinoHttpOptions), hooks: { logMethod: flushAfterFatal } };
  return { ...options, pinoHttp: [pinoHttp, logDestination()] };
}
