import { randomBytes } from 'node:crypto';

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

export class CryptoRandomSource extends RandomSource {
  bytes(length: number): Buffer {
    return randomBytes(length);
  }
}
