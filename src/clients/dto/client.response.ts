import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { epochSeconds } from '../../common/clock';
import type { Client, GrantType, TokenEndpointAuthMethod } from '../client.entity';
import { AUTH_METHODS, GRANT_TYPES } from './create-client.dto';

/** A client as the admin API shows it: RFC 7591 names, never a secret or a hash. */
export class ClientResponse {
  @ApiProperty() client_id: string;
  @ApiProperty() client_name: string;
  @ApiProperty({ type: [String] }) redirect_uris: string[];
  @ApiProperty({ enum: GRANT_TYPES, isArray: true }) grant_types: GrantType[];
  @ApiProperty() scope: string;
  @ApiProperty({ enum: AUTH_METHODS }) token_endpoint_auth_method: TokenEndpointAuthMethod;
  @ApiProperty() skip_consent: boolean;
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
