import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../../database/columns';

/**
 * One grant's chain of refresh tokens (`sid`), started by one authorization code. Only
 * `currentTokenHash` is live; `previousTokenHash` is the token it replaced, kept for the
 * grace rule. The rotation is one conditional UPDATE on this row.
 */
@Entity({ name: 'token_families' })
// Revocation by client or user; the purge by absolute, idle and revoked expiry.
@Index('idx_token_families_client_id', ['clientId'])
@Index('idx_token_families_user_id', ['userId'])
@Index('idx_token_families_expires_at', ['expiresAt'])
@Index('idx_token_families_last_used_at', ['lastUsedAt'])
@Index('idx_token_families_revoked_at', ['revokedAt'])
@Index('idx_token_families_session_id', ['sessionId'])
export class TokenFamily {
  @PrimaryColumn('varchar', { name: 'id', length: 64 })
  id: string;

  @Column('varchar', { name: 'client_id', length: 64 })
  clientId: string;

  @Column('varchar', { name: 'user_id', length: 64 })
  userId: string;

  /** Space-separated scope granted by the code; a refresh may narrow it per request. */
  @Column('text', { name: 'scope' })
  scope: string;

  @TimeColumn('auth_time')
  authTime: Date;

  /** The sign-in session (its public `sid`) whose code started the family. */
  @Column('varchar', { name: 'session_id', length: 64, nullable: true })
  sessionId: string | null;

  /** Granted with `offline_access`: the family outlives its sign-in session. */
  @Column('boolean', { name: 'offline', default: () => 'false' })
  offline: boolean;

  @TimeColumn('created_at')
  createdAt: Date;

  /** Absolute expiry, counted from `createdAt`; rotation never extends it. */
  @TimeColumn('expires_at')
  expiresAt: Date;

  /** Idle expiry counts from here. */
  @TimeColumn('last_used_at')
  lastUsedAt: Date;

  /** SHA-256 of the one live refresh token; null when the client gets no refresh tokens. */
  @Column('varchar', { name: 'current_token_hash', length: 64, nullable: true })
  currentTokenHash: string | null;

  @Column('varchar', { name: 'previous_token_hash', length: 64, nullable: true })
  previousTokenHash: string | null;

  @TimeColumn('rotated_at', { nullable: true })
  rotatedAt: Date | null;

  @TimeColumn('revoked_at', { nullable: true })
  revokedAt: Date | null;

  @Column('varchar', { name: 'revoked_reason', length: 64, nullable: true })
  revokedReason: string | null;
}
