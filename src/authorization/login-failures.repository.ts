import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { LoginFailure } from './login-failure.entity';

/** The `login_failures` table: one row per counted sign-in attempt and throttle key. */
@Injectable()
export class LoginFailuresRepository {
  constructor(@InjectRepository(LoginFailure) private readonly rows: Repository<LoginFailure>) {}

  /** Forgets the attempts made at or before `before`. */
  async deleteOlderThan(before: number): Promise<void> {
    await this.rows.createQueryBuilder().delete().where('created_at <= :before', { before }).execute();
  }

  /** Counts one attempt under `throttleKey`; answers its row's `seq`. */
  async insert(throttleKey: string, now: Date): Promise<number> {
    const result = await this.rows.insert({ throttleKey, createdAt: now });
    return Number(result.identifiers[0].seq);
  }

  async deleteRows(seqs: number[]): Promise<void> {
    await this.rows.delete({ seq: In(seqs) });
  }

  async deleteKeys(throttleKeys: string[]): Promise<void> {
    await this.rows.delete({ throttleKey: In(throttleKeys) });
  }

  /** The times (epoch ms) of this key's newest `count` attempts after `since`, newest first. */
  async newestTimes(throttleKey: string, since: number, count: number): Promise<number[]> {
    const recent = await this.rows
      .createQueryBuilder('f')
      .select('f.created_at', 'createdAt')
      .where('f.throttle_key = :throttleKey AND f.created_at > :since', { throttleKey, since })
      .orderBy('f.created_at', 'DESC')
      .limit(count)
      .getRawMany<{ createdAt: string | number }>();
    return recent.map((row) => Number(row.createdAt));
  }
}
