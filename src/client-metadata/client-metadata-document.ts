import { Client, GrantType } from '../clients/client.entity';
import { redirectUriProblem } from '../clients/redirect-uri';

/** A document that cannot be used; the message names the field. */
export class InvalidDocument extends Error {}

/** Where a `private_key_jwt` client's public keys are: in its document, or at its `jwks_uri`. */
export type ClientKeySource = { jwks: { keys: Array<Record<string, unknown>> } } | { jwksUri: string };

const MAX_URI_LENGTH = 2000;
/** Key types that verify the asymmetric algorithms client assertions may use. */
const PUBLIC_KEY_TYPES = ['RSA', 'EC', 'OKP'];

/** Why a JWK Set cannot verify client assertions, or undefined: public asymmetric keys only. */
export function keySetProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || !Array.isArray((value as { keys?: unknown }).keys)) return 'must be a JWK Set: an object with a keys array';
  const keys = (value as { keys: unknown[] }).keys;
  if (keys.length === 0 || keys.length > 10) return 'must hold 1 to 10 keys';
  for (const key of keys) {
    if (!key || typeof key !== 'object' || Array.isArray(key)) return 'keys must be JWK objects';
    const jwk = key as Record<string, unknown>;
    if (!PUBLIC_KEY_TYPES.includes(jwk.kty as string)) return 'keys must be RSA, EC or OKP public keys';
    if ('d' in jwk || 'p' in jwk || 'k' in jwk) return 'keys must be public keys: no private or secret key material';
  }
  return undefined;
}

/**
 * The key source a `private_key_jwt` document declares: exactly one of `jwks` (public keys)
 * or `jwks_uri` (an http(s) URL, fetched through the same guard as documents).
 */
export function documentKeySource(fields: Record<string, unknown>): ClientKeySource {
  const { jwks, jwks_uri: jwksUri } = fields;
  if ((jwks === undefined) === (jwksUri === undefined)) throw new InvalidDocument('private_key_jwt needs exactly one of jwks and jwks_uri');
  if (jwks !== undefined) {
    const problem = keySetProblem(jwks);
    if (problem) throw new InvalidDocument(`jwks ${problem}`);
    return { jwks: jwks as { keys: Array<Record<string, unknown>> } };
  }
  if (typeof jwksUri !== 'string' || jwksUri.length > MAX_URI_LENGTH || !/^https?:\/\/[^#]+$/i.test(jwksUri) || !URL.canParse(jwksUri)) {
    throw new InvalidDocument(`jwks_uri must be an https URL of at most ${MAX_URI_LENGTH} characters`);
  }
  return { jwksUri };
}

const MAX_REDIRECT_URIS = 100;
const ALLOWED_GRANTS: readonly GrantType[] = ['authorization_code', 'refresh_token'];
const SECRET_FIELDS = ['client_secret', 'client_secret_expires_at'];

/**
 * Turns a fetched Client ID Metadata Document into a public client (never stored): its
 * `client_id` must be the URL it came from, its redirect URIs must be ones a registered client
 * could have, and it may hold no secret. The name shown on the login and consent pages always
 * carries the document's host, so a document cannot pass itself off as another application.
 * `knownScope` decides which scopes a document may list; without `scope` it gets `defaultScope`.
 */
export function clientFromDocument(url: string, document: unknown, knownScope: (scope: string) => boolean, defaultScope: string, at: Date): Client {
  if (!document || typeof document !== 'object' || Array.isArray(document)) throw new InvalidDocument('the document must be a JSON object');
  const fields = document as Record<string, unknown>;
  if (fields.client_id !== url) throw new InvalidDocument('client_id must equal the URL the document was fetched from');
  for (const field of SECRET_FIELDS) if (field in fields) throw new InvalidDocument(`${field} must not appear: a metadata document holds no secret`);

  const method = fields.token_endpoint_auth_method ?? 'none';
  if (method !== 'none' && method !== 'private_key_jwt') throw new InvalidDocument('token_endpoint_auth_method must be none or private_key_jwt');
  if (method === 'private_key_jwt') documentKeySource(fields);
  else if ('jwks' in fields || 'jwks_uri' in fields) throw new InvalidDocument('jwks and jwks_uri go with token_endpoint_auth_method private_key_jwt only');

  const redirectUris = fields.redirect_uris;
  if (!Array.isArray(redirectUris) || redirectUris.length === 0) throw new InvalidDocument('redirect_uris must be a non-empty array');
  if (redirectUris.length > MAX_REDIRECT_URIS) throw new InvalidDocument(`redirect_uris must list at most ${MAX_REDIRECT_URIS} URIs`);
  for (const uri of redirectUris) {
    const problem = typeof uri === 'string' ? redirectUriProblem(uri) : 'must be a string';
    if (problem) throw new InvalidDocument(`redirect_uris: ${String(uri).slice(0, 100)} ${problem}`);
  }

  const grantTypes = fields.grant_types ?? ['authorization_code'];
  if (!Array.isArray(grantTypes) || !grantTypes.every((grant) => ALLOWED_GRANTS.includes(grant as GrantType))) {
    throw new InvalidDocument('grant_types may contain only authorization_code and refresh_token');
  }
  if (!grantTypes.includes('authorization_code')) throw new InvalidDocument('grant_types must contain authorization_code');
  if (fields.response_types !== undefined && JSON.stringify(fields.response_types) !== '["code"]') {
    throw new InvalidDocument('response_types must be ["code"]');
  }

  let scope = defaultScope;
  if (fields.scope !== undefined) {
    if (typeof fields.scope !== 'string') throw new InvalidDocument('scope must be a string');
    const unknown = fields.scope.split(' ').filter((token) => token && !knownScope(token));
    if (unknown.length > 0) throw new InvalidDocument(`scope names unknown scopes: ${unknown.join(' ').slice(0, 200)}`);
    scope = fields.scope.split(' ').filter(Boolean).join(' ');
  }

  const postLogoutRedirectUris = fields.post_logout_redirect_uris ?? [];
  if (!Array.isArray(postLogoutRedirectUris) || postLogoutRedirectUris.length > MAX_REDIRECT_URIS) {
    throw new InvalidDocument(`post_logout_redirect_uris must be an array of at most ${MAX_REDIRECT_URIS} URIs`);
  }
  for (const uri of postLogoutRedirectUris) {
    const problem = typeof uri === 'string' ? redirectUriProblem(uri) : 'must be a string';
    if (problem) throw new InvalidDocument(`post_logout_redirect_uris: ${String(uri).slice(0, 100)} ${problem}`);
  }
  const backchannelLogoutUri = fields.backchannel_logout_uri ?? null;
  if (backchannelLogoutUri !== null && (typeof backchannelLogoutUri !== 'string' || backchannelLogoutUri.length > MAX_URI_LENGTH || !/^https?:\/\/[^#]+$/i.test(backchannelLogoutUri) || !URL.canParse(backchannelLogoutUri))) {
    throw new InvalidDocument(`backchannel_logout_uri must be an https URL of at most ${MAX_URI_LENGTH} characters, without a fragment`);
  }
  const sessionRequired = fields.backchannel_logout_session_required ?? false;
  if (typeof sessionRequired !== 'boolean') throw new InvalidDocument('backchannel_logout_session_required must be true or false');

  const host = new URL(url).host;
  const name = typeof fields.client_name === 'string' && fields.client_name.trim() ? fields.client_name.trim().slice(0, 100) : undefined;
  const optionalUri = (field: string) => (typeof fields[field] === 'string' ? (fields[field] as string) : null);
  return Object.assign(new Client(), {
    clientId: url,
    clientName: name ? `${name} (${host})` : host,
    redirectUris: redirectUris as string[],
    grantTypes: [...new Set(grantTypes as GrantType[])],
    scope,
    tokenEndpointAuthMethod: method as 'none' | 'private_key_jwt',
    skipConsent: false,
    secretHash: null,
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    responseTypes: ['code'],
    postLogoutRedirectUris: postLogoutRedirectUris as string[],
    // Delivered through the SSRF guard like every request made for a document's client.
    backchannelLogoutUri: backchannelLogoutUri as string | null,
    backchannelLogoutSessionRequired: sessionRequired,
    clientUri: optionalUri('client_uri'),
    logoUri: optionalUri('logo_uri'),
    policyUri: optionalUri('policy_uri'),
    tosUri: optionalUri('tos_uri'),
    contacts: null,
    createdAt: at,
    updatedAt: at,
  });
}
