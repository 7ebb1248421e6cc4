import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class RotateSecretDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 2_592_000,
    description: 'Seconds the previous secret keeps working; defaults to CLIENT_SECRET_ROTATION_OVERLAP.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_592_000)
  overlap_seconds?: number;
}
