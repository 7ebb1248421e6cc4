/** Loopback hosts where a native app may listen on plain http (RFC 8252 §7.3). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Why a redirect URI cannot be registered, or undefined when it can:
 * - absolute, with no fragment (RFC 6749 §3.1.2);
 * - `https`, or `http` on a loopback host (RFC 8252 §7.3);
 * - or a private-use scheme in reverse-domain form such as `com.example.app:/cb`
 *   (RFC 8252 §7.1); the dot keeps out `javascript:`, `data:` and their kin.
 */
export function redirectUriProblem(value: string): string | undefined {
  if (value.includes('#')) return 'must not contain a fragment';
  if (/\s/.test(value)) return 'must not contain whitespace';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URI';
  }
  const scheme = url.protocol.slice(0, -1);
  if (url.username || url.password) return 'must not contain user credentials';
  if (scheme === 'https') return url.hostname ? undefined : 'must name a host';
  if (scheme === 'http') {
    return LOOPBACK_HOSTS.has(url.hostname) ? undefined : 'must use https (plain http only on 127.0.0.1, [::1] or localhost)';
  }
  if (/^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+$/.test(scheme)) return undefined;
  return 'must use https, loopback http, or a private-use scheme such as com.example.app:/callback';
}

/** Why a `backchannel_logout_uri` cannot be registered: the server POSTs to it, so only http(s). */
export function backchannelLogoutUriProblem(value: string): string | undefined {
  if (value.length > 2000) return 'must be at most 2000 characters';
  const problem = redirectUriProblem(value);
  if (problem) return problem;
  return /^https?:/i.test(value) ? undefined : 'must use https (plain http only on 127.0.0.1, [::1] or localhost)';
}
