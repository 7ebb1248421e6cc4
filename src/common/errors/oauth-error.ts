export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'access_denied'
  | 'login_required'
  | 'consent_required'
  | 'temporarily_unavailable'
  | 'interaction_required'
  | 'invalid_client_metadata'
  | 'invalid_redirect_uri'
  | 'server_error';

/** Every protocol failure. `description` goes to the client; `detail` (which check failed, ids) only to the log. */
export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly detail?: string,
    /** For `insufficient_scope`: the scope the resource needs (RFC 6750 §3). */
    readonly scope?: string,
  ) {
    super(`${code}: ${description}`);
    this.name = 'OAuthError';
  }
}

export const OAUTH_ERROR_STATUS: Partial<Record<OAuthErrorCode, number>> = {
  invalid_client: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  server_error: 500,
};
