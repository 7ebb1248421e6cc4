import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { FixedClock } from '../../src/common/clock';
import { RefreshTokenKey } from '../../src/tokens/refresh-tokens/refresh-token-key.entity';
import { SigningKey } from '../../src/tokens/signing/signing-key.entity';
import { KeyStoreService } from '../../src/tokens/signing/key-store.service';
import { createClient } from '../support/authorize-flow';
import { createParty, introspect, jwtHeader, jwtPayload, Party, refresh, revoke, signInAndExchange, tokenRequest } from '../support/token-helpers';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';

describe.each(databases)('discovery and signing keys on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let party: Party;
  const clock = new FixedClock();
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl, clock });
    party = await createParty(app);
  });
  afterAll(() => app.close());

  it.each(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'])('serves RFC 8414 metadata at %s', async (path) => {
    const res = await app.http().get(path);
    expect(res.status).toBe(200);
    const issuer = app.config.issuer;
    expect(res.body).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      revocation_endpoint: `${issuer}/revoke`,
      introspection_endpoint: `${issuer}/introspect`,
      revocation_feed_endpoint: `${issuer}/revocations/stream`,
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      // private_key_jwt: for clients named by a metadata document, on by default.
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt'],
      scopes_supported: expect.arrayContaining(['notes:read', 'notes:write', 'admin']),
      authorization_response_iss_parameter_supported: true,
    });
    expect(res.body).not.toHaveProperty('registration_endpoint');
    expect(res.headers['cache-control']).toMatch(/public/);
  });

  it('serves the JWKS with public keys only, each with kid, alg and use', async () => {
    const res = await app.http().get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
    expect(res.body.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of res.body.keys) {
      expect(key).toMatchObject({ kid: expect.any(String), alg: 'ES256', use: 'sig', kty: 'EC' });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('refuses key rotation without the admin key', async () => {
    const res = await app.http().post('/admin/keys/rotate');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    const wrong = await app.http().post('/admin/keys/rotate').set('Authorization', 'Bearer wrong-key-wrong-key');
    expect(wrong.status).toBe(401);
  });

  it('rotates the signing key: new tokens use it, tokens of the old key verify until they expire, then the old key leaves the JWKS', async () => {
    const before = await signInAndExchange(app, party);
    const oldKid = jwtHeader(before.access_token).kid;

    const res = await app.http().post('/admin/keys/rotate').set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kid: expect.any(String), alg: 'ES256', use: 'sig' });
    expect(res.body).not.toHaveProperty('d');
    expect(res.body.kid).not.toBe(oldKid);

    const kids = (await app.http().get('/.well-known/jwks.json')).body.keys.map((key: { kid: string }) => key.kid);
    expect(kids).toEqual(expect.arrayContaining([oldKid, res.body.kid]));

    const after = await signInAndExchange(app, party);
    expect(jwtHeader(after.access_token).kid).toBe(res.body.kid);
    expect(await introspect(app, party.client, before.access_token)).toMatchObject({ active: true });
    expect(await introspect(app, party.client, after.access_token)).toMatchObject({ active: true });

    clock.advance(app.config.accessTokenTtlSeconds + app.config.clockSkewSeconds + 1);
    await app.get(KeyStoreService).reload();
    const remaining = (await app.http().get('/.well-known/jwks.json')).body.keys.map((key: { kid: string }) => key.kid);
    expect(remaining).toEqual([res.body.kid]);
  });
});

/** Stores two instances can share: a sqlite file, and PostgreSQL when configured. */
const sharedStores: Array<[name: string, databaseUrl: () => string]> = [
  ['sqlite (shared file)', () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'key-rotation-')), 'auth.sqlite')}`],
  ...(process.env.TEST_POSTGRES_URL ? [['postgres', () => process.env.TEST_POSTGRES_URL!] as [string, () => string]] : []),
];

describe.each(sharedStores)('a retired signing key across instances on %s', (_name, databaseUrl) => {
  const clock = new FixedClock();
  let a: TestApp;
  let b: TestApp;
  afterAll(async () => {
    await b?.close();
    await a?.close();
    if (a?.databaseUrl.startsWith('sqlite:')) rmSync(dirname(a.databaseUrl.slice('sqlite:'.length)), { recursive: true, force: true });
  });

  const me = (app: TestApp, token: string) => app.http().get('/api/me').set('Authorization', `Bearer ${token}`);
  const kidsIn = async (app: TestApp) => (await app.http().get('/.well-known/jwks.json')).body.keys.map((key: { kid: string }) => key.kid);

  it('verifies a token of the retired key until just before the token expires, and not after, on an instance started after the rotation too', async () => {
    a = await createTestApp({ databaseUrl: databaseUrl(), clock });
    const party = await createParty(a);
    const token = (await signInAndExchange(a, party)).access_token;
    const retiredKid = jwtHeader(token).kid;
    // Rotated at the instant the token was issued: the retired key is kept exactly as long as
    // the token needs it, so the key's end and the token's end are one and the same moment.
    const rotation = await a.http().post('/admin/keys/rotate').set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(rotation.status).toBe(200);
    b = await createTestApp({ databaseUrl: a.databaseUrl, clock });
    expect(b.get(KeyStoreService).activeSigner().kid).toBe(rotation.body.kid);

    const expiresAt = (jwtPayload(token).exp as number) * 1000;
    const lastValidMs = expiresAt + a.config.clockSkewSeconds * 1000 - 1000;
    clock.advance((lastValidMs - clock.now().getTime()) / 1000);
    for (const app of [a, b]) {
      await app.get(KeyStoreService).reload();
      expect(await kidsIn(app)).toContain(retiredKid);
      expect((await me(app, token)).status).toBe(200);
      expect(await introspect(app, party.client, token)).toMatchObject({ active: true });
    }

    clock.advance(1);
    for (const app of [a, b]) {
      await app.get(KeyStoreService).reload();
      const refused = await me(app, token);
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(await introspect(app, party.client, token)).toEqual({ active: false });
      expect(await kidsIn(app)).toEqual([rotation.body.kid]);
    }
  });
});

describe.each(databases)('admin API with access tokens on %s', (_name, databaseUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
  });
  afterAll(() => app.close());

  const clientCredentialsToken = async (scope: string) => {
    const service = await createClient(app, { grant_types: ['client_credentials'], redirect_uris: [], scope });
    const res = await tokenRequest(app, service, { grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
    return { service, token: res.body.access_token as string };
  };

  it('rotates keys for an access token with scope admin, refuses one without it, and one that was revoked', async () => {
    const admin = await clientCredentialsToken('admin');
    const allowed = await app.http().post('/admin/keys/rotate').set('Authorization', `Bearer ${admin.token}`);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ kid: expect.any(String), use: 'sig' });

    const reader = await clientCredentialsToken('notes:read');
    const forbidden = await app.http().post('/admin/keys/rotate').set('Authorization', `Bearer ${reader.token}`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['www-authenticate']).toMatch(/insufficient_scope/);

    expect((await revoke(app, admin.service, admin.token)).status).toBe(200);
    const revoked = await app.http().post('/admin/keys/rotate').set('Authorization', `Bearer ${admin.token}`);
    expect(revoked.status).toBe(401);
  });
});

describe.each(databases)('signing algorithms and sealed keys on %s', (_name, databaseUrl) => {
  it.each([
    ['EdDSA', 'OKP'],
    ['RS256', 'RSA'],
  ])('signs access tokens with %s when SIGNING_ALG selects it', async (alg, kty) => {
    const app = await createTestApp({ databaseUrl, env: { SIGNING_ALG: alg } });
    try {
      const party = await createParty(app);
      const tokens = await signInAndExchange(app, party);
      expect(jwtHeader(tokens.access_token)).toMatchObject({ alg, typ: 'at+jwt' });
      expect((await app.http().get('/.well-known/jwks.json')).body.keys).toEqual([expect.objectContaining({ alg, kty, use: 'sig' })]);
      expect(await introspect(app, party.client, tokens.access_token)).toMatchObject({ active: true });
    } finally {
      await app.close();
    }
  });

  it('keeps private signing keys and the refresh token key encrypted when KEY_ENCRYPTION_KEY is set', async () => {
    const app = await createTestApp({ databaseUrl, env: { KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url') } });
    try {
      const store = app.get(DataSource);
      const keys = await store.getRepository(SigningKey).find();
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key.privateJwk).toMatch(/^enc:/);
      const refreshKeys = await store.getRepository(RefreshTokenKey).find();
      expect(refreshKeys).toEqual([expect.objectContaining({ secret: expect.stringMatching(/^enc:/) })]);
      const party = await createParty(app);
      const tokens = await signInAndExchange(app, party);
      expect((await refresh(app, party.client, tokens.refresh_token!)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
