import { errors, JWTPayload, JWTVerifyGetKey, jwtVerify } from 'jose';
import type { AccessTokenClaims } from './access-token-claims';
import { BearerTokenError } from './bearer-token.error';

/** Asymmetric algorithms only: never `none`, never an HMAC keyed with a public key. */
export const DEFAULT_ACCESS_TOKEN_ALGORITHMS = ['ES256', 'EdDSA', 'RS256'];
/** RFC 9068 §2.2: the claims every access token carries. */
export const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'];

export interface AccessTokenChecks {
  issuer: string;
  /**
   * The resource's identifier (or any of several): the token's `aud` must name it. `null` skips
   * the check: only for the authorization server's own endpoints (UserInfo), never a resource.
   */
  audience: string | string[] | null;
  /** Allowed `alg` values; defaults to `DEFAULT_ACCESS_TOKEN_ALGORITHMS`. */
  algorithms?: string[];
  clockSkewSeconds: number;
  now: Date;
}

/**
 * The checks every verifier of the server's access tokens makes, in the server and in each
 * resource server: signature with an allowed asymmetric alg, `typ: at+jwt`, iss, aud, exp/nbf
 * within the skew, the RFC 9068 claims present and well-typed. A bad token throws
 * `BearerTokenError('invalid_token')`; whatever the key resolver throws otherwise (a key
 * server that cannot answer) passes through unchanged.
 */
export async function verifyAccessToken(token: string, getKey: JWTVerifyGetKey, checks: AccessTokenChecks): Promise<AccessTokenClaims> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      algorithms: checks.algorithms ?? DEFAULT_ACCESS_TOKEN_ALGORITHMS,
      typ: 'at+jwt',
      issuer: checks.issuer,
      audience: checks.audience ?? undefined,
      clockTolerance: checks.clockSkewSeconds,
      currentDate: checks.now,
      requiredClaims: REQUIRED_CLAIMS,
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new BearerTokenError('invalid_token', 'access token has expired', 'exp passed');
    if (error instanceof errors.JOSEError) throw new BearerTokenError('invalid_token', 'access token is invalid', `${error.code}: ${error.message}`);
    throw error;
  }
  for (const claim of ['sub', 'jti', 'client_id'] as const) {
    if (typeof payload[claim] !== 'string') throw new BearerTokenError('invalid_token', 'access token is invalid', `${claim} is not a string`);
  }
  if (payload.scope !== undefined && typeof payload.scope !== 'string') {
    throw new BearerTokenError('invalid_token', 'access token is invalid', 'scope is not a string');
  }
  if (payload.sid !== undefined && typeof payload.sid !== 'string') {
    throw new BearerTokenError('invalid_token', 'access token is invalid', 'sid is not a string');
  }
  return { ...payload, scope: (payload.scope as string | undefined) ?? '' } as AccessTokenClaims;
}
