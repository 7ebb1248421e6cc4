import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuthFailure } from './auth-failure.entity';

/** The failures of one key within a window, as the throttle needs them. */
export interface FailureCount {
  /** Failures in the window, this one included, counted up to `limit + 1`. */
  count: number;
  /** 0 while `count <= limit`; else ms until the oldest counted failure leaves the window. */
  waitMs: number;
}

/** Failed authentications in the store, one row each, so that every instance counts them all. */
@Injectable()
export class AuthFailuresRepository {
  constructor(@InjectRepository(AuthFailure) private readonly rows: Repository<AuthFailure>) {}

  async record(throttleKeys: string[], at: Date): Promise<void> {
    await this.rows.insert(throttleKeys.map((throttleKey) => ({ throttleKey, createdAt: at })));
  }

  /** How many failures `throttleKey` had within `windowMs` before `now`, up to `limit + 1`. */
  async count(throttleKey: string, limit: number, windowMs: number, now: Date): Promise<FailureCount> {
    const recent = await this.rows
      .createQueryBuilder('f')
      .select('f.created_at', 'createdAt')
      .where('f.throttle_key = :throttleKey AND f.created_at > :since', { throttleKey, since: now.getTime() - windowMs })
      .orderBy('f.created_at', 'DESC')
      .limit(limit + 1)
      .getRawMany<{ createdAt: string | number }>();
    if (recent.length <= limit) return { count: recent.length, waitMs: 0 };
    return { count: recent.length, waitMs: Math.max(1, Number(recent[limit].createdAt) + windowMs - now.getTime()) };
  }

  /** Forgets failures that no window counts any more. */
  async purgeBefore(before: Date): Promise<void> {
    await this.rows.createQueryBuilder().delete().where('created_at <= :before', { before: before.getTime() }).execute();
  }
}
