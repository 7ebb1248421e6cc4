import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { DataSource } from 'typeorm';
import { PrivateKeySealer } from '../../src/tokens/signing/private-key-sealer';
import { createParty, introspect, jwtHeader, refresh, signInAndExchange } from '../support/token-helpers';
import { createTestApp, databases, TestApp } from '../support/test-app';

const KEY = randomBytes(32);

interface StoredKeys {
  signingKeys: Array<{ kid: string; private_jwk: string }>;
  refreshTokenKeys: Array<{ kid: string; secret: string }>;
}

async function storedKeys(app: TestApp): Promise<StoredKeys> {
  const dataSource = app.get(DataSource);
  const signingKeys = await dataSource.query('SELECT kid, private_jwk FROM signing_keys ORDER BY kid');
  const refreshTokenKeys = await dataSource.query('SELECT kid, secret FROM refresh_token_keys ORDER BY kid');
  return { signingKeys, refreshTokenKeys };
}

describe.each(databases)('keys at rest on %s', (name, databaseUrl) => {
  let store: string;
  let cleanUp: () => Promise<void>;
  beforeAll(() => {
    if (name === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'oauth-keys-'));
      store = `sqlite:${join(dir, 'auth.sqlite')}`;
      cleanUp = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      // A named schema outlives one app, so a second start finds the first one's keys.
      const schema = `test_keys_${randomBytes(6).toString('hex')}`;
      const url = new URL(databaseUrl);
      url.searchParams.set('schema', schema);
      store = url.toString();
      cleanUp = async () => {
        const client = new PgClient({ connectionString: databaseUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      };
    }
  });
  afterAll(() => cleanUp());

  it('encrypts the plain signing keys and refresh token keys at the first start with KEY_ENCRYPTION_KEY, and keeps them working', async () => {
    const plainApp = await createTestApp({ databaseUrl: store });
    const party = await createParty(plainApp, { grant_types: ['authorization_code', 'refresh_token'], scope: 'openid offline_access' });
    const tokens = await signInAndExchange(plainApp, party);
    const plain = await storedKeys(plainApp);
    await plainApp.close();
    expect(plain.signingKeys).toHaveLength(1);
    expect(plain.signingKeys[0].private_jwk).toContain('"d":');
    expect(plain.refreshTokenKeys).toHaveLength(1);
    expect(plain.refreshTokenKeys[0].secret).not.toMatch(/^enc:/);

    const sealedApp = await createTestApp({ databaseUrl: store, env: { KEY_ENCRYPTION_KEY: KEY.toString('base64url') } });
    try {
      const sealed = await storedKeys(sealedApp);
      expect(sealed.signingKeys.map((row) => row.kid)).toEqual(plain.signingKeys.map((row) => row.kid));
      for (const row of sealed.signingKeys) {
        expect(row.private_jwk).toMatch(/^enc:/);
        expect(row.private_jwk).not.toContain('"d":');
      }
      expect(sealed.refreshTokenKeys.map((row) => row.kid)).toEqual(plain.refreshTokenKeys.map((row) => row.kid));
      expect(sealed.refreshTokenKeys[0].secret).toMatch(/^enc:/);
      // The same keys, now encrypted: each opens to the plain one…
      const sealer = new PrivateKeySealer(KEY);
      expect(await sealer.open(sealed.refreshTokenKeys[0].secret)).toBe(plain.refreshTokenKeys[0].secret);
      expect(await sealer.open(sealed.signingKeys[0].private_jwk)).toBe(plain.signingKeys[0].private_jwk);
      // …and what was issued before still works: the access token verifies, the refresh token rotates.
      expect(await introspect(sealedApp, party.client, tokens.access_token)).toMatchObject({ active: true });
      const next = await refresh(sealedApp, party.client, tokens.refresh_token!);
      expect(next.status).toBe(200);
      expect(jwtHeader(next.body.access_token).kid).toBe(plain.signingKeys[0].kid);
    } finally {
      await sealedApp.close();
    }
  });
});
