/** The longest `client_id` URL accepted: the width of the `client_id` columns of codes, consents and families. */
export const MAX_CLIENT_ID_URL_LENGTH = 512;

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

/** True when `entries` (`host` or `host:port`, lower case) name the URL's host; a bare host matches any port. */
export function hostListed(url: URL, entries: readonly string[]): boolean {
  const hostname = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return entries.some((entry) => entry === hostname || entry === `${hostname}:${port}`);
}

/**
 * Why the operator's host lists refuse a URL the server would fetch for a metadata-document
 * client, or undefined: the deny list (CLIENT_ID_METADATA_DENY_HOSTS) always applies; the
 * allow list (CLIENT_ID_METADATA_HOSTS), when set, only to the document itself.
 */
export function hostListProblem(url: URL, lists: { allowedHosts: readonly string[]; deniedHosts: readonly string[] }, isDocument: boolean): string | undefined {
  if (hostListed(url, lists.deniedHosts)) return 'the host is on CLIENT_ID_METADATA_DENY_HOSTS';
  if (isDocument && lists.allowedHosts.length > 0 && !hostListed(url, lists.allowedHosts)) return 'the host is not on CLIENT_ID_METADATA_HOSTS';
  return undefined;
}
