import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { InitialAccessToken } from './initial-access-token.entity';

@Injectable()
export class InitialAccessTokensRepository {
  constructor(@InjectRepository(InitialAccessToken) private readonly rows: Repository<InitialAccessToken>) {}

  async create(token: InitialAccessToken): Promise<void> {
    await this.rows.insert(token);
  }

  /** Takes one use of a live token if, and only if, one is left: one conditional statement decides races. */
  async use(tokenHash: string, now: Date): Promise<boolean> {
    const result = await this.rows
      .createQueryBuilder()
      .update(InitialAccessToken)
      .set({ usesLeft: () => 'CASE WHEN uses_left IS NULL THEN NULL ELSE uses_left - 1 END' })
      .where('token_hash = :tokenHash AND (expires_at IS NULL OR expires_at > :now) AND (uses_left IS NULL OR uses_left > 0)', {
        tokenHash,
        now: now.getTime(),
      })
      .execute();
    return result.affected === 1;
  }
}
