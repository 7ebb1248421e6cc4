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

const HEADERS: Readonly<Record<string, string>> = Object.fromEntries(helmetHeaders().map(([name, value]) => [name.toLowerCase(), value]));

/**
 * `onRequest` hook: the security headers on every answer. They go with Fastify's own headers,
 * so that Node writes them all from one object (set on Node's response first, every header
 * would pass through Node's slower merging path); a handler may still replace one (the
 * sign-in pages set their own Content-Security-Policy). A handler that writes its answer on
 * the raw response past Fastify carries them over itself (`carryHeadersToRaw`).
 */
export function setSecurityHeaders(_req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  reply.headers(HEADERS);
  done();
}

/** Before `reply.hijack()`: the headers set so far (the security headers among them) onto Node's response. */
export function carryHeadersToRaw(reply: FastifyReply): void {
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) reply.raw.setHeader(name, value);
  }
}
