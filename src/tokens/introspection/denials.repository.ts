import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** What introspection asks the store about an access token. */
export interface DeniableAccessToken {
  jti: string;
  sid?: string;
  sub: string;
  issuedAt: Date;
}

/**
 * Whether an access token is revoked, in one query: a denial in force in the revocation log
 * names its `jti` or `sid` (or its `sub`, for tokens issued before that denial), or its
 * family row is revoked (the truth even before the denial was written, or after it was purged).
 */
@Injectable()
export class DenialsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async isRevoked(token: DeniableAccessToken, now: Date): Promise<boolean> {
    const [sql, parameters] = this.dataSource.driver.escapeQueryWithParameters(
      `SELECT
         CASE WHEN EXISTS (
           SELECT 1 FROM revocations r WHERE r.expires_at > :now AND (
             (r.kind = 'jti' AND r.value = :jti) OR (r.kind = 'sid' AND r.value = :sid)
             OR (r.kind = 'sub' AND r.value = :sub AND r.created_at >= :issuedAt))
         ) OR EXISTS (
           SELECT 1 FROM token_families f WHERE f.id = :sid AND f.revoked_at IS NOT NULL
         ) THEN 1 ELSE 0 END AS revoked`,
      { now: now.getTime(), jti: token.jti, sid: token.sid ?? '', sub: token.sub, issuedAt: token.issuedAt.getTime() },
      {},
    );
    const [row] = (await this.dataSource.query(sql, parameters)) as Array<{ revoked: number | string }>;
    return Number(row.revoked) === 1;
  }
}
