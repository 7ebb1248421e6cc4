import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { AuthorizationCode } from './authorization-code.entity';

/**
 * The `authorization_codes` table: a code is inserted when the authorize endpoint issues it,
 * looked up and redeemed once by the token endpoint, discarded unredeemed when its session
 * ends, and purged after expiry.
 */
@Injectable()
export class AuthorizationCodesRepository {
  constructor(@InjectRepository(AuthorizationCode) private readonly codes: Repository<AuthorizationCode>) {}

  async insert(code: AuthorizationCode): Promise<void> {
    await this.codes.insert(code);
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
    return this.codes.findOneBy({ codeHash });
  }

  /**
   * Marks the code redeemed by family `familyId` if, and only if, it is unexpired and no other
   * request redeemed it first. True for the one winner.
   */
  async consume(codeHash: string, familyId: string, at: Date): Promise<boolean> {
    const result = await this.codes
      .createQueryBuilder()
      .update(AuthorizationCode)
      .set({ consumedAt: at, familyId })
      .where('code_hash = :codeHash AND consumed_at IS NULL AND expires_at > :now', { codeHash, now: at.getTime() })
      .execute();
    return result.affected === 1;
  }

  /** Deletes codes expired before `before`; until then a replay is still recognised. */
  async purgeExpired(before: Date): Promise<number> {
    const result = await this.codes.createQueryBuilder().delete().where('expires_at <= :before', { before: before.getTime() }).execute();
    return result.affected ?? 0;
  }
}
