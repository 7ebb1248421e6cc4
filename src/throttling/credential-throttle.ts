import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { sha256 } from '../common/crypto/hashing';
import { TooManyFailuresError } from '../common/errors/too-many-failures.error';
import { AppConfig } from '../config/app-config';
import { AuditTrail } from '../operations/audit/audit-trail';
import { AuthFailuresRepository } from './auth-failures.repository';

/** Which credential failed: a client's (token, introspection, revocation, feed) or the admin key. */
export type CredentialKind = 'client' | 'admin';

/** Addresses remembered as refused; past it the oldest go (a proxy misconfiguration must not fill memory). */
const MAX_BLOCKED_ADDRESSES = 100_000;

/** Dynamic registrations one address may make per AUTH_THROTTLE_WINDOW. */
const REGISTRATIONS_PER_IP = 10;

/**
 * Throttles failed client authentications and admin keys. Failures are rows in the store,
 * counted per address and (for clients) per client id over `AUTH_THROTTLE_WINDOW`, so the
 * limits hold across instances.
 *
 * It throttles the failures, not the client:
 * - an **address** past its limit is refused (`429`) before its credentials are checked, the
 *   right ones included, until its oldest counted failure leaves the window: from one address
 *   an attacker gets a handful of guesses per window. Each instance learns the block from its
 *   own next failure there (one count query), then refuses from memory without a query;
 * - a **client** past its limit (failures from anywhere) only turns its wrong answers into
 *   `429`: its right secret keeps working, so nobody can lock a client out by hammering it
 *   from many addresses. A client secret is 256 random bits: the per-address limit, not the
 *   per-client one, is what brute force would meet.
 * Successes cost nothing: no query, no row.
 */
@Injectable()
export class CredentialThrottle {
  /** `kind` + address → when the block ends (epoch ms, by the injected clock). */
  private readonly blocked = new Map<string, number>();

  constructor(
    private readonly failures: AuthFailuresRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
  ) {}

  /** Throws `429` when this address is refused for `kind`; checks memory only. */
  refuseBlockedAddress(kind: CredentialKind, ip: string): void {
    const key = `${kind}:${ip}`;
    const until = this.blocked.get(key);
    if (until === undefined) return;
    const waitMs = until - this.clock.now().getTime();
    if (waitMs > 0) throw tooMany(kind, waitMs, 'this address');
    this.blocked.delete(key);
  }

  /**
   * Records one failure. Answers the `429` to throw instead of the usual `401` when the
   * address or the client is past its limit, or undefined when the `401` stands.
   */
  async failed(kind: CredentialKind, ip: string, clientId?: string): Promise<TooManyFailuresError | undefined> {
    const now = this.clock.now();
    const windowMs = this.config.authThrottleWindowSeconds * 1000;
    const ipKey = throttleKey(`${kind}-ip`, ip);
    const clientKey = kind === 'client' && clientId ? throttleKey('client', clientId) : undefined;
    await this.failures.purgeBefore(new Date(now.getTime() - windowMs));
    await this.failures.record(clientKey ? [ipKey, clientKey] : [ipKey], now);

    const ipLimit = kind === 'client' ? this.config.clientAuthMaxFailuresPerIp : this.config.adminAuthMaxFailuresPerIp;
    const byIp = await this.failures.count(ipKey, ipLimit, windowMs, now);
    if (byIp.waitMs > 0) {
      this.block(`${kind}:${ip}`, now.getTime() + byIp.waitMs);
      await this.audit.record({
        kind: 'client_auth_failures',
        action: `${kind}_auth_throttled`,
        clientId,
        ip,
        detail: { credential: kind, limit: ipLimit, window_seconds: windowMs / 1000, retry_after_seconds: seconds(byIp.waitMs) },
      });
      return tooMany(kind, byIp.waitMs, 'this address');
    }
    if (!clientKey) return undefined;
    const byClient = await this.failures.count(clientKey, this.config.clientAuthMaxFailuresPerClient, windowMs, now);
    if (byClient.waitMs === 0) return undefined;
    // Logged once per window crossing, not for every failure past it.
    if (byClient.count === this.config.clientAuthMaxFailuresPerClient + 1) {
      await this.audit.record({
        kind: 'client_auth_failures',
        action: 'client_auth_throttled',
        clientId,
        ip,
        detail: { credential: kind, limit: this.config.clientAuthMaxFailuresPerClient, window_seconds: windowMs / 1000, retry_after_seconds: seconds(byClient.waitMs) },
      });
    }
    return tooMany(kind, byClient.waitMs, 'this client');
  }

  /**
   * Counts one dynamic client registration (RFC 7591) from `ip`; answers the `429` to throw
   * when the address registered more than its share within the window.
   */
  async registered(ip: string): Promise<TooManyFailuresError | undefined> {
    const now = this.clock.now();
    const windowMs = this.config.authThrottleWindowSeconds * 1000;
    const key = throttleKey('registration-ip', ip);
    await this.failures.record([key], now);
    const byIp = await this.failures.count(key, REGISTRATIONS_PER_IP, windowMs, now);
    if (byIp.waitMs === 0) return undefined;
    return new TooManyFailuresError(seconds(byIp.waitMs), 'too many client registrations from this address');
  }

  private block(key: string, untilMs: number): void {
    if (this.blocked.size >= MAX_BLOCKED_ADDRESSES) this.blocked.delete(this.blocked.keys().next().value!);
    this.blocked.set(key, untilMs);
  }
}

function tooMany(kind: CredentialKind, waitMs: number, who: string): TooManyFailuresError {
  const what = kind === 'client' ? 'client authentications' : 'admin credentials';
  return new TooManyFailuresError(seconds(waitMs), `too many failed ${what} from ${who}`);
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

function throttleKey(scope: string, value: string): string {
  return sha256(`${scope}:${value}`);
}
