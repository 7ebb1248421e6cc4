import { createPrivateKeyJwtAuth } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { CryptoKey, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { REFETCH_AFTER_SECONDS } from '../../src/client-metadata/client-key-sets';
import { MAX_ASSERTION_LIFETIME_SECONDS } from '../../src/clients/client-assertions/client-assertions';
import { FixedClock } from '../../src/common/clock';
import { authorize, createClient, createUser, TestUser } from '../support/authorize-flow';
import { createTestApp, databases, TestApp } from '../support/test-app';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const REDIRECT = 'http://127.0.0.1:7777/callback';

/** Serves metadata documents and key sets on loopback; counts requests per path. */
class KeyServer {
  readonly bodies = new Map<string, unknown>();
  readonly hits = new Map<string, number>();
  private server!: Server;
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.hits.set(req.url ?? '', (this.hits.get(req.url ?? '') ?? 0) + 1);
      const body = this.bodies.get(req.url ?? '');
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A private_key_jwt document at `path`; its client_id is its URL. */
  document(path: string, fields: Record<string, unknown>): string {
    const url = `${this.origin}${path}`;
    this.bodies.set(path, { client_id: url, client_name: 'Keyed Agent', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'private_key_jwt', ...fields });
    return url;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

interface Signer {
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function signer(alg: string, kid: string): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

describe.each(databases)('private_key_jwt for metadata-document clients on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let keys: KeyServer;
  let user: TestUser;
  let es256: Signer;
  let rs256: Signer;
  let byUri: string;
  let inline: string;
  const clock = new FixedClock(new Date());
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);

  /** An assertion as the MCP SDK's createPrivateKeyJwtAuth makes it, with `claims` changed. */
  async function assertion(clientId: string, key: Signer = es256, claims: Record<string, unknown> = {}): Promise<string> {
    const now = nowSeconds();
    return new SignJWT({ iss: clientId, sub: clientId, aud: app.config.issuer, iat: now, exp: now + 300, jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: key.alg, kid: key.publicJwk.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }

  /** `/introspect` with an assertion: `200` when the client authenticated, `401` when not. */
  const introspect = (fields: Record<string, string>) => app.http().post('/introspect').type('form').send({ token: 'not-a-token', ...fields });

  beforeAll(async () => {
    keys = new KeyServer();
    await keys.start();
    es256 = await signer('ES256', 'es');
    rs256 = await signer('RS256', 'rs');
    keys.bodies.set('/jwks.json', { keys: [es256.publicJwk, rs256.publicJwk] });
    byUri = keys.document('/by-uri.json', { jwks_uri: `${keys.origin}/jwks.json` });
    inline = keys.document('/inline.json', { jwks: { keys: [es256.publicJwk] } });
    // The refusals below are many failed authentications: keep the throttle out of their way.
    const env = { CLIENT_ID_METADATA_ALLOW_HTTP_LOOPBACK: 'true', CLIENT_AUTH_MAX_FAILURES_PER_IP: '1000', CLIENT_AUTH_MAX_FAILURES_PER_CLIENT: '1000' };
    app = await createTestApp({ databaseUrl, clock, env });
    user = await createUser(app);
  });
  afterAll(async () => {
    await app.close();
    await keys.close();
  });

  it('is advertised in discovery with the asymmetric algorithms', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const { body } = await app.http().get(path);
      expect(body.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['private_key_jwt', 'none', 'client_secret_basic']));
      expect(body.token_endpoint_auth_signing_alg_values_supported).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA']);
      expect(body.introspection_endpoint_auth_methods_supported).toContain('private_key_jwt');
      expect(body.revocation_endpoint_auth_methods_supported).toContain('private_key_jwt');
    }
  });

  it('exchanges a code, introspects and revokes with assertions signed by a key from jwks_uri', async () => {
    const flow = await authorize(app, { client_id: byUri, redirect_uri: REDIRECT, scope: 'notes:read offline_access', user });
    expect(flow.code).toBeDefined();
    const token = await app.http().post('/token').type('form').send({
      grant_type: 'authorization_code',
      code: flow.code!,
      redirect_uri: REDIRECT,
      code_verifier: flow.verifier,
      client_assertion_type: JWT_BEARER,
      client_assertion: await assertion(byUri, rs256),
    });
    expect(token.status).toBe(200);
    expect(token.body.access_token).toEqual(expect.any(String));

    const active = await introspect({ token: token.body.access_token, client_assertion_type: JWT_BEARER, client_assertion: await assertion(byUri) });
    expect(active.status).toBe(200);
    expect(active.body).toEqual(expect.objectContaining({ active: true, client_id: byUri }));

    const revoked = await app.http().post('/revoke').type('form').send({ token: token.body.access_token, client_id: byUri, client_assertion_type: JWT_BEARER, client_assertion: await assertion(byUri) });
    expect(revoked.status).toBe(200);
    const after = await introspect({ token: token.body.access_token, client_assertion_type: JWT_BEARER, client_assertion: await assertion(byUri) });
    expect(after.body.active).toBe(false);
  });

  it('fetches the key set again for a kid it lacks, so a key rotation is seen, but at most once a minute', async () => {
    const before = await signer('ES256', 'rotating-before');
    const after = await signer('ES256', 'rotating-after');
    const unknown = await signer('ES256', 'rotating-unknown');
    keys.bodies.set('/rotating-jwks.json', { keys: [before.publicJwk] });
    const rotating = keys.document('/rotating.json', { jwks_uri: `${keys.origin}/rotating-jwks.json` });
    const fetches = () => keys.hits.get('/rotating-jwks.json') ?? 0;
    const authenticates = async (key: Signer) =>
      (await introspect({ client_id: rotating, client_assertion_type: JWT_BEARER, client_assertion: await assertion(rotating, key) })).status;

    expect(await authenticates(before)).toBe(200);
    expect(fetches()).toBe(1);

    // The client rotates; its next assertion names the new kid, and the cached set is a minute old.
    clock.advance(REFETCH_AFTER_SECONDS);
    keys.bodies.set('/rotating-jwks.json', { keys: [after.publicJwk] });
    expect(await authenticates(after)).toBe(200);
    expect(fetches()).toBe(2);

    // A kid nobody published, within the minute: refused from the cache, the client's server left alone.
    expect(await authenticates(unknown)).toBe(401);
    expect(await authenticates(unknown)).toBe(401);
    expect(fetches()).toBe(2);
    // A minute on, one more fetch; the kid is still unknown.
    clock.advance(REFETCH_AFTER_SECONDS);
    expect(await authenticates(unknown)).toBe(401);
    expect(fetches()).toBe(3);
    // The retired key went with the old set.
    expect(await authenticates(before)).toBe(401);
  });

  it('accepts the assertion the MCP SDK’s createPrivateKeyJwtAuth makes (aud: the issuer from discovery)', async () => {
    const { body: metadata } = await app.http().get('/.well-known/oauth-authorization-server');
    const addClientAuthentication = createPrivateKeyJwtAuth({ issuer: byUri, subject: byUri, privateKey: await exportJWK(rs256.privateKey), alg: 'RS256' });
    const params = new URLSearchParams({ token: 'not-a-token' });
    await addClientAuthentication(new Headers(), params, new URL(metadata.token_endpoint), metadata);
    const res = await app.http().post('/introspect').type('form').send(params.toString());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ active: false });
  });

  it('accepts an assertion addressed to the token endpoint, verified with the document’s inline jwks', async () => {
    const res = await introspect({ client_assertion_type: JWT_BEARER, client_assertion: await assertion(inline, es256, { aud: `${app.config.issuer}/token` }) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ active: false });
  });

  it('refuses a replayed assertion: its jti is single-use', async () => {
    const once = await assertion(inline);
    expect((await introspect({ client_assertion_type: JWT_BEARER, client_assertion: once })).status).toBe(200);
    const replay = await introspect({ client_assertion_type: JWT_BEARER, client_assertion: once });
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_client');
  });

  const none = (clientId: string) => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    return `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: clientId, sub: clientId, aud: 'x', exp: now + 60, jti: randomUUID() })}.`;
  };
  it.each<[string, (clientId: string) => Promise<string>]>([
    ['a wrong aud', (id) => assertion(id, es256, { aud: 'https://elsewhere.example' })],
    ['a wrong iss', (id) => assertion(id, es256, { iss: 'https://other.example/client.json' })],
    ['a sub that is not the client', (id) => assertion(id, es256, { sub: 'someone' })],
    ['alg none', async (id) => none(id)],
    ['HS256', (id) => new SignJWT({ iss: id, sub: id, aud: app.config.issuer, exp: nowSeconds() + 60, jti: randomUUID() }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('a shared secret of some length'))],
    ['an expired assertion', (id) => assertion(id, es256, { iat: nowSeconds() - 900, exp: nowSeconds() - 600 })],
    ['an exp more than five minutes ahead', (id) => assertion(id, es256, { exp: nowSeconds() + 3600 })],
    ['no exp', (id) => assertion(id, es256, { exp: undefined })],
    ['no jti', (id) => assertion(id, es256, { jti: undefined })],
    ['a key the client does not list', async (id) => assertion(id, await signer('ES256', 'es'))],
    ['not a JWT', async () => 'not.a.jwt'],
  ])('refuses %s with invalid_client', async (_case, make) => {
    const res = await introspect({ client_id: inline, client_assertion_type: JWT_BEARER, client_assertion: await make(inline) });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    const token = await app.http().post('/token').type('form').send({ grant_type: 'refresh_token', refresh_token: 'x', client_id: inline, client_assertion_type: JWT_BEARER, client_assertion: await make(inline) });
    expect(token.status).toBe(401);
    expect(token.body.error).toBe('invalid_client');
  });

  it('refuses another client_assertion_type, and a private_key_jwt client that sends no assertion', async () => {
    const wrongType = await introspect({ client_assertion_type: 'urn:example:saml', client_assertion: await assertion(inline) });
    expect(wrongType.status).toBe(401);
    expect(wrongType.body.error).toBe('invalid_client');
    const bare = await introspect({ client_id: inline });
    expect(bare.status).toBe(401);
    expect(bare.body.error).toBe('invalid_client');
  });

  it('refuses private_key_jwt for a registered client', async () => {
    const registered = await createClient(app, { token_endpoint_auth_method: 'none', grant_types: ['authorization_code'] });
    const res = await introspect({ client_assertion_type: JWT_BEARER, client_assertion: await assertion(registered.client_id) });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  // Last: it moves the clock past every assertion made so far.
  it('forgets a jti once its assertion has expired: the rows are purged, the assertion stays refused', async () => {
    const rows = async () => Number((await app.get(DataSource).query('SELECT COUNT(*) AS n FROM client_assertion_jtis'))[0].n);
    const old = await assertion(inline);
    expect((await introspect({ client_assertion_type: JWT_BEARER, client_assertion: old })).status).toBe(200);
    expect(await rows()).toBeGreaterThan(1);
    clock.advance(MAX_ASSERTION_LIFETIME_SECONDS + app.config.clockSkewSeconds + 61);
    expect((await introspect({ client_assertion_type: JWT_BEARER, client_assertion: await assertion(inline) })).status).toBe(200);
    expect(await rows()).toBe(1);
    const replay = await introspect({ client_assertion_type: JWT_BEARER, client_assertion: old });
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_client');
  });
});

describe('private_key_jwt while metadata documents are off', () => {
  it('is not advertised', async () => {
    const app = await createTestApp({ env: { CLIENT_ID_METADATA_DOCUMENTS: 'off' } });
    try {
      const { body } = await app.http().get('/.well-known/oauth-authorization-server');
      expect(body.token_endpoint_auth_methods_supported).not.toContain('private_key_jwt');
      expect(body.token_endpoint_auth_signing_alg_values_supported).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
