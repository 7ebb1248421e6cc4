import { Injectable } from '@nestjs/common';
import { standardUserClaims, UserClaimsContext, UserClaimsProvider } from '../../src/users/user-claims-provider';
import { mintAccessToken } from '../support/access-tokens';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';
import { createParty, jwtPayload, signInAndExchange } from '../support/token-helpers';

/** An operator's hook: one extra claim, the standard ones kept. */
@Injectable()
class DepartmentClaims extends UserClaimsProvider {
  override claimsFor(context: UserClaimsContext): Record<string, unknown> {
    return { ...standardUserClaims(context), ...(context.scopes.includes('profile') ? { department: 'research' } : {}), sub: 'never-wins' };
  }
}

describe.each(databases)('OIDC UserInfo on %s', (_name, databaseUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
  });
  afterAll(() => app.close());

  const userinfo = (token: string, method: 'get' | 'post' = 'get') => app.http()[method]('/userinfo').set('Authorization', `Bearer ${token}`);

  it('answers GET and POST with sub and the claims of the granted scopes', async () => {
    const party = await createParty(app, { scope: 'openid email profile notes:read' });
    await app.http().patch(`/admin/users/${party.user.id}`).set('Authorization', `Bearer ${ADMIN_KEY}`).send({ name: 'Grace' }).expect(200);
    const emailOnly = await signInAndExchange(app, party, 'openid email');
    for (const method of ['get', 'post'] as const) {
      const res = await userinfo(emailOnly.access_token, method);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({ sub: party.user.id, email: party.user.email, email_verified: false });
    }
    const profile = await signInAndExchange(app, party, 'openid profile');
    expect((await userinfo(profile.access_token)).body).toEqual({ sub: party.user.id, name: 'Grace' });
  });

  it('answers 403 insufficient_scope to a token without openid', async () => {
    const party = await createParty(app, { scope: 'openid notes:read' });
    const tokens = await signInAndExchange(app, party, 'notes:read');
    const res = await userinfo(tokens.access_token);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="insufficient_scope"/);
  });

  it('answers 401 with a Bearer challenge to no token, a bad token, and a revoked one', async () => {
    const none = await app.http().get('/userinfo');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    const bad = await userinfo('not.a.jwt');
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toMatch(/error="invalid_token"/);

    const party = await createParty(app, { scope: 'openid notes:read' });
    const tokens = await signInAndExchange(app, party, 'openid');
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    await app.http().delete(`/admin/users/${party.user.id}/sessions`).set('Authorization', `Bearer ${ADMIN_KEY}`).expect(200);
    expect((await userinfo(tokens.access_token)).status).toBe(401);
  });

  it('accepts an access token of this server for another audience', async () => {
    const party = await createParty(app, { scope: 'openid email' });
    const token = await mintAccessToken(app, { claims: { sub: party.user.id, scope: 'openid email', aud: 'https://other.example.com' } });
    expect(jwtPayload(token).aud).toBe('https://other.example.com');
    const res = await userinfo(token);
    expect(res.status).toBe(200);
    expect(res.body.sub).toBe(party.user.id);
  });
});

describe('a custom UserClaimsProvider', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ override: (builder) => builder.overrideProvider(UserClaimsProvider).useClass(DepartmentClaims) });
  });
  afterAll(() => app.close());

  it('adds its claims to ID tokens and UserInfo, and never replaces sub', async () => {
    const party = await createParty(app, { scope: 'openid profile email' });
    const tokens = (await signInAndExchange(app, party)) as { id_token?: string; access_token: string };
    expect(jwtPayload(tokens.id_token!)).toMatchObject({ sub: party.user.id, department: 'research', email: party.user.email });
    const res = await app.http().get('/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.body).toMatchObject({ sub: party.user.id, department: 'research' });
  });
});
