import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Every request's id (Fastify's `genReqId`), given before anything else runs: a well-formed
 * `X-Request-Id` from the caller, else a UUID. The request log line and every error logged for
 * it carry the id, whether or not request lines are logged at the configured level.
 */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
}
