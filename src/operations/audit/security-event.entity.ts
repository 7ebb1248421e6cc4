import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../../database/columns';

/**
 * What the audit trail records:
 * - `refresh_token_reuse`, `code_replay`: a spent refresh token or a redeemed code came back;
 * - `client_auth_failures`: a client or an address failed authentication past the threshold;
 * - `sign_in_lockout`: an account or an address was locked out of signing in;
 * - `admin_action`: a change through the admin API.
 */
export type SecurityEventKind = 'refresh_token_reuse' | 'code_replay' | 'client_auth_failures' | 'sign_in_lockout' | 'admin_action';

/** One audit event: who, what, when, from where. Never a secret. */
@Entity({ name: 'security_events' })
// By time, by type and time, or one family's, client's or user's events.
@Index('idx_security_events_created_at', ['createdAt'])
@Index('idx_security_events_kind_created_at', ['kind', 'createdAt'])
@Index('idx_security_events_family_id', ['familyId'])
@Index('idx_security_events_client_id', ['clientId'])
@Index('idx_security_events_user_id', ['userId'])
export class SecurityEvent {
  @PrimaryColumn('varchar', { name: 'id', length: 64 })
  id: string;

  @Column('varchar', { name: 'kind', length: 32 })
  kind: SecurityEventKind;

  /** Who acted: `admin_key`, or the `sub` and `client_id` of an admin access token. */
  @Column('varchar', { name: 'actor', length: 300, nullable: true })
  actor: string | null;

  /** What was done, e.g. `client.delete`. */
  @Column('varchar', { name: 'action', length: 64, nullable: true })
  action: string | null;

  /** The id of what it was done to. */
  @Column('varchar', { name: 'target', length: 200, nullable: true })
  target: string | null;

  @Column('varchar', { name: 'family_id', length: 64, nullable: true })
  familyId: string | null;

  @Column('varchar', { name: 'client_id', length: 512, nullable: true })
  clientId: string | null;

  @Column('varchar', { name: 'user_id', length: 64, nullable: true })
  userId: string | null;

  @Column('varchar', { name: 'ip', length: 64, nullable: true })
  ip: string | null;

  /** Facts as JSON (counts, reasons): never a secret. */
  @Column('text', { name: 'detail', nullable: true })
  detail: string | null;

  @TimeColumn('created_at')
  createdAt: Date;
}
