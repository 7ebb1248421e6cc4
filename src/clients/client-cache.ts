import type { Client } from './client.entity';

/**
 * Client rows for the token, introspection and revocation endpoints, kept a few seconds so a
 * busy client costs no query per request. Changes made through this instance take effect at
 * once; changes made on another instance sharing the store within `ttlMs`.
 */
export class ClientCache {
  private readonly entries = new Map<string, { client: Client; expiresAtMs: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(clientId: string, nowMs = performance.now()): Client | undefined {
    const entry = this.entries.get(clientId);
    if (!entry) return undefined;
    if (entry.expiresAtMs > nowMs) return entry.client;
    this.entries.delete(clientId);
    return undefined;
  }

  set(client: Client, nowMs = performance.now()): void {
    // Map keeps insertion order: past the bound, the oldest entry goes.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(client.clientId, { client, expiresAtMs: nowMs + this.ttlMs });
  }

  invalidate(clientId: string): void {
    this.entries.delete(clientId);
  }
}
