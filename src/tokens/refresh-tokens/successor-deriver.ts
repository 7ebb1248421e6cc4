import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../../common/clock';
import { hmacSha256 } from '../../common/crypto/hashing';
import { RandomSource } from '../../common/crypto/random';
import { PrivateKeySealer } from '../signing/private-key-sealer';
import { ServerSecret } from './server-secret.entity';

const SECRET_NAME = 'refresh_successor_key';

/**
 * The successor of a refresh token is derived from it with a keyed MAC, so every retry of a
 * rotation (and every instance) computes the same successor without storing any plaintext:
 * this is what makes the grace rule idempotent. The key is generated once and kept in the store.
 */
@Injectable()
export class SuccessorDeriver implements OnModuleInit {
  private key?: Buffer;

  constructor(
    @InjectRepository(ServerSecret) private readonly secrets: Repository<ServerSecret>,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  async onModuleInit(): Promise<void> {
    const sealer = new PrivateKeySealer(this.config.keyEncryptionKey);
    // Insert-if-absent, then read: two instances starting together agree on the first one stored.
    const candidate = await sealer.seal(this.random.bytes(32).toString('base64url'));
    await this.secrets
      .createQueryBuilder()
      .insert()
      .into(ServerSecret)
      .values({ name: SECRET_NAME, value: candidate, createdAt: this.clock.now() })
      .orIgnore()
      .execute();
    const stored = await this.secrets.findOneByOrFail({ name: SECRET_NAME });
    // Stored before KEY_ENCRYPTION_KEY was set: encrypt it now (conditional, so instances agree).
    if (sealer.needsSealing(stored.value)) {
      await this.secrets.update({ name: SECRET_NAME, value: stored.value }, { value: await sealer.seal(stored.value) });
    }
    this.key = Buffer.from(await sealer.open(stored.value), 'base64url');
  }

  /** The refresh token that replaces `token`. 256 bits, base64url, like every issued token. */
  successorOf(token: string): string {
    if (!this.key) throw new Error('successor key not loaded');
    return hmacSha256(this.key, token);
  }
}
