import { OAuthError } from '../../common/errors/oauth-error';

/** RFC 6749 §3.3: scope is a space-delimited list of tokens of printable ASCII without `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function parseScope(scope: string): string[] {
  const tokens = scope.split(' ').filter(Boolean);
  if (!tokens.every((token) => SCOPE_TOKEN.test(token))) throw new OAuthError('invalid_scope', 'malformed scope');
  return [...new Set(tokens)];
}

/**
 * The scope to grant: all of `granted` when nothing is requested, else the requested subset.
 * RFC 6749 §6: a refresh may narrow scope, never widen it; the same holds for a client's
 * registered scope in the client credentials grant.
 */
export function narrowScope(granted: string, requested?: string): string[] {
  const allowed = parseScope(granted);
  if (requested === undefined) return allowed;
  const asked = parseScope(requested);
  const extra = asked.filter((token) => !allowed.includes(token));
  if (extra.length > 0) throw new OAuthError('invalid_scope', `scope not granted: ${extra.join(' ')}`);
  if (asked.length === 0) throw new OAuthError('invalid_scope', 'empty scope');
  return asked;
}
