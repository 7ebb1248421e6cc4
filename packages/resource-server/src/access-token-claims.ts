/** The claims of a verified RFC 9068 access token, as the guards hand them to controllers. */
export interface AccessTokenClaims {
  readonly iss: string;
  /** The user, or the client's own id for a client-credentials token. */
  readonly sub: string;
  readonly aud: string | string[];
  readonly exp: number;
  readonly iat: number;
  readonly jti: string;
  readonly client_id: string;
  /** Space-separated scope tokens. */
  readonly scope: string;
  /** The token family, when a refresh token stands behind the access token. */
  readonly sid?: string;
  /** When the user signed in (seconds), for tokens issued from a sign-in. */
  readonly auth_time?: number;
}

/** Anything that turns a bearer token into verified claims, or throws `BearerTokenError`. */
export interface BearerTokenVerifier {
  verify(token: string): Promise<AccessTokenClaims>;
}
