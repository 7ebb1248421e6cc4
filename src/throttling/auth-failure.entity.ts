import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from '../database/columns';

/**
 * A failed client authentication or admin key, counted per client and per address by
 * `CredentialThrottle`. Kept in the store so that every instance counts the same failures.
 */
@Entity({ name: 'auth_failures' })
// Counting a key's recent failures; the purge by age.
@Index('idx_auth_failures_key_created_at', ['throttleKey', 'createdAt'])
@Index('idx_auth_failures_created_at', ['createdAt'])
export class AuthFailure {
  @PrimaryGeneratedColumn('increment', { name: 'seq' })
  seq: number;

  /** SHA-256 of `<scope>:<client id or address>`: no address is stored in clear. */
  @Column('varchar', { name: 'throttle_key', length: 64 })
  throttleKey: string;

  @TimeColumn('created_at')
  createdAt: Date;
}
