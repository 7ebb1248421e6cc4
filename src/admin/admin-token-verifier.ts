/** The claims of a verified access token that the admin guard looks at. */
export interface AdminTokenClaims {
  sub?: string;
  client_id?: string;
  /** Space-separated scope tokens (RFC 9068). */
  scope?: string;
}

/**
 * Verifies an access token for the admin API: resolves with its claims, rejects when it is
 * not a valid, unrevoked token of this server. Any module may provide it (e.g.
 * `{ provide: AdminTokenVerifier, useExisting: AccessTokenVerifier }`); while none does, the
 * admin API accepts only the bootstrap key.
 */
export abstract class AdminTokenVerifier {
  abstract verify(token: string): Promise<AdminTokenClaims>;
}
