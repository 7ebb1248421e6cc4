import { randomBytes, randomFillSync } from 'node:crypto';

/** Randomness behind every token, code, secret and id. An abstract class so tests can inject it. */
export abstract class RandomSource {
  abstract bytes(length: number): Buffer;

  /** 32 bytes (256 bits) as base64url: refresh tokens, codes, client secrets, session ids. */
  token(): string {
    return this.bytes(32).toString('base64url');
  }

  /** A shorter unguessable identifier (128 bits). */
  id(): string {
    return this.bytes(16).toString('base64url');
  }
}

/** How many bytes the CSPRNG is asked for at a time. */
const POOL_BYTES = 4096;

/**
 * Node's CSPRNG, drawn from a pool it refills 4 KiB at a time, as Node's own `randomUUID`
 * does: one call into OpenSSL per 4 KiB instead of one per token or id, which was a few
 * percent of a token request. Each draw is copied out and zeroed in the pool, so no byte is
 * handed out twice or kept after use.
 */
export class CryptoRandomSource extends RandomSource {
  private readonly pool = Buffer.alloc(POOL_BYTES);
  private offset = POOL_BYTES;

  bytes(length: number): Buffer {
    if (length > POOL_BYTES) return randomBytes(length);
    if (this.offset + length > POOL_BYTES) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const drawn = Buffer.from(this.pool.subarray(this.offset, this.offset + length));
    this.pool.fill(0, this.offset, this.offset + length);
    this.offset += length;
    return drawn;
  }
}
