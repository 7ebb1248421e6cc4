import { CanActivate, ExecutionContext, HttpException, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import passport from 'passport';
import { OAuthError } from '../common/errors/oauth-error';
import type { AccessTokenClaims } from './access-token-claims';
import { BearerJwtStrategy, JwtStrategy } from './jwt.strategy';

/** The request after a bearer guard let it through. */
export interface AuthenticatedRequest extends Request {
  user: AccessTokenClaims;
}

/**
 * Runs a `BearerJwtStrategy` through passport and turns every refusal into an `OAuthError`,
 * so the global filter answers 401 with the RFC 6750 challenge: `error="invalid_token"` for a
 * bad token, no error code when none was sent.
 */
export abstract class BearerAuthGuard implements CanActivate {
  protected constructor(private readonly strategy: BearerJwtStrategy) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    request.user = await new Promise<AccessTokenClaims>((resolve, reject) => {
      // A fresh object per request: passport attaches success/fail to the strategy it runs,
      // and requests interleave while the verifier awaits.
      const strategy = Object.create(this.strategy) as BearerJwtStrategy;
      passport.authenticate(strategy, { session: false }, (error: unknown, claims: AccessTokenClaims | false, info: unknown) => {
        if (error) reject(error);
        else if (claims) resolve(claims);
        // The verifier's own answers (invalid_token, or 503 when the remote server cannot
        // tell) pass through; anything else is passport-jwt finding no bearer token.
        else if (info instanceof OAuthError || info instanceof HttpException) reject(info);
        else reject(new OAuthError('invalid_token', 'an access token is required', 'no bearer token'));
      })(request, http.getResponse<Response>(), reject);
    });
    return true;
  }
}

/** Accepts this server's own access tokens. `@UseGuards(JwtAuthGuard, ScopesGuard)`. */
@Injectable()
export class JwtAuthGuard extends BearerAuthGuard {
  constructor(strategy: JwtStrategy) {
    super(strategy);
  }
}
