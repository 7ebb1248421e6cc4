import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { sendJsonError } from './errors/unexpected-error.filter';

/**
 * PostgreSQL text cannot hold U+0000, and no identifier, secret or note of ours has a use for
 * it. Input carrying one is refused where it enters, as the client's error, instead of
 * failing as a 500 deep in the store.
 */
export function containsNul(value: string): boolean {
  return value.includes('\0');
}

/** The first field (dotted path) of a parsed body whose string holds a NUL character. */
export function fieldWithNul(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return containsNul(value) ? path || 'body' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = containsNul(key) ? path || 'body' : fieldWithNul(item, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}

/** The JSON APIs whose input is checked here; the OAuth endpoints check their parameters one by one. */
const GUARDED_PATHS = /^\/(admin|api)(\/|\?|$)/;

/**
 * `preHandler` hook for the JSON APIs (admin, resource): a NUL character in the path, query or
 * body answers `400 invalid_request` naming where it was.
 */
export function rejectNulCharacters(req: FastifyRequest, res: FastifyReply, done: HookHandlerDoneFunction): void {
  if (!GUARDED_PATHS.test(req.url)) return done();
  if (/%00/.test(req.url)) {
    return sendJsonError(res, 400, 'invalid_request', 'the URL must not contain NUL characters');
  }
  const field = fieldWithNul(req.body);
  if (field) return sendJsonError(res, 400, 'invalid_request', `${field} must not contain NUL characters`);
  done();
}
