import type { Params } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import type { AppConfig } from '../config/app-config';

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

/** Levels at which a line is written for every request. */
const REQUEST_LOG_LEVELS = ['trace', 'debug', 'info'];

/**
 * Structured JSON logs, one line per request with its id (see request-id.ts); never a secret.
 * Above `info` no request line is written, yet pino-http would still build a serialized,
 * redacted child logger per request (a tenth of the token endpoint's CPU): it is left out then.
 */
export function loggerOptions(config: AppConfig): Params {
  return {
    ...(REQUEST_LOG_LEVELS.includes(config.logLevel) ? {} : { forRoutes: [] }),
    pinoHttp: {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Query strings can carry codes and states: log the path only.
      serializers: {
        // Also meets any object logged under `req` by hand: keep only these three fields.
        req: (req: { id?: unknown; method?: unknown; url?: unknown }) => ({
          id: req.id,
          method: req.method,
          path: typeof req.url === 'string' ? req.url.split('?')[0] : undefined,
        }),
      },
      autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
    },
  };
}
