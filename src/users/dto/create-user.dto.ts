import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** `POST /admin/users`. */
export class CreateUserDto {
  @ApiProperty({ example: 'ada@example.com', description: 'Unique regardless of letter case' })
  @IsEmail()
  @MaxLength(320)
  email: string;

  // Length rather than composition rules (NIST SP 800-63B §5.1.1); the upper bound keeps
  // argon2 work per request bounded.
  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, format: 'password' })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password: string;
}
