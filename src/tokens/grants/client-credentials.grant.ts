import { Injectable } from '@nestjs/common';
import type { AuthenticatedClient } from '../../clients/authenticated-client';
import { OAuthError } from '../../common/errors/oauth-error';
import { ResourceTargets } from '../../resources/resource-targets';
import { GrantHandler, TokenGrantResult } from './grant-handler';
import { narrowScope } from '../../common/scopes';
import { TokenParams } from './token-params';

/** RFC 6749 §4.4: confidential clients only; the client is the subject; no refresh token. */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler {
  readonly grantType = 'client_credentials';

  constructor(private readonly targets: ResourceTargets) {}

  handle(params: TokenParams, client: AuthenticatedClient): Promise<TokenGrantResult> {
    if (!client.isConfidential) {
      return Promise.reject(new OAuthError('unauthorized_client', 'client_credentials needs a confidential client'));
    }
    const requestedScope = params.optional('scope');
    const scopes = narrowScope(client.scopes.join(' '), requestedScope);
    const target = this.targets.forClient(params.resources(), scopes, requestedScope !== undefined);
    return Promise.resolve({ subject: client.clientId, scopes: target.scopes, audience: target.audience });
  }
}
