import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../../database/columns';

/**
 * Every refresh token ever issued, by SHA-256, until its family is purged: a spent token
 * coming back is then recognised as reuse, not mistaken for an unknown one.
 */
@Entity({ name: 'refresh_tokens' })
// Purged with their family.
@Index('idx_refresh_tokens_family_id', ['familyId'])
export class RefreshToken {
  @PrimaryColumn('varchar', { name: 'token_hash', length: 64 })
  tokenHash: string;

  @Column('varchar', { name: 'family_id', length: 64 })
  familyId: string;

  @TimeColumn('issued_at')
  issuedAt: Date;
}
