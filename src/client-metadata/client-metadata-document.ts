import { Client, GrantType } from '../clients/client.entity';
import { redirectUriProblem } from '../clients/redirect-uri';

/** A document that cannot be used; the message names the field. */
export class InvalidDocument extends Error {}

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
  if (method === 'private_key_jwt') throw new InvalidDocument('token_endpoint_auth_method private_key_jwt is not supported yet; use none');
  if (method !== 'none') throw new InvalidDocument('token_endpoint_auth_method must be none');

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

  const host = new URL(url).host;
  const name = typeof fields.client_name === 'string' && fields.client_name.trim() ? fields.client_name.trim().slice(0, 100) : undefined;
  const optionalUri = (field: string) => (typeof fields[field] === 'string' ? (fields[field] as string) : null);
  return Object.assign(new Client(), {
    clientId: url,
    clientName: name ? `${name} (${host})` : host,
    redirectUris: redirectUris as string[],
    grantTypes: [...new Set(grantTypes as GrantType[])],
    scope,
    tokenEndpointAuthMethod: 'none' as const,
    skipConsent: false,
    secretHash: null,
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    responseTypes: ['code'],
    postLogoutRedirectUris: null,
    backchannelLogoutUri: null,
    backchannelLogoutSessionRequired: false,
    clientUri: optionalUri('client_uri'),
    logoUri: optionalUri('logo_uri'),
    policyUri: optionalUri('policy_uri'),
    tosUri: optionalUri('tos_uri'),
    contacts: null,
    createdAt: at,
    updatedAt: at,
  });
}
