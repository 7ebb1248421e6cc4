import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../../database/columns';

/** A random secret generated once and shared by every instance on the store. */
@Entity({ name: 'server_secrets' })
export class ServerSecret {
  @PrimaryColumn('varchar', { name: 'name', length: 64 })
  name: string;

  /** base64url bytes, sealed like the private signing keys when KEY_ENCRYPTION_KEY is set. */
  @Column('text', { name: 'value' })
  value: string;

  @TimeColumn('created_at')
  createdAt: Date;
}
