import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RawStatement } from '../../database/raw-sql';

/** What introspection asks the store about an access token. */
export interface DeniableAccessToken {
  jti: string;
  sid?: string;
  sub: string;
  clientId: string;
  issuedAt: Date;
}

/**
 * Whether an access token is revoked, in one query: a denial in force in the revocation log
 * names its `jti` or `sid` (or its `sub`, for tokens issued before that denial; or its client,
 * deleted), or its
 * family row is revoked (the truth even before the denial was written, or after it was purged).
 */
@Injectable()
export class DenialsRepository {
  // Plain SQL with positional parameters, prepared once: no named-parameter escaping per introspection.
  private readonly revocationOf: RawStatement<{ revoked: number | string }>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.revocationOf = new RawStatement(
      dataSource,
      `SELECT
         CASE WHEN EXISTS (
           SELECT 1 FROM revocations r WHERE r.expires_at > ? AND (
             (r.kind = 'jti' AND r.value = ?) OR (r.kind = 'sid' AND r.value = ?)
             OR (r.kind = 'sub' AND r.value = ? AND r.created_at >= ?) OR (r.kind = 'client' AND r.value = ?))
         ) OR EXISTS (
           SELECT 1 FROM token_families f WHERE f.id = ? AND f.revoked_at IS NOT NULL
         ) THEN 1 ELSE 0 END AS revoked`,
    );
  }

  async isRevoked(token: DeniableAccessToken, now: Date): Promise<boolean> {
    const sid = token.sid ?? '';
    const [row] = await this.revocationOf.rows([now.getTime(), token.jti, sid, token.sub, token.issuedAt.getTime(), token.clientId, sid]);
    return Number(row.revoked) === 1;
  }
}
