import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import { epochMs } from '../../database/columns';
import { RawStatement } from '../../database/raw-sql';
import { RefreshToken } from './refresh-token.entity';
import { TokenFamily } from './token-family.entity';

/**
 * Storage of token families and their refresh tokens. Every change that can race is one
 * conditional statement, so it holds across instances and needs no transaction (sqlite's
 * TypeORM driver shares one connection between all requests). Policy lives in the grants.
 */
@Injectable()
export class TokenFamiliesRepository {
  // The three statements of every refresh (and the lookup of introspection) are plain SQL:
  // a profile put ~15% of the CPU of a refresh in building them with a QueryBuilder.
  private readonly familyOfToken: RawStatement<FamilyRow>;
  private readonly insertToken: RawStatement;
  private readonly compareAndSetToken: RawStatement;

  constructor(
    @InjectRepository(TokenFamily) private readonly families: Repository<TokenFamily>,
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
  ) {
    const dataSource = families.manager.connection;
    this.familyOfToken = new RawStatement(
      dataSource,
      `SELECT f.id, f.client_id, f.user_id, f.scope, f.auth_time, f.created_at, f.expires_at, f.last_used_at,
              f.current_token_hash, f.previous_token_hash, f.rotated_at, f.revoked_at, f.revoked_reason
       FROM token_families f INNER JOIN refresh_tokens rt ON rt.family_id = f.id
       WHERE rt.token_hash = ?`,
    );
    this.insertToken = new RawStatement(
      dataSource,
      'INSERT INTO refresh_tokens (token_hash, family_id, issued_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.compareAndSetToken = new RawStatement(
      dataSource,
      `UPDATE token_families SET previous_token_hash = ?, current_token_hash = ?, rotated_at = ?, last_used_at = ?
       WHERE id = ? AND current_token_hash = ? AND revoked_at IS NULL`,
    );
  }

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
  async findByTokenHash(tokenHash: string): Promise<TokenFamily | null> {
    const [row] = await this.familyOfToken.rows([tokenHash]);
    return row ? toFamily(row) : null;
  }

  /** Records an issued refresh token; a second insert of the same (derived) token is a no-op. */
  async addToken(tokenHash: string, familyId: string, issuedAt: Date): Promise<void> {
    await this.insertToken.affected([tokenHash, familyId, issuedAt.getTime()]);
  }

  /**
   * Makes `toHash` the live token if, and only if, `fromHash` still is and the family is not
   * revoked: the compare-and-set that decides a race. True for the one winner.
   */
  async rotate(familyId: string, fromHash: string, toHash: string, at: Date): Promise<boolean> {
    const affected = await this.compareAndSetToken.affected([fromHash, toHash, at.getTime(), at.getTime(), familyId, fromHash]);
    return affected === 1; // token-refresh.e2e-spec proves sqlite and PostgreSQL both report it
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

/** A `token_families` row as the drivers answer it: PostgreSQL hands `bigint` back as a string. */
interface FamilyRow {
  id: string;
  client_id: string;
  user_id: string;
  scope: string;
  auth_time: string | number;
  created_at: string | number;
  expires_at: string | number;
  last_used_at: string | number;
  current_token_hash: string | null;
  previous_token_hash: string | null;
  rotated_at: string | number | null;
  revoked_at: string | number | null;
  revoked_reason: string | null;
}

function toFamily(row: FamilyRow): TokenFamily {
  return Object.assign(new TokenFamily(), {
    id: row.id,
    clientId: row.client_id,
    userId: row.user_id,
    scope: row.scope,
    authTime: epochMs.from(row.auth_time) as Date,
    createdAt: epochMs.from(row.created_at) as Date,
    expiresAt: epochMs.from(row.expires_at) as Date,
    lastUsedAt: epochMs.from(row.last_used_at) as Date,
    currentTokenHash: row.current_token_hash,
    previousTokenHash: row.previous_token_hash,
    rotatedAt: epochMs.from(row.rotated_at) as Date | null,
    revokedAt: epochMs.from(row.revoked_at) as Date | null,
    revokedReason: row.revoked_reason,
  });
}
