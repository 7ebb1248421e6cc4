import { HttpException, Injectable } from '@nestjs/common';
import { errors, JWTPayload, JWTVerifyGetKey, jwtVerify } from 'jose';
import { Clock } from '../common/clock';
import { OAuthError } from '../common/errors/oauth-error';
import { AppConfig } from '../config/app-config';
import { DenyListService } from '../revocation/deny-list.service';
import { KeyStoreService } from '../tokens/signing/key-store.service';
import type { AccessTokenClaims, BearerTokenVerifier } from './access-token-claims';

/** Asymmetric algorithms only: never `none`, never an HMAC keyed with a public key. */
export const ACCESS_TOKEN_ALGORITHMS = ['ES256', 'EdDSA', 'RS256'];
/** RFC 9068 §2.2: the claims every access token carries. */
export const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'];

/**
 * Verifies an RFC 9068 access token locally: signature by `kid` from the key store, `typ`,
 * issuer, audience, lifetime with the configured clock skew, then the in-memory deny set.
 * No database query on the way.
 */
@Injectable()
export class AccessTokenVerifier implements BearerTokenVerifier {
  private readonly getKey: JWTVerifyGetKey;

  constructor(
    private readonly keys: KeyStoreService,
    private readonly denyList: DenyListService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.getKey = async (header) => {
      // A cached key answers at once; an unknown kid reloads the store, rate limited there.
      const key = header.kid ? (this.keys.cachedVerificationKey(header.kid) ?? (await this.keys.verificationKey(header.kid))) : undefined;
      if (!key) throw new OAuthError('invalid_token', 'access token is invalid', `unknown kid ${String(header.kid)}`);
      if (key.alg !== header.alg) {
        throw new OAuthError('invalid_token', 'access token is invalid', `alg ${header.alg} does not match key ${key.kid}`);
      }
      return key.publicKey;
    };
  }

  /** The token's claims, or `OAuthError('invalid_token')` saying which check failed in its detail. */
  verify(token: string): Promise<AccessTokenClaims> {
    return this.verifyFor(token, this.config.accessTokenAudience);
  }

  /** `verify` for an endpoint of this server itself (UserInfo): any audience of ours will do. */
  verifyForAnyAudience(token: string): Promise<AccessTokenClaims> {
    return this.verifyFor(token, undefined);
  }

  private async verifyFor(token: string, audience: string | undefined): Promise<AccessTokenClaims> {
    const payload = await verifyAccessTokenJwt(token, this.getKey, {
      issuer: this.config.issuer,
      audience,
      clockSkewSeconds: this.config.clockSkewSeconds,
      now: this.clock.now(),
    });
    const denial = this.denyList.match(payload);
    if (denial) {
      throw new OAuthError('invalid_token', 'access token has been revoked', `denied by ${denial.kind} ${denial.value}`);
    }
    return payload;
  }
}

export interface AccessTokenChecks {
  issuer: string;
  /** Undefined: any audience (only for this server's own endpoints). */
  audience: string | undefined;
  clockSkewSeconds: number;
  now: Date;
}

/**
 * The checks every verifier of this server's access tokens makes, here and in the remote
 * resource-server module: signature with an allowed asymmetric alg, `typ: at+jwt`, iss, aud,
 * exp/nbf within the skew, the RFC 9068 claims present and well-typed.
 */
export async function verifyAccessTokenJwt(
  token: string,
  getKey: JWTVerifyGetKey,
  checks: AccessTokenChecks,
): Promise<AccessTokenClaims> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      algorithms: ACCESS_TOKEN_ALGORITHMS,
      typ: 'at+jwt',
      issuer: checks.issuer,
      audience: checks.audience,
      clockTolerance: checks.clockSkewSeconds,
      currentDate: checks.now,
      requiredClaims: REQUIRED_CLAIMS,
    }));
  } catch (error) {
    // The key resolver's own verdicts: a bad token, or (remote) a key server that cannot answer.
    if (error instanceof OAuthError || error instanceof HttpException) throw error;
    if (error instanceof errors.JWTExpired) {
      throw new OAuthError('invalid_token', 'access token has expired', 'exp passed');
    }
    const reason = error instanceof errors.JOSEError ? `${error.code}: ${error.message}` : String(error);
    throw new OAuthError('invalid_token', 'access token is invalid', reason);
  }
  for (const claim of ['sub', 'jti', 'client_id'] as const) {
    if (typeof payload[claim] !== 'string') {
      throw new OAuthError('invalid_token', 'access token is invalid', `${claim} is not a string`);
    }
  }
  if (payload.scope !== undefined && typeof payload.scope !== 'string') {
    throw new OAuthError('invalid_token', 'access token is invalid', 'scope is not a string');
  }
  if (payload.sid !== undefined && typeof payload.sid !== 'string') {
    throw new OAuthError('invalid_token', 'access token is invalid', 'sid is not a string');
  }
  return { ...payload, scope: (payload.scope as string | undefined) ?? '' } as AccessTokenClaims;
}
