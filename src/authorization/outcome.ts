import { OAuthError } from '../common/errors/oauth-error';
import { AuthorizationPageError, redirectWith } from './authorization-params';
import { errorPage } from './views/pages';

/** What the browser sent besides the form: its cookies and address. */
export interface BrowserContext {
  /** The random per-browser value in the CSRF cookie. */
  browserId: string;
  /** The sign-in session cookie, if any. */
  sessionId?: string;
  ip: string;
}

/** The answer to a browser: a redirect or a page. */
export type Outcome = (
  | { kind: 'redirect'; location: string }
  | { kind: 'page'; status: number; html: string; retryAfterSeconds?: number }
) & {
  /** The browser's session has ended: clear its cookie. */
  signedOut?: boolean;
};

/** A sign-in also answers the new session, which the controller puts in a cookie. */
export type LoginOutcome = Outcome & { session?: { id: string; expiresAt: Date } };

export function pageOutcome(status: number, html: string): Outcome {
  return { kind: 'page', status, html };
}

export function renderPageError(error: AuthorizationPageError): Outcome {
  return pageOutcome(error.status, errorPage(error.title, error.description));
}

/** Runs a step whose `OAuthError`s go back to the client (RFC 6749 §4.1.2.1), with `iss` (RFC 9207). */
export async function redirectingErrors(issuer: string, redirectUri: string, state: string | undefined, step: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return {
      kind: 'redirect',
      location: redirectWith(redirectUri, {
        error: error.code,
        error_description: error.description,
        state,
        iss: issuer,
      }),
    };
  }
}
