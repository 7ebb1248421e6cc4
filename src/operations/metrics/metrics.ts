import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { DurationHistogram } from './duration-histogram';

/** Status codes as label text, made once. */
const STATUS_TEXT: Record<number, string> = Object.fromEntries(Array.from({ length: 500 }, (_, index) => [index + 100, String(index + 100)]));

/** Request durations from a millisecond up: most answers of this server take a few. */
const HTTP_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The Prometheus metrics of one app instance, in a registry of its own (tests run several
 * apps in one process, and nothing here touches prom-client's global registry). Hot paths
 * call the small verbs below: plain additions, shaped into prom-client's format only when scraped
 * (prom-client validates and hashes labels on every labelled call: microseconds per request).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  /** Tokens issued per grant type since start; read into the counter below when scraped. */
  private readonly issuedByGrant = new Map<string, number>();
  private readonly tokensIssued = new Counter({
    name: 'oauth_tokens_issued_total',
    help: 'Access tokens issued by the token endpoint, by grant type',
    labelNames: ['grant_type'],
    registers: [this.registry],
    collect: (() => {
      const issuedByGrant = this.issuedByGrant;
      return function (this: Counter<'grant_type'>) {
        this.reset();
        for (const [grantType, count] of issuedByGrant) this.inc({ grant_type: grantType }, count);
      };
    })(),
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
  private readonly httpDurations = new DurationHistogram(
    'http_request_duration_seconds',
    'HTTP request duration by method, route pattern and status',
    ['route', 'method', 'status'],
    HTTP_BUCKETS_SECONDS,
    this.registry,
  );

  tokenIssued(grantType: string): void {
    this.issuedByGrant.set(grantType, (this.issuedByGrant.get(grantType) ?? 0) + 1);
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
    this.httpDurations.observe(route, method, STATUS_TEXT[status] ?? String(status), seconds);
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
