import { FixedClock } from '../../src/common/clock';
import { RevocationLogService } from '../../src/revocation-log/revocation-log.service';
import { TokenFamiliesService } from '../../src/tokens/refresh-tokens/token-families.service';
import { mintAccessToken, mintHs256WithPublicKey, mintUnsecured, mintWithForeignKey, tamperPayload } from '../support/access-tokens';
import { createClient } from '../support/authorize-flow';
import {
  basicAuth,
  createParty,
  introspect,
  jwtPayload,
  Party,
  postForm,
  refresh,
  revoke,
  signInAndExchange,
  tokenRequest,
} from '../support/token-helpers';
import { createTestApp, databases, TestApp } from '../support/test-app';

describe.each(databases)('introspection and revocation on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let party: Party;
  const clock = new FixedClock();
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl, clock });
    party = await createParty(app);
  });
  afterAll(() => app.close());

  describe('introspection (RFC 7662)', () => {
    it('describes an active access token', async () => {
      const tokens = await signInAndExchange(app, party);
      const claims = jwtPayload(tokens.access_token);
      const res = await postForm(app, '/introspect', party.client, { token: tokens.access_token });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        active: true,
        token_type: 'Bearer',
        scope: tokens.scope,
        client_id: party.client.client_id,
        sub: party.user.id,
        exp: claims.exp,
        iat: claims.iat,
        iss: app.config.issuer,
        aud: app.config.accessTokenAudience,
        jti: claims.jti,
        sid: claims.sid,
        auth_time: claims.auth_time,
      });
    });

    it('answers any registered client about an access token, e.g. a resource server', async () => {
      const tokens = await signInAndExchange(app, party);
      const api = await createClient(app, { grant_types: ['client_credentials'], redirect_uris: [], scope: 'notes:read' });
      expect(await introspect(app, api, tokens.access_token)).toMatchObject({ active: true, sub: party.user.id });
    });

    it("lets a public client, whose id is no secret, learn nothing about other clients' access tokens", async () => {
      const tokens = await signInAndExchange(app, party);
      const spa = await createParty(app, { token_endpoint_auth_method: 'none' });
      const own = await signInAndExchange(app, spa);
      expect(await introspect(app, spa.client, tokens.access_token)).toEqual({ active: false });
      expect(await introspect(app, spa.client, own.access_token)).toMatchObject({ active: true, client_id: spa.client.client_id });
    });

    it('describes a live refresh token to its own client only', async () => {
      const tokens = await signInAndExchange(app, party);
      expect(await introspect(app, party.client, tokens.refresh_token!, 'refresh_token')).toMatchObject({
        active: true,
        token_type: 'refresh_token',
        client_id: party.client.client_id,
        sub: party.user.id,
        scope: tokens.scope,
        iss: app.config.issuer,
        sid: jwtPayload(tokens.access_token).sid,
        exp: expect.any(Number),
        iat: expect.any(Number),
      });
      const other = await createParty(app);
      expect(await introspect(app, other.client, tokens.refresh_token!)).toEqual({ active: false });
    });

    it('says inactive for an expired access token', async () => {
      const tokens = await signInAndExchange(app, party);
      clock.advance(600 + app.config.clockSkewSeconds + 1);
      expect(await introspect(app, party.client, tokens.access_token)).toEqual({ active: false });
    });

    it('says inactive for forged, tampered and unknown tokens', async () => {
      const genuine = await mintAccessToken(app);
      expect(await introspect(app, party.client, genuine)).toMatchObject({ active: true });
      const forged = [
        await mintWithForeignKey(app),
        mintUnsecured(app),
        mintHs256WithPublicKey(app),
        tamperPayload(genuine, { scope: 'admin' }),
        await mintAccessToken(app, { header: { typ: 'JWT' } }),
      ];
      // Each is current on the app's clock: only its signature, alg or typ can make it inactive.
      const nowSeconds = clock.now().getTime() / 1000;
      for (const token of forged) expect(jwtPayload(token)).toMatchObject({ iat: expect.any(Number), exp: expect.any(Number) });
      for (const token of forged) expect(jwtPayload(token).exp as number).toBeGreaterThan(nowSeconds + 60);
      for (const token of forged) expect(jwtPayload(token).iat as number).toBeLessThanOrEqual(nowSeconds);
      for (const token of [...forged, 'not-a-token', 'a.b.c']) expect(await introspect(app, party.client, token)).toEqual({ active: false });
    });

    it('says inactive as soon as its family is revoked on this instance', async () => {
      const tokens = await signInAndExchange(app, party);
      const sid = jwtPayload(tokens.access_token).sid as string;
      expect(await introspect(app, party.client, tokens.access_token)).toMatchObject({ active: true, sid });
      expect(await app.get(TokenFamiliesService).revokeFamily(sid, 'test')).toBe(true);
      expect(await introspect(app, party.client, tokens.access_token)).toEqual({ active: false });
    });

    it("says inactive for a subject's tokens issued before a denial of that subject, not after", async () => {
      const before = await signInAndExchange(app, party);
      clock.advance(1);
      await app.get(RevocationLogService).deny('sub', party.user.id, new Date(clock.now().getTime() + 3_600_000));
      clock.advance(1);
      const after = await signInAndExchange(app, party);
      expect(await introspect(app, party.client, before.access_token)).toEqual({ active: false });
      expect(await introspect(app, party.client, after.access_token)).toMatchObject({ active: true });
    });

    it('answers 401 invalid_client without or with wrong client credentials', async () => {
      const tokens = await signInAndExchange(app, party);
      const anonymous = await app.http().post('/introspect').type('form').send(`token=${tokens.access_token}`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error).toBe('invalid_client');
      expect(anonymous.headers['www-authenticate']).toMatch(/^Basic /);
      const wrong = await app
        .http()
        .post('/introspect')
        .type('form')
        .set('Authorization', basicAuth(party.client.client_id, 'wrong'))
        .send(`token=${tokens.access_token}`);
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toBe('invalid_client');
    });

    it('names a missing token', async () => {
      const res = await postForm(app, '/introspect', party.client, {});
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: 'missing parameter token' });
    });
  });

  describe('revocation (RFC 7009)', () => {
    it('revokes the whole family with a refresh token: refresh fails, access tokens go inactive', async () => {
      const first = await signInAndExchange(app, party);
      const second = (await refresh(app, party.client, first.refresh_token!)).body;
      const res = await revoke(app, party.client, second.refresh_token, 'refresh_token');
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      expect(res.headers['cache-control']).toBe('no-store');
      expect((await refresh(app, party.client, second.refresh_token)).body.error).toBe('invalid_grant');
      expect(await introspect(app, party.client, second.access_token)).toEqual({ active: false });
      expect(await introspect(app, party.client, first.access_token)).toEqual({ active: false });
      const denials = await app.get(RevocationLogService).since(0);
      expect(denials).toContainEqual(expect.objectContaining({ kind: 'sid', value: jwtPayload(first.access_token).sid }));
    });

    it('revokes a family with a spent token of it too, whatever the hint says', async () => {
      const first = await signInAndExchange(app, party);
      const second = (await refresh(app, party.client, first.refresh_token!)).body;
      expect((await revoke(app, party.client, first.refresh_token!, 'access_token')).status).toBe(200);
      expect((await refresh(app, party.client, second.refresh_token)).body.error).toBe('invalid_grant');
    });

    it('denies one access token by jti until it expires and leaves its family alone', async () => {
      const tokens = await signInAndExchange(app, party);
      const claims = jwtPayload(tokens.access_token);
      expect((await revoke(app, party.client, tokens.access_token)).status).toBe(200);
      expect(await introspect(app, party.client, tokens.access_token)).toEqual({ active: false });
      const denials = await app.get(RevocationLogService).since(0);
      const denial = denials.find((row) => row.kind === 'jti' && row.value === claims.jti);
      expect(denial?.expiresAt.getTime()).toBe(((claims.exp as number) + app.config.clockSkewSeconds) * 1000);
      const refreshed = await refresh(app, party.client, tokens.refresh_token!);
      expect(refreshed.status).toBe(200);
      expect(await introspect(app, party.client, refreshed.body.access_token)).toMatchObject({ active: true });
    });

    it('answers 200 for an unknown token', async () => {
      const res = await revoke(app, party.client, 'no-such-token');
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
    });

    it("answers 200 and changes nothing for another client's tokens", async () => {
      const tokens = await signInAndExchange(app, party);
      const other = await createParty(app);
      expect((await revoke(app, other.client, tokens.refresh_token!)).status).toBe(200);
      expect((await revoke(app, other.client, tokens.access_token)).status).toBe(200);
      expect(await introspect(app, party.client, tokens.access_token)).toMatchObject({ active: true });
      expect((await refresh(app, party.client, tokens.refresh_token!)).status).toBe(200);
    });

    it('lets a public client revoke its own tokens', async () => {
      const spa = await createParty(app, { token_endpoint_auth_method: 'none' });
      const tokens = await signInAndExchange(app, spa);
      expect((await revoke(app, spa.client, tokens.refresh_token!)).status).toBe(200);
      expect((await refresh(app, spa.client, tokens.refresh_token!)).body.error).toBe('invalid_grant');
    });

    it('answers 401 invalid_client to an unauthenticated caller', async () => {
      const tokens = await signInAndExchange(app, party);
      const res = await app.http().post('/revoke').type('form').send(`token=${tokens.refresh_token}`);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.headers['www-authenticate']).toMatch(/^Basic /);
      expect((await refresh(app, party.client, tokens.refresh_token!)).status).toBe(200);
    });
  });

  it.each(['/introspect', '/revoke'])('answers garbage at %s without a 5xx', async (path) => {
    const tokens = ['%', 'e30.e30.', 'eyJhbGciOiJub25lIn0.e30.', 'x'.repeat(20_000), '..', 'a.b.c.d.e', '\u0000'];
    for (const token of tokens) {
      const res = await postForm(app, path, party.client, { token, token_type_hint: 'something_else' });
      expect(res.status).toBe(200);
    }
    const repeated = await app
      .http()
      .post(path)
      .type('form')
      .set('Authorization', basicAuth(party.client.client_id, party.client.client_secret!))
      .send('token=a&token=b');
    expect(repeated.status).toBe(400);
    expect(repeated.body).toEqual({ error: 'invalid_request', error_description: 'parameter token must appear once' });
  });

  describe('TokenFamiliesService', () => {
    it("revokes every family of a user, and their access tokens, but not other users' families", async () => {
      const alice = await createParty(app);
      const bob = await createParty(app);
      const a1 = await signInAndExchange(app, alice);
      const a2 = await signInAndExchange(app, alice);
      const b1 = await signInAndExchange(app, bob);
      expect(await app.get(TokenFamiliesService).revokeAllForUser(alice.user.id, 'admin_sign_out')).toBe(2);
      for (const tokens of [a1, a2]) {
        expect((await refresh(app, alice.client, tokens.refresh_token!)).body.error).toBe('invalid_grant');
        expect(await introspect(app, alice.client, tokens.access_token)).toEqual({ active: false });
      }
      expect((await refresh(app, bob.client, b1.refresh_token!)).status).toBe(200);
    });

    it('revokes every family of a client', async () => {
      const party2 = await createParty(app);
      const tokens = await signInAndExchange(app, party2);
      expect(await app.get(TokenFamiliesService).revokeAllForClient(party2.client.client_id, 'client_deleted')).toBe(1);
      expect((await refresh(app, party2.client, tokens.refresh_token!)).body.error).toBe('invalid_grant');
      expect(await introspect(app, party2.client, tokens.access_token)).toEqual({ active: false });
    });

    it('revokes one family by sid', async () => {
      const tokens = await signInAndExchange(app, party);
      const sid = jwtPayload(tokens.access_token).sid as string;
      expect(await app.get(TokenFamiliesService).revokeFamily(sid, 'test')).toBe(true);
      expect(await app.get(TokenFamiliesService).revokeFamily(sid, 'test')).toBe(false);
      expect((await tokenRequest(app, party.client, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! })).body.error).toBe(
        'invalid_grant',
      );
    });
  });
});
