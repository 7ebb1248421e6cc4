import { Strategy } from 'passport-jwt';
import { mintAccessToken } from '../support/access-tokens';
import { mintTeamToken, TeamPassportModule } from '../support/team-passport';
import { createParty, jwtHeader, Party, signInAndExchange } from '../support/token-helpers';
import { createTestApp, databases, TestApp } from '../support/test-app';

/**
 * `/api` is guarded by passport-jwt with the server's own verifier, in an application that also
 * runs a team's own passport-jwt strategies (HS256, one under passport-jwt's default name `jwt`).
 * Neither changes the other: the server signs with EdDSA here, which passport-jwt's jsonwebtoken
 * cannot verify, and the team's tokens are checked by jsonwebtoken as they would be without us.
 */
describe.each(databases)("the resource guard beside a team's own passport-jwt strategies on %s", (_name, databaseUrl) => {
  let app: TestApp;
  let party: Party;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl, env: { SIGNING_ALG: 'EdDSA' }, imports: [TeamPassportModule] });
    party = await createParty(app);
  });
  afterAll(() => app.close());

  const get = (path: string, token: string) => app.http().get(path).set('Authorization', `Bearer ${token}`);
  const metadataUrl = () => `${app.config.issuer}/.well-known/oauth-protected-resource/api`;

  it('accepts an EdDSA access token from the token endpoint on /api', async () => {
    const tokens = await signInAndExchange(app, party, 'notes:read');
    expect(jwtHeader(tokens.access_token).alg).toBe('EdDSA');
    const me = await get('/api/me', tokens.access_token);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ sub: party.user.id, client_id: party.client.client_id, scope: 'notes:read' });
    expect((await get('/api/notes', tokens.access_token)).status).toBe(200);
  });

  it("leaves passport-jwt's verifier as jsonwebtoken's for the whole process", () => {
    // A process-wide static: replacing it would change every passport-jwt strategy in the process.
    const { JwtVerifier } = Strategy as unknown as { JwtVerifier: unknown };
    expect(JwtVerifier).toBe(jest.requireActual('passport-jwt/lib/verify_jwt'));
  });

  it("lets the team's strategies accept their own HS256 tokens, under either name", async () => {
    const token = await mintTeamToken('team-alice');
    for (const path of ['/team/named', '/team/default']) {
      const response = await get(path, token);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ teamUser: 'team-alice' });
    }
  });

  it("lets the team's strategies refuse what jsonwebtoken refuses, and the server's access tokens", async () => {
    const refused = [
      await mintTeamToken('team-mallory', { secret: 'another-secret-0123456789abcdef-xyz' }),
      await mintTeamToken('team-late', { expiresInSeconds: -60 }),
      await mintAccessToken(app),
    ];
    for (const path of ['/team/named', '/team/default']) {
      for (const token of refused) expect((await get(path, token)).status).toBe(401);
    }
  });

  it("refuses the team's tokens on /api with the RFC 6750 challenge", async () => {
    const response = await get('/api/me', await mintTeamToken('team-alice'));
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      `Bearer realm="api", error="invalid_token", error_description="access token is invalid", resource_metadata="${metadataUrl()}"`,
    );
    expect(response.body).toEqual({ error: 'invalid_token', error_description: 'access token is invalid' });
  });

  it('answers /api without a token or without the scope as before', async () => {
    const bare = await app.http().get('/api/me');
    expect(bare.status).toBe(401);
    expect(bare.headers['www-authenticate']).toBe(`Bearer realm="api", resource_metadata="${metadataUrl()}"`);
    const narrow = await get('/api/notes', await mintAccessToken(app, { claims: { scope: 'openid' } }));
    expect(narrow.status).toBe(403);
    expect(narrow.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(narrow.headers['www-authenticate']).toContain('scope="notes:read"');
  });

  it('keeps concurrent requests of both guards apart: each gets the verdict on its own token', async () => {
    const requests = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        if (i % 2 === 0) return { path: '/api/me', token: await mintAccessToken(app, { claims: { sub: `server-${i}` } }), sub: `server-${i}` };
        return { path: '/team/default', token: await mintTeamToken(`team-${i}`), sub: `team-${i}` };
      }),
    );
    const responses = await Promise.all(requests.map(({ path, token }) => get(path, token)));
    responses.forEach((response, i) => {
      expect(response.status).toBe(200);
      expect(response.body.sub ?? response.body.teamUser).toBe(requests[i].sub);
    });
  });
});
