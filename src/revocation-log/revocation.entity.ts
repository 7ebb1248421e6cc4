import type { DenialKind } from '@nest-oauth/resource-server';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from '../database/columns';

export type { DenialKind } from '@nest-oauth/resource-server';

/**
 * A row of the log: a denial, or `changed`, which refuses nothing and tells every instance to
 * drop what it caches of the subject in `value` (`client:<client_id>`).
 */
export type LogEntryKind = DenialKind | 'changed';

/**
 * One denial of access tokens: a token family (`sid`), one token (`jti`) or everything of a
 * subject (`sub`) issued before `createdAt`. Kept until `expiresAt`, when every access token
 * it could match has expired. `seq` orders the revocation feed.
 */
@Entity({ name: 'revocations' })
// The purge and the feed by expiry; introspection looks denials up by what they name.
@Index('idx_revocations_expires_at', ['expiresAt'])
@Index('idx_revocations_kind_value', ['kind', 'value'])
export class Revocation {
  @PrimaryGeneratedColumn('increment', { name: 'seq' })
  seq: number;

  @Column('varchar', { name: 'kind', length: 8 })
  kind: LogEntryKind;

  @Column('varchar', { name: 'value', length: 255 })
  value: string;

  @TimeColumn('expires_at')
  expiresAt: Date;

  @TimeColumn('created_at')
  createdAt: Date;
}
