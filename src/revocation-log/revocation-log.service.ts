import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { DenialKind, LogEntryKind, Revocation } from './revocation.entity';

/** The PostgreSQL channel on which a new denial's `seq` is announced. */
export const REVOCATIONS_CHANNEL = 'oauth_revocations';

/** How long a `changed` entry stays in the log: instances that follow it learn within a second. */
const CHANGE_ENTRY_TTL_MS = 60_000;

/**
 * The durable, ordered log of access-token denials: the one source that every instance's
 * in-memory deny set and the revocation feed read from.
 */
@Injectable()
export class RevocationLogService {
  private readonly listeners = new Set<(row: Revocation) => void>();

  constructor(
    @InjectRepository(Revocation) private readonly revocations: Repository<Revocation>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Records that access tokens matching `kind`/`value` are refused until `expiresAt` (the
   * latest `exp` such a token can carry), and announces it to the other instances.
   */
  deny(kind: DenialKind, value: string, expiresAt: Date): Promise<Revocation> {
    return this.append(kind, value, expiresAt);
  }

  /**
   * Tells every instance that `subject` (`client:<client_id>`) changed, so they drop what they
   * cache of it: a secret rotated, a client changed or deleted. Refuses no token.
   */
  announceChange(subject: string): Promise<Revocation> {
    return this.append('changed', subject, new Date(this.clock.now().getTime() + CHANGE_ENTRY_TTL_MS));
  }

  private async append(kind: LogEntryKind, value: string, expiresAt: Date): Promise<Revocation> {
    const row = this.revocations.create({ kind, value, expiresAt, createdAt: this.clock.now() });
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
    for (const listener of this.listeners) listener(row);
    return row;
  }

  /** Calls `listener` with every denial this instance records, right after it is stored. */
  onDenied(listener: (row: Revocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Denials after `seq` that are still in force, oldest first. */
  since(seq: number, now: Date = this.clock.now(), limit = 1000): Promise<Revocation[]> {
    return this.revocations
      .createQueryBuilder('r')
      .where('r.seq > :seq AND r.expires_at > :now', { seq, now: now.getTime() })
      .orderBy('r.seq', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Forgets denials whose tokens have all expired. */
  async purgeExpired(now: Date = this.clock.now()): Promise<number> {
    const result = await this.revocations
      .createQueryBuilder()
      .delete()
      .where('expires_at <= :now', { now: now.getTime() })
      .execute();
    return result.affected ?? 0;
  }
}
