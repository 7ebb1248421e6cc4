import { OAuthError } from './errors/oauth-error';

/**
 * The server's own scopes, with the sentence the consent page shows for each. Every other
 * scope belongs to a registered resource (see resources/): the registry is the one list.
 */
export const SERVER_SCOPES = {
  openid: 'Sign you in and tell the application who you are',
  profile: 'See your basic profile',
  email: 'See your email address',
  offline_access: 'Stay signed in when you are not using the application',
  admin: 'Administer this authorization server',
} as const satisfies Record<string, string>;

export type ServerScope = keyof typeof SERVER_SCOPES;

export function isServerScope(token: string): token is ServerScope {
  return Object.prototype.hasOwnProperty.call(SERVER_SCOPES, token);
}

/** RFC 6749 §3.3: a scope token is printable ASCII without space, `"` and `\`. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * The tokens of a space-separated scope string (RFC 6749 §3.3), without empty ones, as written
 * (repeats kept, so a validator can refuse them). For values this server stored or signed.
 */
export function parseScope(scope: string | undefined | null): string[] {
  return (scope ?? '').split(' ').filter(Boolean);
}

/** A scope a client sent: each token once, or `invalid_scope` when one is malformed. */
export function parseRequestedScope(scope: string): string[] {
  const tokens = parseScope(scope);
  if (!tokens.every((token) => SCOPE_TOKEN.test(token))) throw new OAuthError('invalid_scope', 'malformed scope');
  return [...new Set(tokens)];
}

/**
 * The scope to grant: all of `granted` when nothing is requested, else the requested subset.
 * RFC 6749 §6: a refresh may narrow scope, never widen it; the same holds for a client's
 * registered scope in the client credentials grant.
 */
export function narrowScope(granted: string, requested?: string): string[] {
  const allowed = parseRequestedScope(granted);
  if (requested === undefined) return allowed;
  const asked = parseRequestedScope(requested);
  const extra = asked.filter((token) => !allowed.includes(token));
  if (extra.length > 0) throw new OAuthError('invalid_scope', `scope not granted: ${extra.join(' ')}`);
  if (asked.length === 0) throw new OAuthError('invalid_scope', 'empty scope');
  return asked;
}
