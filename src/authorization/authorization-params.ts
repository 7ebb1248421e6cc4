import { OAuthError } from '../common/errors/oauth-error';
import { textFormParameter } from '../common/form-parameters';
import { parseScope } from '../common/scopes';
import type { Client } from '../clients/client.entity';

export type Prompt = 'none' | 'login' | 'consent';

/** A validated authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1). */
export interface AuthorizationParams {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  /** RFC 8707: the registered resources the grant is for (ACCESS_TOKEN_AUDIENCE when none was named). */
  resources?: string[];
  state?: string;
  codeChallenge: string;
  prompts: Prompt[];
  maxAgeSeconds?: number;
  /** OIDC: echoed exactly in the ID token. */
  nonce?: string;
  /** OIDC: the email to pre-fill on the sign-in page. */
  loginHint?: string;
}

/** Where errors go once the client and redirect URI are trusted. */
export interface RedirectTarget {
  redirectUri: string;
  state?: string;
}

/**
 * A problem that must not redirect: the client or the redirect URI cannot be trusted
 * (RFC 6749 §4.1.2.1), or a page's own form is stale or forged. Shown as an HTML page.
 */
export class AuthorizationPageError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly description: string,
  ) {
    super(`${status} ${title}: ${description}`);
    this.name = 'AuthorizationPageError';
  }
}

/** RFC 7636 §4.2: 43 to 128 characters of the unreserved set. */
const CODE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;
const PROMPTS: readonly Prompt[] = ['none', 'login', 'consent'];
/** Bounds that keep stored requests small; real values are far shorter. */
const MAX_NONCE_LENGTH = 512;
const MAX_LOGIN_HINT_LENGTH = 320;

/** A parameter, or undefined when it is missing or repeated. */
export function singleOrNothing(params: Record<string, unknown>, name: string): string | undefined {
  try {
    return textFormParameter(params, name);
  } catch {
    return undefined;
  }
}

/**
 * The client and redirect URI checks. Failures here are shown to the user, never redirected:
 * the redirect URI must be byte-for-byte one of the client's, and is required even when the
 * client registered only one (RFC 9700 §2.1).
 */
export function trustedRedirect(params: Record<string, unknown>, client: Client | null): string {
  if (!client) throw new AuthorizationPageError(400, 'Unknown application', 'The application that sent you here is not registered.');
  const redirectUri = singleOrNothing(params, 'redirect_uri');
  if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
    throw new AuthorizationPageError(
      400,
      'Invalid redirect URI',
      'The application sent you here with a redirect URI it did not register.',
    );
  }
  return redirectUri;
}

/** Every other check; failures are `OAuthError`s redirected back to the client. */
export function validateAuthorizationParams(
  params: Record<string, unknown>,
  client: Client,
  redirectUri: string,
): AuthorizationParams {
  const responseType = textFormParameter(params, 'response_type');
  if (!responseType) throw new OAuthError('invalid_request', 'response_type is required');
  if (responseType !== 'code') throw new OAuthError('unsupported_response_type', 'only response_type=code is supported');
  if (!client.grantTypes.includes('authorization_code')) {
    throw new OAuthError('unauthorized_client', 'the client is not registered for the authorization_code grant');
  }

  // RFC 9700 §2.1.1: PKCE for every client, and only S256.
  const codeChallenge = textFormParameter(params, 'code_challenge');
  if (!codeChallenge) throw new OAuthError('invalid_request', 'code_challenge is required (PKCE)');
  if (textFormParameter(params, 'code_challenge_method') !== 'S256') {
    throw new OAuthError('invalid_request', 'code_challenge_method must be S256');
  }
  if (!CODE_CHALLENGE.test(codeChallenge)) {
    throw new OAuthError('invalid_request', 'code_challenge must be 43 to 128 unreserved characters');
  }

  const registered = parseScope(client.scope);
  const requested = parseScope(textFormParameter(params, 'scope'));
  const outside = requested.filter((token) => !registered.includes(token));
  if (outside.length > 0) {
    throw new OAuthError('invalid_scope', 'the requested scope exceeds the scope registered for the client', `not registered: ${outside.join(' ')}`);
  }
  // RFC 6749 §3.3: no scope requested means the client's registered scope.
  const scopes = requested.length > 0 ? [...new Set(requested)] : registered;

  // OIDC Core §3.1.2.1: a space-separated list; a value said twice is said once.
  const prompts = [...new Set(parseScope(textFormParameter(params, 'prompt')))];
  if (prompts.some((prompt) => !PROMPTS.includes(prompt as Prompt))) {
    throw new OAuthError('invalid_request', 'prompt must be none, login or consent');
  }
  // OIDC Core §3.1.2.1: none cannot be combined with another value.
  if (prompts.includes('none') && prompts.length > 1) {
    throw new OAuthError('invalid_request', 'prompt=none cannot be combined with other values');
  }

  const maxAge = textFormParameter(params, 'max_age');
  if (maxAge !== undefined && !/^\d{1,9}$/.test(maxAge)) {
    throw new OAuthError('invalid_request', 'max_age must be a non-negative whole number of seconds');
  }

  const nonce = textFormParameter(params, 'nonce');
  if (nonce !== undefined && nonce.length > MAX_NONCE_LENGTH) {
    throw new OAuthError('invalid_request', `nonce must be at most ${MAX_NONCE_LENGTH} characters`);
  }
  const loginHint = textFormParameter(params, 'login_hint');
  if (loginHint !== undefined && loginHint.length > MAX_LOGIN_HINT_LENGTH) {
    throw new OAuthError('invalid_request', `login_hint must be at most ${MAX_LOGIN_HINT_LENGTH} characters`);
  }

  return {
    clientId: client.clientId,
    redirectUri,
    scopes,
    state: textFormParameter(params, 'state'),
    codeChallenge,
    prompts: prompts as Prompt[],
    maxAgeSeconds: maxAge === undefined ? undefined : Number(maxAge),
    nonce,
    loginHint,
  };
}

/** `redirect_uri` with the response parameters added to its query (RFC 6749 §4.1.2, RFC 9207). */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.append(name, value);
  }
  return url.toString();
}
