import { OAuthError } from './errors/oauth-error';
import { containsNul } from './nul-characters';

/**
 * Reads one form or query parameter. RFC 6749 §3.1 and §3.2: a parameter must not be repeated
 * (a repeat parses as an array, JSON as anything but a string), and an empty value counts as
 * absent. Every OAuth endpoint reads its parameters through here.
 */
export function formParameter(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new OAuthError('invalid_request', `parameter ${name} must appear once`);
  return value;
}

/**
 * A parameter that is looked up or stored as text (an id, a URI, a state): a NUL character is
 * `invalid_request`, since PostgreSQL text cannot hold it and no parameter has a use for it.
 * Opaque tokens at /introspect and /revoke are read with `formParameter`: an unusable token is
 * simply unknown there (RFC 7662 §2.2, RFC 7009 §2.2).
 */
export function textFormParameter(params: Record<string, unknown>, name: string): string | undefined {
  const value = formParameter(params, name);
  if (value !== undefined && containsNul(value)) throw new OAuthError('invalid_request', `${name} must not contain NUL characters`);
  return value;
}
