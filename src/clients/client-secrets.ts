import { constantTimeEqual, sha256 } from '../common/crypto/hashing';
import type { Client } from './client.entity';

/**
 * Client secrets are 32 random bytes (256 bits) shown once and stored as SHA-256. A fast hash
 * is right for a random 256-bit secret: there is no dictionary to try, and a slow hash would
 * only cap the token endpoint. Comparison is constant-time.
 */
export function hashClientSecret(secret: string): string {
  return sha256(secret);
}

/** The current secret, or the previous one while its rotation overlap lasts. */
export function clientSecretMatches(client: Client, secret: string, now: Date): boolean {
  const presented = hashClientSecret(secret);
  const current = client.secretHash !== null && constantTimeEqual(presented, client.secretHash);
  const previous =
    client.previousSecretHash !== null &&
    client.previousSecretExpiresAt !== null &&
    client.previousSecretExpiresAt.getTime() > now.getTime() &&
    constantTimeEqual(presented, client.previousSecretHash);
  return current || previous;
}
