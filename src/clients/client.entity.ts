import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimeColumn, jsonText } from '../database/columns';

/** `private_key_jwt` (RFC 7523, OIDC Core §9) only for clients named by a Client ID Metadata Document. */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none' | 'private_key_jwt';
/** A grant type the token endpoint's registry serves (RFC 6749 §4 names, or an extension URI). */
export type GrantType = string;
/** How a client came to be: through the admin API, or by registering itself (RFC 7591). */
export type ClientOrigin = 'admin' | 'registration';

/** A registered OAuth client. Column names follow RFC 7591 metadata. */
@Entity({ name: 'clients' })
@Index('idx_clients_created_at', ['createdAt']) // as the migration creates it, so migration:generate sees no change
export class Client {
  @PrimaryColumn('varchar', { name: 'client_id', length: 512 })
  clientId: string;

  @Column('varchar', { name: 'client_name', length: 200 })
  clientName: string;

  @Column('text', { name: 'redirect_uris', transformer: jsonText })
  redirectUris: string[];

  @Column('text', { name: 'grant_types', transformer: jsonText })
  grantTypes: GrantType[];

  /** Space-separated scope tokens the client may ask for. */
  @Column('text', { name: 'scope' })
  scope: string;

  @Column('varchar', { name: 'token_endpoint_auth_method', length: 32 })
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;

  // The default as SQL text, as the migration writes it: sqlite reads a boolean `false` back as 0.
  @Column('boolean', { name: 'skip_consent', default: () => 'false' })
  skipConsent: boolean;

  /** SHA-256 of the current secret; null for public clients. */
  @Column('varchar', { name: 'secret_hash', length: 64, nullable: true })
  secretHash: string | null;

  /** The secret before the last rotation, valid until `previousSecretExpiresAt`. */
  @Column('varchar', { name: 'previous_secret_hash', length: 64, nullable: true })
  previousSecretHash: string | null;

  @TimeColumn('previous_secret_expires_at', { nullable: true })
  previousSecretExpiresAt: Date | null;

  /** RFC 7591 §2.1: `["code"]` exactly when `authorization_code` is granted; null reads as that default. */
  @Column('text', { name: 'response_types', nullable: true, transformer: jsonText })
  responseTypes: string[] | null;

  /** RP-Initiated Logout 1.0: where the user may be sent back after signing out. Null reads as none. */
  @Column('text', { name: 'post_logout_redirect_uris', nullable: true, transformer: jsonText })
  postLogoutRedirectUris: string[] | null;

  /** Back-Channel Logout 1.0: where logout tokens are POSTed. */
  @Column('text', { name: 'backchannel_logout_uri', nullable: true })
  backchannelLogoutUri: string | null;

  @Column('boolean', { name: 'backchannel_logout_session_required', default: () => 'false' })
  backchannelLogoutSessionRequired: boolean;

  // Registration metadata the server stores and returns but does not act on.
  @Column('text', { name: 'client_uri', nullable: true })
  clientUri: string | null;

  @Column('text', { name: 'logo_uri', nullable: true })
  logoUri: string | null;

  @Column('text', { name: 'policy_uri', nullable: true })
  policyUri: string | null;

  @Column('text', { name: 'tos_uri', nullable: true })
  tosUri: string | null;

  @Column('text', { name: 'contacts', nullable: true, transformer: jsonText })
  contacts: string[] | null;

  @Column('varchar', { name: 'origin', length: 16, default: () => "'admin'" })
  origin: ClientOrigin;

  /** RFC 7592: SHA-256 of the token a self-registered client manages itself with; null otherwise. */
  @Column('varchar', { name: 'registration_access_token_hash', length: 64, nullable: true })
  registrationAccessTokenHash: string | null;

  @TimeColumn('created_at')
  createdAt: Date;

  @TimeColumn('updated_at')
  updatedAt: Date;

  get isConfidential(): boolean {
    return this.tokenEndpointAuthMethod !== 'none';
  }
}
