import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { DenyListService } from './deny-list.service';
import { Revocation } from './revocation.entity';
import { FEED_MAX_BUFFERED_BYTES, feedEvent, RevocationFeedService } from './revocation-feed.service';

/** A response whose socket accepts `readsBytes` and buffers the rest, as a stalled reader's would. */
class FakeResponse extends EventEmitter {
  written = '';
  writableLength = 0;
  destroyed = false;
  ended = false;
  constructor(private readonly readsBytes: number) {
    super();
  }
  writeHead(): this {
    return this;
  }
  write(chunk: string): boolean {
    this.written += chunk;
    this.writableLength = Math.max(0, this.written.length - this.readsBytes);
    return this.writableLength === 0;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
  end(): void {
    this.ended = true;
    this.emit('close');
  }
}

/** The deny list's subscription surface, driven by hand. */
class FakeDenyList {
  rows: Revocation[] = [];
  subscribers = new Set<(row: Revocation) => void>();
  snapshot(afterSeq: number): Revocation[] {
    return this.rows.filter((row) => row.seq > afterSeq);
  }
  subscribe(subscriber: (row: Revocation) => void): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }
  publish(row: Revocation): void {
    this.rows.push(row);
    this.subscribers.forEach((subscriber) => subscriber(row));
  }
}

function revocation(seq: number, value = `jti-${seq}`): Revocation {
  return Object.assign(new Revocation(), { seq, kind: 'jti', value, expiresAt: new Date('2030-01-01T00:10:00Z'), createdAt: new Date('2030-01-01T00:00:00Z') });
}

describe('RevocationFeedService', () => {
  let denyList: FakeDenyList;
  let feed: RevocationFeedService;
  beforeEach(() => {
    denyList = new FakeDenyList();
    feed = new RevocationFeedService(denyList as unknown as DenyListService);
  });
  afterEach(() => feed.onModuleDestroy());

  it('formats an event with the seq as id and the denial with its exp in unix seconds', () => {
    expect(feedEvent(revocation(7, 'abc'))).toBe(`id: 7\ndata: {"jti":"abc","exp":${Date.parse('2030-01-01T00:10:00Z') / 1000}}\n\n`);
  });

  it('announces a deleted client by client_id, and by sub for followers that know only sid, jti and sub', () => {
    const row = Object.assign(revocation(8, 'client-1'), { kind: 'client' });
    const exp = Date.parse('2030-01-01T00:10:00Z') / 1000;
    expect(feedEvent(row)).toBe(`id: 8\ndata: {"client_id":"client-1","sub":"client-1","exp":${exp}}\n\n`);
  });

  it('sends the snapshot after the given seq, then live events, each once', async () => {
    denyList.rows = [revocation(1), revocation(2), revocation(3)];
    const res = new FakeResponse(Infinity);
    await feed.subscribe(res as unknown as ServerResponse, 1);
    denyList.publish(revocation(4));
    expect(res.written).not.toContain('id: 1\n');
    expect(res.written.match(/^id: \d+$/gm)).toEqual(['id: 2', 'id: 3', 'id: 4']);
  });

  it('drops a subscriber that stops reading, and keeps serving the others', async () => {
    const stalled = new FakeResponse(0);
    const reading = new FakeResponse(Infinity);
    await feed.subscribe(stalled as unknown as ServerResponse, 0);
    await feed.subscribe(reading as unknown as ServerResponse, 0);
    const perEvent = feedEvent(revocation(1, 'x'.repeat(200))).length;
    const events = Math.ceil(FEED_MAX_BUFFERED_BYTES / perEvent) + 10;
    for (let seq = 1; seq <= events; seq++) denyList.publish(revocation(seq, 'x'.repeat(200)));
    expect(stalled.destroyed).toBe(true);
    expect(stalled.written.length).toBeLessThan(FEED_MAX_BUFFERED_BYTES + 2 * perEvent);
    expect(reading.destroyed).toBe(false);
    expect(reading.written).toContain(`id: ${events}\n`);
    expect(feed.subscriberCount).toBe(1);
    expect(denyList.subscribers.size).toBe(1);
  });

  it('unsubscribes from the deny list when the subscriber disconnects', async () => {
    const res = new FakeResponse(Infinity);
    await feed.subscribe(res as unknown as ServerResponse, 0);
    expect(denyList.subscribers.size).toBe(1);
    res.emit('close');
    expect(denyList.subscribers.size).toBe(0);
    expect(feed.subscriberCount).toBe(0);
  });

  it('ends every stream when the server shuts down', async () => {
    const res = new FakeResponse(Infinity);
    await feed.subscribe(res as unknown as ServerResponse, 0);
    feed.onModuleDestroy();
    expect(res.ended).toBe(true);
    expect(feed.subscriberCount).toBe(0);
  });
});
