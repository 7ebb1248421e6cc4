import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Length, Matches, Min, ValidateNested } from 'class-validator';
import { epochSeconds } from '../../common/clock';
import { SCOPE_TOKEN } from '../../common/scopes';
import type { RegisteredResource } from '../resources.repository';
import { IsResourceIdentifier } from './resource-identifier';

/** More scopes than a consent page can show is a mistake, not a resource. */
export const MAX_SCOPES_PER_RESOURCE = 100;

export class ScopeDto {
  @ApiProperty({ example: 'invoices:read', maxLength: 128 })
  @IsString()
  @Length(1, 128)
  @Matches(SCOPE_TOKEN, { message: 'name must be a scope token: printable ASCII without spaces, " or \\' })
  name: string;

  @ApiProperty({ example: 'Read your invoices', description: 'The sentence the consent page shows', maxLength: 500 })
  @IsString()
  @Length(1, 500)
  description: string;
}

/** `POST /admin/resources`: a resource server and its scopes (RFC 8707). */
export class CreateResourceDto {
  @ApiProperty({ example: 'https://invoices.example.com', description: 'Absolute URI without fragment: the `aud` of its tokens' })
  @IsString()
  @IsResourceIdentifier()
  identifier: string;

  @ApiProperty({ example: 'Invoices API', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ type: [ScopeDto] })
  @IsArray()
  @ArrayMaxSize(MAX_SCOPES_PER_RESOURCE)
  @ValidateNested({ each: true })
  @Type(() => ScopeDto)
  scopes: ScopeDto[];

  @ApiPropertyOptional({ description: 'Seconds; overrides ACCESS_TOKEN_TTL for this resource (at most ACCESS_TOKEN_TTL)', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  access_token_ttl?: number | null;
}

/** `PATCH /admin/resources/:id`: any field; `scopes` replaces the list. */
export class UpdateResourceDto extends PartialType(CreateResourceDto) {}

export class ResourceResponse {
  @ApiProperty() id: string;
  @ApiProperty() identifier: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [ScopeDto] }) scopes: ScopeDto[];
  @ApiProperty({ nullable: true, type: Number }) access_token_ttl: number | null;
  @ApiProperty({ description: 'Unix time of registration' }) created_at: number;

  static from(resource: RegisteredResource): ResourceResponse {
    return {
      id: resource.id,
      identifier: resource.identifier,
      name: resource.name,
      scopes: resource.scopes.map(({ name, description }) => ({ name, description })),
      access_token_ttl: resource.accessTokenTtlSeconds,
      created_at: epochSeconds(resource.createdAt),
    };
  }
}

export class ResourcePage {
  @ApiProperty({ type: [ResourceResponse] }) items: ResourceResponse[];
  @ApiProperty() total: number;
  @ApiProperty() offset: number;
  @ApiProperty() limit: number;
}
