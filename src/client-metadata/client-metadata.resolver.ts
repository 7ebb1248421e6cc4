import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import type { Client } from '../clients/client.entity';
import { ResourceRegistry } from '../resources/resource-registry';
import { clientIdUrlProblem, hostListProblem } from './client-id-url';
import { ClientKeySource, clientFromDocument, documentKeySource, InvalidDocument } from './client-metadata-document';
import { FetchRefused, GuardedFetch } from './guarded-fetch';

/** Cache-Control is honoured within these bounds: often enough to see changes, rarely enough not to be a relay. */
const MIN_CACHE_SECONDS = 60;
const MAX_CACHE_SECONDS = 24 * 3600;
const DEFAULT_CACHE_SECONDS = 300;
const MAX_CACHED_DOCUMENTS = 1000;

/** How long a document may be kept, from its Cache-Control header; 0: not at all. */
export function cacheSeconds(cacheControl: string | undefined): number {
  const directives = (cacheControl ?? '').toLowerCase();
  if (/(^|[\s,])(no-store|no-cache)([\s,]|$)/.test(directives)) return 0;
  const maxAge = /(?:^|[\s,])max-age=(\d+)/.exec(directives);
  if (!maxAge) return DEFAULT_CACHE_SECONDS;
  return Math.min(MAX_CACHE_SECONDS, Math.max(MIN_CACHE_SECONDS, Number(maxAge[1])));
}

/**
 * Clients named by a Client ID Metadata Document URL: fetched through the SSRF guard,
 * validated, and kept for as long as the document's Cache-Control allows (within bounds).
 * A document that cannot be fetched or used makes the client unknown: `null`.
 */
@Injectable()
export class ClientMetadataResolver {
  private readonly logger = new Logger(ClientMetadataResolver.name);
  private readonly cache = new Map<string, { client: Client; expiresAt: number }>();
  /** One fetch per URL at a time, however many requests name it. */
  private readonly inFlight = new Map<string, Promise<Client | null>>();
  /** The key source of each `private_key_jwt` client this resolver made, for as long as the client object lives. */
  private readonly keySources = new WeakMap<Client, ClientKeySource>();

  constructor(
    private readonly config: AppConfig,
    private readonly fetcher: GuardedFetch,
    private readonly registry: ResourceRegistry,
    private readonly clock: Clock,
  ) {}

  get isEnabled(): boolean {
    return this.config.clientIdMetadata.enabled;
  }

  async resolve(clientId: string): Promise<Client | null> {
    if (!this.isEnabled) return null;
    const now = this.clock.now().getTime();
    const cached = this.cache.get(clientId);
    if (cached && cached.expiresAt > now) return cached.client;
    const pending = this.inFlight.get(clientId) ?? this.load(clientId).finally(() => this.inFlight.delete(clientId));
    this.inFlight.set(clientId, pending);
    return pending;
  }

  private async load(clientId: string): Promise<Client | null> {
    const { allowHttpLoopback } = this.config.clientIdMetadata;
    try {
      const problem = clientIdUrlProblem(clientId, allowHttpLoopback);
      if (problem) throw new InvalidDocument(`client_id ${problem}`);
      const url = new URL(clientId);
      const hostProblem = hostListProblem(url, this.config.clientIdMetadata, true);
      if (hostProblem) throw new InvalidDocument(hostProblem);
      const fetched = await this.fetcher.json(url, { allowHttpLoopback });
      const now = this.clock.now();
      const client = clientFromDocument(clientId, fetched.body, (scope) => this.registry.isKnownScope(scope), this.registry.scopesSupported().join(' '), now);
      if (client.tokenEndpointAuthMethod === 'private_key_jwt') this.keySources.set(client, documentKeySource(fetched.body as Record<string, unknown>));
      this.remember(clientId, client, now.getTime() + cacheSeconds(fetched.cacheControl) * 1000);
      return client;
    } catch (error) {
      if (!(error instanceof InvalidDocument || error instanceof FetchRefused)) throw error;
      this.cache.delete(clientId);
      this.logger.warn({ clientId: clientId.slice(0, 200), reason: error.message }, 'client metadata document refused');
      return null;
    }
  }

  /** Where the public keys of a `private_key_jwt` client returned by `resolve` are; undefined for any other client. */
  keySourceOf(client: Client): ClientKeySource | undefined {
    return this.keySources.get(client);
  }

  private remember(clientId: string, client: Client, expiresAt: number): void {
    if (expiresAt <= this.clock.now().getTime()) return;
    this.cache.delete(clientId);
    if (this.cache.size >= MAX_CACHED_DOCUMENTS) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(clientId, { client, expiresAt });
  }
}
