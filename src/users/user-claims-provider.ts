import { Injectable } from '@nestjs/common';
import type { User } from './user.entity';

/** Who the claims are for, and what the user granted. */
export interface UserClaimsContext {
  readonly user: User;
  /** The granted scope tokens; claims follow them (OIDC Core §5.4). */
  readonly scopes: readonly string[];
  /** The client the ID token or UserInfo answer goes to. */
  readonly clientId: string;
}

/** OIDC Core §5.4: `email` and `email_verified` for scope `email`, `name` for `profile`. */
export function standardUserClaims({ user, scopes }: UserClaimsContext): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  if (scopes.includes('email')) {
    claims.email = user.email;
    claims.email_verified = user.emailVerified;
  }
  if (scopes.includes('profile') && user.name) claims.name = user.name;
  return claims;
}

/**
 * The one hook for a user's OIDC claims, in ID tokens and UserInfo answers alike. Override the
 * provider in your module: `{ provide: UserClaimsProvider, useClass: MyUserClaimsProvider }`,
 * and start from `standardUserClaims` to keep the standard ones. `sub` and the ID token's
 * registered claims (`iss`, `aud`, `exp`, `iat`, `auth_time`, `nonce`, `sid`) always win.
 */
@Injectable()
export class UserClaimsProvider {
  claimsFor(context: UserClaimsContext): Promise<Record<string, unknown>> | Record<string, unknown> {
    return standardUserClaims(context);
  }
}
