import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Passport } from 'passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AccessTokenClaims, BearerTokenVerifier } from './access-token-claims';
import { AccessTokenVerifier } from './access-token-verifier';

/**
 * What the key provider hands passport-jwt when our verifier has already checked the token.
 * passport-jwt verifies with jsonwebtoken, which knows no EdDSA and no `typ` or deny-set
 * check; the delegating verifier below lets these verified claims through instead, so the
 * guard and every other caller of the verifier share one set of checks.
 */
class VerifiedAccessToken {
  constructor(readonly claims: AccessTokenClaims) {}
}

type JwtVerifierFn = (token: string, key: unknown, options: unknown, done: (error: unknown, payload?: unknown) => void) => void;
const strategyStatics = Strategy as unknown as { JwtVerifier: JwtVerifierFn & { delegates?: true } };
if (!strategyStatics.JwtVerifier.delegates) {
  const jsonwebtokenVerifier = strategyStatics.JwtVerifier;
  // Any other passport-jwt user in the process keeps the stock jsonwebtoken path.
  const delegating: JwtVerifierFn & { delegates?: true } = (token, key, options, done) =>
    key instanceof VerifiedAccessToken ? done(null, key.claims) : jsonwebtokenVerifier(token, key, options, done);
  delegating.delegates = true;
  strategyStatics.JwtVerifier = delegating;
}

/**
 * passport-jwt strategy over any `BearerTokenVerifier`: the bearer token comes from the
 * Authorization header only (RFC 6750 §2.1; never the query string), the verifier decides.
 */
export abstract class BearerJwtStrategy extends PassportStrategy(Strategy) {
  protected constructor(verifier: BearerTokenVerifier) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: (_request: unknown, rawToken: string, done: (error: unknown, key?: string) => void) => {
        verifier.verify(rawToken).then(
          (claims) => done(null, new VerifiedAccessToken(claims) as unknown as string),
          (error: unknown) => done(error),
        );
      },
    });
  }

  validate(claims: AccessTokenClaims): AccessTokenClaims {
    return claims;
  }

  /**
   * A registry of its own: passport's default one is process-wide, and each app (several in
   * one test process, or this server beside a remote resource server) has its own verifier.
   * The guard hands passport the strategy object itself, never a name.
   */
  getPassportInstance(): InstanceType<typeof Passport> {
    return new Passport();
  }
}

/** This server's access tokens, checked locally by `AccessTokenVerifier`. */
@Injectable()
export class JwtStrategy extends BearerJwtStrategy {
  constructor(verifier: AccessTokenVerifier) {
    super(verifier);
  }
}
