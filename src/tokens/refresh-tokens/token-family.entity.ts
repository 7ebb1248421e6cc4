import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../../database/columns';

/**
 * One grant's chain of refresh tokens (`sid`), started by one authorization code: one row,
 * whatever the rotations. A token proves its family and generation by its MAC (see
 * refresh-token-codec.ts); only the token of `generation` is live, and the rotation is one
 * conditional UPDATE of `generation` on this row.
 *
 * Families started before tokens proved themselves have `generation` null and their live
 * token in `currentTokenHash` (every token they were issued is in `refresh_tokens`); their
 * first rotation turns them into the new form.
 */
@Entity({ name: 'token_families' })
// Revocation by client or user; the purge by absolute and revoked expiry. No index on a column
// a rotation changes (`generation`, `last_used_at`, `rotated_at`): PostgreSQL then rotates the
// row in place (HOT), with no index entry and no growth per rotation.
@Index('idx_token_families_client_id', ['clientId'])
@Index('idx_token_families_user_id', ['userId'])
@Index('idx_token_families_expires_at', ['expiresAt'])
@Index('idx_token_families_revoked_at', ['revokedAt'])
@Index('idx_token_families_session_id', ['sessionId'])
export class TokenFamily {
  @PrimaryColumn('varchar', { name: 'id', length: 64 })
  id: string;

  @Column('varchar', { name: 'client_id', length: 512 })
  clientId: string;

  @Column('varchar', { name: 'user_id', length: 64 })
  userId: string;

  /** Space-separated scope granted by the code; a refresh may narrow it per request. */
  @Column('text', { name: 'scope' })
  scope: string;

  /** RFC 8707: space-separated identifiers of the resources granted; a refresh picks one. Null: ACCESS_TOKEN_AUDIENCE. */
  @Column('text', { name: 'resources', nullable: true })
  resources: string | null;

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

  /** The generation whose token is live; null for a family without refresh tokens, or of the old form. */
  @Column('integer', { name: 'generation', nullable: true })
  generation: number | null;

  /** 32 random bytes (base64url) that every token of the family is MACed with. */
  @Column('varchar', { name: 'token_secret', length: 64, nullable: true })
  tokenSecret: string | null;

  /** The server key that MACed the live token: a retry within the grace recomputes that same token. */
  @Column('varchar', { name: 'token_key_id', length: 16, nullable: true })
  tokenKeyId: string | null;

  /** Old form only: SHA-256 of the live refresh token; null once the family has rotated into the new form. */
  @Column('varchar', { name: 'current_token_hash', length: 64, nullable: true })
  currentTokenHash: string | null;

  /** Old form: the token the live one replaced; after the switch, the last old-form token (generation 0). */
  @Column('varchar', { name: 'previous_token_hash', length: 64, nullable: true })
  previousTokenHash: string | null;

  @TimeColumn('rotated_at', { nullable: true })
  rotatedAt: Date | null;

  @TimeColumn('revoked_at', { nullable: true })
  revokedAt: Date | null;

  @Column('varchar', { name: 'revoked_reason', length: 64, nullable: true })
  revokedReason: string | null;
}
