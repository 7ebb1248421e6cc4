import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Revocation } from '../../revocation/revocation.entity';

/** Reads the revocation log the way introspection needs it: is this one token denied? */
@Injectable()
export class DenialsRepository {
  constructor(@InjectRepository(Revocation) private readonly revocations: Repository<Revocation>) {}

  /**
   * True when a denial in force names the token's `jti` or `sid`, or its `sub` for tokens
   * issued before the denial was recorded.
   */
  async isDenied(token: { jti: string; sid?: string; sub: string; issuedAt: Date }, now: Date): Promise<boolean> {
    const query = this.revocations
      .createQueryBuilder('r')
      .where('r.expires_at > :now', { now: now.getTime() })
      .andWhere(
        "((r.kind = 'jti' AND r.value = :jti) OR (r.kind = 'sid' AND r.value = :sid) OR (r.kind = 'sub' AND r.value = :sub AND r.created_at >= :issuedAt))",
        { jti: token.jti, sid: token.sid ?? '', sub: token.sub, issuedAt: token.issuedAt.getTime() },
      );
    return (await query.getCount()) > 0;
  }
}
