import { ApiProperty } from '@nestjs/swagger';
import { epochSeconds } from '../../common/clock';
import type { User } from '../user.entity';

/** A user as the admin API shows it: never the password hash. */
export class UserResponse {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty({ description: 'Unix time of creation' }) created_at: number;

  static from(user: User): UserResponse {
    return { id: user.id, email: user.email, created_at: epochSeconds(user.createdAt) };
  }
}
