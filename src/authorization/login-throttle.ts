import { Injectable } from '@nestjs/common';
import { sha256 } from '../common/crypto/hashing';
import { AppConfig } from '../config/app-config';
import { AuditTrail } from '../operations/audit/audit-trail';
import { normalizeEmail } from '../users/users.service';
import { LoginFailuresRepository } from './login-failures.repository';

/** A sign-in attempt counted before its password is checked. */
export interface LoginAttempt {
  readonly email: string;
  /** The rows that count it (account, account from this address, address). */
  readonly rows: { account: number; accountAndIp: number; ip: number };
  readonly ip: string;
  /** 0 when the attempt may go on; else how long to wait. */
  readonly retryAfterSeconds: number;
}

/** Throttled keys already reported, at most this many remembered. */
const MAX_REPORTED_KEYS = 10_000;

/**
 * Limits failed sign-ins over a sliding window per account *from one address*
 * (LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP, low: stops guessing from one place), per account
 * from anywhere (LOGIN_MAX_FAILURES_PER_ACCOUNT, much higher: only a distributed attack
 * reaches it, and only it lets a stranger lock an account), and per address
 * (LOGIN_MAX_FAILURES_PER_IP: stops spraying many accounts). Every attempt
 * is written as a failure *before* its password is checked and then counted, so parallel
 * guesses cannot slip past the limit together; a success takes its rows back. The rows live
 * in the database, so the limit holds across every instance sharing it. The account key is
 * the email as typed (normalized), whether or not such an account exists: the answer never
 * tells which emails are registered.
 */
/** A lockout as the audit trail keeps it: which limit, whose email as typed, from where. */
interface LockoutEvent {
  limit: 'account' | 'account_and_ip' | 'ip';
  email: string;
  ip: string;
  retry_after_seconds: number;
}

@Injectable()
export class LoginThrottle {
  /** Throttle key → until when its lockout was reported, so a lockout is logged once, not per attempt. */
  private readonly reported = new Map<string, number>();

  constructor(
    private readonly rows: LoginFailuresRepository,
    private readonly config: AppConfig,
    private readonly audit: AuditTrail,
  ) {}

  /** Counts an attempt; when it is over a limit it is taken back at once and must wait. */
  async begin(email: string, ip: string, now: Date): Promise<LoginAttempt> {
    const { loginThrottleWindowSeconds: window, loginMaxFailuresPerAccount, loginMaxFailuresPerAccountAndIp, loginMaxFailuresPerIp } = this.config;
    await this.rows.deleteOlderThan(now.getTime() - window * 1000);
    const keys = { account: accountKey(email), accountAndIp: accountAndIpKey(email, ip), ip: ipKey(ip) };
    const rows = {
      account: await this.rows.insert(keys.account, now),
      accountAndIp: await this.rows.insert(keys.accountAndIp, now),
      ip: await this.rows.insert(keys.ip, now),
    };
    const [account, accountAndIp, address] = await Promise.all([
      this.waitMs(keys.account, loginMaxFailuresPerAccount, now),
      this.waitMs(keys.accountAndIp, loginMaxFailuresPerAccountAndIp, now),
      this.waitMs(keys.ip, loginMaxFailuresPerIp, now),
    ]);
    const waitMs = Math.max(account, accountAndIp, address);
    if (waitMs > 0) {
      await this.rows.deleteRows([rows.account, rows.accountAndIp, rows.ip]);
      const limit = account > 0 ? 'account' : accountAndIp > 0 ? 'account_and_ip' : 'ip';
      const key = limit === 'account' ? keys.account : limit === 'account_and_ip' ? keys.accountAndIp : keys.ip;
      await this.report(key, now.getTime(), now.getTime() + waitMs, { limit, email: normalizeEmail(email), ip, retry_after_seconds: Math.ceil(waitMs / 1000) });
    }
    return { email, ip, rows, retryAfterSeconds: waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0 };
  }

  /** The password was right: the attempt is no failure, and the account's counts start over. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    await this.rows.deleteRows([attempt.rows.ip]);
    await this.rows.deleteKeys([accountKey(attempt.email), accountAndIpKey(attempt.email, attempt.ip)]);
  }

  /** A lockout is a security event: logged at `warn` (who, from where, which limit) once per lockout. */
  private async report(key: string, nowMs: number, untilMs: number, event: LockoutEvent): Promise<void> {
    const known = this.reported.get(key);
    if (known !== undefined && known > nowMs) return;
    if (this.reported.size >= MAX_REPORTED_KEYS) this.reported.delete(this.reported.keys().next().value!);
    this.reported.set(key, untilMs);
    await this.audit.record({ kind: 'sign_in_lockout', action: 'sign_in_throttled', ip: event.ip, detail: { limit: event.limit, email: event.email, retry_after_seconds: event.retry_after_seconds } });
  }

  /**
   * 0 while this key has at most `limit` attempts in the window, counting this one; else the
   * time until the oldest of the `limit` attempts before it leaves the window.
   */
  private async waitMs(throttleKey: string, limit: number, now: Date): Promise<number> {
    const windowMs = this.config.loginThrottleWindowSeconds * 1000;
    const recent = await this.rows.newestTimes(throttleKey, now.getTime() - windowMs, limit + 1);
    if (recent.length <= limit) return 0;
    return Math.max(1, recent[limit] + windowMs - now.getTime());
  }
}

function accountKey(email: string): string {
  return sha256(`account:${normalizeEmail(email)}`);
}

function accountAndIpKey(email: string, ip: string): string {
  return sha256(`account-ip:${normalizeEmail(email)}\n${ip}`);
}

function ipKey(ip: string): string {
  return sha256(`ip:${ip}`);
}
