import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedClient } from '../clients/authenticated-client';
import { OAuthError } from '../common/errors/oauth-error';
import { Metrics } from '../operations/metrics/metrics';
import { GRANT_HANDLERS, GrantHandler } from './grants/grant-handler';
import { TokenParams } from './grants/token-params';
import { AccessTokenIssuer } from './signing/access-token.issuer';

/** RFC 6749 §5.1 success body. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
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
      sid: grant.sid,
      authTime: grant.authTime,
    });
    this.metrics.tokenIssued(grantType);
    return {
      access_token: accessToken.token,
      token_type: 'Bearer',
      expires_in: accessToken.expiresInSeconds,
      scope: grant.scopes.join(' '),
      ...(grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
    };
  }
}
