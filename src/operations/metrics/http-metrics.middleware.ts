import type { NextFunction, Request, Response } from 'express';
import { performance } from 'node:perf_hooks';
import type { Metrics } from './metrics';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Times every request into `http_request_duration_seconds`. The route label is the matched
 * route pattern (`/admin/clients/:client_id`), so ids in URLs never become label values;
 * a request no route matched counts as `unmatched`, whatever its path.
 */
export function httpMetricsMiddleware(metrics: Metrics): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const startedAt = performance.now();
    res.once('finish', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      const pattern = typeof route === 'string' ? req.baseUrl + route : 'unmatched';
      const method = KNOWN_METHODS.has(req.method) ? req.method : 'OTHER';
      metrics.requestFinished(method, pattern, res.statusCode, (performance.now() - startedAt) / 1000);
    });
    next();
  };
}
