import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVENT_TYPES } from './list-events.query';

/** One audit event as the admin API shows it. */
export class SecurityEventResponse {
  @ApiProperty() id: string;
  @ApiProperty({ enum: EVENT_TYPES }) type: string;
  @ApiProperty({ description: 'Unix time' }) created_at: number;
  @ApiPropertyOptional({ description: '`admin_key`, or `sub:<sub> client:<client_id>` of an admin access token', nullable: true }) actor: string | null;
  @ApiPropertyOptional({ description: 'e.g. `DELETE /admin/clients/:client_id`', nullable: true }) action: string | null;
  @ApiPropertyOptional({ description: 'The id acted on', nullable: true }) target: string | null;
  @ApiPropertyOptional({ nullable: true }) client_id: string | null;
  @ApiPropertyOptional({ nullable: true }) user_id: string | null;
  @ApiPropertyOptional({ nullable: true }) family_id: string | null;
  @ApiPropertyOptional({ description: 'The client address', nullable: true }) ip: string | null;
  @ApiPropertyOptional({ type: Object, nullable: true }) detail: Record<string, unknown> | null;
}

export class SecurityEventPage {
  @ApiProperty({ type: [SecurityEventResponse] }) items: SecurityEventResponse[];
  @ApiProperty() total: number;
  @ApiProperty() offset: number;
  @ApiProperty() limit: number;
}
