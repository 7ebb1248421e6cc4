import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { CreateUserDto } from './create-user.dto';

/** `PATCH /admin/users/:id`: any of the fields, each checked as at creation. */
export class UpdateUserDto extends PartialType(CreateUserDto) {
  @ApiPropertyOptional({ description: 'The OIDC `email_verified` claim; a changed email is unverified unless this says otherwise' })
  @IsOptional()
  @IsBoolean()
  email_verified?: boolean;
}
