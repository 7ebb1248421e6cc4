import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { SecurityEventKind } from '../security-event.entity';

export const EVENT_TYPES: readonly SecurityEventKind[] = ['refresh_token_reuse', 'code_replay', 'client_auth_failures', 'sign_in_lockout', 'admin_action'];
const MAX_PAGE_SIZE = 100;
// Unix seconds up to the year 9999; beyond, a time is a typo, not a filter.
const MAX_TIME = 253_402_300_799;

/** `GET /admin/events?type=&client_id=&user_id=&since=&until=&offset=&limit=`: newest first. */
export class ListEventsQuery {
  @ApiPropertyOptional({ enum: EVENT_TYPES })
  @IsOptional()
  @IsIn(EVENT_TYPES)
  type?: SecurityEventKind;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  client_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  user_id?: string;

  @ApiPropertyOptional({ description: 'Unix time: events at or after it' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_TIME)
  since?: number;

  @ApiPropertyOptional({ description: 'Unix time: events before it' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_TIME)
  until?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  offset = 0;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit = 20;
}
