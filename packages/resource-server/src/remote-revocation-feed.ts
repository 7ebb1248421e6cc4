import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventSource, type FetchLikeInit } from 'eventsource';
import type { AccessTokenClaims } from './access-token-claims';
import { Denial, DenySet } from './deny-set';
import { parseFeedEventData } from './feed-event';
import { AuthorizationServerClient } from './authorization-server.client';
import { RESOURCE_SERVER_OPTIONS, ResourceServerOptions } from './resource-server.options';

export type FeedState = 'connecting' | 'live' | 'cut-off';

export interface FeedStatus {
  state: FeedState;
  /** When the last byte of the feed (event or heartbeat) arrived. */
  lastHeardAt: string | null;
  lastEventId: string | null;
  denials: number;
}

const PURGE_INTERVAL_MS = 10_000;

/**
 * Follows the authorization server's revocation feed and holds each denial until the `exp`
 * it carries. Live only while bytes keep arriving: after `heartbeatTimeoutMs` of silence, or
 * on any error, it is cut off (the verifier falls back) and reconnects with exponential
 * backoff, resuming after the last event id it saw.
 */
@Injectable()
export class RemoteRevocationFeed implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RemoteRevocationFeed.name);
  private readonly denials = new DenySet();
  private readonly heartbeatTimeoutMs: number;
  private source?: EventSource;
  private state: FeedState = 'connecting';
  private lastHeardAtMs = 0;
  private lastEventId?: string;
  private backoffMs: number;
  /** Bumped on every (re)connect and failure: callbacks of an abandoned connection are ignored. */
  private generation = 0;
  private timers: NodeJS.Timeout[] = [];
  private reconnectTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(RESOURCE_SERVER_OPTIONS) private readonly options: ResourceServerOptions,
    private readonly server: AuthorizationServerClient,
  ) {
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 10_000;
    this.backoffMs = options.reconnectMinMs ?? 250;
  }

  onModuleInit(): void {
    void this.connect();
    this.every(Math.max(50, Math.floor(this.heartbeatTimeoutMs / 4)), () => this.checkHeartbeat());
    this.every(PURGE_INTERVAL_MS, () => this.denials.purgeExpired(Date.now()));
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.generation++;
    this.timers.forEach(clearInterval);
    clearTimeout(this.reconnectTimer);
    this.source?.close();
  }

  /** True while the feed is connected and heard from within the heartbeat timeout. */
  get isLive(): boolean {
    return this.state === 'live';
  }

  /** The denial the feed has announced for this token, if any. */
  match(claims: AccessTokenClaims): Denial | undefined {
    return this.denials.match(claims, Date.now());
  }

  status(): FeedStatus {
    return {
      state: this.state,
      lastHeardAt: this.lastHeardAtMs ? new Date(this.lastHeardAtMs).toISOString() : null,
      lastEventId: this.lastEventId ?? null,
      denials: this.denials.size,
    };
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    let url: string;
    try {
      url = (await this.server.endpoints()).revocationFeedEndpoint;
    } catch (error) {
      this.fail(generation, `discovery failed: ${String(error)}`);
      return;
    }
    if (generation !== this.generation) return;
    const source = new EventSource(url, { fetch: (input, init) => this.fetchFeed(generation, input, init) });
    this.source = source;
    source.onopen = () => {
      if (generation !== this.generation) return;
      this.state = 'live';
      this.lastHeardAtMs = Date.now();
      this.backoffMs = this.options.reconnectMinMs ?? 250;
      this.logger.log({ msg: 'revocation feed connected', lastEventId: this.lastEventId ?? null });
    };
    source.onmessage = (event) => {
      if (generation === this.generation) this.apply(event.data, event.lastEventId);
    };
    source.onerror = (event) => this.fail(generation, `feed error: ${event.message ?? event.code ?? 'connection lost'}`);
  }

  /** Adds the client credentials and the resume point, and notes every byte that arrives. */
  private async fetchFeed(generation: number, input: string | URL, init: FetchLikeInit): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', this.server.authorization);
    if (this.lastEventId) headers.set('Last-Event-ID', this.lastEventId);
    const response = await fetch(input, { ...init, headers } as RequestInit);
    if (!response.body) return response;
    // EventSource does not surface comment lines, so heartbeats are seen here, as bytes.
    const heard = new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        if (generation === this.generation) this.lastHeardAtMs = Date.now();
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(heard), { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  private apply(data: string, eventId: string): void {
    const event = parseFeedEventData(data);
    if (!event) {
      this.logger.warn('revocation feed sent an event this version does not understand');
      return;
    }
    // The feed does not say when a subject was denied; the time we learn of it is an upper
    // bound, so every token issued before the denial is refused (and perhaps a few after).
    this.denials.add({ kind: event.kind, value: event.value, expiresAtMs: event.exp * 1000, createdAtMs: Date.now() });
    if (eventId) this.lastEventId = eventId;
  }

  private checkHeartbeat(): void {
    if (this.state === 'live' && Date.now() - this.lastHeardAtMs > this.heartbeatTimeoutMs) {
      this.fail(this.generation, `no heartbeat for ${this.heartbeatTimeoutMs} ms`);
    }
  }

  private fail(generation: number, reason: string): void {
    if (generation !== this.generation || this.stopped) return;
    this.generation++;
    // Closed after the current dispatch: EventSource arms its own reconnect timer right after
    // calling the error handler, and only a later close() clears it.
    const source = this.source;
    queueMicrotask(() => source?.close());
    this.source = undefined;
    if (this.state !== 'cut-off') this.logger.warn({ msg: 'revocation feed cut off', reason, fallback: this.options.onFeedLoss ?? 'introspect' });
    this.state = 'cut-off';
    // Exponential backoff with jitter, so a fleet does not reconnect in step.
    const delay = Math.round(this.backoffMs * (0.5 + Math.random() / 2));
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.reconnectMaxMs ?? 30_000);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
    this.reconnectTimer.unref();
  }

  private every(intervalMs: number, task: () => unknown): void {
    const timer = setInterval(task, intervalMs);
    timer.unref();
    this.timers.push(timer);
  }
}
