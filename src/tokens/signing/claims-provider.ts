import { Injectable } from '@nestjs/common';
import type { AuthenticatedClient } from '../../clients/authenticated-client';

/** What an access token is being issued for. */
export interface ClaimsContext {
  readonly grantType: string;
  readonly client: AuthenticatedClient;
  /** The user id, or the client id for client credentials. */
  readonly subject: string;
  readonly scopes: readonly string[];
  /** The token family, when a code started one. */
  readonly sid?: string;
}

/**
 * The one hook for extra access-token claims. Override the provider in your module:
 * `{ provide: ClaimsProvider, useClass: MyClaimsProvider }`. Registered claims (`iss`, `sub`,
 * `aud`, `exp`, `iat`, `nbf`, `jti`, `client_id`, `scope`, `auth_time`, `sid`) always win.
 */
@Injectable()
export class ClaimsProvider {
  /** Extra claims for one access token; the default adds none. */
  claimsFor(_context: ClaimsContext): Promise<Record<string, unknown>> | Record<string, unknown> {
    return {};
  }
}
