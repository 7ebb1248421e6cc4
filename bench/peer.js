'use strict';
// The peer: node-oidc-provider 9 configured as close to our server as it allows: one
// confidential client (client_secret_basic) with authorization_code, refresh_token and
// client_credentials; refresh rotation on every use; introspection; PKCE; ES256 JWT access
// tokens for the API resource (resource indicators); its default in-memory storage; its
// development sign-in and consent pages for the code flow.
//
// With BENCH_PEER_OFFLINE=1 (the `peer-offline` target), refresh tokens come from a grant
// with `offline_access` (asked with `prompt=consent`, as oidc-provider requires): they do not
// expire with the sign-in session, oidc-provider's lightest rotation path. Without it they
// are bound to the session, as ours are for a grant without `offline_access`.
//
// Env: PORT, BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_REDIRECT_URI, BENCH_PEER_OFFLINE.
// The client `<BENCH_CLIENT_ID>-opaque` (same secret) gets opaque access tokens: oidc-provider
// introspects only the tokens it stores, and it does not store JWT access tokens.
const http = require('node:http');
const { generateKeyPair, exportJWK } = require('jose');

const port = Number(process.env.PORT || 0);
const issuer = `http://127.0.0.1:${port}`;
const resource = `${issuer}/api`;
const clientId = process.env.BENCH_CLIENT_ID || 'bench';
const clientSecret = process.env.BENCH_CLIENT_SECRET || 'bench-secret';
const redirectUri = process.env.BENCH_REDIRECT_URI || 'http://127.0.0.1/callback';
const offline = process.env.BENCH_PEER_OFFLINE === '1';
const scopes = 'notes:read notes:write';

(async () => {
  const { default: Provider } = await import('oidc-provider');
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'peer-1', alg: 'ES256', use: 'sig' };
  const clientMetadata = (id) => ({
    client_id: id,
    client_secret: clientSecret,
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    redirect_uris: [redirectUri],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'ES256',
    scope: offline ? `${scopes} offline_access` : scopes,
  });
  const provider = new Provider(issuer, {
    clients: [clientMetadata(clientId), clientMetadata(`${clientId}-opaque`)],
    jwks: { keys: [signingKey] },
    scopes: offline ? [...scopes.split(' '), 'offline_access'] : scopes.split(' '),
    pkce: { required: () => true },
    rotateRefreshToken: true,
    // Ours issues a refresh token with every code to a client allowed the grant; offline,
    // oidc-provider's default: only for a grant with `offline_access`.
    ...(offline ? {} : { issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token') }),
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    ttl: { AccessToken: 600, ClientCredentials: 600, AuthorizationCode: 60, RefreshToken: 1209600 },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => resource,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, _indicator, client) => ({
          scope: scopes,
          audience: resource,
          accessTokenTTL: 600,
          ...(client.clientId.endsWith('-opaque')
            ? { accessTokenFormat: 'opaque' }
            : { accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
        }),
      },
    },
  });
  provider.proxy = false;
  // Quiet: the default in-memory adapter and dev interactions print warnings on start.
  const server = http.createServer(provider.callback());
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1');
})();
