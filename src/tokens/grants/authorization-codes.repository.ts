import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { PreparedRows } from '../../database/prepared-rows';
import { RawStatement } from '../../database/raw-sql';
import { AuthorizationCode } from './authorization-code.entity';

/**
 * The `authorization_codes` table: a code is inserted when the authorize endpoint issues it,
 * looked up and redeemed once by the token endpoint, discarded unredeemed when its session
 * ends, and purged after expiry.
 */
@Injectable()
export class AuthorizationCodesRepository implements BeforeApplicationShutdown {
  // Every code flow inserts, reads and redeems one code: those statements are prepared once.
  private readonly prepared: PreparedRows<AuthorizationCode>;
  private readonly insertRow: (code: AuthorizationCode) => Promise<void>;
  private readonly byHash: (codeHash: string) => Promise<AuthorizationCode | null>;
  private readonly redeemOnce: RawStatement;

  constructor(@InjectRepository(AuthorizationCode) private readonly codes: Repository<AuthorizationCode>) {
    this.prepared = new PreparedRows(codes);
    this.insertRow = this.prepared.insert();
    this.byHash = this.prepared.findOneBy('codeHash');
    this.redeemOnce = new RawStatement(
      codes.manager.connection,
      'UPDATE authorization_codes SET consumed_at = ?, family_id = ? WHERE code_hash = ? AND consumed_at IS NULL AND expires_at > ?',
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.prepared.finalize(), this.redeemOnce.finalize()]);
  }

  insert(code: AuthorizationCode): Promise<void> {
    return this.insertRow(code);
  }

  /** Deletes the codes of session `sid` not redeemed yet. */
  async discardUnredeemedOfSession(sid: string): Promise<void> {
    await this.codes.delete({ sessionId: sid, consumedAt: IsNull() });
  }

  /** Deletes the codes of user `userId` not redeemed yet. */
  async discardUnredeemedOfUser(userId: string): Promise<void> {
    await this.codes.delete({ userId, consumedAt: IsNull() });
  }

  findByHash(codeHash: string): Promise<AuthorizationCode | null> {
    return this.byHash(codeHash);
  }

  /**
   * Marks the code redeemed by family `familyId` if, and only if, it is unexpired and no other
   * request redeemed it first. True for the one winner.
   */
  async consume(codeHash: string, familyId: string, at: Date): Promise<boolean> {
    const affected = await this.redeemOnce.affected([at.getTime(), familyId, codeHash, at.getTime()]);
    return affected === 1;
  }

  /** Deletes codes expired before `before`; until then a replay is still recognised. */
  async purgeExpired(before: Date): Promise<number> {
    const result = await this.codes.createQueryBuilder().delete().where('expires_at <= :before', { before: before.getTime() }).execute();
    return result.affected ?? 0;
  }
}
