import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedClient } from '../clients/authenticated-client';
import { OAuthError } from '../common/errors/oauth-error';
import { Metrics } from '../operations/metrics/metrics';
import { TokenParams } from './grants/token-params';
import { UsersService } from '../users/users.service';
import { GRANT_HANDLERS, GrantHandler, TokenGrantResult } from './grants/grant-handler';
import { IdTokenIssuer } from './id-tokens/id-token.issuer';
import { AccessTokenIssuer } from './signing/access-token.issuer';

/** RFC 6749 §5.1 success body. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

export interface TokenRequest {
  params: TokenParams;
  client: AuthenticatedClient;
  ip?: string;
}

/** Dispatches on `grant_type`, checks the client may use it, signs the access token. */
@Injectable()
export class TokenEndpointService {
  constructor(
    private readonly issuer: AccessTokenIssuer,
    private readonly idTokens: IdTokenIssuer,
    private readonly users: UsersService,
    @Inject(GRANT_HANDLERS) private readonly handlers: ReadonlyMap<string, GrantHandler>,
    private readonly metrics: Metrics,
  ) {}

  async exchange({ params, client, ip }: TokenRequest): Promise<TokenResponse> {
    const grantType = params.required('grant_type');
    const handler = this.handlers.get(grantType);
    if (!handler) throw new OAuthError('unsupported_grant_type', `grant_type ${grantType} is not supported`);
    if (!(client.grantTypes as readonly string[]).includes(grantType)) {
      throw new OAuthError('unauthorized_client', `the client is not registered for ${grantType}`);
    }
    const grant = await handler.handle(params, client, { ip });
    const accessToken = await this.issuer.issue({
      grantType,
      client,
      subject: grant.subject,
      scopes: grant.scopes,
      audience: grant.audience,
      sid: grant.sid,
      authTime: grant.authTime,
    });
    const idToken = await this.idTokenFor(grantType, grant, client);
    this.metrics.tokenIssued(grantType);
    return {
      access_token: accessToken.token,
      token_type: 'Bearer',
      expires_in: accessToken.expiresInSeconds,
      scope: grant.scopes.join(' '),
      ...(grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
      ...(idToken ? { id_token: idToken } : {}),
    };
  }

  /** OIDC Core §3.1.3.3 and §12.2: a user's grant with `openid` answers an ID token too. */
  private async idTokenFor(grantType: string, grant: TokenGrantResult, client: AuthenticatedClient): Promise<string | undefined> {
    if (grantType === 'client_credentials' || !grant.scopes.includes('openid')) return undefined;
    const user = await this.users.findById(grant.subject);
    if (!user) throw new OAuthError('invalid_grant', 'the user of this grant no longer exists', `user ${grant.subject} gone`);
    return this.idTokens.issue({
      user,
      clientId: client.clientId,
      scopes: grant.scopes,
      authTime: grant.authTime,
      sessionId: grant.sessionId,
      nonce: grant.nonce,
    });
  }
}
