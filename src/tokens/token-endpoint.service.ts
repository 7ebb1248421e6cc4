import { Inject, Injectable } from '@nestjs/common';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { OAuthError } from '../common/errors/oauth-error';
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
  authorization?: string;
  ip?: string;
}

/** Authenticates the client, dispatches on `grant_type`, signs the access token. */
@Injectable()
export class TokenEndpointService {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly issuer: AccessTokenIssuer,
    @Inject(GRANT_HANDLERS) private readonly handlers: ReadonlyMap<string, GrantHandler>,
  ) {}

  async exchange(request: TokenRequest): Promise<TokenResponse> {
    const { params } = request;
    const grantType = params.required('grant_type');
    const client = await this.authenticator.authenticate({ authorization: request.authorization, body: params.asBody() });
    const handler = this.handlers.get(grantType);
    if (!handler) throw new OAuthError('unsupported_grant_type', `grant_type ${grantType} is not supported`);
    if (!(client.grantTypes as readonly string[]).includes(grantType)) {
      throw new OAuthError('unauthorized_client', `the client is not registered for ${grantType}`);
    }
    const grant = await handler.handle(params, client, { ip: request.ip });
    const accessToken = await this.issuer.issue({
      grantType,
      client,
      subject: grant.subject,
      scopes: grant.scopes,
      sid: grant.sid,
      authTime: grant.authTime,
    });
    return {
      access_token: accessToken.token,
      token_type: 'Bearer',
      expires_in: accessToken.expiresInSeconds,
      scope: grant.scopes.join(' '),
      ...(grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
    };
  }
}
