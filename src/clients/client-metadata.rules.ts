import type { ClientMetadata } from './clients.service';

/**
 * Rules that span several fields, checked on the whole metadata after defaults (create) or
 * after merging the change (PATCH). Each message starts with the field it is about.
 */
export function clientMetadataProblems(metadata: ClientMetadata): string[] {
  const problems: string[] = [];
  const grants = new Set(metadata.grantTypes);
  if (metadata.tokenEndpointAuthMethod === 'none' && grants.has('client_credentials')) {
    problems.push('grant_types must not contain client_credentials for a public client (token_endpoint_auth_method none)');
  }
  if (grants.has('authorization_code') && metadata.redirectUris.length === 0) {
    problems.push('redirect_uris must contain at least one URI when grant_types contains authorization_code');
  }
  if (grants.has('refresh_token') && !grants.has('authorization_code')) {
    problems.push('grant_types must contain authorization_code when it contains refresh_token');
  }
  // RFC 7591 §2.1: the code response type goes with the authorization_code grant, and only with it.
  if ((metadata.responseTypes ?? defaultResponseTypes(metadata.grantTypes)).includes('code') !== grants.has('authorization_code')) {
    problems.push('response_types must be ["code"] when grant_types contains authorization_code, and [] otherwise (RFC 7591 §2.1)');
  }
  return problems;
}

/**
 * A client may be registered only for grant types the token endpoint serves: `supported` is
 * its grant registry's list (SUPPORTED_GRANT_TYPES), the one list there is.
 */
export function grantTypeProblems(grantTypes: readonly string[], supported: readonly string[]): string[] {
  return grantTypes.every((grantType) => supported.includes(grantType))
    ? []
    : [`each value in grant_types must be one of: ${supported.join(', ')}`];
}

/** RFC 7591 §2.1 default: `["code"]` when the client may use the code grant. */
export function defaultResponseTypes(grantTypes: readonly string[]): string[] {
  return grantTypes.includes('authorization_code') ? ['code'] : [];
}
