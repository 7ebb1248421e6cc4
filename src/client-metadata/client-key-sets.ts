import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { hostListProblem } from './client-id-url';
import { ClientKeySource, keySetProblem } from './client-metadata-document';
import { cacheSeconds } from './client-metadata.resolver';
import { FetchRefused, GuardedFetch } from './guarded-fetch';

type KeySet = { keys: Array<Record<string, unknown>> };

const MAX_CACHED_KEY_SETS = 1000;

/**
 * A cached key set is fetched again early, for an assertion whose `kid` it lacks (the client
 * rotated its keys), once it is this old: a client's rotation is seen within a minute, and a
 * stream of made-up `kid`s costs its `jwks_uri` at most one request a minute.
 */
export const REFETCH_AFTER_SECONDS = 60;

/** A key set that cannot be had; the message is safe to log. */
export class KeySetUnavailable extends Error {}

/**
 * The public keys of `private_key_jwt` clients named by metadata documents: inline `jwks` as
 * they are, `jwks_uri` fetched through the SSRF guard (same limits as documents, the host
 * deny list applies) and kept per its Cache-Control within the documents' bounds.
 */
@Injectable()
export class ClientKeySets {
  private readonly logger = new Logger(ClientKeySets.name);
  private readonly cache = new Map<string, { keys: KeySet; fetchedAt: number; expiresAt: number }>();
  private readonly inFlight = new Map<string, Promise<KeySet>>();

  constructor(
    private readonly config: AppConfig,
    private readonly fetcher: GuardedFetch,
    private readonly clock: Clock,
  ) {}

  /**
   * The key set, or `KeySetUnavailable`. `lacksKey`: the cached set did not have the key an
   * assertion names; it is fetched again if it is at least REFETCH_AFTER_SECONDS old.
   */
  async keySet(source: ClientKeySource, options: { lacksKey?: boolean } = {}): Promise<KeySet> {
    if ('jwks' in source) return source.jwks;
    const now = this.clock.now().getTime();
    const cached = this.cache.get(source.jwksUri);
    const refetch = options.lacksKey === true && cached !== undefined && now - cached.fetchedAt >= REFETCH_AFTER_SECONDS * 1000;
    if (cached && cached.expiresAt > now && !refetch) return cached.keys;
    const pending = this.inFlight.get(source.jwksUri) ?? this.load(source.jwksUri).finally(() => this.inFlight.delete(source.jwksUri));
    this.inFlight.set(source.jwksUri, pending);
    return pending;
  }

  private async load(uri: string): Promise<KeySet> {
    try {
      const url = new URL(uri);
      const hostProblem = hostListProblem(url, this.config.clientIdMetadata, false);
      if (hostProblem) throw new KeySetUnavailable(hostProblem);
      const fetched = await this.fetcher.json(url, { allowHttpLoopback: this.config.clientIdMetadata.allowHttpLoopback });
      const problem = keySetProblem(fetched.body);
      if (problem) throw new KeySetUnavailable(`the key set ${problem}`);
      const keys = fetched.body as KeySet;
      const fetchedAt = this.clock.now().getTime();
      const expiresAt = fetchedAt + cacheSeconds(fetched.cacheControl) * 1000;
      this.cache.delete(uri);
      if (expiresAt > fetchedAt) {
        if (this.cache.size >= MAX_CACHED_KEY_SETS) this.cache.delete(this.cache.keys().next().value as string);
        this.cache.set(uri, { keys, fetchedAt, expiresAt });
      }
      return keys;
    } catch (error) {
      if (!(error instanceof KeySetUnavailable || error instanceof FetchRefused || error instanceof TypeError)) throw error;
      this.cache.delete(uri);
      this.logger.warn({ jwksUri: uri.slice(0, 200), reason: error.message }, 'client key set refused');
      throw new KeySetUnavailable(error.message);
    }
  }
}
