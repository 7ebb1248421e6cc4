import { getRepositoryToken } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { PreparedRows } from '../../src/database/prepared-rows';
import { AuthorizationCode } from '../../src/tokens/grants/authorization-code.entity';
import { TokenFamily } from '../../src/tokens/refresh-tokens/token-family.entity';
import { User } from '../../src/users/user.entity';
import { createTestApp, databases, TestApp } from '../support/test-app';

/**
 * The code flow's lookups and inserts bypass TypeORM's query building (prepared-rows.ts): a
 * row must come back exactly as TypeORM would have built it, on both stores, with every kind
 * of column these tables have (text, null, epoch-millisecond times, booleans, JSON lists).
 */
describe.each(databases)('prepared rows on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let users: Repository<User>;
  let codes: Repository<AuthorizationCode>;
  let families: Repository<TokenFamily>;
  const statements: Array<PreparedRows<never>> = [];
  const prepared = <Entity extends object>(repository: Repository<Entity>) => {
    const rows = new PreparedRows(repository);
    statements.push(rows as unknown as PreparedRows<never>);
    return rows;
  };

  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
    users = app.app.get(getRepositoryToken(User));
    codes = app.app.get(getRepositoryToken(AuthorizationCode));
    families = app.app.get(getRepositoryToken(TokenFamily));
  });
  afterAll(async () => {
    await Promise.all(statements.map((rows) => rows.finalize()));
    await app.close();
  });

  it('reads a row as TypeORM reads it: booleans, JSON lists, times and nulls', async () => {
    const at = new Date(1_800_000_000_123);
    for (const [id, emailVerified, roles, name] of [
      ['prepared-user-1', true, ['admin', 'auditor'], 'Ada'],
      ['prepared-user-2', false, null, null],
    ] as const) {
      await users.insert({ id, email: `${id}@example.com`, emailNormalized: `${id}@example.com`, passwordHash: 'x', name, emailVerified, roles: roles ? [...roles] : null, createdAt: at });
      const viaTypeOrm = await users.findOneBy({ id });
      const viaPrepared = await prepared(users).findOneBy('id')(id);
      expect(viaPrepared).toBeInstanceOf(User);
      expect(viaPrepared).toEqual(viaTypeOrm);
      expect(viaPrepared).toMatchObject({ emailVerified, roles, name, createdAt: at });
    }
    expect(await prepared(users).findOneBy('id')('no-such-user')).toBeNull();
  });

  it('inserts a row that TypeORM reads back field for field', async () => {
    const now = new Date(1_800_000_000_456);
    const code: AuthorizationCode = {
      codeHash: 'c'.repeat(64),
      clientId: 'https://client.example/metadata.json',
      userId: 'prepared-user-1',
      redirectUri: 'http://127.0.0.1/callback',
      scope: 'openid profile',
      resources: null,
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      authTime: now,
      sessionId: null,
      nonce: 'n-0S6_WzA2Mj',
      expiresAt: new Date(now.getTime() + 60_000),
      consumedAt: null,
      familyId: null,
      createdAt: now,
    };
    await prepared(codes).insert()(code);
    expect(await codes.findOneBy({ codeHash: code.codeHash })).toEqual(Object.assign(new AuthorizationCode(), code));
  });

  it('refuses an insert that leaves a column with a default undefined, writing nothing', async () => {
    const now = new Date(1_800_000_000_789);
    const family = {
      id: 'prepared-family',
      clientId: 'client',
      userId: 'prepared-user-1',
      scope: 'openid',
      resources: '',
      authTime: now,
      sessionId: null,
      createdAt: now,
      expiresAt: now,
      lastUsedAt: now,
      generation: 0,
      tokenSecret: null,
      tokenKeyId: null,
      currentTokenHash: null,
      previousTokenHash: null,
      rotatedAt: null,
      revokedAt: null,
      revokedReason: null,
    } as Omit<TokenFamily, 'offline'> as TokenFamily;
    await expect(prepared(families).insert()(family)).rejects.toThrow('TokenFamily.offline has a column default: give it a value');
    expect(await families.findOneBy({ id: family.id })).toBeNull();

    await prepared(families).insert()({ ...family, offline: true });
    expect(await families.findOneBy({ id: family.id })).toMatchObject({ offline: true, generation: 0, sessionId: null, expiresAt: now });
  });

  it('reads the row of one table through a join as TypeORM reads it, and null when nothing matches', async () => {
    const now = new Date(1_800_000_001_000);
    await families.insert({
      id: 'joined-family', clientId: 'client', userId: 'prepared-user-2', scope: 'openid', resources: '', authTime: now, sessionId: null,
      createdAt: now, expiresAt: now, lastUsedAt: now, generation: 0, tokenSecret: null, tokenKeyId: null, currentTokenHash: null,
      previousTokenHash: null, rotatedAt: null, revokedAt: null, revokedReason: null, offline: false,
    });
    const userOfFamily = prepared(users).findOneWhere('u', 'FROM users u INNER JOIN token_families f ON f.user_id = u.id WHERE f.id = ?');
    const user = await userOfFamily(['joined-family']);
    expect(user).toBeInstanceOf(User);
    expect(user).toEqual(await users.findOneBy({ id: 'prepared-user-2' }));
    expect(await userOfFamily(['no-such-family'])).toBeNull();
  });
});
