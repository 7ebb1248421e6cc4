import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { Clock } from '../common/clock';
import { RandomSource } from '../common/crypto/random';
import { isServerScope, SERVER_SCOPES } from '../common/scopes';
import { AppConfig } from '../config/app-config';
import { Resource, ResourceScope } from './resource.entity';
import { RegisteredResource, RESOURCES_CHANNEL, ResourcesRepository } from './resources.repository';

/** sqlite has no push: poll the version this often, so another instance's change lands within the second. */
const SQLITE_POLL_MS = 200;
/** On PostgreSQL NOTIFY pushes; the poll only covers a dropped listener connection. */
const POSTGRES_SAFETY_POLL_MS = 5_000;
const LISTEN_RETRY_MAX_MS = 10_000;

/** The resource API this server serves itself, registered at first start. */
export const BUILT_IN_SCOPES = [
  { name: 'notes:read', description: 'Read your notes' },
  { name: 'notes:write', description: 'Create and delete your notes' },
];

/**
 * This instance's copy of the resource registry, read without I/O by discovery, the consent
 * page, client registration and the token endpoint. It follows the store as the deny list
 * follows the revocation log: a version row bumped by every change, announced by NOTIFY on
 * PostgreSQL and polled on sqlite.
 */
@Injectable()
export class ResourceRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ResourceRegistry.name);
  private resources: RegisteredResource[] = [];
  private byIdentifierMap = new Map<string, RegisteredResource>();
  private ownerByScope = new Map<string, RegisteredResource>();
  private descriptions = new Map<string, string>();
  private version = -1;
  private reloading?: Promise<void>;
  private reloadAgain = false;
  private timers: NodeJS.Timeout[] = [];
  private listener?: PgClient;
  private listenRetryMs = 250;
  private stopped = false;

  constructor(
    private readonly repository: ResourcesRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.seedBuiltInApi();
    await this.reload();
    const postgres = this.config.database.type === 'postgres';
    if (postgres) await this.listen();
    this.every(postgres ? POSTGRES_SAFETY_POLL_MS : SQLITE_POLL_MS, () => this.refreshIfStale());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    await this.listener?.end().catch(() => undefined);
    await this.reloading;
  }

  /** Every registered resource, oldest first. */
  all(): readonly RegisteredResource[] {
    return this.resources;
  }

  findById(id: string): RegisteredResource | undefined {
    return this.resources.find((resource) => resource.id === id);
  }

  byIdentifier(identifier: string): RegisteredResource | undefined {
    return this.byIdentifierMap.get(identifier);
  }

  /** The resource a scope belongs to; undefined for the server's own scopes and unknown ones. */
  ownerOf(scope: string): RegisteredResource | undefined {
    return this.ownerByScope.get(scope);
  }

  /** A scope a client may be registered with: the server's own, or a registered resource's. */
  isKnownScope(scope: string): boolean {
    return isServerScope(scope) || this.ownerByScope.has(scope);
  }

  /** The sentence the consent page shows for a scope. */
  describe(scope: string): string | undefined {
    return this.descriptions.get(scope);
  }

  /** Discovery's `scopes_supported`: the server's scopes, then every resource's. */
  scopesSupported(): string[] {
    return [...Object.keys(SERVER_SCOPES), ...this.resources.flatMap((resource) => resource.scopes.map((scope) => scope.name))];
  }

  /** Reads the store again now, after a change on this instance; concurrent calls fold into one more read. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.reloadAgain = false;
          this.apply(await this.repository.loadAll());
        } while (this.reloadAgain && !this.stopped);
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  private apply({ version, resources }: { version: number; resources: RegisteredResource[] }): void {
    this.version = version;
    this.resources = resources;
    this.byIdentifierMap = new Map(resources.map((resource) => [resource.identifier, resource]));
    this.ownerByScope = new Map(resources.flatMap((resource) => resource.scopes.map((scope) => [scope.name, resource] as const)));
    this.descriptions = new Map<string, string>([
      ...Object.entries(SERVER_SCOPES),
      ...resources.flatMap((resource) => resource.scopes.map((scope) => [scope.name, scope.description] as const)),
    ]);
  }

  private async refreshIfStale(): Promise<void> {
    try {
      if ((await this.repository.version()) !== this.version) await this.reload();
    } catch (error) {
      this.logger.warn(`resource registry read failed: ${String(error)}`);
    }
  }

  /** Existing deployments keep working: the notes API is an ordinary resource, registered once. */
  private async seedBuiltInApi(): Promise<void> {
    const now = this.clock.now();
    const seeded = await this.repository.seedOnce(async (manager) => {
      const id = this.random.id();
      await manager.insert(Resource, { id, identifier: this.config.accessTokenAudience, name: 'Notes API', accessTokenTtlSeconds: null, createdAt: now, updatedAt: now });
      await manager.insert(ResourceScope, BUILT_IN_SCOPES.map((scope, position) => ({ ...scope, resourceId: id, position })));
    });
    if (seeded) this.logger.log({ msg: 'registered the built-in resource API', identifier: this.config.accessTokenAudience });
  }

  /** A dedicated connection that LISTENs; on loss it reconnects with backoff and reloads. */
  private async listen(): Promise<void> {
    const database = this.config.database;
    if (database.type !== 'postgres' || this.stopped) return;
    const client = new PgClient({
      connectionString: database.url,
      application_name: `oauth-resources-${randomBytes(4).toString('hex')}`,
      ...(database.schema ? { options: `-c search_path=${database.schema}` } : {}),
    });
    let lost = false;
    const onLost = (reason: string) => {
      if (lost || this.stopped) return;
      lost = true;
      this.logger.warn(`resource registry listener lost: ${reason}`);
      void client.end().catch(() => undefined);
      this.listener = undefined;
      const timer = setTimeout(() => void this.listen(), this.listenRetryMs);
      timer.unref();
      this.listenRetryMs = Math.min(this.listenRetryMs * 2, LISTEN_RETRY_MAX_MS);
    };
    client.on('notification', () => void this.reload().catch((error: unknown) => this.logger.warn(`resource registry read failed: ${String(error)}`)));
    client.on('error', (error) => onLost(error.message));
    client.on('end', () => onLost('connection ended'));
    try {
      await client.connect();
      await client.query(`LISTEN ${RESOURCES_CHANNEL}`);
      this.listener = client;
      this.listenRetryMs = 250;
      void this.refreshIfStale();
    } catch (error) {
      onLost(`could not start: ${String(error)}`);
    }
  }

  private every(intervalMs: number, task: () => unknown): void {
    const timer = setInterval(() => void task(), intervalMs);
    timer.unref();
    this.timers.push(timer);
  }
}
