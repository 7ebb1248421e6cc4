import { CompactEncrypt, compactDecrypt } from 'jose';

const SEALED_PREFIX = 'enc:';

/**
 * Encrypts private JWKs at rest (JWE, `dir` + A256GCM) when KEY_ENCRYPTION_KEY is set; a
 * database dump then leaks no signing key. Without the key, JWKs are stored as JSON.
 */
export class PrivateKeySealer {
  constructor(private readonly key?: Buffer) {}

  async seal(jwkJson: string): Promise<string> {
    if (!this.key) return jwkJson;
    const jwe = await new CompactEncrypt(new TextEncoder().encode(jwkJson))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(this.key);
    return SEALED_PREFIX + jwe;
  }

  /** True when `stored` is plain text that this sealer would encrypt: a key was set after it was stored. */
  needsSealing(stored: string): boolean {
    return this.key !== undefined && !stored.startsWith(SEALED_PREFIX);
  }

  async open(stored: string): Promise<string> {
    if (!stored.startsWith(SEALED_PREFIX)) return stored;
    if (!this.key) throw new Error('a signing key is encrypted but KEY_ENCRYPTION_KEY is not set');
    const { plaintext } = await compactDecrypt(stored.slice(SEALED_PREFIX.length), this.key);
    return new TextDecoder().decode(plaintext);
  }
}
