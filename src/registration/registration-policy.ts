import { OAuthError } from '../common/errors/oauth-error';
import { clientMetadataProblems, defaultResponseTypes } from '../clients/client-metadata.rules';
import type { GrantType, TokenEndpointAuthMethod } from '../clients/client.entity';
import type { ClientMetadata } from '../clients/clients.service';

export const MAX_REDIRECT_URIS = 100;
const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];
const MAX_URI_LENGTH = 2000;

const badMetadata = (description: string) => new OAuthError('invalid_client_metadata', description);
const badRedirect = (description: string) => new OAuthError('invalid_redirect_uri', description);

/**
 * Why a redirect URI may not be registered by a client itself (RFC 7591 §5, RFC 8252):
 * https with a host, or plain http on a loopback address with any port for native apps.
 * Stricter than the admin API: no private-use schemes, no `localhost` (RFC 8252 §8.3).
 */
export function registrationRedirectProblem(value: string): string | undefined {
  if (value.length > MAX_URI_LENGTH) return `must be at most ${MAX_URI_LENGTH} characters`;
  if (value.includes('#')) return 'must not contain a fragment';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URI';
  }
  if (url.username || url.password) return 'must not contain user credentials';
  if (url.protocol === 'https:' && url.hostname) return undefined;
  if (url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]')) return undefined;
  return 'must use https, or http on 127.0.0.1 or [::1] (RFC 8252)';
}

function stringList(body: Record<string, unknown>, field: string, max: number): string[] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw badMetadata(`${field} must be an array of strings`);
  if (value.length > max) throw badMetadata(`${field} must list at most ${max} values`);
  return value as string[];
}

function optionalString(body: Record<string, unknown>, field: string): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > MAX_URI_LENGTH) throw badMetadata(`${field} must be a string of at most ${MAX_URI_LENGTH} characters`);
  return value;
}

/**
 * The client a registration request (RFC 7591 §2) asks for, within this server's policy:
 * grant types the token endpoint serves (`supportedGrants`, its grant registry's list,
 * SUPPORTED_GRANT_TYPES), scopes that exist (none asked: `openid` only), at most
 * ${MAX_REDIRECT_URIS} redirect URIs under the rules above, no consent skipping.
 */
export function registrationToMetadata(body: unknown, isKnownScope: (scope: string) => boolean, supportedGrants: readonly string[]): ClientMetadata {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badMetadata('the body must be a JSON object');
  const fields = body as Record<string, unknown>;

  const redirectUris = stringList(fields, 'redirect_uris', MAX_REDIRECT_URIS) ?? [];
  for (const uri of redirectUris) {
    const problem = registrationRedirectProblem(uri);
    if (problem) throw badRedirect(`redirect_uris: ${uri.slice(0, 100)} ${problem}`);
  }
  const grantTypes = stringList(fields, 'grant_types', supportedGrants.length) ?? ['authorization_code'];
  const unknownGrant = grantTypes.find((grant) => !supportedGrants.includes(grant));
  if (unknownGrant !== undefined) throw badMetadata(`grant_types: ${unknownGrant.slice(0, 100)} is not supported (supported: ${supportedGrants.join(', ')})`);

  const method = fields.token_endpoint_auth_method ?? 'client_secret_basic';
  if (!AUTH_METHODS.includes(method as TokenEndpointAuthMethod)) {
    throw badMetadata(`token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}`);
  }

  let scope = 'openid';
  if (fields.scope !== undefined) {
    if (typeof fields.scope !== 'string' || fields.scope.length > 2000) throw badMetadata('scope must be a space-separated string');
    const tokens = fields.scope.split(' ').filter(Boolean);
    const unknown = tokens.filter((token) => !isKnownScope(token));
    if (unknown.length > 0) throw badMetadata(`scope: unknown scopes ${unknown.join(' ').slice(0, 200)}`);
    scope = [...new Set(tokens)].join(' ');
  }

  const name = fields.client_name ?? 'Unnamed application';
  if (typeof name !== 'string' || !name.trim() || name.length > 200) throw badMetadata('client_name must be a string of 1 to 200 characters');

  const uniqueGrants = [...new Set(grantTypes)] as GrantType[];
  const responseTypes = stringList(fields, 'response_types', 1) ?? defaultResponseTypes(uniqueGrants);
  const metadata: ClientMetadata = {
    clientName: name.trim(),
    redirectUris: [...new Set(redirectUris)],
    grantTypes: uniqueGrants,
    scope,
    tokenEndpointAuthMethod: method as TokenEndpointAuthMethod,
    skipConsent: false,
    responseTypes,
    postLogoutRedirectUris: [],
    backchannelLogoutUri: null,
    backchannelLogoutSessionRequired: false,
    clientUri: optionalString(fields, 'client_uri'),
    logoUri: optionalString(fields, 'logo_uri'),
    policyUri: optionalString(fields, 'policy_uri'),
    tosUri: optionalString(fields, 'tos_uri'),
    contacts: stringList(fields, 'contacts', 10) ?? [],
  };
  const [problem] = clientMetadataProblems(metadata);
  if (problem) throw problem.startsWith('redirect_uris') ? badRedirect(problem) : badMetadata(problem);
  return metadata;
}
