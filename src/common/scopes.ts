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

/** The tokens of a space-separated scope string (RFC 6749 §3.3), without empty ones. */
export function parseScope(scope: string | undefined | null): string[] {
  return (scope ?? '').split(' ').filter(Boolean);
}
