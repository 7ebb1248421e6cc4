import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../../database/columns';

/**
 * A server key that MACs refresh tokens. The newest unretired key makes new tokens; a retired
 * key verifies until `expiresAt`, when no token it made can still be live.
 */
@Entity({ name: 'refresh_token_keys' })
export class RefreshTokenKey {
  /** 8 random bytes, base64url: carried in every token it made. */
  @PrimaryColumn('varchar', { name: 'kid', length: 16 })
  kid: string;

  /** 32 random bytes as base64url, sealed like the private signing keys when KEY_ENCRYPTION_KEY is set. */
  @Column('text', { name: 'secret' })
  secret: string;

  @TimeColumn('created_at')
  createdAt: Date;

  /** When it stopped making tokens; null for the active key. */
  @TimeColumn('retired_at', { nullable: true })
  retiredAt: Date | null;

  /** Retirement plus the absolute family lifetime: no token it made is live after this. */
  @TimeColumn('expires_at', { nullable: true })
  expiresAt: Date | null;
}
