import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Consent } from './consent.entity';

/** Remembered consent: which scopes a user granted to which client. */
@Injectable()
export class ConsentsRepository {
  constructor(@InjectRepository(Consent) private readonly rows: Repository<Consent>) {}

  /** True when the user already granted every one of `scopes` to the client. */
  async covers(userId: string, clientId: string, scopes: readonly string[]): Promise<boolean> {
    if (scopes.length === 0) return true;
    const granted = await this.rows.countBy({ userId, clientId, scope: In([...scopes]) });
    return granted === new Set(scopes).size;
  }

  /** Adds the scopes to what the user granted; scopes granted before stay (one row per scope). */
  async grant(userId: string, clientId: string, scopes: readonly string[], at: Date): Promise<void> {
    if (scopes.length === 0) return;
    await this.rows
      .createQueryBuilder()
      .insert()
      .into(Consent)
      .values([...new Set(scopes)].map((scope) => ({ userId, clientId, scope, grantedAt: at })))
      .orIgnore()
      .execute();
  }
}
