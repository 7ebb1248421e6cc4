import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../../database/columns';

export type SecurityEventKind = 'refresh_token_reuse' | 'code_replay';

/** A detected attack or accident worth an operator's look: who, which family, from where, when. */
@Entity({ name: 'security_events' })
// By time, or a family's events.
@Index('idx_security_events_created_at', ['createdAt'])
@Index('idx_security_events_family_id', ['familyId'])
export class SecurityEvent {
  @PrimaryColumn('varchar', { name: 'id', length: 64 })
  id: string;

  @Column('varchar', { name: 'kind', length: 32 })
  kind: SecurityEventKind;

  @Column('varchar', { name: 'family_id', length: 64, nullable: true })
  familyId: string | null;

  @Column('varchar', { name: 'client_id', length: 64, nullable: true })
  clientId: string | null;

  @Column('varchar', { name: 'user_id', length: 64, nullable: true })
  userId: string | null;

  @Column('varchar', { name: 'ip', length: 64, nullable: true })
  ip: string | null;

  @TimeColumn('created_at')
  createdAt: Date;
}
