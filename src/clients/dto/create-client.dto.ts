import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUrl, Length, MaxLength } from 'class-validator';
import type { GrantType, TokenEndpointAuthMethod } from '../client.entity';
import { IsBackchannelLogoutUri, IsKnownScopeList, IsRedirectUriList } from './client-validators';

export const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];
export const RESPONSE_TYPES = ['code'];
const WEB_URL = { protocols: ['https', 'http'], require_protocol: true, require_tld: false };

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

  @ApiPropertyOptional({
    type: [String],
    example: ['authorization_code', 'refresh_token'],
    description: 'Grant types the token endpoint serves (its grant_types_supported)',
    default: ['authorization_code'],
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsString({ each: true })
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

  @ApiPropertyOptional({
    enum: RESPONSE_TYPES,
    isArray: true,
    description: 'RFC 7591 §2.1: ["code"] exactly when grant_types has authorization_code (the default then), [] otherwise',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(RESPONSE_TYPES, { each: true, message: `each value in response_types must be one of: ${RESPONSE_TYPES.join(', ')}` })
  response_types?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['https://notes.example.com/signed-out'],
    description: 'RP-Initiated Logout: where the user may be sent after signing out; the same rules as redirect_uris.',
    default: [],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsRedirectUriList()
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional({
    example: 'https://notes.example.com/backchannel-logout',
    description: 'Back-Channel Logout: https (or http on a loopback host), no fragment; logout tokens are POSTed here.',
  })
  @IsOptional()
  @IsBackchannelLogoutUri()
  backchannel_logout_uri?: string;

  @ApiPropertyOptional({ default: false, description: 'Back-Channel Logout: the client needs `sid` in logout tokens (always sent here).' })
  @IsOptional()
  @IsBoolean()
  backchannel_logout_session_required?: boolean;

  @ApiPropertyOptional({ description: 'Stored and returned (RFC 7591).' })
  @IsOptional()
  @MaxLength(2000)
  @IsUrl(WEB_URL)
  client_uri?: string;

  @ApiPropertyOptional({ description: 'Stored and returned (RFC 7591).' })
  @IsOptional()
  @MaxLength(2000)
  @IsUrl(WEB_URL)
  logo_uri?: string;

  @ApiPropertyOptional({ description: 'Stored and returned (RFC 7591).' })
  @IsOptional()
  @MaxLength(2000)
  @IsUrl(WEB_URL)
  policy_uri?: string;

  @ApiPropertyOptional({ description: 'Stored and returned (RFC 7591).' })
  @IsOptional()
  @MaxLength(2000)
  @IsUrl(WEB_URL)
  tos_uri?: string;

  @ApiPropertyOptional({ type: [String], example: ['ops@example.com'], description: 'Stored and returned (RFC 7591).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsEmail({}, { each: true })
  @MaxLength(320, { each: true })
  contacts?: string[];
}
