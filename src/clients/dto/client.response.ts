import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { epochSeconds } from '../../common/clock';
import type { Client, GrantType, TokenEndpointAuthMethod } from '../client.entity';
import { defaultResponseTypes } from '../client-metadata.rules';
import { AUTH_METHODS } from './create-client.dto';

/** RFC 7591 §3.2.1: metadata without a value is left out, not sent as null. */
function optional<K extends string, V>(name: K, value: V | null): Partial<Record<K, V>> {
  return value === null ? {} : ({ [name]: value } as Record<K, V>);
}

/** A client as the admin API shows it: RFC 7591 names, never a secret or a hash. */
export class ClientResponse {
  @ApiProperty() client_id: string;
  @ApiProperty() client_name: string;
  @ApiProperty({ type: [String] }) redirect_uris: string[];
  @ApiProperty({ type: [String] }) grant_types: GrantType[];
  @ApiProperty() scope: string;
  @ApiProperty({ enum: AUTH_METHODS }) token_endpoint_auth_method: TokenEndpointAuthMethod;
  @ApiProperty() skip_consent: boolean;
  @ApiProperty({ type: [String] }) response_types: string[];
  @ApiProperty({ type: [String] }) post_logout_redirect_uris: string[];
  @ApiPropertyOptional() backchannel_logout_uri?: string;
  @ApiProperty() backchannel_logout_session_required: boolean;
  @ApiPropertyOptional() client_uri?: string;
  @ApiPropertyOptional() logo_uri?: string;
  @ApiPropertyOptional() policy_uri?: string;
  @ApiPropertyOptional() tos_uri?: string;
  @ApiPropertyOptional({ type: [String] }) contacts?: string[];
  @ApiProperty({ enum: ['admin', 'registration'], description: 'admin API, or dynamic registration (RFC 7591)' }) origin: 'admin' | 'registration';
  @ApiProperty({ description: 'Unix time of registration (RFC 7591)' }) client_id_issued_at: number;
  @ApiProperty({ description: 'Unix time of the last change' }) updated_at: number;

  static from(client: Client): ClientResponse {
    return {
      client_id: client.clientId,
      client_name: client.clientName,
      redirect_uris: client.redirectUris,
      grant_types: client.grantTypes,
      scope: client.scope,
      token_endpoint_auth_method: client.tokenEndpointAuthMethod,
      skip_consent: client.skipConsent,
      response_types: client.responseTypes ?? defaultResponseTypes(client.grantTypes),
      post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
      ...optional('backchannel_logout_uri', client.backchannelLogoutUri),
      backchannel_logout_session_required: client.backchannelLogoutSessionRequired,
      ...optional('client_uri', client.clientUri),
      ...optional('logo_uri', client.logoUri),
      ...optional('policy_uri', client.policyUri),
      ...optional('tos_uri', client.tosUri),
      ...optional('contacts', client.contacts?.length ? client.contacts : null),
      origin: client.origin ?? 'admin',
      client_id_issued_at: epochSeconds(client.createdAt),
      updated_at: epochSeconds(client.updatedAt),
    };
  }
}

/** The answer to a registration or a secret rotation: the only time the secret is shown. */
export class ClientWithSecretResponse extends ClientResponse {
  @ApiPropertyOptional({ description: 'Shown this once; absent for public clients.' })
  client_secret?: string;

  @ApiPropertyOptional({ description: 'RFC 7591: 0, the secret does not expire.' })
  client_secret_expires_at?: number;

  @ApiPropertyOptional({ description: 'After a rotation with overlap: Unix time until which the previous secret works.' })
  previous_secret_expires_at?: number;

  static withSecret(client: Client, clientSecret: string | undefined): ClientWithSecretResponse {
    const view: ClientWithSecretResponse = ClientResponse.from(client);
    if (clientSecret === undefined) return view;
    view.client_secret = clientSecret;
    view.client_secret_expires_at = 0;
    if (client.previousSecretExpiresAt) view.previous_secret_expires_at = epochSeconds(client.previousSecretExpiresAt);
    return view;
  }
}

export class ClientPage {
  @ApiProperty({ type: [ClientResponse] }) items: ClientResponse[];
  @ApiProperty({ description: 'Number of clients in all pages' }) total: number;
  @ApiProperty() offset: number;
  @ApiProperty() limit: number;
}
