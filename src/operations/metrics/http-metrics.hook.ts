import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Metrics } from './metrics';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * An `onResponse` hook timing every request into `http_request_duration_seconds`. The route
 * label is the matched route pattern (`/admin/clients/:client_id`), so ids in URLs never
 * become label values; a request no route matched counts as `unmatched`, whatever its path.
 */
export function httpMetricsHook(metrics: Metrics): (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void {
  return (req, reply, done) => {
    const route = req.is404 ? undefined : req.routeOptions.url;
    const method = KNOWN_METHODS.has(req.method) ? req.method : 'OTHER';
    metrics.requestFinished(method, typeof route === 'string' ? route : 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  };
}
