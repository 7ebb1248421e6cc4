import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../database/columns';

/** A sign-in session. Only the SHA-256 of the random id in the cookie is stored. */
@Entity({ name: 'user_sessions' })
// A user's sessions; the purge by expiry.
@Index('idx_user_sessions_user_id', ['userId'])
@Index('idx_user_sessions_expires_at', ['expiresAt'])
export class UserSession {
  @PrimaryColumn('varchar', { name: 'id_hash', length: 64 })
  idHash: string;

  @Column('varchar', { name: 'user_id', length: 64 })
  userId: string;

  /** When the user last entered their password (OIDC `auth_time`, checked against `max_age`). */
  @TimeColumn('auth_time')
  authTime: Date;

  @TimeColumn('expires_at')
  expiresAt: Date;
}
