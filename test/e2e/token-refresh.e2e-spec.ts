import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixedClock } from '../../src/common/clock';
import { AuditEventsRepository } from '../../src/operations/audit/audit-events.repository';
import { TokenFamiliesRepository } from '../../src/tokens/refresh-tokens/token-families.repository';
import { StatementCounter } from '../support/statement-counter';
import { basicAuth, createParty, introspect, jwtPayload, Party, refresh, signInAndExchange, TokenSet } from '../support/token-helpers';
import { createTestApp, databases, TestApp } from '../support/test-app';

const familyOf = (tokens: TokenSet) => jwtPayload(tokens.access_token).sid as string;

describe.each(databases)('refresh tokens on %s', (_name, databaseUrl) => {
  describe('with a strict grace of 0', () => {
    let app: TestApp;
    let party: Party;
    beforeAll(async () => {
      app = await createTestApp({ databaseUrl });
      party = await createParty(app);
    });
    afterAll(() => app.close());

    it('rotates: each refresh answers a new refresh token in the same family, and the new one works', async () => {
      const first = await signInAndExchange(app, party);
      const second = await refresh(app, party.client, first.refresh_token!);
      expect(second.status).toBe(200);
      expect(second.headers['cache-control']).toBe('no-store');
      expect(second.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 600,
        scope: first.scope,
        refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{82}$/),
        id_token: expect.any(String), // the grant has openid
      });
      expect(second.body.refresh_token).not.toBe(first.refresh_token);
      expect(jwtPayload(second.body.access_token)).toMatchObject({ sid: familyOf(first), sub: party.user.id });
      const third = await refresh(app, party.client, second.body.refresh_token);
      expect(third.status).toBe(200);
      expect(await introspect(app, party.client, third.body.refresh_token)).toMatchObject({ active: true, token_type: 'refresh_token' });
      expect(await introspect(app, party.client, second.body.refresh_token)).toEqual({ active: false });
    });

    it('revokes the family when a spent refresh token returns, and records a security event', async () => {
      const first = await signInAndExchange(app, party);
      const second = await refresh(app, party.client, first.refresh_token!);
      expect(second.status).toBe(200);
      const replay = await refresh(app, party.client, first.refresh_token!);
      expect(replay.status).toBe(400);
      expect(replay.body).toEqual({ error: 'invalid_grant', error_description: 'the refresh token is invalid, expired or revoked' });
      const newest = await refresh(app, party.client, second.body.refresh_token);
      expect(newest.status).toBe(400);
      expect(newest.body.error).toBe('invalid_grant');
      expect(await introspect(app, party.client, second.body.access_token)).toEqual({ active: false });
      expect(await introspect(app, party.client, first.access_token)).toEqual({ active: false });
      const { items: events } = await app.get(AuditEventsRepository).page({ familyId: familyOf(first) }, 0, 100);
      expect(events).toEqual([
        expect.objectContaining({ kind: 'refresh_token_reuse', clientId: party.client.client_id, userId: party.user.id, ip: expect.any(String) }),
      ]);
    });

    it('lets a refresh narrow the scope but never widen it, and a refused widening spends nothing', async () => {
      const first = await signInAndExchange(app, party);
      const wider = await refresh(app, party.client, first.refresh_token!, { scope: 'notes:read admin' });
      expect(wider.status).toBe(400);
      expect(wider.body.error).toBe('invalid_scope');
      const narrower = await refresh(app, party.client, first.refresh_token!, { scope: 'notes:read' });
      expect(narrower.status).toBe(200);
      expect(narrower.body.scope).toBe('notes:read');
      expect(jwtPayload(narrower.body.access_token).scope).toBe('notes:read');
      // RFC 6749 §6: the narrowing is per request; the grant keeps its scope.
      const again = await refresh(app, party.client, narrower.body.refresh_token);
      expect(again.body.scope).toBe(first.scope);
    });

    it("refuses a real refresh token presented without the client's credentials, and it still works for its owner afterwards", async () => {
      const first = await signInAndExchange(app, party);
      const { client_id } = party.client;
      const form = { grant_type: 'refresh_token', refresh_token: first.refresh_token! };
      const attempts = [
        app.http().post('/token').type('form').send(form),
        app.http().post('/token').type('form').send({ ...form, client_id }),
        app.http().post('/token').type('form').send({ ...form, client_id, client_secret: 'not-the-secret' }),
        app.http().post('/token').type('form').set('Authorization', basicAuth(client_id, 'not-the-secret')).send(form),
      ];
      for (const attempt of await Promise.all(attempts)) {
        expect(attempt.status).toBe(401);
        expect(attempt.body.error).toBe('invalid_client');
        expect(attempt.body).not.toHaveProperty('access_token');
      }
      // Nothing was spent and no reuse was declared: the owner rotates as usual, and the new
      // token works in turn.
      expect(await introspect(app, party.client, first.refresh_token!)).toMatchObject({ active: true });
      const owner = await refresh(app, party.client, first.refresh_token!);
      expect(owner.status).toBe(200);
      expect(jwtPayload(owner.body.access_token)).toMatchObject({ sid: familyOf(first), sub: party.user.id });
      expect((await refresh(app, party.client, owner.body.refresh_token)).status).toBe(200);
    });

    it('refuses a refresh token presented by another client exactly like an unknown one', async () => {
      const first = await signInAndExchange(app, party);
      const thief = await createParty(app);
      const stolen = await refresh(app, thief.client, first.refresh_token!);
      const unknown = await refresh(app, thief.client, 'A'.repeat(43));
      expect(stolen.status).toBe(400);
      expect(stolen.body).toEqual(unknown.body);
      expect((await refresh(app, party.client, first.refresh_token!)).status).toBe(200);
    });

    it('lets exactly one of 20 concurrent refreshes with one token win; the rest are reuse and revoke the family', async () => {
      const first = await signInAndExchange(app, party);
      const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(app, party.client, first.refresh_token!)));
      expect(answers.every((res) => res.status < 500)).toBe(true);
      const winners = answers.filter((res) => res.status === 200);
      expect(winners).toHaveLength(1);
      expect(answers.filter((res) => res.status === 400 && res.body.error === 'invalid_grant')).toHaveLength(19);
      expect((await refresh(app, party.client, winners[0].body.refresh_token)).body.error).toBe('invalid_grant');
      expect(await introspect(app, party.client, winners[0].body.access_token)).toEqual({ active: false });
    });

    it('rotates with one read of the family by primary key and one conditional update, and writes nothing else', async () => {
      const first = await signInAndExchange(app, party);
      // Counted at the drivers, prepared statements included.
      const counter = StatementCounter.start(app.app.getHttpServer());
      try {
        expect((await refresh(app, party.client, first.refresh_token!)).status).toBe(200);
      } finally {
        counter.stop();
      }
      const statements = counter.inRequests();
      const tokenTables = statements.filter((sql) => /token_families|refresh_tokens/.test(sql));
      expect(tokenTables).toEqual([
        expect.stringMatching(/^SELECT .* FROM "?token_families"? WHERE "?id"? = (\?|\$1)$/),
        expect.stringMatching(/^UPDATE token_families SET generation = .* WHERE id = (\?|\$\d) AND generation = (\?|\$\d) AND revoked_at IS NULL$/),
      ]);
      expect(statements.filter((sql) => /^(INSERT|UPDATE|DELETE)\b/i.test(sql))).toEqual([tokenTables[1]]);
    });

    it('rotates a family this instance has read before with the conditional update alone', async () => {
      const first = await signInAndExchange(app, party);
      // The first refresh reads the family's row; from then on this instance knows the family.
      const second = await refresh(app, party.client, first.refresh_token!);
      const counter = StatementCounter.start(app.app.getHttpServer());
      try {
        expect((await refresh(app, party.client, second.body.refresh_token)).status).toBe(200);
      } finally {
        counter.stop();
      }
      const tokenTables = counter.inRequests().filter((sql) => /token_families|refresh_tokens/.test(sql));
      expect(tokenTables).toEqual([expect.stringMatching(/^UPDATE token_families SET generation = .* WHERE id = (\?|\$\d) AND generation = (\?|\$\d) AND revoked_at IS NULL$/)]);
    });

    it('still detects reuse of a spent token of a family this instance knows, and revokes it', async () => {
      const first = await signInAndExchange(app, party);
      const second = await refresh(app, party.client, first.refresh_token!);
      const third = await refresh(app, party.client, second.body.refresh_token);
      expect(third.status).toBe(200);
      const reused = await refresh(app, party.client, second.body.refresh_token);
      expect(reused.status).toBe(400);
      expect(reused.body.error).toBe('invalid_grant');
      expect((await refresh(app, party.client, third.body.refresh_token)).body.error).toBe('invalid_grant');
      expect(await introspect(app, party.client, third.body.access_token)).toEqual({ active: false });
    });

    it('reports affected rows of a conditional UPDATE on this database', async () => {
      const first = await signInAndExchange(app, party);
      const repository = app.get(TokenFamiliesRepository);
      const now = new Date();
      const { tokenKeyId } = (await repository.findById(familyOf(first)))!;
      expect(await repository.advance(familyOf(first), 0, tokenKeyId!, now)).toBe(true);
      expect(await repository.advance(familyOf(first), 0, tokenKeyId!, now)).toBe(false);
      expect(await repository.revoke(familyOf(first), now, 'test')).toBe(true);
      expect(await repository.revoke(familyOf(first), now, 'test')).toBe(false);
    });
  });

  describe('expiry', () => {
    let app: TestApp;
    let party: Party;
    const clock = new FixedClock();
    beforeAll(async () => {
      app = await createTestApp({ databaseUrl, clock, env: { REFRESH_TOKEN_IDLE_TTL: '200', REFRESH_TOKEN_ABSOLUTE_TTL: '500' } });
      party = await createParty(app);
    });
    afterAll(() => app.close());

    it('ends a family left unused longer than the idle lifetime', async () => {
      const first = await signInAndExchange(app, party);
      clock.advance(199);
      const second = await refresh(app, party.client, first.refresh_token!);
      expect(second.status).toBe(200);
      clock.advance(200);
      const late = await refresh(app, party.client, second.body.refresh_token);
      expect(late.status).toBe(400);
      expect(late.body.error).toBe('invalid_grant');
    });

    it('ends a family at its absolute lifetime however often it rotated', async () => {
      let tokens = await signInAndExchange(app, party);
      for (let i = 0; i < 4; i++) {
        clock.advance(120);
        const res = await refresh(app, party.client, tokens.refresh_token!);
        expect(res.status).toBe(200);
        tokens = res.body;
      }
      clock.advance(21); // 501 s after the family started, 21 s after its last use
      const res = await refresh(app, party.client, tokens.refresh_token!);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    });
  });

  describe('with a grace of 30 s', () => {
    let app: TestApp;
    let party: Party;
    const clock = new FixedClock();
    beforeAll(async () => {
      app = await createTestApp({ databaseUrl, clock, env: { REFRESH_REUSE_GRACE: '30' } });
      party = await createParty(app);
    });
    afterAll(() => app.close());

    it('answers a retry of the previous token with the same successor and a fresh access token', async () => {
      const first = await signInAndExchange(app, party);
      const second = await refresh(app, party.client, first.refresh_token!);
      clock.advance(10);
      const retry = await refresh(app, party.client, first.refresh_token!);
      expect(retry.status).toBe(200);
      expect(retry.body.refresh_token).toBe(second.body.refresh_token);
      expect(retry.body.access_token).not.toBe(second.body.access_token);
      expect(await introspect(app, party.client, second.body.access_token)).toMatchObject({ active: true });
      expect((await refresh(app, party.client, retry.body.refresh_token)).status).toBe(200);
    });

    it('answers 20 concurrent refreshes with one token with one and the same successor', async () => {
      const first = await signInAndExchange(app, party);
      const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(app, party.client, first.refresh_token!)));
      expect(answers.map((res) => res.status)).toEqual(Array(20).fill(200));
      expect(new Set(answers.map((res) => res.body.refresh_token)).size).toBe(1);
      expect(new Set(answers.map((res) => res.body.access_token)).size).toBe(20);
      expect((await refresh(app, party.client, answers[0].body.refresh_token)).status).toBe(200);
    });

    it('treats the previous token as reuse once its successor has been used', async () => {
      const first = await signInAndExchange(app, party);
      const second = await refresh(app, party.client, first.refresh_token!);
      const third = await refresh(app, party.client, second.body.refresh_token);
      expect(third.status).toBe(200);
      expect((await refresh(app, party.client, first.refresh_token!)).body.error).toBe('invalid_grant');
      expect((await refresh(app, party.client, third.body.refresh_token)).body.error).toBe('invalid_grant');
    });

    it('treats the previous token as reuse after the grace window', async () => {
      const first = await signInAndExchange(app, party);
      const second = await refresh(app, party.client, first.refresh_token!);
      clock.advance(31);
      expect((await refresh(app, party.client, first.refresh_token!)).body.error).toBe('invalid_grant');
      expect((await refresh(app, party.client, second.body.refresh_token)).body.error).toBe('invalid_grant');
    });

    it('treats the previous token presented by another client as reuse', async () => {
      const first = await signInAndExchange(app, party);
      const second = await refresh(app, party.client, first.refresh_token!);
      const thief = await createParty(app);
      expect((await refresh(app, thief.client, first.refresh_token!)).body.error).toBe('invalid_grant');
      expect((await refresh(app, party.client, second.body.refresh_token)).body.error).toBe('invalid_grant');
    });

    it('treats a token older than the previous one as reuse', async () => {
      const first = await signInAndExchange(app, party);
      const second = await refresh(app, party.client, first.refresh_token!);
      await refresh(app, party.client, second.body.refresh_token);
      expect((await refresh(app, party.client, first.refresh_token!)).body.error).toBe('invalid_grant');
    });
  });

  describe('two instances sharing one store', () => {
    let dir: string | undefined;
    let sharedUrl: string;
    beforeAll(() => {
      if (databaseUrl.startsWith('sqlite')) {
        dir = mkdtempSync(join(tmpdir(), 'refresh-race-'));
        sharedUrl = `sqlite:${join(dir, 'auth.sqlite')}`;
      } else {
        sharedUrl = databaseUrl;
      }
    });
    afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

    it.each([
      ['0', 1, 'neither has read the family yet'],
      ['30', 20, 'neither has read the family yet'],
      ['0', 1, 'both already know the family'],
      ['30', 20, 'both already know the family'],
    ])('with grace %s, of 20 refreshes with one token split across both, %i succeed with one successor (%s)', async (grace, successes, known) => {
      const first = await createTestApp({ databaseUrl: sharedUrl, env: { REFRESH_REUSE_GRACE: grace } });
      const second = await createTestApp({ databaseUrl: first.databaseUrl, env: { REFRESH_REUSE_GRACE: grace } });
      try {
        const party = await createParty(first);
        let token = (await signInAndExchange(first, party)).refresh_token!;
        if (known.startsWith('both')) {
          // One refresh on each: both have read the family, so both race without reading it.
          for (const app of [first, second]) {
            const answer = await refresh(app, party.client, token);
            expect(answer.status).toBe(200);
            token = answer.body.refresh_token;
          }
        }
        const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => refresh(i % 2 ? second : first, party.client, token)));
        expect(answers.every((res) => res.status === 200 || (res.status === 400 && res.body.error === 'invalid_grant'))).toBe(true);
        const winners = answers.filter((res) => res.status === 200);
        expect(winners).toHaveLength(successes);
        expect(new Set(winners.map((res) => res.body.refresh_token)).size).toBe(1);
      } finally {
        await second.close();
        await first.close();
      }
    });
  });
});
