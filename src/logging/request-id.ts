import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';

/**
 * Gives every request an id before anything else runs: a well-formed `X-Request-Id` from the
 * caller, else a UUID. The request log line and every error logged for it carry the id,
 * whether or not request lines are logged at the configured level.
 */
export function assignRequestId(req: Request, _res: Response, next: NextFunction): void {
  const given = req.headers['x-request-id'];
  (req as Request & { id: string }).id = typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
  next();
}
