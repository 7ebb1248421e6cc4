import { Body, Controller, Header, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AdminApi } from '../admin/admin-api.decorator';
import { addSeconds, Clock, epochSeconds } from '../common/clock';
import { sha256 } from '../common/crypto/hashing';
import { RandomSource } from '../common/crypto/random';
import { InitialAccessTokensRepository } from './initial-access-tokens.repository';

export class CreateInitialAccessTokenDto {
  @ApiPropertyOptional({ description: 'Seconds until the token expires; none: it does not expire' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365 * 24 * 3600)
  expires_in?: number;

  @ApiPropertyOptional({ description: 'How many registrations it allows; none: unlimited' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  max_uses?: number;
}

export class InitialAccessTokenResponse {
  @ApiProperty({ description: 'Shown this once; stored hashed' }) token: string;
  @ApiPropertyOptional({ description: 'Unix time' }) expires_at?: number;
}

/** RFC 7591 §3: initial access tokens for DYNAMIC_REGISTRATION=token. */
@AdminApi('admin: initial access tokens')
@Controller('admin/initial-access-tokens')
export class AdminInitialAccessTokensController {
  constructor(
    private readonly tokens: InitialAccessTokensRepository,
    private readonly random: RandomSource,
    private readonly clock: Clock,
  ) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @ApiCreatedResponse({ type: InitialAccessTokenResponse })
  async create(@Body() body: CreateInitialAccessTokenDto): Promise<InitialAccessTokenResponse> {
    const now = this.clock.now();
    const token = this.random.token();
    const expiresAt = body.expires_in ? addSeconds(now, body.expires_in) : null;
    await this.tokens.create({ tokenHash: sha256(token), expiresAt, usesLeft: body.max_uses ?? null, createdAt: now });
    return { token, ...(expiresAt ? { expires_at: epochSeconds(expiresAt) } : {}) };
  }
}
