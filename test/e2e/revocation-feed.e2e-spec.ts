import { RevocationFeedService } from '../../src/revocation-log/revocation-feed.service';
import { RevocationLogService } from '../../src/revocation-log/revocation-log.service';
import { registerResourceServerClient } from '../support/access-tokens';
import { createTestApp, databases, TestApp } from '../support/test-app';
import { FeedReader } from '../support/feed-reader';
import { eventually } from '../support/timing';

const inTenMinutes = () => new Date(Date.now() + 600_000);

describe.each(databases)('revocation feed on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let basic: string;
  const readers: FeedReader[] = [];
  const open = async (headers: Record<string, string> = {}) => {
    const reader = await FeedReader.open(app.baseUrl!, { Authorization: basic, ...headers });
    readers.push(reader);
    return reader;
  };

  beforeAll(async () => {
    app = await createTestApp({ databaseUrl, listen: true });
    ({ basic } = await registerResourceServerClient(app));
  });
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((reader) => reader.close()));
    await eventually(() => app.get(RevocationFeedService).subscriberCount === 0);
  });
  afterAll(() => app.close());

  it('answers 401 invalid_client without client credentials', async () => {
    const response = await app.http().get('/revocations/stream');
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
    expect(response.headers['www-authenticate']).toMatch(/^Basic/);
  });

  it('answers 401 invalid_client for a wrong secret', async () => {
    const { clientId } = await registerResourceServerClient(app);
    const wrong = `Basic ${Buffer.from(`${clientId}:wrong-secret`).toString('base64')}`;
    const response = await app.http().get('/revocations/stream').set('Authorization', wrong);
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
  });

  it('streams a snapshot of the denials in force, then new ones as they happen', async () => {
    const log = app.get(RevocationLogService);
    const expiresAt = inTenMinutes();
    const family = await log.deny('sid', 'feed-family-1', expiresAt);
    const token = await log.deny('jti', 'feed-jti-1', expiresAt);
    await log.deny('jti', 'feed-expired', new Date(Date.now() - 1000));
    const reader = await open();
    expect(reader.status).toBe(200);
    expect(reader.contentType).toMatch(/^text\/event-stream/);
    // Written past Fastify, the stream still carries the security headers.
    expect(reader.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reader.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    await reader.until(() => reader.events.some((event) => event.data.jti === 'feed-jti-1'));
    expect(reader.events).toContainEqual({ id: String(family.seq), data: { sid: 'feed-family-1', exp: Math.ceil(expiresAt.getTime() / 1000) } });
    expect(reader.events).toContainEqual({ id: String(token.seq), data: { jti: 'feed-jti-1', exp: Math.ceil(expiresAt.getTime() / 1000) } });
    expect(reader.events.some((event) => event.data.jti === 'feed-expired')).toBe(false);

    const live = await log.deny('sub', 'feed-user-1', expiresAt);
    await reader.until(() => reader.events.some((event) => event.id === String(live.seq)));
    expect(reader.events.at(-1)).toEqual({ id: String(live.seq), data: { sub: 'feed-user-1', exp: Math.ceil(expiresAt.getTime() / 1000) } });
    const ids = reader.events.map((event) => Number(event.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resumes after Last-Event-ID', async () => {
    const log = app.get(RevocationLogService);
    const first = await log.deny('jti', 'resume-1', inTenMinutes());
    const second = await log.deny('jti', 'resume-2', inTenMinutes());
    const reader = await open({ 'Last-Event-ID': String(first.seq) });
    await reader.until(() => reader.events.some((event) => event.id === String(second.seq)));
    expect(reader.events.map((event) => Number(event.id)).every((id) => id > first.seq)).toBe(true);
    expect(reader.events.some((event) => event.data.jti === 'resume-1')).toBe(false);
  });

  it('sends a comment line at least every five seconds', async () => {
    const reader = await open();
    const initial = reader.comments.length;
    await reader.until(() => reader.comments.length > initial + 1, 5000);
    expect(reader.comments).toContain('keep-alive');
  });

  it('forgets a subscriber that disconnects', async () => {
    const feed = app.get(RevocationFeedService);
    expect(feed.subscriberCount).toBe(0);
    const reader = await open();
    await eventually(() => feed.subscriberCount === 1);
    await reader.close();
    await eventually(() => feed.subscriberCount === 0);
    expect(feed.subscriberCount).toBe(0);
  });
});

if (process.env.TEST_POSTGRES_URL) {
  describe('revocation feed across instances on postgres', () => {
    let a: TestApp;
    let b: TestApp;
    let reader: FeedReader;
    beforeAll(async () => {
      a = await createTestApp({ databaseUrl: process.env.TEST_POSTGRES_URL, listen: true });
      b = await createTestApp({ databaseUrl: a.databaseUrl });
    });
    afterAll(async () => {
      await reader?.close();
      await b.close();
      await a.close();
    });

    it("carries a denial recorded on another instance to this instance's stream", async () => {
      const { basic } = await registerResourceServerClient(a);
      reader = await FeedReader.open(a.baseUrl!, { Authorization: basic });
      expect(reader.status).toBe(200);
      const row = await b.get(RevocationLogService).deny('sid', 'cross-instance-family', inTenMinutes());
      await reader.until(() => reader.events.some((event) => event.id === String(row.seq)), 2000);
      expect(reader.events.find((event) => event.id === String(row.seq))?.data.sid).toBe('cross-instance-family');
    });
  });
}
