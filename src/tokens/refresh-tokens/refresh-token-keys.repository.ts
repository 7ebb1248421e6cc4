import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { RetiringKeysRepository } from '../../database/retiring-keys.repository';
import { RefreshTokenKey } from './refresh-token-key.entity';

/** The `refresh_token_keys` table. */
@Injectable()
export class RefreshTokenKeysRepository extends RetiringKeysRepository<RefreshTokenKey> {
  constructor(@InjectRepository(RefreshTokenKey) keys: Repository<RefreshTokenKey>) {
    super(keys);
  }

  /** Replaces the secret of `kid` only while it is still `current`, so concurrent starts agree. */
  replaceSecret(kid: string, current: string, next: string): Promise<void> {
    return this.replaceWhileUnchanged(kid, 'secret', current, next);
  }
}
