import type { Server } from 'node:http';
import { StatementCounter } from '../support/statement-counter';
import { basicAuth, createParty, Party, refresh, signInAndExchange, TokenSet } from '../support/token-helpers';
import { createTestApp, databases, TestApp } from '../support/test-app';

const REQUESTS = 1_000;
/** Requests in flight at once: enough to be quick, few enough for a test. */
const IN_FLIGHT = 8;

/**
 * The central promise: a guarded request and the introspection of an access token cost no
 * database statement. Counted at the drivers (statement-counter.ts), for the statements
 * issued while these requests were handled; the revocation log's poll and the other timers
 * run beside them and are told apart, not stopped.
 *
 * Client rows are cached for 5 s (clients.service.ts): a busy introspecting client costs one
 * read per 5 s, not one per token. The test holds the monotonic clock that cache reads still
 * while it counts, so the count is that of the tokens, and shows the read once the clock moves.
 */
describe.each(databases)('statements per request on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let party: Party;
  let tokens: TokenSet;
  let counter: StatementCounter;

  beforeAll(async () => {
    app = await createTestApp({ databaseUrl, listen: true });
    party = await createParty(app);
    tokens = await signInAndExchange(app, party);
    counter = StatementCounter.start(app.app.getHttpServer() as Server);
  });
  afterAll(async () => {
    counter.stop();
    await app.close();
  });
  beforeEach(() => counter.reset());
  afterEach(() => jest.restoreAllMocks());

  const repeat = async (request: () => Promise<Response>) => {
    const statuses: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        next++;
        const res = await request();
        await res.arrayBuffer();
        statuses.push(res.status);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    return statuses;
  };
  const me = (token: string) => fetch(`${app.baseUrl}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  const introspection = (token: string) =>
    fetch(`${app.baseUrl}/introspect`, {
      method: 'POST',
      headers: { authorization: basicAuth(party.client.client_id, party.client.client_secret!), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });

  it('counts the statements of a request that does use the store (a refresh)', async () => {
    const res = await refresh(app, party.client, tokens.refresh_token!);
    expect(res.status).toBe(200);
    tokens = { ...tokens, ...res.body };
    const statements = counter.inRequests();
    expect(statements.length).toBeGreaterThan(0);
    expect(statements).toEqual(expect.arrayContaining([expect.stringMatching(/^UPDATE token_families SET generation = /)]));
  });

  it(`runs no statement for ${REQUESTS} guarded GET /api/me`, async () => {
    const statuses = await repeat(() => me(tokens.access_token));
    expect(statuses).toEqual(Array(REQUESTS).fill(200));
    expect(counter.inRequests()).toEqual([]);
  });

  it(`runs no statement for ${REQUESTS} introspections of access tokens`, async () => {
    // Warm the client cache, then hold the clock it reads.
    expect((await introspection(tokens.access_token)).status).toBe(200);
    const heldAt = performance.now();
    const clock = jest.spyOn(performance, 'now').mockReturnValue(heldAt);
    counter.reset();
    const answers: boolean[] = [];
    const statuses = await repeat(async () => {
      const res = await introspection(tokens.access_token);
      const body = (await res.clone().json()) as { active: boolean };
      answers.push(body.active);
      return res;
    });
    expect(statuses).toEqual(Array(REQUESTS).fill(200));
    expect(answers).toEqual(Array(REQUESTS).fill(true));
    expect(counter.inRequests()).toEqual([]);

    // Past the cache's 5 s, the client row is read again: once, and nothing per token.
    clock.mockReturnValue(heldAt + 5_001);
    expect((await introspection(tokens.access_token)).status).toBe(200);
    expect(counter.inRequests()).toEqual([expect.stringMatching(/ FROM (\S+\.)?"?clients"? /)]);
  });
});
