import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { jsonText, TimeColumn } from '../database/columns';

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

  /** Display name, the OIDC `name` claim (scope `profile`). */
  @Column('varchar', { name: 'name', length: 200, nullable: true })
  name: string | null;

  /** The OIDC `email_verified` claim: set by an operator who checked the address. */
  @Column('boolean', { name: 'email_verified', default: () => 'false' })
  emailVerified: boolean;

  /** Role names; the server itself reads only `admin`. Null reads as none. */
  @Column('text', { name: 'roles', nullable: true, transformer: jsonText })
  roles: string[] | null;

  @TimeColumn('created_at')
  createdAt: Date;
}

export const ADMIN_ROLE = 'admin';

export function hasRole(user: Pick<User, 'roles'>, role: string): boolean {
  return (user.roles ?? []).includes(role);
}
