import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../../database/columns';

/**
 * An authorization code, stored only as its SHA-256. Written by the authorize endpoint,
 * redeemed once by the token endpoint (`consumedAt`), which records the family it started.
 */
@Entity({ name: 'authorization_codes' })
// The purge by expiry.
@Index('idx_authorization_codes_expires_at', ['expiresAt'])
// A user's unredeemed codes die with their sessions.
@Index('idx_authorization_codes_user_id', ['userId'])
export class AuthorizationCode {
  @PrimaryColumn('varchar', { name: 'code_hash', length: 64 })
  codeHash: string;

  @Column('varchar', { name: 'client_id', length: 512 })
  clientId: string;

  @Column('varchar', { name: 'user_id', length: 64 })
  userId: string;

  @Column('text', { name: 'redirect_uri' })
  redirectUri: string;

  @Column('text', { name: 'scope' })
  scope: string;

  /** RFC 8707: space-separated identifiers of the resources granted; null for codes from before them. */
  @Column('text', { name: 'resources', nullable: true })
  resources: string | null;

  /** PKCE S256 challenge (RFC 7636). */
  @Column('varchar', { name: 'code_challenge', length: 128 })
  codeChallenge: string;

  @TimeColumn('auth_time')
  authTime: Date;

  /** The sign-in session (its public `sid`) the code came from. */
  @Column('varchar', { name: 'session_id', length: 64, nullable: true })
  sessionId: string | null;

  /** OIDC `nonce` of the authorization request, echoed in the ID token. */
  @Column('text', { name: 'nonce', nullable: true })
  nonce: string | null;

  @TimeColumn('expires_at')
  expiresAt: Date;

  @TimeColumn('consumed_at', { nullable: true })
  consumedAt: Date | null;

  /** The token family (`sid`) the redemption started: a replay revokes it. */
  @Column('varchar', { name: 'family_id', length: 64, nullable: true })
  familyId: string | null;

  @TimeColumn('created_at')
  createdAt: Date;
}
