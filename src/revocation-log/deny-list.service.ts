import { Injectable, Logger, OnApplicationShutdown, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DeniableToken, Denial, DenySet } from '@nest-oauth/resource-server';
import { Clock } from '../common/clock';
import { ChangeListener } from '../database/change-listener';
import { DenialKind, Revocation } from './revocation.entity';
import { RevocationLogService } from './revocation-log.service';
import { RevocationsRepository } from './revocations.repository';

const PURGE_INTERVAL_MS = 10_000;

/**
 * This instance's in-memory copy of the revocation log: every denial still in force, so the
 * guards refuse a revoked token without a database query per request. It loads the log at
 * start and then follows it (LISTEN/NOTIFY on PostgreSQL, polling on sqlite); the revocation
 * feed streams the same rows, in `seq` order, to resource servers elsewhere.
 */
@Injectable()
export class DenyListService implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(DenyListService.name);
  private readonly denials = new DenySet();
  /** The rows in force, in `seq` order: the feed's snapshot. */
  private readonly rows = new Map<number, Revocation>();
  private readonly subscribers = new Set<(row: Revocation) => void>();
  private readonly changeListeners = new Set<(subject: string) => void>();
  private lastSeq = 0;
  private catchingUp?: Promise<void>;
  private catchUpAgain = false;
  private timers: NodeJS.Timeout[] = [];
  private readonly changes: ChangeListener;
  private stopped = false;
  /** Set once the log has been loaded at start: rows before that say nothing about lag. */
  private following = false;
  private lastApplyLagMs = 0;
  /** The PostgreSQL `application_name` of this instance's LISTEN connection, for operators. */
  readonly listenerName: string;

  constructor(
    private readonly log: RevocationLogService,
    revocations: RevocationsRepository,
    private readonly clock: Clock,
  ) {
    this.changes = revocations.followAppends({
      what: 'revocation',
      logger: this.logger,
      applicationNamePrefix: 'oauth-revocations',
      onNotification: () => void this.requestCatchUp(),
      // Whatever was announced while no one listened.
      onListening: () => void this.requestCatchUp(),
      poll: () => this.requestCatchUp(),
    });
    this.listenerName = this.changes.applicationName;
  }

  async onModuleInit(): Promise<void> {
    await this.catchUp();
    this.following = true;
    // This instance's own denials count at once, before any poll or notification.
    this.log.onDenied((row) => {
      if (row.kind !== 'changed') this.denials.add(toDenial(row));
      void this.requestCatchUp();
    });
    await this.changes.start();
    this.every(PURGE_INTERVAL_MS, async () => this.purge());
  }

  /** No new poll once the app starts closing: the database may close before this service's shutdown hook runs. */
  onModuleDestroy(): void {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
  }

  async onApplicationShutdown(): Promise<void> {
    this.onModuleDestroy();
    this.subscribers.clear();
    await this.changes.stop();
    await this.catchingUp;
  }

  /** The denial that refuses this token now, if any. No I/O. */
  match(token: DeniableToken): Denial | undefined {
    return this.denials.match(token, this.clock.now().getTime());
  }

  /** The denials in force after `seq`, oldest first (the feed's snapshot). */
  snapshot(afterSeq = 0): Revocation[] {
    const now = this.clock.now().getTime();
    return [...this.rows.values()].filter((row) => row.seq > afterSeq && row.expiresAt.getTime() > now);
  }

  /**
   * Calls `subscriber` with every new denial, in `seq` order, from any instance. Pair it with
   * `snapshot()` in the same tick to miss nothing. Returns the unsubscribe function.
   */
  subscribe(subscriber: (row: Revocation) => void): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /**
   * Calls `listener` with the subject (`client:<client_id>`) of every change announced in the
   * log by any instance, and of every deleted client, so caches drop their copy.
   */
  onChange(listener: (subject: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * Whether this instance follows the log as promised: on PostgreSQL its LISTEN connection is
   * up (without it a denial from another instance waits for the 5 s safety poll); sqlite polls.
   */
  isFollowingLog(): boolean {
    return this.changes.isUp();
  }

  /** Denials held in memory now (for the metrics). */
  get denialCount(): number {
    return this.denials.size;
  }

  /** How long the newest denial took from the log to this instance, in seconds (for the metrics). */
  get lastApplyLagSeconds(): number {
    return this.lastApplyLagMs / 1000;
  }

  /** Reads the log past `lastSeq` now; concurrent requests fold into one more read. */
  requestCatchUp(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.catchingUp) {
      this.catchUpAgain = true;
      return this.catchingUp;
    }
    this.catchingUp = (async () => {
      try {
        do {
          this.catchUpAgain = false;
          await this.catchUp();
        } while (this.catchUpAgain && !this.stopped);
      } catch (error) {
        this.logger.warn(`revocation log read failed: ${String(error)}`);
      } finally {
        this.catchingUp = undefined;
      }
    })();
    return this.catchingUp;
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const batch = await this.log.since(this.lastSeq);
      for (const row of batch) this.apply(row);
      if (batch.length < 1000) return;
    }
  }

  private apply(row: Revocation): void {
    if (row.seq <= this.lastSeq) return;
    this.lastSeq = row.seq;
    if (row.kind === 'changed' || row.kind === 'client') {
      const subject = row.kind === 'changed' ? row.value : `client:${row.value}`;
      for (const listener of this.changeListeners) listener(subject);
    }
    // A change refuses nothing: it is neither held nor served on the feed.
    if (row.kind === 'changed') return;
    this.rows.set(row.seq, row);
    if (this.following) this.lastApplyLagMs = Math.max(0, this.clock.now().getTime() - row.createdAt.getTime());
    this.denials.add(toDenial(row));
    for (const subscriber of this.subscribers) subscriber(row);
  }

  private purge(): void {
    const now = this.clock.now().getTime();
    this.denials.purgeExpired(now);
    for (const [seq, row] of this.rows) if (row.expiresAt.getTime() <= now) this.rows.delete(seq);
  }

  private every(intervalMs: number, task: () => unknown): void {
    const timer = setInterval(() => void task(), intervalMs);
    timer.unref();
    this.timers.push(timer);
  }
}

/** Only for denials: a `changed` row never reaches here. */
function toDenial(row: Revocation): Denial {
  return { kind: row.kind as DenialKind, value: row.value, expiresAtMs: row.expiresAt.getTime(), createdAtMs: row.createdAt.getTime() };
}
