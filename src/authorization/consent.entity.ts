import { Entity, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../database/columns';

/** One scope a user granted to a client. A row per scope makes "grant more" a plain insert. */
@Entity({ name: 'consents' })
export class Consent {
  @PrimaryColumn('varchar', { name: 'user_id', length: 64 })
  userId: string;

  @PrimaryColumn('varchar', { name: 'client_id', length: 512 })
  clientId: string;

  @PrimaryColumn('varchar', { name: 'scope', length: 200 })
  scope: string;

  @TimeColumn('granted_at')
  grantedAt: Date;
}
