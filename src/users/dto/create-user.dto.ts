import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;
/** A role name: short, no spaces, so it reads the same in a token, a log or a URL. */
export const ROLE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

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

  @ApiPropertyOptional({ example: 'Ada Lovelace', maxLength: 200, description: 'The OIDC `name` claim (scope `profile`)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ type: [String], example: ['admin'], description: 'Role names; the server reads only `admin`' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(ROLE_PATTERN, { each: true, message: 'each value in roles must be 1 to 64 letters, digits, or _ . : -, starting with a letter or digit' })
  roles?: string[];
}
