import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { RetiringKeysRepository } from '../../database/retiring-keys.repository';
import { SigningKey } from './signing-key.entity';

/** The `signing_keys` table. */
@Injectable()
export class SigningKeysRepository extends RetiringKeysRepository<SigningKey> {
  constructor(@InjectRepository(SigningKey) keys: Repository<SigningKey>) {
    super(keys);
  }

  /** Replaces the private key of `kid` only while it is still `current`, so concurrent starts agree. */
  replacePrivateJwk(kid: string, current: string, next: string): Promise<void> {
    return this.replaceWhileUnchanged(kid, 'privateJwk', current, next);
  }
}
