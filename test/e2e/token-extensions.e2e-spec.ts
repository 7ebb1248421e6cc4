import type { AuthenticatedClient } from '../../src/clients/authenticated-client';
import type { GrantType } from '../../src/clients/client.entity';
import { ClientsService } from '../../src/clients/clients.service';
import { OAuthError } from '../../src/common/errors/oauth-error';
import { AuthorizationCodeGrant } from '../../src/tokens/grants/authorization-code.grant';
import { ClientCredentialsGrant } from '../../src/tokens/grants/client-credentials.grant';
import { GRANT_HANDLERS, GrantHandler, grantHandlerMap, TokenGrantResult } from '../../src/tokens/grants/grant-handler';
import { RefreshTokenGrant } from '../../src/tokens/grants/refresh-token.grant';
import { TokenParams } from '../../src/tokens/grants/token-params';
import { ClaimsContext, ClaimsProvider } from '../../src/tokens/signing/claims-provider';
import { basicAuth, createParty, introspect, jwtPayload, signInAndExchange } from '../support/token-helpers';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';

/** A team's claims: a tenant for every token, and an attempt to override `sub`, which must lose. */
class TenantClaims extends ClaimsProvider {
  override claimsFor(context: ClaimsContext): Record<string, unknown> {
    return { tenant: 'acme', grant: context.grantType, sub: 'forged-subject', iss: 'https://evil.example' };
  }
}

/** A toy grant: a confidential client trades a "ticket" equal to its own id for a token. */
class TicketGrant implements GrantHandler {
  readonly grantType = 'urn:example:ticket';

  async handle(params: TokenParams, client: AuthenticatedClient): Promise<TokenGrantResult> {
    if (params.required('ticket') !== client.clientId) throw new OAuthError('invalid_grant', 'bad ticket');
    return { subject: `ticket:${client.clientId}`, scopes: ['notes:read'] };
  }
}

describe.each(databases)('extension points on %s', (_name, databaseUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({
      databaseUrl,
      override: (builder) =>
        builder
          .overrideProvider(ClaimsProvider)
          .useClass(TenantClaims)
          .overrideProvider(GRANT_HANDLERS)
          .useFactory({
            // What a team writes in tokens.module.ts: one more handler in the list.
            inject: [AuthorizationCodeGrant, RefreshTokenGrant, ClientCredentialsGrant],
            factory: (...handlers: GrantHandler[]) => grantHandlerMap(...handlers, new TicketGrant()),
          }),
    });
  });
  afterAll(() => app.close());

  it('adds the claims of an overridden ClaimsProvider, and registered claims always win', async () => {
    const party = await createParty(app);
    const tokens = await signInAndExchange(app, party);
    expect(jwtPayload(tokens.access_token)).toMatchObject({ tenant: 'acme', grant: 'authorization_code', sub: party.user.id, iss: app.config.issuer });
    expect(await introspect(app, party.client, tokens.access_token)).toMatchObject({ active: true, sub: party.user.id });
  });

  it('serves a grant type added as one handler class', async () => {
    const { client, clientSecret } = await app.get(ClientsService).create({
      clientName: 'ticket machine',
      redirectUris: [],
      grantTypes: ['urn:example:ticket' as GrantType],
      scope: 'notes:read',
      tokenEndpointAuthMethod: 'client_secret_basic',
      skipConsent: false,
    });
    const send = (ticket: string) =>
      app
        .http()
        .post('/token')
        .type('form')
        .set('Authorization', basicAuth(client.clientId, clientSecret!))
        .send(new URLSearchParams({ grant_type: 'urn:example:ticket', ticket }).toString());
    const res = await send(client.clientId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'notes:read' });
    expect(jwtPayload(res.body.access_token)).toMatchObject({ sub: `ticket:${client.clientId}`, tenant: 'acme', grant: 'urn:example:ticket' });
    const bad = await send('wrong');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_grant');
  });

  it('registers a client for the added grant through the admin API, serves it, and publishes it', async () => {
    const register = (grantTypes: string[]) =>
      app
        .http()
        .post('/admin/clients')
        .set('Authorization', `Bearer ${ADMIN_KEY}`)
        .send({ client_name: 'ticket kiosk', grant_types: grantTypes, scope: 'notes:read' });
    const refused = await register(['urn:example:not-served']);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toEqual([
      'each value in grant_types must be one of: authorization_code, refresh_token, client_credentials, urn:example:ticket',
    ]);

    const registered = await register(['urn:example:ticket']);
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ grant_types: ['urn:example:ticket'], response_types: [] });
    const { client_id: clientId, client_secret: clientSecret } = registered.body as { client_id: string; client_secret: string };
    const res = await app
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basicAuth(clientId, clientSecret))
      .send(new URLSearchParams({ grant_type: 'urn:example:ticket', ticket: clientId }).toString());
    expect(res.status).toBe(200);
    expect(jwtPayload(res.body.access_token)).toMatchObject({ sub: `ticket:${clientId}`, grant: 'urn:example:ticket' });

    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const metadata = await app.http().get(path);
      expect(metadata.body.grant_types_supported).toEqual(['authorization_code', 'refresh_token', 'client_credentials', 'urn:example:ticket']);
    }
  });
});
