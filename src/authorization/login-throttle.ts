import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { sha256 } from '../common/crypto/hashing';
import { AppConfig } from '../config/app-config';
import { normalizeEmail } from '../users/users.service';
import { LoginFailure } from './login-failure.entity';

/**
 * Limits failed sign-ins per account and per client IP over a sliding window. Failures are
 * rows in the database, so the limit holds across every instance sharing it. The account key
 * is the email as typed (normalized), whether or not such an account exists: the answer never
 * tells which emails are registered.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @InjectRepository(LoginFailure) private readonly rows: Repository<LoginFailure>,
    private readonly config: AppConfig,
  ) {}

  /** Seconds until another attempt is allowed, or 0 when it is allowed now. */
  async retryAfterSeconds(email: string, ip: string, now: Date): Promise<number> {
    const { loginThrottleWindowSeconds: window, loginMaxFailuresPerAccount, loginMaxFailuresPerIp } = this.config;
    const since = now.getTime() - window * 1000;
    const limits: Array<[string, number]> = [
      [accountKey(email), loginMaxFailuresPerAccount],
      [ipKey(ip), loginMaxFailuresPerIp],
    ];
    let waitMs = 0;
    for (const [throttleKey, limit] of limits) {
      const failures = await this.rows
        .createQueryBuilder('f')
        .select('f.created_at', 'createdAt')
        .where('f.throttle_key = :throttleKey AND f.created_at > :since', { throttleKey, since })
        .orderBy('f.created_at', 'DESC')
        .limit(limit)
        .getRawMany<{ createdAt: string | number }>();
      if (failures.length >= limit) {
        // The oldest of the last `limit` failures leaving the window frees one attempt.
        const oldest = Number(failures[failures.length - 1].createdAt);
        waitMs = Math.max(waitMs, oldest + window * 1000 - now.getTime());
      }
    }
    return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
  }

  async recordFailure(email: string, ip: string, now: Date): Promise<void> {
    await this.rows.insert([
      { throttleKey: accountKey(email), createdAt: now },
      { throttleKey: ipKey(ip), createdAt: now },
    ]);
    const before = now.getTime() - this.config.loginThrottleWindowSeconds * 1000;
    await this.rows.createQueryBuilder().delete().where('created_at <= :before', { before }).execute();
  }

  /** A successful sign-in clears the account's failures (its IP's stay counted). */
  async clearAccount(email: string): Promise<void> {
    await this.rows.delete({ throttleKey: accountKey(email) });
  }
}

function accountKey(email: string): string {
  return sha256(`account:${normalizeEmail(email)}`);
}

function ipKey(ip: string): string {
  return sha256(`ip:${ip}`);
}
