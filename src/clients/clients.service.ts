import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { addSeconds, Clock } from '../common/clock';
import { RandomSource } from '../common/crypto/random';
import { Client, GrantType, TokenEndpointAuthMethod } from './client.entity';
import { DenyListService } from '../revocation-log/deny-list.service';
import { RevocationLogService } from '../revocation-log/revocation-log.service';
import { ClientCache } from './client-cache';
import { ClientsRepository } from './clients.repository';
import { hashClientSecret } from './client-secrets';
import { ClientMetadataResolver } from '../client-metadata/client-metadata.resolver';
import { looksLikeClientIdUrl } from '../client-metadata/client-id-url';

/**
 * How long a cached client row is trusted. A change made anywhere reaches every instance's
 * cache sooner, through the revocation log (`announceChange`); this bounds a missed one.
 */
const CLIENT_CACHE_TTL_MS = 5000;
const CHANGE_PREFIX = 'client:';

export interface ClientMetadata {
  clientName: string;
  redirectUris: string[];
  grantTypes: GrantType[];
  scope: string;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  skipConsent: boolean;
  // OIDC and RFC 7591 metadata; missing reads as the default.
  responseTypes?: string[];
  postLogoutRedirectUris?: string[];
  backchannelLogoutUri?: string | null;
  backchannelLogoutSessionRequired?: boolean;
  clientUri?: string | null;
  logoUri?: string | null;
  policyUri?: string | null;
  tosUri?: string | null;
  contacts?: string[];
}

/** A client with the secret that was just generated for it; the only time a secret is seen. */
export interface ClientWithSecret {
  client: Client;
  clientSecret?: string;
}

/** Registration and lifecycle of clients. Secrets leave this service once, and are stored hashed. */
@Injectable()
export class ClientsService implements OnModuleInit {
  private readonly cache = new ClientCache(CLIENT_CACHE_TTL_MS);

  constructor(
    private readonly clients: ClientsRepository,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly config: AppConfig,
    private readonly log: RevocationLogService,
    private readonly denyList: DenyListService,
    private readonly metadataDocuments: ClientMetadataResolver,
  ) {}

  onModuleInit(): void {
    // A client changed or deleted on any instance: drop this instance's copy.
    this.denyList.onChange((subject) => {
      if (subject.startsWith(CHANGE_PREFIX)) this.cache.invalidate(subject.slice(CHANGE_PREFIX.length));
    });
  }

  /** `registration`: a client registering itself (RFC 7591), with the hash of its registration access token. */
  async create(metadata: ClientMetadata, registration?: { registrationAccessTokenHash: string }): Promise<ClientWithSecret> {
    const now = this.clock.now();
    const clientSecret = metadata.tokenEndpointAuthMethod === 'none' ? undefined : this.random.token();
    const client = this.clients.build({
      ...metadata,
      origin: registration ? 'registration' : 'admin',
      registrationAccessTokenHash: registration?.registrationAccessTokenHash ?? null,
      clientId: this.random.id(),
      secretHash: clientSecret ? hashClientSecret(clientSecret) : null,
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.clients.insert(client);
    return { client, clientSecret };
  }

  findById(clientId: string): Promise<Client | null> {
    return this.clients.findById(clientId);
  }

  /**
   * A client that may take part in a flow: a registered one, or one named by the URL of its
   * Client ID Metadata Document (fetched, never stored). The caller must not change it.
   */
  findUsable(clientId: string): Promise<Client | null> {
    return this.findForAuthentication(clientId);
  }

  /**
   * `findById` for client authentication on the hot path: served from a short-lived cache
   * (metadata-document clients from theirs). The caller must not change the returned row.
   */
  async findForAuthentication(clientId: string): Promise<Client | null> {
    if (looksLikeClientIdUrl(clientId)) return this.metadataDocuments.resolve(clientId);
    const cached = this.cache.get(clientId);
    if (cached) return cached;
    const client = await this.findById(clientId);
    if (client) this.cache.set(client);
    return client;
  }

  /** A page of clients, oldest first. */
  async list(offset: number, limit: number): Promise<{ items: Client[]; total: number }> {
    return this.clients.page(offset, limit);
  }

  /** Applies a partial update; null when there is no such client. */
  async update(clientId: string, changes: Partial<ClientMetadata>): Promise<Client | null> {
    this.cache.invalidate(clientId);
    const client = await this.findById(clientId);
    if (!client) return null;
    Object.assign(client, changes, { updatedAt: this.clock.now() });
    if (client.tokenEndpointAuthMethod === 'none') {
      client.secretHash = null;
      client.previousSecretHash = null;
      client.previousSecretExpiresAt = null;
    }
    await this.clients.save(client);
    await this.announceChange(clientId);
    return client;
  }

  /**
   * Issues a new secret. The old one keeps working for CLIENT_SECRET_ROTATION_OVERLAP seconds
   * (or `overlapSeconds`), so a deployment can roll out the new one without downtime.
   * Null when there is no such client; `'conflict'` when another rotation changed the secret
   * first (one conditional update decides, so two racing rotations never both "win").
   */
  async rotateSecret(clientId: string, overlapSeconds?: number): Promise<ClientWithSecret | 'conflict' | null> {
    this.cache.invalidate(clientId);
    const client = await this.findById(clientId);
    if (!client) return null;
    const now = this.clock.now();
    const overlap = overlapSeconds ?? this.config.clientSecretRotationOverlapSeconds;
    const clientSecret = this.random.token();
    const changes = {
      secretHash: hashClientSecret(clientSecret),
      previousSecretHash: overlap > 0 ? client.secretHash : null,
      previousSecretExpiresAt: overlap > 0 ? addSeconds(now, overlap) : null,
      updatedAt: now,
    };
    if (!(await this.clients.updateIfSecretIs(clientId, client.secretHash, changes))) return (await this.findById(clientId)) ? 'conflict' : null;
    await this.announceChange(clientId);
    return { client: Object.assign(client, changes), clientSecret };
  }

  /** True when a client was deleted. */
  async delete(clientId: string): Promise<boolean> {
    this.cache.invalidate(clientId);
    const deleted = await this.clients.delete(clientId);
    if (deleted) await this.announceChange(clientId);
    return deleted;
  }

  /** Written after the change is stored, so an instance that re-reads the row sees the new one. */
  private async announceChange(clientId: string): Promise<void> {
    this.cache.invalidate(clientId);
    await this.log.announceChange(`${CHANGE_PREFIX}${clientId}`);
  }

  /** The clients registered with at least one of `scopes` (few clients: filtered here, not in SQL). */
  async registeredWithAnyScope(scopes: string[]): Promise<Array<{ clientId: string; clientName: string; scopes: string[] }>> {
    const wanted = new Set(scopes);
    const rows = await this.clients.scopesOfAll();
    return rows
      .map((client) => ({ clientId: client.clientId, clientName: client.clientName, scopes: client.scope.split(' ').filter(Boolean) }))
      .filter((client) => client.scopes.some((scope) => wanted.has(scope)));
  }
}
