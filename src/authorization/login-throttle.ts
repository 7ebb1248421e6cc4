import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { sha256 } from '../common/crypto/hashing';
import { AppConfig } from '../config/app-config';
import { normalizeEmail } from '../users/users.service';
import { LoginFailure } from './login-failure.entity';

/** A sign-in attempt counted before its password is checked. */
export interface LoginAttempt {
  readonly email: string;
  /** The rows that count it (account, IP). */
  readonly rows: { account: number; ip: number };
  /** 0 when the attempt may go on; else how long to wait. */
  readonly retryAfterSeconds: number;
}

/**
 * Limits failed sign-ins per account and per client IP over a sliding window. Every attempt
 * is written as a failure *before* its password is checked and then counted, so parallel
 * guesses cannot slip past the limit together; a success takes its rows back. The rows live
 * in the database, so the limit holds across every instance sharing it. The account key is
 * the email as typed (normalized), whether or not such an account exists: the answer never
 * tells which emails are registered.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @InjectRepository(LoginFailure) private readonly rows: Repository<LoginFailure>,
    private readonly config: AppConfig,
  ) {}

  /** Counts an attempt; when it is over a limit it is taken back at once and must wait. */
  async begin(email: string, ip: string, now: Date): Promise<LoginAttempt> {
    const { loginThrottleWindowSeconds: window, loginMaxFailuresPerAccount, loginMaxFailuresPerIp } = this.config;
    await this.rows.createQueryBuilder().delete().where('created_at <= :before', { before: now.getTime() - window * 1000 }).execute();
    const rows = {
      account: await this.insert(accountKey(email), now),
      ip: await this.insert(ipKey(ip), now),
    };
    const waits = await Promise.all([
      this.waitMs(accountKey(email), loginMaxFailuresPerAccount, now),
      this.waitMs(ipKey(ip), loginMaxFailuresPerIp, now),
    ]);
    const waitMs = Math.max(...waits);
    if (waitMs > 0) await this.rows.delete({ seq: In([rows.account, rows.ip]) });
    return { email, rows, retryAfterSeconds: waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0 };
  }

  /** The password was right: the attempt is no failure, and the account's count starts over. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    await this.rows.delete({ seq: attempt.rows.ip });
    await this.rows.delete({ throttleKey: accountKey(attempt.email) });
  }

  private async insert(throttleKey: string, now: Date): Promise<number> {
    const result = await this.rows.insert({ throttleKey, createdAt: now });
    return Number(result.identifiers[0].seq);
  }

  /**
   * 0 while this key has at most `limit` attempts in the window, counting this one; else the
   * time until the oldest of the `limit` attempts before it leaves the window.
   */
  private async waitMs(throttleKey: string, limit: number, now: Date): Promise<number> {
    const windowMs = this.config.loginThrottleWindowSeconds * 1000;
    const recent = await this.rows
      .createQueryBuilder('f')
      .select('f.created_at', 'createdAt')
      .where('f.throttle_key = :throttleKey AND f.created_at > :since', { throttleKey, since: now.getTime() - windowMs })
      .orderBy('f.created_at', 'DESC')
      .limit(limit + 1)
      .getRawMany<{ createdAt: string | number }>();
    if (recent.length <= limit) return 0;
    return Math.max(1, Number(recent[limit].createdAt) + windowMs - now.getTime());
  }
}

function accountKey(email: string): string {
  return sha256(`account:${normalizeEmail(email)}`);
}

function ipKey(ip: string): string {
  return sha256(`ip:${ip}`);
}
