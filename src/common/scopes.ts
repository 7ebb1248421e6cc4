/**
 * Every scope token this server knows, with the sentence the consent page shows for it.
 * Clients register a subset (`scope` of the admin API); the discovery metadata lists them all.
 */
export const KNOWN_SCOPES = {
  openid: 'Sign you in and tell the application who you are',
  profile: 'See your basic profile',
  email: 'See your email address',
  offline_access: 'Stay signed in when you are not using the application',
  'notes:read': 'Read your notes',
  'notes:write': 'Create and delete your notes',
  admin: 'Administer this authorization server',
} as const satisfies Record<string, string>;

export type KnownScope = keyof typeof KNOWN_SCOPES;

export const SCOPES_SUPPORTED = Object.keys(KNOWN_SCOPES) as KnownScope[];

export function isKnownScope(token: string): token is KnownScope {
  return Object.prototype.hasOwnProperty.call(KNOWN_SCOPES, token);
}

/** The tokens of a space-separated scope string (RFC 6749 §3.3), without empty ones. */
export function parseScope(scope: string | undefined | null): string[] {
  return (scope ?? '').split(' ').filter(Boolean);
}
