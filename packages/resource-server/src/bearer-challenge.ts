/** The well-known path prefix of RFC 9728 metadata. */
export const PROTECTED_RESOURCE_WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * RFC 9728 §3.1: the metadata of `https://host/path` lives at
 * `https://host/.well-known/oauth-protected-resource/path` (no trailing slash for a bare host).
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return `${url.origin}${PROTECTED_RESOURCE_WELL_KNOWN}${path}${url.search}`;
}

/** The path part of `protectedResourceMetadataUrl`, where the host serves the document. */
export function protectedResourceMetadataPath(resource: string): string {
  return new URL(protectedResourceMetadataUrl(resource)).pathname;
}

/** RFC 9728 §2: what a protected resource says about itself. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: string[];
  resource_name?: string;
}

export interface ChallengeParams {
  realm?: string;
  /** RFC 9728 §5.1: where a client finds this resource's metadata. */
  resourceMetadata?: string;
  /** Omitted when the request carried no token (RFC 6750 §3.1). */
  error?: string;
  description?: string;
  scope?: string;
}

/** An RFC 6750 `WWW-Authenticate: Bearer …` challenge. */
export function bearerChallenge(params: ChallengeParams): string {
  const parts: string[] = [];
  if (params.realm) parts.push(`realm="${quote(params.realm)}"`);
  if (params.error) parts.push(`error="${quote(params.error)}"`);
  if (params.error && params.description) parts.push(`error_description="${quote(params.description)}"`);
  if (params.scope) parts.push(`scope="${quote(params.scope)}"`);
  if (params.resourceMetadata) parts.push(`resource_metadata="${quote(params.resourceMetadata)}"`);
  return parts.length ? `Bearer ${parts.join(', ')}` : 'Bearer';
}

/** RFC 7230 quoted-string without escapes: the characters that would need one are dropped. */
function quote(value: string): string {
  return value.replace(/["\\\r\n]/g, '');
}
