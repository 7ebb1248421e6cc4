import { KeyStoreService } from '../../src/tokens/signing/key-store.service';
import { RevocationLogService } from '../../src/revocation-log/revocation-log.service';
import {
  mintAccessToken,
  mintHs256WithPublicKey,
  mintUnsecured,
  mintWithForeignKey,
  tamperPayload,
} from '../support/access-tokens';
import { createTestApp, databases, TestApp } from '../support/test-app';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const inTenMinutes = () => new Date(Date.now() + 600_000);

describe.each(databases)('protected resource guard on %s', (_name, databaseUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
  });
  afterAll(() => app.close());

  const me = (token: string) => app.http().get('/api/me').set('Authorization', `Bearer ${token}`);

  async function expectInvalidToken(token: string): Promise<void> {
    const response = await me(token);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
    expect(response.body.error).toBe('invalid_token');
  }

  it('answers /api/me with the token subject, client and scope', async () => {
    const token = await mintAccessToken(app, { claims: { sub: 'user-42', client_id: 'app-1', scope: 'openid notes:read' } });
    const response = await me(token);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ sub: 'user-42', client_id: 'app-1', scope: 'openid notes:read' });
  });

  it('describes /api with RFC 9728 metadata, which every challenge points to', async () => {
    const response = await app.http().get('/.well-known/oauth-protected-resource/api');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      resource: app.config.accessTokenAudience,
      authorization_servers: [app.config.issuer],
      scopes_supported: ['notes:read', 'notes:write'],
      bearer_methods_supported: ['header'],
      resource_name: 'Notes API',
    });
  });

  it('answers 401 with a bare Bearer challenge when no token is sent', async () => {
    const response = await app.http().get('/api/me');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(`Bearer realm="api", resource_metadata="${app.config.issuer}/.well-known/oauth-protected-resource/api"`);
    expect(response.body.error).toBe('invalid_token');
  });

  it('ignores a token in the query string', async () => {
    const token = await mintAccessToken(app);
    const response = await app.http().get('/api/me').query({ access_token: token });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(`Bearer realm="api", resource_metadata="${app.config.issuer}/.well-known/oauth-protected-resource/api"`);
  });

  it('ignores a token in another authorization scheme', async () => {
    const response = await app.http().get('/api/me').set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(`Bearer realm="api", resource_metadata="${app.config.issuer}/.well-known/oauth-protected-resource/api"`);
  });

  it('refuses a malformed token', async () => {
    await expectInvalidToken('not-a-jwt');
    await expectInvalidToken('a.b.c');
  });

  it('refuses an expired token', async () => {
    await expectInvalidToken(await mintAccessToken(app, { nowSeconds: nowSeconds() - 700, ttlSeconds: 600 }));
  });

  it('accepts a token that expired within the clock skew', async () => {
    const skew = app.config.clockSkewSeconds;
    expect(skew).toBeGreaterThan(1);
    const token = await mintAccessToken(app, { nowSeconds: nowSeconds() - 600, ttlSeconds: 600 - skew + 2 });
    expect((await me(token)).status).toBe(200);
  });

  it('refuses a token that is not yet valid', async () => {
    await expectInvalidToken(await mintAccessToken(app, { claims: { nbf: nowSeconds() + 300 } }));
  });

  it('refuses a token from another issuer', async () => {
    await expectInvalidToken(await mintAccessToken(app, { claims: { iss: 'https://evil.example' } }));
  });

  it('refuses a token for another audience', async () => {
    await expectInvalidToken(await mintAccessToken(app, { claims: { aud: 'https://other.example/api' } }));
  });

  it('refuses a token whose typ is not at+jwt', async () => {
    await expectInvalidToken(await mintAccessToken(app, { header: { typ: 'JWT' } }));
    await expectInvalidToken(await mintAccessToken(app, { header: { typ: undefined } }));
  });

  it('refuses an unsecured token (alg none)', async () => {
    await expectInvalidToken(mintUnsecured(app));
  });

  it('refuses an HS256 token keyed with the public key', async () => {
    await expectInvalidToken(mintHs256WithPublicKey(app));
  });

  it('refuses a token with an unknown kid', async () => {
    await expectInvalidToken(await mintAccessToken(app, { header: { kid: 'no-such-kid' } }));
  });

  it('refuses a token signed by a key the server never issued', async () => {
    await expectInvalidToken(await mintWithForeignKey(app));
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const token = await mintAccessToken(app, { claims: { scope: 'notes:read' } });
    await expectInvalidToken(tamperPayload(token, { scope: 'notes:read admin' }));
  });

  it('refuses a token without the claims RFC 9068 requires', async () => {
    await expectInvalidToken(await mintAccessToken(app, { claims: { client_id: undefined } }));
    await expectInvalidToken(await mintAccessToken(app, { claims: { jti: undefined } }));
  });

  it('accepts a token signed by a key rotated out but still published', async () => {
    const token = await mintAccessToken(app);
    await app.get(KeyStoreService).rotate();
    expect((await me(token)).status).toBe(200);
    expect((await me(await mintAccessToken(app))).status).toBe(200);
  });

  it('refuses a token of a revoked family', async () => {
    const token = await mintAccessToken(app, { claims: { sid: 'family-guard-1' } });
    const sibling = await mintAccessToken(app, { claims: { sid: 'family-guard-1' } });
    const other = await mintAccessToken(app, { claims: { sid: 'family-guard-2' } });
    expect((await me(token)).status).toBe(200);
    await app.get(RevocationLogService).deny('sid', 'family-guard-1', inTenMinutes());
    await expectInvalidToken(token);
    await expectInvalidToken(sibling);
    expect((await me(other)).status).toBe(200);
  });

  it('refuses a token whose jti is revoked', async () => {
    const token = await mintAccessToken(app, { claims: { jti: 'jti-guard-1' } });
    expect((await me(token)).status).toBe(200);
    await app.get(RevocationLogService).deny('jti', 'jti-guard-1', inTenMinutes());
    const response = await me(token);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: 'invalid_token', error_description: 'access token has been revoked' });
    expect((await me(await mintAccessToken(app))).status).toBe(200);
  });

  it('refuses tokens of a subject issued before its denial, not those issued after', async () => {
    const before = await mintAccessToken(app, { claims: { sub: 'user-signed-out' }, nowSeconds: nowSeconds() - 5 });
    await app.get(RevocationLogService).deny('sub', 'user-signed-out', inTenMinutes());
    await expectInvalidToken(before);
    const after = await mintAccessToken(app, { claims: { sub: 'user-signed-out' }, nowSeconds: nowSeconds() + 2 });
    expect((await me(after)).status).toBe(200);
  });

  it('answers 403 insufficient_scope naming the scope the route needs', async () => {
    const token = await mintAccessToken(app, { claims: { scope: 'openid' } });
    const response = await app.http().get('/api/notes').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="insufficient_scope"/);
    expect(response.headers['www-authenticate']).toContain('scope="notes:read"');
    expect(response.body.error).toBe('insufficient_scope');
  });

  it('keeps concurrent requests apart: each gets the verdict on its own token', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 30 }, async (_, i) =>
        i % 3 === 0 ? mintWithForeignKey(app) : mintAccessToken(app, { claims: { sub: `parallel-${i}` } }),
      ),
    );
    const responses = await Promise.all(tokens.map((token) => me(token)));
    responses.forEach((response, i) => {
      if (i % 3 === 0) expect(response.status).toBe(401);
      else expect(response.body.sub).toBe(`parallel-${i}`);
    });
  });
});
