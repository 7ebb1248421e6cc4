import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { FixedClock } from '../../src/common/clock';
import { hmacSha256, sha256 } from '../../src/common/crypto/hashing';
import { parseDatabaseUrl } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { SelfProvingRefreshTokens1765100000000 } from '../../src/migrations/1765100000000-SelfProvingRefreshTokens';
import { decodeRefreshToken } from '../../src/tokens/refresh-tokens/refresh-token-codec';
import { RefreshToken } from '../../src/tokens/refresh-tokens/refresh-token.entity';
import { RefreshTokenKey } from '../../src/tokens/refresh-tokens/refresh-token-key.entity';
import { AuditEventsRepository } from '../../src/operations/audit/audit-events.repository';
import { TokenFamily } from '../../src/tokens/refresh-tokens/token-family.entity';
import { TokenPurgeJob } from '../../src/tokens/token-purge.job';
import { FreshStore, freshStore } from '../support/fresh-store';
import { createTestApp, databases, TestApp } from '../support/test-app';
import { createParty, introspect, jwtPayload, Party, refresh } from '../support/token-helpers';

const UPGRADE = new SelfProvingRefreshTokens1765100000000().name;
const oldToken = () => randomBytes(32).toString('base64url');

/** An old-form family as the previous release stored it: the family row, and a row per token issued. */
interface OldFamily {
  id: string;
  tokens: string[]; // in issue order; the last is live
}

/**
 * The upgrade in place: a store with live families of the old form (random refresh tokens,
 * each stored by hash) is migrated; their tokens keep working and keep their reuse
 * detection, each family switches to the new form at its first rotation, and the per-token
 * table receives nothing more and drains as the families end.
 */
describe.each(databases)('upgrading a store with old-form refresh token families on %s', (name, baseDatabaseUrl) => {
  let store: FreshStore;
  let databaseUrl: string;
  let app: TestApp | undefined;
  const clock = new FixedClock();

  beforeAll(() => {
    store = freshStore(name, baseDatabaseUrl, 'upgrade');
    databaseUrl = store.databaseUrl;
  });

  afterAll(async () => {
    await app?.close();
    await store.remove();
  });

  /** Takes the store back to the schema before the upgrade and writes old-form families into it. */
  async function oldStoreWith(party: Party, families: Array<{ tokens: number; lastUsedSecondsAgo?: number }>): Promise<OldFamily[]> {
    const store = await new DataSource(dataSourceOptions(parseDatabaseUrl(databaseUrl))).initialize();
    try {
      const executed = async () => ((await store.query('SELECT name FROM migrations')) as Array<{ name: string }>).map((row) => row.name);
      while ((await executed()).includes(UPGRADE)) await store.undoLastMigration();
      const columns = (await store.createQueryRunner().getTable('token_families'))!.columns.map((column) => column.name);
      expect(columns).not.toContain('generation');
      const p = store.options.type === 'postgres' ? (n: number) => `$${n}` : () => '?';
      // The previous release derived each successor from its token: HMAC under this key.
      const [{ value }] = await store.query(`SELECT value FROM server_secrets WHERE name = ${p(1)}`, ['refresh_successor_key']);
      const successorKey = Buffer.from(value as string, 'base64url');
      const now = clock.now().getTime();
      const written: OldFamily[] = [];
      for (const spec of families) {
        const tokens = [oldToken()];
        while (tokens.length < spec.tokens) tokens.push(hmacSha256(successorKey, tokens.at(-1)!));
        const family: OldFamily = { id: randomBytes(16).toString('base64url'), tokens };
        const hashes = family.tokens.map(sha256);
        const lastUsedAt = now - (spec.lastUsedSecondsAgo ?? 60) * 1000;
        // As the old code did: every token's row first, then the family pointing at the live one.
        for (const hash of hashes) {
          await store.query(`INSERT INTO refresh_tokens (token_hash, family_id, issued_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [hash, family.id, lastUsedAt]);
        }
        await store.query(
          `INSERT INTO token_families (id, client_id, user_id, scope, auth_time, created_at, expires_at, last_used_at,
             current_token_hash, previous_token_hash, rotated_at, revoked_at, revoked_reason)
           VALUES (${[...Array(13).keys()].map((i) => p(i + 1)).join(', ')})`,
          [family.id, party.client.client_id, party.user.id, party.client.scope, lastUsedAt - 3_600_000, lastUsedAt - 3_600_000,
            lastUsedAt - 3_600_000 + 90 * 86_400_000, lastUsedAt, hashes.at(-1), hashes.at(-2) ?? null, hashes.length > 1 ? lastUsedAt : null, null, null],
        );
        written.push(family);
      }
      return written;
    } finally {
      await store.destroy();
    }
  }

  it('keeps old tokens working with reuse detection, switches each family to one row at its first rotation, and drains the token table', async () => {
    // A store made by this release, with a client and a user, then taken back to the old schema.
    const setup = await createTestApp({ databaseUrl, clock });
    const party = await createParty(setup);
    const keyBefore = (await setup.get(DataSource).getRepository(RefreshTokenKey).find())[0];
    await setup.close();
    const [live, spent, untouched, idle, retried] = await oldStoreWith(party, [
      { tokens: 3 },
      { tokens: 2 },
      { tokens: 1 },
      { tokens: 2, lastUsedSecondsAgo: 15 * 86_400 }, // past the 14-day idle lifetime
      { tokens: 2, lastUsedSecondsAgo: 10 }, // rotated 10 s before the upgrade
    ]);

    app = await createTestApp({ databaseUrl, clock, env: { REFRESH_REUSE_GRACE: '30' } });
    const store = app.get(DataSource);
    const tokenRows = () => store.getRepository(RefreshToken).count();
    const familyRow = (id: string) => store.getRepository(TokenFamily).findOneByOrFail({ id });
    expect(await tokenRows()).toBe(10);
    // The key that derived successors is the first refresh token key, still sealed as it was.
    expect(await store.getRepository(RefreshTokenKey).find()).toEqual([expect.objectContaining({ secret: keyBefore.secret })]);

    // A retry within the grace of a token rotated just before the upgrade gets the successor the
    // previous release answered; that one then switches the family.
    expect((await refresh(app, party.client, retried.tokens[0])).body.refresh_token).toBe(retried.tokens[1]);
    const retriedNext = await refresh(app, party.client, retried.tokens[1]);
    expect(decodeRefreshToken(retriedNext.body.refresh_token)).toMatchObject({ familyId: retried.id, generation: 1 });

    // The live old token works; its successor is of the new form, and the family is one row from now on.
    expect(await introspect(app, party.client, live.tokens[2])).toMatchObject({ active: true, sid: live.id });
    const first = await refresh(app, party.client, live.tokens[2]);
    expect(first.status).toBe(200);
    expect(jwtPayload(first.body.access_token).sid).toBe(live.id);
    expect(decodeRefreshToken(first.body.refresh_token)).toMatchObject({ familyId: live.id, generation: 1 });
    expect(await familyRow(live.id)).toMatchObject({ generation: 1, currentTokenHash: null, previousTokenHash: sha256(live.tokens[2]) });
    expect(await introspect(app, party.client, live.tokens[2])).toEqual({ active: false });
    // Within the grace, the old token's retry answers the same successor.
    clock.advance(10);
    expect((await refresh(app, party.client, live.tokens[2])).body.refresh_token).toBe(first.body.refresh_token);
    const second = await refresh(app, party.client, first.body.refresh_token);
    expect(second.status).toBe(200);
    expect(await tokenRows()).toBe(10); // nothing written per token

    // An old token spent before the upgrade is still reuse, also after the switch.
    expect((await refresh(app, party.client, live.tokens[0])).body.error).toBe('invalid_grant');
    expect((await refresh(app, party.client, second.body.refresh_token)).body.error).toBe('invalid_grant');
    expect(await introspect(app, party.client, second.body.access_token)).toEqual({ active: false });
    // …and before it.
    expect((await refresh(app, party.client, spent.tokens[0])).body.error).toBe('invalid_grant');
    expect((await refresh(app, party.client, spent.tokens[1])).body.error).toBe('invalid_grant');
    for (const family of [live, spent]) {
      expect((await app.get(AuditEventsRepository).page({ familyId: family.id }, 0, 100)).items).toEqual([expect.objectContaining({ kind: 'refresh_token_reuse' })]);
    }

    // The table drains: dead families go with their token rows (the idle one now, the revoked
    // ones once their access tokens have expired), and a switched family's rows when it ends.
    expect((await app.get(TokenPurgeJob).purge()).families).toBe(1);
    expect(await store.getRepository(TokenFamily).countBy({ id: idle.id })).toBe(0);
    expect(await tokenRows()).toBe(8);
    clock.advance(app.config.accessTokenTtlSeconds + app.config.clockSkewSeconds + 1);
    expect((await app.get(TokenPurgeJob).purge()).families).toBe(2);
    expect(await tokenRows()).toBe(3);
    const switched = await refresh(app, party.client, untouched.tokens[0]);
    expect(switched.status).toBe(200);
    clock.advance(app.config.refreshTokenIdleTtlSeconds);
    expect((await app.get(TokenPurgeJob).purge()).families).toBe(2);
    expect(await tokenRows()).toBe(0);
  }, 120_000);
});
