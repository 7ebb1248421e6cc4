import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../database/columns';

/** RFC 7591 §3: a token the operator hands out so that someone may register a client. Stored hashed. */
@Entity({ name: 'initial_access_tokens' })
export class InitialAccessToken {
  @PrimaryColumn('varchar', { name: 'token_hash', length: 64 })
  tokenHash: string;

  @TimeColumn('expires_at', { nullable: true })
  expiresAt: Date | null;

  /** Registrations left; null: unlimited until it expires. */
  @Column('integer', { name: 'uses_left', nullable: true })
  usesLeft: number | null;

  @TimeColumn('created_at')
  createdAt: Date;
}
