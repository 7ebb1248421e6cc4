import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from '../database/columns';

export type DenialKind = 'sid' | 'jti' | 'sub';

/**
 * One denial of access tokens: a token family (`sid`), one token (`jti`) or everything of a
 * subject (`sub`) issued before `createdAt`. Kept until `expiresAt`, when every access token
 * it could match has expired. `seq` orders the revocation feed.
 */
@Entity({ name: 'revocations' })
export class Revocation {
  @PrimaryGeneratedColumn('increment', { name: 'seq' })
  seq: number;

  @Column('varchar', { name: 'kind', length: 8 })
  kind: DenialKind;

  @Column('varchar', { name: 'value', length: 255 })
  value: string;

  @TimeColumn('expires_at')
  expiresAt: Date;

  @TimeColumn('created_at')
  createdAt: Date;
}
