import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';
import { authorize, BrowserCookies } from '../support/authorize-flow';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';
import { createParty, jwtHeader, jwtPayload, Party, refresh, signInAndExchange } from '../support/token-helpers';

const insecure = { [oauth.allowInsecureRequests]: true };
const SCOPE = 'openid email profile notes:read';

/**
 * ID tokens and OIDC Discovery, checked by two strict OIDC clients from npm (oauth4webapi and
 * openid-client) and by a JWKS signature check of our own, against the real pages.
 */
describe.each(databases)('OpenID Connect ID tokens on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let as: oauth.AuthorizationServer;
  let party: Party;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl, listen: true });
    const issuer = new URL(app.baseUrl!);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...insecure, algorithm: 'oidc' }));
    party = await createParty(app, { scope: `${SCOPE} offline_access` });
    await app
      .http()
      .patch(`/admin/users/${party.user.id}`)
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .send({ name: 'Ada Lovelace', email_verified: true })
      .expect(200);
  });
  afterAll(() => app.close());

  const verifyWithJwks = async (idToken: string, clientId: string) =>
    jwtVerify(idToken, createRemoteJWKSet(new URL(as.jwks_uri!)), { issuer: as.issuer, audience: clientId, typ: 'JWT' });

  it('publishes a complete OIDC Discovery document', async () => {
    const res = await app.http().get('/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    const issuer = app.config.issuer;
    expect(res.body).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      userinfo_endpoint: `${issuer}/userinfo`,
      end_session_endpoint: `${issuer}/logout`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [app.config.signingAlg],
      prompt_values_supported: ['none', 'login', 'consent'],
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      request_uri_parameter_supported: false,
      authorization_response_iss_parameter_supported: true,
    });
    expect(res.body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']));
    expect(res.body.claims_supported).toEqual(expect.arrayContaining(['sub', 'iss', 'auth_time', 'nonce', 'sid', 'email', 'email_verified', 'name']));
  });

  it('answers an ID token that oauth4webapi accepts with expectedNonce and requireIdToken, signed by a key of the JWKS', async () => {
    const client: oauth.Client = { client_id: party.client.client_id };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = `${oauth.generateRandomNonce()}-é ~`; // echoed exactly, whatever its characters
    const result = await authorize(app, {
      client_id: client.client_id,
      redirect_uri: party.client.redirect_uri,
      scope: SCOPE,
      state,
      verifier,
      user: party.user,
      cookies: new BrowserCookies(),
      extra: { nonce },
    });
    const callback = oauth.validateAuthResponse(as, client, new URL(result.location), state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(party.client.client_secret!),
      callback,
      party.client.redirect_uri,
      verifier,
      insecure,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims).toMatchObject({
      iss: as.issuer,
      sub: party.user.id,
      aud: client.client_id,
      nonce,
      email: party.user.email,
      email_verified: true,
      name: 'Ada Lovelace',
      auth_time: expect.any(Number),
      sid: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    });
    expect(jwtHeader(tokens.id_token!)).toMatchObject({ typ: 'JWT', alg: app.config.signingAlg, kid: expect.any(String) });
    const { payload } = await verifyWithJwks(tokens.id_token!, client.client_id);
    expect(payload.sub).toBe(party.user.id);
    // The two meanings of sid: the access token's is the token family, the ID token's the sign-in session.
    expect(jwtPayload(tokens.access_token).sid).not.toBe(claims.sid);
  });

  it('answers an ID token that openid-client v6 accepts, with nonce, state and PKCE', async () => {
    const config = await openid.discovery(
      new URL(app.baseUrl!),
      party.client.client_id,
      undefined,
      openid.ClientSecretBasic(party.client.client_secret!),
      { execute: [openid.allowInsecureRequests] },
    );
    const verifier = openid.randomPKCECodeVerifier();
    const nonce = openid.randomNonce();
    const state = openid.randomState();
    const result = await authorize(app, {
      client_id: party.client.client_id,
      redirect_uri: party.client.redirect_uri,
      scope: 'openid email',
      state,
      verifier,
      user: party.user,
      cookies: new BrowserCookies(),
      extra: { nonce },
    });
    const tokens = await openid.authorizationCodeGrant(config, new URL(result.location), {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ sub: party.user.id, aud: party.client.client_id, nonce, email: party.user.email });
    // Scope profile was not granted: no name.
    expect(claims.name).toBeUndefined();
    const userInfo = await openid.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userInfo).toEqual({ sub: party.user.id, email: party.user.email, email_verified: true });
  });

  it('signs out through the end_session_endpoint URL openid-client builds from the discovery document', async () => {
    const signedOut = 'https://app.example.com/signed-out';
    const rp = await createParty(app, { scope: 'openid', post_logout_redirect_uris: [signedOut] });
    const config = await openid.discovery(new URL(app.baseUrl!), rp.client.client_id, undefined, openid.ClientSecretBasic(rp.client.client_secret!), {
      execute: [openid.allowInsecureRequests],
    });
    const tokens = await signInAndExchange(app, rp);
    const url = openid.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: signedOut, state: 'bye' });
    expect(url.origin + url.pathname).toBe(`${app.baseUrl}/logout`);
    const res = await app.http().get(url.pathname + url.search).set('Cookie', rp.cookies.header());
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${signedOut}?state=bye`);
  });

  it('answers a fresh ID token on refresh, with the same sub, auth_time and sid', async () => {
    const first = (await signInAndExchange(app, party, SCOPE)) as { id_token?: string; refresh_token?: string };
    const refreshed = await refresh(app, party.client, first.refresh_token!);
    expect(refreshed.status).toBe(200);
    const before = jwtPayload(first.id_token!);
    const after = jwtPayload(refreshed.body.id_token as string);
    expect(after).toMatchObject({ sub: before.sub, auth_time: before.auth_time, sid: before.sid, aud: party.client.client_id });
    expect(after.nonce).toBeUndefined();
    await verifyWithJwks(refreshed.body.id_token as string, party.client.client_id);
    // A refresh narrowed to drop openid answers no ID token.
    const narrowed = await refresh(app, party.client, refreshed.body.refresh_token as string, { scope: 'notes:read' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.id_token).toBeUndefined();
  });

  it('answers no ID token without openid, and none to client credentials', async () => {
    const plain = await createParty(app, { scope: 'notes:read' });
    const tokens = (await signInAndExchange(app, plain)) as { id_token?: string };
    expect(tokens.id_token).toBeUndefined();
    const machine = await createParty(app, { grant_types: ['client_credentials'], redirect_uris: [], scope: 'openid notes:read' });
    const res = await app
      .http()
      .post('/token')
      .type('form')
      .auth(machine.client.client_id, machine.client.client_secret!)
      .send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
    expect(res.body.id_token).toBeUndefined();
  });
});
