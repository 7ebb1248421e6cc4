import { FindOptionsOrder, FindOptionsWhere, IsNull, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/** The columns every key table shares: the newest unretired key is used; retired ones verify until `expiresAt`. */
export interface RetiringKey {
  kid: string;
  createdAt: Date;
  retiredAt: Date | null;
  expiresAt: Date | null;
}

/** TypeORM cannot prove that a generic entity has the shared columns; the bound on `K` does. */
const changes = <K>(values: Partial<RetiringKey> | Record<string, string>) => values as unknown as QueryDeepPartialEntity<K>;

/**
 * A key table (`signing_keys`, `refresh_token_keys`): keys are added and retired, never
 * updated otherwise except to seal their secret at rest.
 */
export abstract class RetiringKeysRepository<K extends RetiringKey> {
  protected constructor(protected readonly keys: Repository<K>) {}

  /** Every stored key. */
  all(): Promise<K[]> {
    return this.keys.find();
  }

  /** Every stored key, newest first. */
  newestFirst(): Promise<K[]> {
    return this.keys.find({ order: { createdAt: 'DESC', kid: 'ASC' } as FindOptionsOrder<K> });
  }

  /** Retires the active key(s) at `now`; they verify until `expiresAt`. */
  async retireActive(now: Date, expiresAt: Date): Promise<void> {
    await this.keys.update({ retiredAt: IsNull() } as FindOptionsWhere<K>, changes<K>({ retiredAt: now, expiresAt }));
  }

  async insert(key: K): Promise<void> {
    await this.keys.insert(key as QueryDeepPartialEntity<K>);
  }

  /** Replaces `column` of `kid` only while it still holds `current`, so concurrent starts agree. */
  protected async replaceWhileUnchanged(kid: string, column: keyof K & string, current: string, next: string): Promise<void> {
    await this.keys.update({ kid, [column]: current } as FindOptionsWhere<K>, changes<K>({ [column]: next }));
  }
}
