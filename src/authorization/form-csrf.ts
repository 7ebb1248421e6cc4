import { constantTimeEqual, hmacSha256 } from '../common/crypto/hashing';
import { AuthorizationPageError, singleOrNothing } from './authorization-params';
import type { BrowserContext } from './outcome';

/**
 * CSRF token of a form that acts on `subject` in this browser: an HMAC keyed by the random
 * value in its HttpOnly SameSite=Lax cookie, which another site can neither read nor compute.
 */
export function csrfToken(browser: BrowserContext, subject: string): string {
  return hmacSha256(Buffer.from(browser.browserId), subject);
}

/**
 * CSRF: the form's token must be `csrfToken(browser, …)` of what it acts on; the comparison
 * is constant-time. Returns the request id.
 */
export function checkCsrf(body: Record<string, unknown>, browser: BrowserContext, purpose: 'request' | 'logout'): string {
  const requestId = purpose === 'request' ? (singleOrNothing(body, 'request_id') ?? '') : '';
  const presented = singleOrNothing(body, 'csrf_token') ?? '';
  const expected = csrfToken(browser, purpose === 'request' ? `request:${requestId}` : 'logout');
  if (!presented || !constantTimeEqual(presented, expected)) {
    throw new AuthorizationPageError(403, 'Request refused', 'This form has expired or did not come from this site. Go back and try again.');
  }
  return requestId;
}

/** The hidden fields of a form that answers pending request `requestId`. */
export function requestForm(requestId: string, browser: BrowserContext): { requestId: string; csrfToken: string } {
  return { requestId, csrfToken: csrfToken(browser, `request:${requestId}`) };
}
