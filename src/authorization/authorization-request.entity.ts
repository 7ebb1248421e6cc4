import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../database/columns';

/**
 * An authorization request waiting for sign-in or consent, kept server-side so the pages
 * carry only its opaque id: nothing in a form can change what is being authorized.
 * Stored by the SHA-256 of that id.
 */
@Entity({ name: 'authorization_requests' })
// The purge by expiry.
@Index('idx_authorization_requests_expires_at', ['expiresAt'])
export class AuthorizationRequest {
  @PrimaryColumn('varchar', { name: 'id_hash', length: 64 })
  idHash: string;

  @Column('varchar', { name: 'client_id', length: 512 })
  clientId: string;

  @Column('text', { name: 'redirect_uri' })
  redirectUri: string;

  /** Space-separated, already checked against the client's registration. */
  @Column('text', { name: 'scope' })
  scope: string;

  /** RFC 8707: space-separated identifiers of the resources requested, already checked. */
  @Column('text', { name: 'resources', nullable: true })
  resources: string | null;

  @Column('text', { name: 'state', nullable: true })
  state: string | null;

  @Column('varchar', { name: 'code_challenge', length: 128 })
  codeChallenge: string;

  /** Space-separated `prompt` values (`login`, `consent`); `none` never waits for a page. */
  @Column('text', { name: 'prompt', nullable: true })
  prompt: string | null;

  /** OIDC `nonce`, exactly as sent. */
  @Column('text', { name: 'nonce', nullable: true })
  nonce: string | null;

  /** The user who signed in for this request; consent is accepted only from their session. */
  @Column('varchar', { name: 'user_id', length: 64, nullable: true })
  userId: string | null;

  @TimeColumn('created_at')
  createdAt: Date;

  @TimeColumn('expires_at')
  expiresAt: Date;
}
