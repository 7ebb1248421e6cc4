import { OAuthError } from './oauth-error';

/**
 * `429 Too Many Requests` with `Retry-After` (RFC 6585 §4) for a caller whose failed
 * authentications passed a limit. `temporarily_unavailable` is the RFC 6749 code for "try
 * again later"; the description says why.
 */
export class TooManyFailuresError extends OAuthError {
  constructor(
    readonly retryAfterSeconds: number,
    description: string,
    detail?: string,
  ) {
    super('temporarily_unavailable', `${description}; retry in ${retryAfterSeconds} s`, detail);
    this.name = 'TooManyFailuresError';
  }
}
