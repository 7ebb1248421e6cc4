import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from '../database/columns';

/**
 * A failed sign-in (or one whose password is being checked right now), counted per account
 * and per IP by `LoginThrottle`.
 */
@Entity({ name: 'login_failures' })
// Counting a key's recent failures; the purge by age.
@Index('idx_login_failures_key_created_at', ['throttleKey', 'createdAt'])
@Index('idx_login_failures_created_at', ['createdAt'])
export class LoginFailure {
  @PrimaryGeneratedColumn('increment', { name: 'seq' })
  seq: number;

  /** SHA-256 of `account:<email>` or `ip:<address>`: no email or address is stored in clear. */
  @Column('varchar', { name: 'throttle_key', length: 64 })
  throttleKey: string;

  @TimeColumn('created_at')
  createdAt: Date;
}
