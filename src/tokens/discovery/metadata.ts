import { CLIENT_ASSERTION_ALGS } from '../../clients/client-assertions/client-assertions';

/** The RFC 8414 fields this server publishes. */
export interface AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  revocation_endpoint: string;
  introspection_endpoint: string;
  revocation_feed_endpoint: string;
  grant_types_supported: string[];
  response_types_supported: string[];
  response_modes_supported: string[];
  code_challenge_methods_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  revocation_endpoint_auth_methods_supported: string[];
  introspection_endpoint_auth_methods_supported: string[];
  /** RFC 8414: the algorithms `private_key_jwt` assertions may use; present while metadata documents are used. */
  token_endpoint_auth_signing_alg_values_supported?: string[];
  revocation_endpoint_auth_signing_alg_values_supported?: string[];
  introspection_endpoint_auth_signing_alg_values_supported?: string[];
  scopes_supported: string[];
  authorization_response_iss_parameter_supported: boolean;
  /** draft-ietf-oauth-client-id-metadata-document: present while metadata documents are used. */
  client_id_metadata_document_supported?: boolean;
  /** RFC 7591: present while dynamic registration is on. */
  registration_endpoint?: string;
}

/**
 * The fields that follow the MCP-client settings (Client ID Metadata Documents, RFC 7591),
 * laid over `buildMetadata`'s: with documents on, the client authentication methods gain
 * `private_key_jwt` and the assertion algorithms.
 */
export function clientRegistrationMetadata(
  issuer: string,
  options: { clientIdMetadataDocuments: boolean; dynamicRegistration: boolean },
): Partial<AuthorizationServerMetadata> {
  // A metadata document may declare private_key_jwt: advertised only while documents are used.
  const authMethods = [...CLIENT_AUTH_METHODS, 'private_key_jwt'];
  return {
    ...(options.clientIdMetadataDocuments
      ? {
          client_id_metadata_document_supported: true,
          token_endpoint_auth_methods_supported: authMethods,
          revocation_endpoint_auth_methods_supported: authMethods,
          introspection_endpoint_auth_methods_supported: authMethods,
          token_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGS,
          revocation_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGS,
          introspection_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGS,
        }
      : {}),
    ...(options.dynamicRegistration ? { registration_endpoint: `${issuer}/register` } : {}),
  };
}

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'];

/**
 * The metadata document. `registration_endpoint` and `client_id_metadata_document_supported`
 * follow the configuration (`clientRegistrationMetadata`).
 */
export function buildMetadata(issuer: string, grantTypes: readonly string[]): AuthorizationServerMetadata {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    revocation_endpoint: `${issuer}/revoke`,
    introspection_endpoint: `${issuer}/introspect`,
    revocation_feed_endpoint: `${issuer}/revocations/stream`,
    grant_types_supported: [...grantTypes],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    // The registry's scopes are added per request (see DiscoveryController).
    scopes_supported: [],
    authorization_response_iss_parameter_supported: true,
  };
}

/** OpenID Connect Discovery 1.0 §3, with RP-Initiated and Back-Channel Logout 1.0. */
export interface OpenIdProviderMetadata extends AuthorizationServerMetadata {
  userinfo_endpoint: string;
  end_session_endpoint: string;
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
  claims_supported: string[];
  prompt_values_supported: string[];
  claims_parameter_supported: boolean;
  request_parameter_supported: boolean;
  request_uri_parameter_supported: boolean;
  backchannel_logout_supported: boolean;
  backchannel_logout_session_supported: boolean;
}

/** The claims an ID token or a UserInfo answer may carry by default. */
export const CLAIMS_SUPPORTED = ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'sid', 'email', 'email_verified', 'name'];

/** The OAuth document plus the OIDC fields: `signingAlg` signs every ID token. */
export function buildOpenIdMetadata(issuer: string, signingAlg: string, grantTypes: readonly string[]): OpenIdProviderMetadata {
  return {
    ...buildMetadata(issuer, grantTypes),
    userinfo_endpoint: `${issuer}/userinfo`,
    end_session_endpoint: `${issuer}/logout`,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [signingAlg],
    claims_supported: CLAIMS_SUPPORTED,
    prompt_values_supported: ['none', 'login', 'consent'],
    // Not supported yet; `request_uri_parameter_supported` defaults to true, so say it.
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
  };
}
