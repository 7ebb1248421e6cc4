import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { ClientAssertionJti } from './client-assertion-jti.entity';

/** How often, at most, a use of the table also deletes its expired rows. */
const PURGE_EVERY_MS = 60_000;

/** The `jti`s of client assertions seen, each until its assertion expires. */
@Injectable()
export class ClientAssertionJtisRepository {
  private lastPurgeMs = 0;

  constructor(@InjectRepository(ClientAssertionJti) private readonly rows: Repository<ClientAssertionJti>) {}

  /**
   * Records a `jti` as used; false when it was used before and has not expired. The primary key
   * decides races: of two requests with the same assertion, one insert wins.
   */
  async use(jtiHash: string, expiresAt: Date, now: Date): Promise<boolean> {
    if (now.getTime() - this.lastPurgeMs >= PURGE_EVERY_MS) {
      this.lastPurgeMs = now.getTime();
      await this.purgeExpired(now);
    } else {
      await this.rows.createQueryBuilder().delete().where('jti_hash = :jtiHash AND expires_at <= :now', { jtiHash, now: now.getTime() }).execute();
    }
    try {
      await this.rows.insert({ jtiHash, expiresAt });
      return true;
    } catch (error) {
      if (error instanceof QueryFailedError && (await this.rows.existsBy({ jtiHash }))) return false;
      throw error;
    }
  }

  /** Deletes the rows of expired assertions; answers how many. */
  async purgeExpired(now: Date): Promise<number> {
    const result = await this.rows.createQueryBuilder().delete().where('expires_at <= :now', { now: now.getTime() }).execute();
    return result.affected ?? 0;
  }
}
