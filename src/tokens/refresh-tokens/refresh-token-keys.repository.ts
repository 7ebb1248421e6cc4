import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { RefreshTokenKey } from './refresh-token-key.entity';

/** The `refresh_token_keys` table. */
@Injectable()
export class RefreshTokenKeysRepository {
  constructor(@InjectRepository(RefreshTokenKey) private readonly rows: Repository<RefreshTokenKey>) {}

  /** Every stored key. */
  all(): Promise<RefreshTokenKey[]> {
    return this.rows.find();
  }

  /** Every stored key, newest first. */
  newestFirst(): Promise<RefreshTokenKey[]> {
    return this.rows.find({ order: { createdAt: 'DESC', kid: 'ASC' } });
  }

  /** Retires the active key(s) at `now`; they verify until `expiresAt`. */
  async retireActive(now: Date, expiresAt: Date): Promise<void> {
    await this.rows.update({ retiredAt: IsNull() }, { retiredAt: now, expiresAt });
  }

  async insert(key: RefreshTokenKey): Promise<void> {
    await this.rows.insert(key);
  }

  /** Replaces the secret of `kid` only while it is still `current`, so concurrent starts agree. */
  async replaceSecret(kid: string, current: string, next: string): Promise<void> {
    await this.rows.update({ kid, secret: current }, { secret: next });
  }
}
