import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ChangeListener, ChangeListenerOptions } from '../database/change-listener';
import { Revocation } from './revocation.entity';

/** The PostgreSQL channel on which a new denial's `seq` is announced. */
export const REVOCATIONS_CHANNEL = 'oauth_revocations';

/** The `revocations` table: the revocation log, appended in `seq` order. */
@Injectable()
export class RevocationsRepository {
  constructor(
    @InjectRepository(Revocation) private readonly revocations: Repository<Revocation>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** A new row (not yet stored) with the entity's defaults. */
  build(fields: Partial<Revocation>): Revocation {
    return this.revocations.create(fields);
  }

  /** Stores `row` (assigning its `seq`) and, on PostgreSQL, announces it to the other instances. */
  async append(row: Revocation): Promise<void> {
    if (this.dataSource.options.type === 'postgres') {
      await this.dataSource.transaction(async (manager) => {
        // Denials commit in `seq` order, so a reader that has seen seq N has seen every seq
        // below it: the feed's ids only grow and `since(lastSeq)` never skips a row. The lock
        // blocks only other writers of this table, never readers.
        await manager.query('LOCK TABLE revocations IN SHARE ROW EXCLUSIVE MODE');
        await manager.insert(Revocation, row);
        // Delivered on commit.
        await manager.query('SELECT pg_notify($1, $2)', [REVOCATIONS_CHANNEL, String(row.seq)]);
      });
    } else {
      await this.revocations.insert(row);
    }
  }

  /** Rows after `seq` that expire after `now`, oldest first. */
  since(seq: number, now: Date, limit: number): Promise<Revocation[]> {
    return this.revocations
      .createQueryBuilder('r')
      .where('r.seq > :seq AND r.expires_at > :now', { seq, now: now.getTime() })
      .orderBy('r.seq', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Deletes the rows expired at `now`; answers how many. */
  async purgeExpired(now: Date): Promise<number> {
    const result = await this.revocations
      .createQueryBuilder()
      .delete()
      .where('expires_at <= :now', { now: now.getTime() })
      .execute();
    return result.affected ?? 0;
  }

  /** Follows the appends of every instance (LISTEN on PostgreSQL, polling on sqlite); not yet started. */
  followAppends(options: Omit<ChangeListenerOptions, 'channel'>): ChangeListener {
    return new ChangeListener(this.config.database, { ...options, channel: REVOCATIONS_CHANNEL });
  }
}
