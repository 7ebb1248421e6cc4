import { DataSource } from 'typeorm';
import type { AuthenticatedClient } from '../../src/clients/authenticated-client';
import { FixedClock } from '../../src/common/clock';
import { RefreshTokenGrant } from '../../src/tokens/grants/refresh-token.grant';
import { TokenParams } from '../../src/tokens/grants/token-params';
import { decodeRefreshToken } from '../../src/tokens/refresh-tokens/refresh-token-codec';
import { RefreshTokenKeyRing } from '../../src/tokens/refresh-tokens/refresh-token-key-ring';
import { AuditEventsRepository } from '../../src/operations/audit/audit-events.repository';
import { TokenFamiliesRepository } from '../../src/tokens/refresh-tokens/token-families.repository';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';
import { createParty, introspect, jwtPayload, Party, refresh, revoke, signInAndExchange, TokenSet } from '../support/token-helpers';

const familyOf = (tokens: { access_token: string }) => jwtPayload(tokens.access_token).sid as string;

/** Every table of the store and its row count. */
async function rowCounts(store: DataSource): Promise<Record<string, number>> {
  const tables: Array<{ name: string }> =
    store.options.type === 'postgres'
      ? await store.query(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
      : await store.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await store.query(`SELECT COUNT(*) AS count FROM "${name}"`);
    counts[name] = Number(row.count);
  }
  return counts;
}

/** The same token with some bytes replaced, re-encoded canonically. */
function withBytes(token: string, offset: number, bytes: Buffer): string {
  const raw = Buffer.from(token, 'base64url');
  bytes.copy(raw, offset);
  return raw.toString('base64url');
}

const GENERATION_OFFSET = 25;
const FAMILY_OFFSET = 9;

describe.each(databases)('refresh tokens that prove their family and generation, on %s', (_name, databaseUrl) => {
  describe('storage', () => {
    let app: TestApp;
    let party: Party;
    beforeAll(async () => {
      app = await createTestApp({ databaseUrl });
      party = await createParty(app);
    });
    afterAll(() => app.close());

    it('holds exactly the same rows after 10 000 rotations of one family as after the first', async () => {
      const store = app.get(DataSource);
      const first = await signInAndExchange(app, party);
      const once = await refresh(app, party.client, first.refresh_token!);
      expect(once.status).toBe(200);
      const afterFirst = await rowCounts(store);
      expect(afterFirst).toMatchObject({ token_families: 1 });

      // The 9 998 rotations in between go straight to the grant (no HTTP, no JWT signing), the last over HTTP.
      const grant = app.get(RefreshTokenGrant);
      const client = { clientId: party.client.client_id } as AuthenticatedClient;
      let token: string = once.body.refresh_token;
      for (let i = 0; i < 9_998; i++) {
        token = (await grant.handle(TokenParams.from({ grant_type: 'refresh_token', refresh_token: token }), client, {})).refreshToken!;
      }
      const last = await refresh(app, party.client, token);
      expect(last.status).toBe(200);
      expect(decodeRefreshToken(last.body.refresh_token)).toMatchObject({ familyId: familyOf(first), generation: 10_000 });
      expect(await rowCounts(store)).toEqual(afterFirst);
      expect((await app.get(TokenFamiliesRepository).findById(familyOf(first)))?.generation).toBe(10_000);
    }, 600_000); // 20 000 statements with a commit each: minutes on a busy machine's PostgreSQL
  });

  describe('with a strict grace of 0', () => {
    let app: TestApp;
    let party: Party;
    beforeAll(async () => {
      app = await createTestApp({ databaseUrl });
      party = await createParty(app);
    });
    afterAll(() => app.close());

    /** A family rotated four times: its tokens and access tokens of generations 0 to 4. */
    async function rotatedFamily(): Promise<TokenSet[]> {
      const sets = [await signInAndExchange(app, party)];
      for (let i = 0; i < 4; i++) {
        const res = await refresh(app, party.client, sets[i].refresh_token!);
        expect(res.status).toBe(200);
        sets.push(res.body);
      }
      return sets;
    }

    it.each([0, 1, 2, 3])('treats generation %i of a family at generation 4 as reuse: the family and all its access tokens die', async (generation) => {
      const sets = await rotatedFamily();
      const replay = await refresh(app, party.client, sets[generation].refresh_token!);
      expect(replay.status).toBe(400);
      expect(replay.body.error).toBe('invalid_grant');
      expect((await refresh(app, party.client, sets[4].refresh_token!)).body.error).toBe('invalid_grant');
      for (const set of sets) expect(await introspect(app, party.client, set.access_token)).toEqual({ active: false });
      // The resource API refuses them too: the denial went through the revocation log.
      expect((await app.http().get('/api/me').set('Authorization', `Bearer ${sets[4].access_token}`)).status).toBe(401);
      expect((await app.get(AuditEventsRepository).page({ familyId: familyOf(sets[0]) }, 0, 100)).items).toEqual([
        expect.objectContaining({ kind: 'refresh_token_reuse' }),
      ]);
    });

    it('never revokes a family for a forged token that names it (its id is the `sid` of every access token)', async () => {
      const tokens = await signInAndExchange(app, party);
      const sid = familyOf(tokens);
      const live = decodeRefreshToken(tokens.refresh_token!)!;
      expect(live.familyId).toBe(sid);
      // Right version, kid, family and generation (the live one, and an earlier one); wrong MAC.
      const forgedLive = withBytes(tokens.refresh_token!, 29, Buffer.alloc(32, 7));
      const second = await refresh(app, party.client, tokens.refresh_token!);
      const forgedSpent = withBytes(second.body.refresh_token, 29, Buffer.alloc(32, 9));
      const forgedOld = withBytes(second.body.refresh_token, GENERATION_OFFSET, Buffer.from([0, 0, 0, 0]));
      for (const forged of [forgedLive, forgedSpent, forgedOld]) {
        const res = await refresh(app, party.client, forged);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'the refresh token is invalid, expired or revoked' });
        expect((await revoke(app, party.client, forged)).status).toBe(200);
        expect(await introspect(app, party.client, forged)).toEqual({ active: false });
      }
      expect((await app.get(AuditEventsRepository).page({ familyId: sid }, 0, 100)).items).toEqual([]);
      expect(await introspect(app, party.client, second.body.access_token)).toMatchObject({ active: true });
      expect((await refresh(app, party.client, second.body.refresh_token)).status).toBe(200);
    });

    it('answers invalid_grant, never a 5xx, to malformed tokens, and revokes nothing', async () => {
      const mine = await signInAndExchange(app, party);
      const other = await signInAndExchange(app, party);
      const token = mine.refresh_token!;
      const otherFamily = Buffer.from(familyOf(other), 'base64url');
      const lastChar = token.at(-1)!;
      const cases: Record<string, string> = {
        'a wrong MAC': withBytes(token, 60, Buffer.from([Buffer.from(token, 'base64url')[60] ^ 1])),
        'a huge generation (2^32 - 1)': withBytes(token, GENERATION_OFFSET, Buffer.from([0xff, 0xff, 0xff, 0xff])),
        'a generation not issued yet': withBytes(token, GENERATION_OFFSET, Buffer.from([0, 0, 0, 1])),
        'another family id': withBytes(token, FAMILY_OFFSET, otherFamily),
        'an unknown key id': withBytes(token, 1, Buffer.alloc(8, 1)),
        'another version': withBytes(token, 0, Buffer.from([2])),
        'a truncated token': token.slice(0, -1),
        'a truncated token of the old length': token.slice(0, 43),
        'a padded token': `${token}=`,
        'an extra character': `${token}A`,
        'a non-canonical last character': token.slice(0, -1) + (lastChar === 'A' ? 'B' : 'A'),
        'a character outside base64url': `${token.slice(0, -1)}+`,
        'a very long token': 'A'.repeat(100_000),
        'non-ASCII': `${token.slice(0, -1)}é`,
      };
      for (const [name, bad] of Object.entries(cases)) {
        expect(bad).not.toBe(token);
        const res = await refresh(app, party.client, bad);
        expect({ name, status: res.status, error: res.body.error }).toEqual({ name, status: 400, error: 'invalid_grant' });
      }
      for (const family of [mine, other]) {
        expect((await app.get(AuditEventsRepository).page({ familyId: familyOf(family) }, 0, 100)).items).toEqual([]);
        expect((await refresh(app, party.client, family.refresh_token!)).status).toBe(200);
      }
    });
  });

  describe('key rotation', () => {
    let app: TestApp;
    let party: Party;
    const clock = new FixedClock();
    beforeAll(async () => {
      app = await createTestApp({ databaseUrl, clock, env: { REFRESH_REUSE_GRACE: '30', REFRESH_TOKEN_ABSOLUTE_TTL: '1000' } });
      party = await createParty(app);
    });
    afterAll(() => app.close());

    it('keeps tokens of a retired key working, answers the same successor across a rotation, and drops the key when no token it made can be live', async () => {
      const first = await signInAndExchange(app, party);
      const second = await refresh(app, party.client, first.refresh_token!);
      const oldKid = decodeRefreshToken(second.body.refresh_token)!.keyId;

      const rotated = await app.http().post('/admin/refresh-token-keys/rotate').set('Authorization', `Bearer ${ADMIN_KEY}`);
      expect(rotated.status).toBe(200);
      expect(rotated.body).toEqual({ kid: expect.any(String), created_at: expect.any(Number) });
      expect(rotated.body.kid).not.toBe(oldKid);
      expect((await app.http().post('/admin/refresh-token-keys/rotate')).status).toBe(401);

      // The grace retry recomputes the successor it answered, made with the old key.
      const retry = await refresh(app, party.client, first.refresh_token!);
      expect(retry.body.refresh_token).toBe(second.body.refresh_token);
      // The old key's token still rotates; its successor is made with the new key.
      const third = await refresh(app, party.client, second.body.refresh_token);
      expect(third.status).toBe(200);
      expect(decodeRefreshToken(third.body.refresh_token)!.keyId).toBe(rotated.body.kid);

      const keys = app.get(RefreshTokenKeyRing);
      expect(await keys.key(oldKid, 'store')).toBeDefined();
      clock.advance(1000 + app.config.clockSkewSeconds + 1);
      await keys.reload();
      expect(await keys.key(oldKid, 'store')).toBeUndefined();
      expect(await keys.key(rotated.body.kid, 'store')).toBeDefined();
    });
  });
});
