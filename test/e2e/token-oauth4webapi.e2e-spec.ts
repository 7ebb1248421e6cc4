import * as oauth from 'oauth4webapi';
import { authorize, BrowserCookies } from '../support/authorize-flow';
import { createParty, Party } from '../support/token-helpers';
import { createTestApp, databases, TestApp } from '../support/test-app';

const insecure = { [oauth.allowInsecureRequests]: true };
const SCOPE = 'notes:read notes:write';

/**
 * The whole code flow driven by oauth4webapi, a strict OAuth 2 client from npm: discovery,
 * PKCE, the `iss` authorization response parameter, the code exchange, RFC 9068 access token
 * validation, refresh, introspection and revocation.
 */
describe.each(databases)('a standard OAuth client (oauth4webapi) on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let as: oauth.AuthorizationServer;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl, listen: true });
    const issuer = new URL(app.baseUrl!);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...insecure, algorithm: 'oauth2' }));
  });
  afterAll(() => app.close());

  async function codeFlow(party: Party, clientAuth: oauth.ClientAuth): Promise<void> {
    const client: oauth.Client = { client_id: party.client.client_id };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const result = await authorize(app, {
      client_id: client.client_id,
      redirect_uri: party.client.redirect_uri,
      scope: SCOPE,
      state,
      verifier,
      user: party.user,
      cookies: new BrowserCookies(),
    });
    const callback = oauth.validateAuthResponse(as, client, new URL(result.location), state);
    const tokenResponse = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, callback, party.client.redirect_uri, verifier, insecure);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, tokenResponse);
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: SCOPE, expires_in: 600, refresh_token: expect.any(String) });

    const request = new Request(`${app.baseUrl}/api/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    const claims = await oauth.validateJwtAccessToken(as, request, app.config.accessTokenAudience, insecure);
    expect(claims).toMatchObject({ sub: party.user.id, client_id: client.client_id, scope: SCOPE, iss: as.issuer });

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, insecure),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    const active = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, clientAuth, refreshed.access_token, insecure),
    );
    expect(active).toMatchObject({ active: true, sub: party.user.id, client_id: client.client_id });

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, clientAuth, refreshed.refresh_token!, insecure));
    const revoked = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, clientAuth, refreshed.access_token, insecure),
    );
    expect(revoked.active).toBe(false);
    await expect(
      oauth
        .refreshTokenGrantRequest(as, client, clientAuth, refreshed.refresh_token!, insecure)
        .then((response) => oauth.processRefreshTokenResponse(as, client, response)),
    ).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
  }

  it('completes the code flow for a confidential client (client_secret_basic)', async () => {
    const party = await createParty(app);
    await codeFlow(party, oauth.ClientSecretBasic(party.client.client_secret!));
  });

  it('completes the code flow for a public client (PKCE, no secret)', async () => {
    const party = await createParty(app, { token_endpoint_auth_method: 'none' });
    await codeFlow(party, oauth.None());
  });

  it('gets a client credentials token (client_secret_post)', async () => {
    const party = await createParty(app, { token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'], redirect_uris: [], scope: SCOPE });
    const client: oauth.Client = { client_id: party.client.client_id };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost(party.client.client_secret!), { scope: 'notes:read' }, insecure);
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'notes:read' });
    expect(tokens.refresh_token).toBeUndefined();
  });
});
