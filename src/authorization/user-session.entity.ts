import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../database/columns';

/** A sign-in session. Only the SHA-256 of the random id in the cookie is stored. */
@Entity({ name: 'user_sessions' })
// A user's sessions; the purge by expiry.
@Index('idx_user_sessions_user_id', ['userId'])
@Index('idx_user_sessions_expires_at', ['expiresAt'])
@Index('idx_user_sessions_sid', ['sid'])
export class UserSession {
  @PrimaryColumn('varchar', { name: 'id_hash', length: 64 })
  idHash: string;

  @Column('varchar', { name: 'user_id', length: 64 })
  userId: string;

  /**
   * The session's public id: `sid` of ID tokens and logout tokens (OIDC), and the session the
   * codes and token families it starts belong to. Not the cookie value, which stays secret.
   */
  @Column('varchar', { name: 'sid', length: 64, nullable: true })
  sid: string | null;

  /** When the user last entered their password (OIDC `auth_time`, checked against `max_age`). */
  @TimeColumn('auth_time')
  authTime: Date;

  @TimeColumn('expires_at')
  expiresAt: Date;
}
