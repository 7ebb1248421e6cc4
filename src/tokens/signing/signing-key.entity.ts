import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../../database/columns';

/** A JWS key pair. The newest unretired key signs; retired keys verify until `expiresAt`. */
@Entity({ name: 'signing_keys' })
export class SigningKey {
  @PrimaryColumn('varchar', { name: 'kid', length: 64 })
  kid: string;

  @Column('varchar', { name: 'alg', length: 16 })
  alg: string;

  /** The public JWK as JSON. */
  @Column('text', { name: 'public_jwk' })
  publicJwk: string;

  /** The private JWK as JSON, or `enc:<iv>.<tag>.<ciphertext>` when KEY_ENCRYPTION_KEY is set. */
  @Column('text', { name: 'private_jwk' })
  privateJwk: string;

  @TimeColumn('created_at')
  createdAt: Date;

  /** When it stopped signing; null for the active key. */
  @TimeColumn('retired_at', { nullable: true })
  retiredAt: Date | null;

  /** When the last token it signed expires: it leaves the JWKS then. */
  @TimeColumn('expires_at', { nullable: true })
  expiresAt: Date | null;
}
