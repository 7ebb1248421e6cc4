import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../database/columns';

@Entity({ name: 'users' })
@Index('uq_users_email_normalized', ['emailNormalized'], { unique: true })
export class User {
  @PrimaryColumn('varchar', { name: 'id', length: 64 })
  id: string;

  /** As entered, for display. */
  @Column('varchar', { name: 'email', length: 320 })
  email: string;

  /** Lower-cased; the unique index makes emails unique case-insensitively. */
  @Column('varchar', { name: 'email_normalized', length: 320 })
  emailNormalized: string;

  /** argon2id, in its PHC string form. */
  @Column('varchar', { name: 'password_hash', length: 255 })
  passwordHash: string;

  @TimeColumn('created_at')
  createdAt: Date;
}
