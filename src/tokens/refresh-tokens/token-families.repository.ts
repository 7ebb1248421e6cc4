import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import { RefreshToken } from './refresh-token.entity';
import { SecurityEvent } from './security-event.entity';
import { TokenFamily } from './token-family.entity';

/**
 * Storage of token families and their refresh tokens. Every change that can race is one
 * conditional statement, so it holds across instances and needs no transaction (sqlite's
 * TypeORM driver shares one connection between all requests). Policy lives in the grants.
 */
@Injectable()
export class TokenFamiliesRepository {
  constructor(
    @InjectRepository(TokenFamily) private readonly families: Repository<TokenFamily>,
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
    @InjectRepository(SecurityEvent) private readonly events: Repository<SecurityEvent>,
  ) {}

  /**
   * Stores a new family and, when it has one, its first refresh token. The token row goes
   * first: a crash in between leaves an unreachable row, never a family pointing nowhere.
   */
  async start(family: TokenFamily): Promise<void> {
    if (family.currentTokenHash) await this.addToken(family.currentTokenHash, family.id, family.createdAt);
    await this.families.insert(family);
  }

  findById(id: string): Promise<TokenFamily | null> {
    return this.families.findOneBy({ id });
  }

  /** The family of any refresh token ever issued (live, spent or revoked), in one query. */
  findByTokenHash(tokenHash: string): Promise<TokenFamily | null> {
    return this.families
      .createQueryBuilder('f')
      .innerJoin(RefreshToken, 'rt', 'rt.family_id = f.id')
      .where('rt.token_hash = :tokenHash', { tokenHash })
      .getOne();
  }

  /** Records an issued refresh token; a second insert of the same (derived) token is a no-op. */
  async addToken(tokenHash: string, familyId: string, issuedAt: Date): Promise<void> {
    await this.tokens.createQueryBuilder().insert().into(RefreshToken).values({ tokenHash, familyId, issuedAt }).orIgnore().execute();
  }

  /**
   * Makes `toHash` the live token if, and only if, `fromHash` still is and the family is not
   * revoked: the compare-and-set that decides a race. True for the one winner.
   */
  async rotate(familyId: string, fromHash: string, toHash: string, at: Date): Promise<boolean> {
    const result = await this.families
      .createQueryBuilder()
      .update(TokenFamily)
      .set({ previousTokenHash: fromHash, currentTokenHash: toHash, rotatedAt: at, lastUsedAt: at })
      .where('id = :familyId AND current_token_hash = :fromHash AND revoked_at IS NULL', { familyId, fromHash })
      .execute();
    return result.affected === 1;
  }

  /** Revokes one family; true when this call revoked it (false: unknown or already revoked). */
  async revoke(familyId: string, at: Date, reason: string): Promise<boolean> {
    const result = await this.families
      .createQueryBuilder()
      .update(TokenFamily)
      .set({ revokedAt: at, revokedReason: reason })
      .where('id = :familyId AND revoked_at IS NULL', { familyId })
      .execute();
    return result.affected === 1;
  }

  /** Revokes every live family of a user or a client; answers the ids it found live. */
  async revokeAll(owner: { userId: string } | { clientId: string }, at: Date, reason: string): Promise<string[]> {
    const [column, value] = 'userId' in owner ? ['user_id', owner.userId] : ['client_id', owner.clientId];
    const live = await this.families
      .createQueryBuilder('f')
      .select('f.id', 'id')
      .where(`f.${column} = :value AND f.revoked_at IS NULL`, { value })
      .getRawMany<{ id: string }>();
    if (live.length === 0) return [];
    await this.families
      .createQueryBuilder()
      .update(TokenFamily)
      .set({ revokedAt: at, revokedReason: reason })
      .where(`${column} = :value AND revoked_at IS NULL`, { value })
      .execute();
    return live.map((row) => row.id);
  }

  async recordEvent(event: SecurityEvent): Promise<void> {
    await this.events.insert(event);
  }

  eventsOfFamily(familyId: string): Promise<SecurityEvent[]> {
    return this.events.find({ where: { familyId }, order: { createdAt: 'ASC' } });
  }

  /**
   * Deletes families past their absolute or idle expiry, or revoked before `revokedBefore`
   * (their access tokens have expired by then), with all their refresh tokens.
   */
  async purgeExpired(now: Date, idleTtlSeconds: number, revokedBefore: Date): Promise<number> {
    const dead = new Brackets((where) =>
      where
        .where('expires_at <= :now', { now: now.getTime() })
        .orWhere('last_used_at <= :idleCutoff', { idleCutoff: now.getTime() - idleTtlSeconds * 1000 })
        .orWhere('revoked_at <= :revokedBefore', { revokedBefore: revokedBefore.getTime() }),
    );
    const ids = await this.families.createQueryBuilder().select('id').where(dead).limit(1000).getRawMany<{ id: string }>();
    if (ids.length === 0) return 0;
    const familyIds = ids.map((row) => row.id);
    // Tokens first: a crash in between leaves a family without tokens, which is dead anyway.
    await this.tokens.createQueryBuilder().delete().where('family_id IN (:...familyIds)', { familyIds }).execute();
    await this.families.createQueryBuilder().delete().where('id IN (:...familyIds)', { familyIds }).execute();
    return familyIds.length;
  }
}
