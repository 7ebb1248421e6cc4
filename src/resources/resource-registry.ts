import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { RandomSource } from '../common/crypto/random';
import { isServerScope, SERVER_SCOPES } from '../common/scopes';
import { AppConfig } from '../config/app-config';
import { ChangeListener } from '../database/change-listener';
import { RegisteredResource, ResourcesRepository } from './resources.repository';

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
  private readonly changes: ChangeListener;
  private stopped = false;

  constructor(
    private readonly repository: ResourcesRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {
    this.changes = repository.followChanges({
      what: 'resource registry',
      logger: this.logger,
      applicationNamePrefix: 'oauth-resources',
      onNotification: () => void this.reload().catch((error: unknown) => this.logger.warn(`resource registry read failed: ${String(error)}`)),
      onListening: () => void this.refreshIfStale(),
      poll: () => this.refreshIfStale(),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.seedBuiltInApi();
    await this.reload();
    await this.changes.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.changes.stop();
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
    const seeded = await this.repository.seedOnce(
      { id: this.random.id(), identifier: this.config.accessTokenAudience, name: 'Notes API', accessTokenTtlSeconds: null, createdAt: now, updatedAt: now },
      BUILT_IN_SCOPES,
    );
    if (seeded) this.logger.log({ msg: 'registered the built-in resource API', identifier: this.config.accessTokenAudience });
  }
}
