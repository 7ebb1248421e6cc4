import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { SigningKey } from './signing-key.entity';

/** The `signing_keys` table. */
@Injectable()
export class SigningKeysRepository {
  constructor(@InjectRepository(SigningKey) private readonly keys: Repository<SigningKey>) {}

  /** Every stored key. */
  all(): Promise<SigningKey[]> {
    return this.keys.find();
  }

  /** Every stored key, newest first. */
  newestFirst(): Promise<SigningKey[]> {
    return this.keys.find({ order: { createdAt: 'DESC', kid: 'ASC' } });
  }

  /** Retires the active key(s) at `now`; they verify until `expiresAt`. */
  async retireActive(now: Date, expiresAt: Date): Promise<void> {
    await this.keys.update({ retiredAt: IsNull() }, { retiredAt: now, expiresAt });
  }

  async insert(key: SigningKey): Promise<void> {
    await this.keys.insert(key);
  }

  /** Replaces the private key of `kid` only while it is still `current`, so concurrent starts agree. */
  async replacePrivateJwk(kid: string, current: string, next: string): Promise<void> {
    await this.keys.update({ kid, privateJwk: current }, { privateJwk: next });
  }
}
