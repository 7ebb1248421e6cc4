import { ApiProperty } from '@nestjs/swagger';
import { epochSeconds } from '../../common/clock';
import type { User } from '../user.entity';

/** A user as the admin API shows it: never the password hash. */
export class UserResponse {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty() email_verified: boolean;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty({ description: 'Unix time of creation' }) created_at: number;

  static from(user: User): UserResponse {
    return {
      id: user.id,
      email: user.email,
      email_verified: user.emailVerified,
      name: user.name,
      roles: user.roles ?? [],
      created_at: epochSeconds(user.createdAt),
    };
  }
}

export class UserPage {
  @ApiProperty({ type: [UserResponse] }) items: UserResponse[];
  @ApiProperty({ description: 'Number of users in all pages' }) total: number;
  @ApiProperty() offset: number;
  @ApiProperty() limit: number;
}
