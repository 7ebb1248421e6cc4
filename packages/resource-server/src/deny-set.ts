import type { DenialKind } from './feed-event';

/** One denial as the deny set holds it: times are epoch milliseconds. */
export interface Denial {
  readonly kind: DenialKind;
  readonly value: string;
  readonly expiresAtMs: number;
  /** For `sub`: tokens issued at or before this time are refused. */
  readonly createdAtMs: number;
}

/** The token facts a denial can match. */
export interface DeniableToken {
  readonly sub?: string;
  readonly sid?: string;
  readonly jti?: string;
  readonly client_id?: string;
  /** Seconds since the epoch. */
  readonly iat?: number;
}

/**
 * Denials held in memory until the `exp` they carry, looked up in constant time. The
 * authorization server's own deny list and every resource server hold one, so both refuse alike.
 */
export class DenySet {
  private readonly entries = new Map<string, Denial>();

  get size(): number {
    return this.entries.size;
  }

  add(denial: Denial): void {
    const key = keyOf(denial.kind, denial.value);
    const known = this.entries.get(key);
    // Two denials of one subject: the later cut-off and the later expiry both win.
    this.entries.set(
      key,
      known
        ? {
            ...denial,
            expiresAtMs: Math.max(known.expiresAtMs, denial.expiresAtMs),
            createdAtMs: Math.max(known.createdAtMs, denial.createdAtMs),
          }
        : denial,
    );
  }

  /** The denial that refuses this token at `nowMs`, if any. */
  match(token: DeniableToken, nowMs: number): Denial | undefined {
    const live = (denial?: Denial) => (denial && denial.expiresAtMs > nowMs ? denial : undefined);
    const bySid = token.sid ? live(this.entries.get(keyOf('sid', token.sid))) : undefined;
    if (bySid) return bySid;
    const byJti = token.jti ? live(this.entries.get(keyOf('jti', token.jti))) : undefined;
    if (byJti) return byJti;
    // A deleted client: everything it holds, whenever issued.
    const byClient = token.client_id ? live(this.entries.get(keyOf('client', token.client_id))) : undefined;
    if (byClient) return byClient;
    const bySub = token.sub ? live(this.entries.get(keyOf('sub', token.sub))) : undefined;
    // A subject denial refuses what was issued up to it; later sign-ins work again.
    if (bySub && token.iat !== undefined && token.iat * 1000 <= bySub.createdAtMs) return bySub;
    if (bySub && token.iat === undefined) return bySub;
    return undefined;
  }

  /** Forgets denials whose tokens have all expired; returns how many went. */
  purgeExpired(nowMs: number): number {
    let removed = 0;
    for (const [key, denial] of this.entries) {
      if (denial.expiresAtMs <= nowMs) {
        this.entries.delete(key);
        removed++;
      }
    }
    return removed;
  }
}

function keyOf(kind: string, value: string): string {
  return `${kind}:${value}`;
}
