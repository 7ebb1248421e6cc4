import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, IsNull, Repository } from 'typeorm';
import { PreparedRows } from '../../database/prepared-rows';
import { RawStatement } from '../../database/raw-sql';
import { RefreshToken } from './refresh-token.entity';
import { TokenFamily } from './token-family.entity';

/**
 * Storage of token families. Every change that can race is one conditional statement, so it
 * holds across instances and needs no transaction (sqlite's TypeORM driver shares one
 * connection between all requests). Policy lives in the grants.
 */
@Injectable()
export class TokenFamiliesRepository implements BeforeApplicationShutdown {
  // The statements of every refresh (one read by id, one compare-and-set) are prepared once
  // (raw-sql.ts, prepared-rows.ts): a profile put ~15% of the CPU of a refresh in building them
  // with a QueryBuilder, and a third in sqlite3 preparing and finalizing them per call. Rows
  // read back as TypeORM would build them.
  private readonly familyById: (id: string) => Promise<TokenFamily | null>;
  private readonly familyOfOldToken: (parameters: [tokenHash: string]) => Promise<TokenFamily | null>;
  private readonly compareAndSetGeneration: RawStatement;
  private readonly compareAndSetOldToken: RawStatement;
  // A code exchange inserts the family.
  private readonly prepared: PreparedRows<TokenFamily>;
  private readonly insertFamily: (family: TokenFamily) => Promise<void>;

  constructor(
    @InjectRepository(TokenFamily) private readonly families: Repository<TokenFamily>,
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
  ) {
    const dataSource = families.manager.connection;
    this.prepared = new PreparedRows(families);
    this.insertFamily = this.prepared.insert();
    this.familyById = this.prepared.findOneBy('id');
    this.familyOfOldToken = this.prepared.findOneWhere('f', 'FROM token_families f INNER JOIN refresh_tokens rt ON rt.family_id = f.id WHERE rt.token_hash = ?');
    this.compareAndSetGeneration = new RawStatement(
      dataSource,
      `UPDATE token_families SET generation = ?, token_key_id = ?, rotated_at = ?, last_used_at = ?
       WHERE id = ? AND generation = ? AND revoked_at IS NULL`,
    );
    this.compareAndSetOldToken = new RawStatement(
      dataSource,
      `UPDATE token_families SET generation = 1, token_secret = ?, token_key_id = ?, previous_token_hash = ?,
              current_token_hash = NULL, rotated_at = ?, last_used_at = ?
       WHERE id = ? AND current_token_hash = ? AND generation IS NULL AND revoked_at IS NULL`,
    );
  }

  /** Before the store closes: sqlite cannot close a connection with statements still prepared on it. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.compareAndSetGeneration, this.compareAndSetOldToken, this.prepared].map((statement) => statement.finalize()));
  }

  /**
   * Stores a new family: its one row, whatever the rotations to come. Every column is given,
   * so nothing is read back (`insert` would re-select the defaulted `offline`: a statement
   * per code exchange).
   */
  start(family: TokenFamily): Promise<void> {
    return this.insertFamily(family);
  }

  /** One read by primary key. */
  findById(id: string): Promise<TokenFamily | null> {
    return this.familyById(id);
  }

  /** The family of an old-form refresh token (random, stored by hash), live or spent, in one query. */
  findByOldTokenHash(tokenHash: string): Promise<TokenFamily | null> {
    return this.familyOfOldToken([tokenHash]);
  }

  /**
   * Makes `fromGeneration + 1` the live generation if, and only if, `fromGeneration` still is
   * and the family is not revoked: the compare-and-set that decides a race. True for the one winner.
   */
  async advance(familyId: string, fromGeneration: number, keyId: string, at: Date): Promise<boolean> {
    const affected = await this.compareAndSetGeneration.affected([fromGeneration + 1, keyId, at.getTime(), at.getTime(), familyId, fromGeneration]);
    return affected === 1; // token-refresh.e2e-spec proves sqlite and PostgreSQL both report it
  }

  /**
   * The first rotation of an old-form family: if `fromHash` is still its live token, the
   * family switches to the new form at generation 1 (its successor), keeping `fromHash` as the
   * previous token for the grace rule. The same compare-and-set as `advance`.
   */
  async switchToNewForm(familyId: string, fromHash: string, tokenSecret: string, keyId: string, at: Date): Promise<boolean> {
    const affected = await this.compareAndSetOldToken.affected([tokenSecret, keyId, fromHash, at.getTime(), at.getTime(), familyId, fromHash]);
    return affected === 1;
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
   * Revokes the live families a sign-in session started without `offline_access` (OIDC: they
   * end with the session); answers their ids.
   */
  async revokeOfSession(sessionId: string, at: Date, reason: string): Promise<string[]> {
    const where = 'session_id = :sessionId AND offline = :offline AND revoked_at IS NULL';
    const params = { sessionId, offline: false };
    const live = await this.families.createQueryBuilder().select('id', 'id').where(where, params).getRawMany<{ id: string }>();
    if (live.length === 0) return [];
    await this.families.createQueryBuilder().update(TokenFamily).set({ revokedAt: at, revokedReason: reason }).where(where, params).execute();
    return live.map((row) => row.id);
  }

  /** The clients that received tokens from a sign-in session (for back-channel logout). */
  async clientsOfSession(sessionId: string): Promise<string[]> {
    const rows = await this.families
      .createQueryBuilder()
      .select('DISTINCT client_id', 'client_id')
      .where('session_id = :sessionId', { sessionId })
      .getRawMany<{ client_id: string }>();
    return rows.map((row) => row.client_id);
  }

  /** A user's live families with their scope. */
  liveOfUser(userId: string): Promise<Array<Pick<TokenFamily, 'id' | 'scope'>>> {
    return this.families.find({ select: { id: true, scope: true }, where: { userId, revokedAt: IsNull() } });
  }

  /**
   * Deletes families past their absolute or idle expiry, or revoked before `revokedBefore`
   * (their access tokens have expired by then), with the old-form refresh tokens they still have.
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
