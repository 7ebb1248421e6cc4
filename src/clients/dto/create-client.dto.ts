import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { GrantType, TokenEndpointAuthMethod } from '../client.entity';
import { IsKnownScopeList, IsRedirectUriList } from './client-validators';

export const GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];
export const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];

/** RFC 7591 client metadata, as `POST /admin/clients` takes it. */
export class CreateClientDto {
  @ApiProperty({ example: 'Notes web app', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  client_name: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['https://notes.example.com/callback'],
    description:
      'Absolute, no fragment; https, or http on 127.0.0.1 / [::1] / localhost, or a private-use scheme such as com.example.app:/cb. Required (one at least) with authorization_code.',
    default: [],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsRedirectUriList()
  redirect_uris?: string[];

  @ApiPropertyOptional({ enum: GRANT_TYPES, isArray: true, default: ['authorization_code'] })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(GRANT_TYPES, { each: true, message: `each value in grant_types must be one of: ${GRANT_TYPES.join(', ')}` })
  grant_types?: GrantType[];

  @ApiProperty({
    example: 'openid notes:read notes:write offline_access',
    description: 'Space-separated scope tokens the client may ask for: the server\'s own (openid profile email offline_access admin) and those of registered resources',
  })
  @IsKnownScopeList()
  scope: string;

  @ApiPropertyOptional({
    enum: AUTH_METHODS,
    default: 'client_secret_basic',
    description: '`none` registers a public client (PKCE only, no secret).',
  })
  @IsOptional()
  @IsIn(AUTH_METHODS)
  token_endpoint_auth_method?: TokenEndpointAuthMethod;

  @ApiPropertyOptional({ default: false, description: 'First-party client: the consent page is never shown.' })
  @IsOptional()
  @IsBoolean()
  skip_consent?: boolean;
}
