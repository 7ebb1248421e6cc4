import { DataSource } from 'typeorm';
import { AuthorizationCode } from '../../src/tokens/grants/authorization-code.entity';
import { FixedClock } from '../../src/common/clock';
import { RefreshToken } from '../../src/tokens/refresh-tokens/refresh-token.entity';
import { TokenFamiliesService } from '../../src/tokens/refresh-tokens/token-families.service';
import { TokenFamily } from '../../src/tokens/refresh-tokens/token-family.entity';
import { TokenPurgeJob } from '../../src/tokens/token-purge.job';
import { createParty, jwtPayload, obtainCode, Party, refresh, signInAndExchange } from '../support/token-helpers';
import { createTestApp, databases, TestApp } from '../support/test-app';

describe.each(databases)('the purge job on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let party: Party;
  const clock = new FixedClock();
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl, clock, env: { REFRESH_TOKEN_IDLE_TTL: '5000', REFRESH_TOKEN_ABSOLUTE_TTL: '9000' } });
    party = await createParty(app);
  });
  afterAll(() => app.close());

  const rows = (sid: string) =>
    Promise.all([
      app.get(DataSource).getRepository(TokenFamily).countBy({ id: sid }),
      app.get(DataSource).getRepository(RefreshToken).countBy({ familyId: sid }),
    ]);

  it('deletes idle, expired and long-revoked families, and keeps live ones', async () => {
    const idle = await signInAndExchange(app, party);
    const idleSid = jwtPayload(idle.access_token).sid as string;
    const spent = await refresh(app, party.client, idle.refresh_token!);
    expect(spent.status).toBe(200);
    expect(await rows(idleSid)).toEqual([1, 0]); // one row per family; nothing per token

    clock.advance(3000);
    const live = await signInAndExchange(app, party);
    const liveSid = jwtPayload(live.access_token).sid as string;
    const revoked = await signInAndExchange(app, party);
    const revokedSid = jwtPayload(revoked.access_token).sid as string;
    await app.get(TokenFamiliesService).revokeFamily(revokedSid, 'test');

    // Revoked, but its access tokens may still be presented for introspection: kept.
    clock.advance(60);
    await app.get(TokenPurgeJob).purge();
    expect(await rows(revokedSid)).toEqual([1, 0]);

    clock.advance(2000); // idle family: 5060 s unused; live: 2060 s; revoked: 2060 s ago
    const purged = await app.get(TokenPurgeJob).purge();
    expect(purged.families).toBe(2);
    expect(await rows(idleSid)).toEqual([0, 0]);
    expect(await rows(revokedSid)).toEqual([0, 0]);
    expect(await rows(liveSid)).toEqual([1, 0]);
    expect((await refresh(app, party.client, live.refresh_token!)).status).toBe(200);
  });

  it('deletes codes a day after they expired, and denials once their tokens expired', async () => {
    const tokens = await signInAndExchange(app, party);
    await app.get(TokenFamiliesService).revokeFamily(jwtPayload(tokens.access_token).sid as string, 'test');
    const code = await obtainCode(app, party);
    const codes = app.get(DataSource).getRepository(AuthorizationCode);
    const before = await codes.count();
    expect(before).toBeGreaterThan(0);
    clock.advance(3600);
    const first = await app.get(TokenPurgeJob).purge();
    expect(first.codes).toBe(0);
    expect(first.revocations).toBe(1); // the family's denial outlived its access tokens
    clock.advance(86_400);
    const second = await app.get(TokenPurgeJob).purge();
    expect(second.codes).toBe(before);
    expect(await codes.count()).toBe(0);
    expect(code.code).toEqual(expect.any(String));
  });
});
