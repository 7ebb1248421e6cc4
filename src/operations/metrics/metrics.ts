import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Request durations from a millisecond up: most answers of this server take a few. */
const HTTP_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type CounterChild = ReturnType<Counter['labels']>;
type HistogramChild = ReturnType<Histogram['labels']>;

/**
 * The Prometheus metrics of one app instance, in a registry of its own (tests run several
 * apps in one process, and nothing here touches prom-client's global registry). Hot paths
 * call the small verbs below: each is a counter increment on a cached child, no label hashing.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  private readonly tokensIssued = new Counter({
    name: 'oauth_tokens_issued_total',
    help: 'Access tokens issued by the token endpoint, by grant type',
    labelNames: ['grant_type'],
    registers: [this.registry],
  });
  private readonly refreshRotations = new Counter({
    name: 'oauth_refresh_rotations_total',
    help: 'Refresh tokens rotated (a new refresh token replaced the presented one)',
    registers: [this.registry],
  });
  private readonly refreshReuse = new Counter({
    name: 'oauth_refresh_reuse_detected_total',
    help: 'Spent refresh tokens presented again: each revoked its family',
    registers: [this.registry],
  });
  private readonly clientAuthFailures = new Counter({
    name: 'oauth_client_auth_failures_total',
    help: 'Failed client authentications (invalid_client) at the token, introspection and revocation endpoints',
    registers: [this.registry],
  });
  private readonly loginFailures = new Counter({
    name: 'oauth_login_failures_total',
    help: 'Sign-ins refused for a wrong email or password',
    registers: [this.registry],
  });
  private readonly httpDurations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: HTTP_BUCKETS_SECONDS,
    registers: [this.registry],
  });

  private readonly issuedByGrant = new Map<string, CounterChild>();
  private readonly durationsByKey = new Map<string, HistogramChild>();

  tokenIssued(grantType: string): void {
    let child = this.issuedByGrant.get(grantType);
    if (!child) this.issuedByGrant.set(grantType, (child = this.tokensIssued.labels(grantType)));
    child.inc();
  }

  refreshRotated(): void {
    this.refreshRotations.inc();
  }

  refreshReuseDetected(): void {
    this.refreshReuse.inc();
  }

  clientAuthenticationFailed(): void {
    this.clientAuthFailures.inc();
  }

  loginFailed(): void {
    this.loginFailures.inc();
  }

  /** One finished request; `route` is the route pattern (bounded), never the raw URL. */
  requestFinished(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let child = this.durationsByKey.get(key);
    if (!child) this.durationsByKey.set(key, (child = this.httpDurations.labels(method, route, String(status))));
    child.observe(seconds);
  }

  /** A gauge read when scraped: `read` runs at scrape time only, never on a request path. */
  gaugeOnScrape(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }
}
