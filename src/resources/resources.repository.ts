import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ChangeListener, ChangeListenerOptions } from '../database/change-listener';
import { Resource, ResourceRegistryVersion, ResourceScope } from './resource.entity';

/** PostgreSQL channel on which a registry change is announced. */
export const RESOURCES_CHANNEL = 'oauth_resources';

export interface ScopeDefinition {
  name: string;
  description: string;
}

/** A resource with its scopes, in their given order. */
export interface RegisteredResource {
  id: string;
  identifier: string;
  name: string;
  accessTokenTtlSeconds: number | null;
  scopes: ScopeDefinition[];
  createdAt: Date;
}

/** A write the store refused because a scope name or the identifier is taken. */
export class RegistryConflict extends Error {
  constructor(readonly what: string) {
    super(what);
  }
}

/**
 * The resources tables. Every change is one transaction that also bumps the registry version
 * (and, on PostgreSQL, notifies the other instances on commit): nothing half-written, and the
 * version row serializes writers, so the "scope already taken" check cannot race.
 */
@Injectable()
export class ResourcesRepository {
  /** sqlite shares one connection: its transactions (reads included) must not interleave. */
  private transactions: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Follows the changes of every instance (LISTEN on PostgreSQL, polling on sqlite); not yet started. */
  followChanges(options: Omit<ChangeListenerOptions, 'channel'>): ChangeListener {
    return new ChangeListener(this.config.database, { ...options, channel: RESOURCES_CHANNEL });
  }

  async version(): Promise<number> {
    const row = await this.dataSource.getRepository(ResourceRegistryVersion).findOneBy({ id: 1 });
    return row?.version ?? 0;
  }

  /** Everything, for the in-memory registry. */
  async loadAll(): Promise<{ version: number; resources: RegisteredResource[] }> {
    return this.serialized(() => this.dataSource.transaction(async (manager) => {
      const version = (await manager.findOneBy(ResourceRegistryVersion, { id: 1 }))?.version ?? 0;
      const resources = await manager.find(Resource, { order: { createdAt: 'ASC', id: 'ASC' } });
      const scopes = await manager.find(ResourceScope, { order: { position: 'ASC' } });
      return { version, resources: resources.map((resource) => assemble(resource, scopes)) };
    }));
  }

  /** Registers the resource with its scopes; `RegistryConflict` names what is taken. */
  async create(resource: Resource, scopes: ScopeDefinition[]): Promise<void> {
    // Checked before the transaction too: on sqlite a rollback would also undo the statements
    // other requests ran on the shared connection meanwhile, so a refusal must not need one.
    await this.assertFree(this.dataSource.manager, resource.id, resource.identifier, scopes);
    return this.write(async (manager) => {
      await this.assertFree(manager, resource.id, resource.identifier, scopes);
      await manager.insert(Resource, resource);
      await this.insertScopes(manager, resource.id, scopes);
    });
  }

  /** Changes a resource; `scopes`, when given, replaces its scope list. False when it does not exist. */
  async update(id: string, changes: Partial<Pick<Resource, 'identifier' | 'name' | 'accessTokenTtlSeconds' | 'updatedAt'>>, scopes?: ScopeDefinition[]): Promise<boolean> {
    await this.assertFree(this.dataSource.manager, id, changes.identifier, scopes ?? []);
    return this.write(async (manager) => {
      if (!(await manager.existsBy(Resource, { id }))) return false;
      await this.assertFree(manager, id, changes.identifier, scopes ?? []);
      await manager.update(Resource, { id }, changes);
      if (scopes) {
        await manager.delete(ResourceScope, { resourceId: id });
        await this.insertScopes(manager, id, scopes);
      }
      return true;
    });
  }

  delete(id: string): Promise<boolean> {
    return this.write(async (manager) => {
      await manager.delete(ResourceScope, { resourceId: id });
      return ((await manager.delete(Resource, { id })).affected ?? 0) > 0;
    });
  }

  /**
   * Runs `seed` once per store: only the instance that moves the version from 0 seeds, and
   * an operator who later deletes the seeded resource does not see it come back.
   */
  seedOnce(resource: Omit<Resource, 'scopes'>, scopes: ScopeDefinition[]): Promise<boolean> {
    return this.write(async (manager) => {
      const claimed = await manager.createQueryBuilder().update(ResourceRegistryVersion).set({ version: 1 }).where('id = 1 AND version = 0').execute();
      if (claimed.affected !== 1) return false;
      await manager.insert(Resource, resource);
      await manager.insert(ResourceScope, scopes.map((scope, position) => ({ ...scope, resourceId: resource.id, position })));
      return true;
    }, false);
  }

  /** One transaction that bumps the version and announces the change on commit. */
  private write<T>(change: (manager: EntityManager) => Promise<T>, bump = true): Promise<T> {
    return this.serialized(() =>
      this.dataSource.transaction(async (manager) => {
        // First, so concurrent writers on PostgreSQL queue on the row lock.
        if (bump) await manager.createQueryBuilder().update(ResourceRegistryVersion).set({ version: () => 'version + 1' }).where('id = 1').execute();
        const result = await change(manager);
        if (this.dataSource.options.type === 'postgres') await manager.query('SELECT pg_notify($1, $2)', [RESOURCES_CHANNEL, '']);
        return result;
      }),
    );
  }

  /** Runs `transaction` after every earlier one of this repository has ended. */
  private serialized<T>(transaction: () => Promise<T>): Promise<T> {
    const run = this.transactions.then(transaction);
    this.transactions = run.catch(() => undefined);
    return run;
  }

  private async assertFree(manager: EntityManager, id: string, identifier: string | undefined, scopes: ScopeDefinition[]): Promise<void> {
    if (identifier !== undefined) {
      const holder = await manager.findOneBy(Resource, { identifier });
      if (holder && holder.id !== id) throw new RegistryConflict(`identifier ${identifier} is already registered`);
    }
    if (scopes.length === 0) return;
    const taken = await manager.find(ResourceScope, { where: { name: In(scopes.map((scope) => scope.name)) } });
    const other = taken.filter((scope) => scope.resourceId !== id);
    if (other.length > 0) throw new RegistryConflict(`scope ${other.map((scope) => scope.name).join(', ')} belongs to another resource`);
  }

  private async insertScopes(manager: EntityManager, resourceId: string, scopes: ScopeDefinition[]): Promise<void> {
    if (scopes.length === 0) return;
    // In chunks: a statement has a bounded number of parameters.
    const rows = scopes.map((scope, position) => ({ name: scope.name, description: scope.description, resourceId, position }));
    for (let start = 0; start < rows.length; start += 100) await manager.insert(ResourceScope, rows.slice(start, start + 100));
  }
}

function assemble(resource: Resource, scopes: ResourceScope[]): RegisteredResource {
  return {
    id: resource.id,
    identifier: resource.identifier,
    name: resource.name,
    accessTokenTtlSeconds: resource.accessTokenTtlSeconds,
    scopes: scopes.filter((scope) => scope.resourceId === resource.id).map(({ name, description }) => ({ name, description })),
    createdAt: resource.createdAt,
  };
}
