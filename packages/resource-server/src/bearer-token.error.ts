/** The two RFC 6750 §3.1 answers a protected resource gives about a token. */
export type BearerErrorCode = 'invalid_token' | 'insufficient_scope';

/**
 * A bad or insufficient bearer token. `description` is for the client; `detail` (which check
 * failed) is for the log only; `scope` names what an `insufficient_scope` route needs.
 */
export class BearerTokenError extends Error {
  constructor(
    readonly code: BearerErrorCode,
    readonly description: string,
    readonly detail?: string,
    readonly scope?: string,
  ) {
    super(`${code}: ${description}`);
    this.name = 'BearerTokenError';
  }

  /** 401 for a bad token, 403 for a good one without the scope (RFC 6750 §3.1). */
  get status(): 401 | 403 {
    return this.code === 'insufficient_scope' ? 403 : 401;
  }
}
