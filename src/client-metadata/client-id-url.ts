/** The longest `client_id` URL accepted: it is stored in the `client_id` columns of codes, consents and families. */
export const MAX_CLIENT_ID_URL_LENGTH = 64;

/** True when a `client_id` names a metadata document rather than a registered client. */
export function looksLikeClientIdUrl(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId);
}

/**
 * Why a `client_id` URL cannot name a metadata document, or undefined when it can
 * (draft-ietf-oauth-client-id-metadata-document §3): https with a path, no fragment, no
 * credentials, no dot segments. Plain http only with the development switch.
 */
export function clientIdUrlProblem(clientId: string, allowHttp: boolean): string | undefined {
  if (clientId.length > MAX_CLIENT_ID_URL_LENGTH) return `must be at most ${MAX_CLIENT_ID_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return 'must be a URL';
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) return 'must use https';
  if (url.href !== clientId) return 'must be in normal form';
  if (url.username || url.password) return 'must not contain credentials';
  if (url.hash || clientId.includes('#')) return 'must not contain a fragment';
  if (url.pathname === '/' || url.pathname === '') return 'must contain a path';
  if (/\/\.\.?(\/|$)/.test(clientId.slice(url.origin.length))) return 'must not contain . or .. path segments';
  return undefined;
}
