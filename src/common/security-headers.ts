import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Helmet's default security headers (Content-Security-Policy, Strict-Transport-Security,
 * X-Content-Type-Options, X-Frame-Options and the rest), computed once: helmet's middleware
 * run against a recorder. Its defaults have no per-request part (no nonce), so every answer
 * gets the same values; building them per request, as the Fastify plugin does, re-parses the
 * policy each time.
 */
export function helmetHeaders(): ReadonlyArray<readonly [string, string]> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  helmet()({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return [...headers];
}

const HEADERS = helmetHeaders();

/**
 * `onRequest` hook: the security headers on every answer. They are set on Node's response, so
 * that answers written past Fastify (the revocation feed's stream) carry them too; a handler
 * may still replace one (the sign-in pages set their own Content-Security-Policy).
 */
export function setSecurityHeaders(_req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const raw = reply.raw;
  for (const [name, value] of HEADERS) raw.setHeader(name, value);
  done();
}
