import { createHmac, hash, timingSafeEqual } from 'node:crypto';

/**
 * SHA-256 of a server-generated secret (refresh token, code, client secret, session id), as
 * base64url. A fast hash is right here: each input carries 256 bits of entropy, so no
 * dictionary or brute force applies, and a slow hash would only cap the token endpoint.
 * Passwords, which people choose, use argon2id instead (users/password-hasher.ts).
 */
export function sha256(value: string): string {
  // One-shot: no Hash object per call, which showed on every client authentication.
  return hash('sha256', value, 'base64url');
}

export function hmacSha256(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('base64url');
}

/** Compares two strings in time that depends only on their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    timingSafeEqual(left, left); // keep the time of a length mismatch close to a real compare
    return false;
  }
  return timingSafeEqual(left, right);
}
