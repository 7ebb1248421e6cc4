import { Entity, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../../database/columns';

/**
 * A client assertion's `jti` already used (RFC 7523 §3, item 7): refused again until the
 * assertion expires, then purged. Keyed by SHA-256 of client id and jti.
 */
@Entity({ name: 'client_assertion_jtis' })
export class ClientAssertionJti {
  @PrimaryColumn('varchar', { name: 'jti_hash', length: 64 })
  jtiHash: string;

  @TimeColumn('expires_at')
  expiresAt: Date;
}
