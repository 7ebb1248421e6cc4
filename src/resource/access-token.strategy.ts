import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { AccessTokenClaims, BearerTokenError, presentsBearerToken } from '@nest-oauth/resource-server';
import type { IncomingHttpHeaders } from 'node:http';
import { Passport } from 'passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AccessTokenVerifier } from './access-token-verifier';

/** The name `JwtAuthGuard` runs; it lives in the strategy's own passport, so no host's `jwt` meets it. */
export const ACCESS_TOKEN_STRATEGY = 'jwt';

type Authenticator = InstanceType<typeof Passport>;

/** RFC 6750 §2.1: the Authorization header only, never the query string or the body. */
const bearerFromHeader = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * passport-jwt for this server's access tokens, verified by `AccessTokenVerifier` (jose, the
 * key store, the deny set) instead of the jsonwebtoken call passport-jwt makes, which knows no
 * EdDSA, no `typ` and no deny set. The change is contained in this class: `authenticate` is
 * overridden here, and `Strategy.JwtVerifier` (process-wide) is never touched, so a team's own
 * passport-jwt strategy in the same process verifies exactly as it would without us.
 *
 * Passport runs each request on `Object.create(strategy)`, so `success`/`fail` of concurrent
 * requests never meet; nothing is built or imported per request.
 */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, ACCESS_TOKEN_STRATEGY) {
  // The mixin calls `getPassportInstance` from its constructor, before this class's fields exist.
  declare private ownPassport?: Authenticator;

  constructor(private readonly verifier: AccessTokenVerifier) {
    super({
      jwtFromRequest: bearerFromHeader,
      // passport-jwt insists on a key source; `authenticate` below never asks it.
      secretOrKeyProvider: (_request: unknown, _token: unknown, done: (error: Error) => void) =>
        done(new Error('AccessTokenStrategy verifies with AccessTokenVerifier')),
    });
  }

  authenticate(request: { headers: IncomingHttpHeaders }): void {
    // passport-jwt's extractor reads the Authorization header only, as it is on a Fastify request.
    const token = bearerFromHeader(request as Parameters<typeof bearerFromHeader>[0]);
    if (!token) {
      const detail = presentsBearerToken(request.headers.authorization) ? 'malformed bearer credentials' : 'no bearer token';
      this.fail(new BearerTokenError('invalid_token', 'an access token is required', detail), 401);
      return;
    }
    this.verifier.verify(token).then(
      (claims) => this.success(this.validate(claims)),
      // A refused token fails; anything else (the key store unreachable) is an error, not a verdict.
      (error: unknown) => (error instanceof BearerTokenError ? this.fail(error, error.status) : this.error(error as Error)),
    );
  }

  validate(claims: AccessTokenClaims): AccessTokenClaims {
    return claims;
  }

  /**
   * A registry of this strategy's own instead of passport's process-wide default: a host's
   * strategies (any name, `jwt` included) and a second app in the same process (each with its
   * own keys and deny set) can neither replace it nor be replaced by it.
   */
  getPassportInstance(): Authenticator {
    return (this.ownPassport ??= new Passport());
  }
}
