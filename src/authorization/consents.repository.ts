import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { RawStatement } from '../database/raw-sql';
import { Consent } from './consent.entity';

/** Remembered consent: which scopes a user granted to which client. */
@Injectable()
export class ConsentsRepository implements BeforeApplicationShutdown {
  // Every authorization request with a session asks: one statement, whatever the scopes, prepared once.
  private readonly grantedScopes: RawStatement<{ scope: string }>;

  constructor(@InjectRepository(Consent) private readonly rows: Repository<Consent>) {
    this.grantedScopes = new RawStatement(rows.manager.connection, 'SELECT scope FROM consents WHERE user_id = ? AND client_id = ?');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.grantedScopes.finalize();
  }

  /** True when the user already granted every one of `scopes` to the client. */
  async covers(userId: string, clientId: string, scopes: readonly string[]): Promise<boolean> {
    if (scopes.length === 0) return true;
    const granted = new Set((await this.grantedScopes.rows([userId, clientId])).map((row) => row.scope));
    return scopes.every((scope) => granted.has(scope));
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
