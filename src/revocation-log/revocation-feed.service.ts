import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { once } from 'node:events';
import { formatFeedEvent } from '@nest-oauth/resource-server';
import type { ServerResponse } from 'node:http';
import { DenyListService } from './deny-list.service';
import { DenialKind, Revocation } from './revocation.entity';

/** A comment this often; the contract promises at least every 5 s. */
export const FEED_HEARTBEAT_MS = 2_000;
/** A subscriber whose unsent bytes pass this is too slow to follow and is dropped. */
export const FEED_MAX_BUFFERED_BYTES = 256 * 1024;
/** What a subscriber may accumulate while its snapshot is still being written. */
const MAX_PENDING_EVENTS = 10_000;

/** The SSE frame of one denial (the feed never sends a `changed` row: it denies nothing). */
export function feedEvent(row: Revocation): string {
  return formatFeedEvent({ seq: row.seq, kind: row.kind as DenialKind, value: row.value, exp: Math.ceil(row.expiresAt.getTime() / 1000) });
}

/**
 * Streams the revocation log to subscribed resource servers: the denials in force after the
 * subscriber's Last-Event-ID, then each new one from any instance, read from this instance's
 * deny list (no database query per subscriber). Each subscriber has bounded memory: a slow
 * one is disconnected rather than buffered without limit or allowed to hold the others back.
 */
@Injectable()
export class RevocationFeedService implements OnModuleDestroy {
  private readonly logger = new Logger(RevocationFeedService.name);
  private readonly open = new Set<FeedSubscription>();

  constructor(private readonly denyList: DenyListService) {}

  get subscriberCount(): number {
    return this.open.size;
  }

  /** Starts streaming to `res` everything after `afterSeq`; returns when the snapshot is written. */
  async subscribe(res: ServerResponse, afterSeq: number): Promise<void> {
    const subscription = new FeedSubscription(res, (reason) => {
      this.open.delete(subscription);
      this.logger.log({ msg: 'revocation feed subscriber left', reason });
    });
    this.open.add(subscription);
    res.on('close', () => subscription.close('disconnected'));
    res.on('error', () => subscription.close('socket error'));
    // Snapshot and subscription in one tick: no row can fall between them.
    const snapshot = this.denyList.snapshot(afterSeq);
    subscription.unsubscribe = this.denyList.subscribe((row) => subscription.push(row));
    await subscription.start(snapshot);
  }

  onModuleDestroy(): void {
    // Open streams would hold the HTTP server's close forever.
    for (const subscription of this.open) subscription.close('server shutting down');
  }
}

class FeedSubscription {
  unsubscribe?: () => void;
  private pending: Revocation[] | undefined = [];
  private lastSentSeq = 0;
  private heartbeat?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly onClose: (reason: string) => void,
  ) {}

  async start(snapshot: Revocation[]): Promise<void> {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    this.res.write(': revocation feed\nretry: 1000\n\n');
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), FEED_HEARTBEAT_MS);
    this.heartbeat.unref();
    // The snapshot may be large: write it as fast as the subscriber reads, not all at once.
    for (const row of snapshot) {
      if (this.closed) return;
      if (!this.res.write(this.frame(row)) && !this.closed) await this.drained();
    }
    const pending = this.pending ?? [];
    this.pending = undefined;
    for (const row of pending) this.push(row);
  }

  /** A new denial: queued while the snapshot is written, sent directly after. */
  push(row: Revocation): void {
    if (this.closed) return;
    if (this.pending) {
      if (this.pending.push(row) > MAX_PENDING_EVENTS) this.close('too slow to read its snapshot');
      return;
    }
    this.write(this.frame(row));
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.unsubscribe?.();
    this.pending = undefined;
    if (reason === 'server shutting down') this.res.end();
    else if (!this.res.destroyed && reason !== 'disconnected') this.res.destroy();
    this.onClose(reason);
  }

  private frame(row: Revocation): string {
    if (row.seq <= this.lastSentSeq) return '';
    this.lastSentSeq = row.seq;
    return feedEvent(row);
  }

  private write(chunk: string): void {
    if (this.closed || !chunk) return;
    this.res.write(chunk);
    if (this.res.writableLength > FEED_MAX_BUFFERED_BYTES) this.close(`more than ${FEED_MAX_BUFFERED_BYTES} bytes unread`);
  }

  private async drained(): Promise<void> {
    await Promise.race([once(this.res, 'drain'), once(this.res, 'close')]).catch(() => undefined);
  }
}
