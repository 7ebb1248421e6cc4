import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DenialKind, LogEntryKind, Revocation } from './revocation.entity';
import { RevocationsRepository } from './revocations.repository';

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
    private readonly revocations: RevocationsRepository,
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
    const row = this.revocations.build({ kind, value, expiresAt, createdAt: this.clock.now() });
    await this.revocations.append(row);
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
    return this.revocations.since(seq, now, limit);
  }

  /** Forgets denials whose tokens have all expired. */
  async purgeExpired(now: Date = this.clock.now()): Promise<number> {
    return this.revocations.purgeExpired(now);
  }
}
