import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { CryptoKey, JWK, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import { AppConfig } from '../../config/app-config';
import { addSeconds, Clock } from '../../common/clock';
import { PrivateKeySealer } from './private-key-sealer';
import { SigningKey } from './signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';

export interface ActiveSigner {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
}

export interface VerificationKey {
  readonly kid: string;
  readonly alg: string;
  readonly publicKey: CryptoKey;
  /** The same key as a node KeyObject, for libraries that take one (jose verifies with it). */
  readonly keyObject: KeyObject;
  readonly publicJwk: JWK;
}

// How often an instance re-reads the keys: a rotation on another instance takes effect here then.
const RELOAD_INTERVAL_MS = 10_000;
// An unknown `kid` triggers a reload at most this often, so forged kids cannot hammer the store.
const MISS_RELOAD_MIN_INTERVAL_MS = 1_000;

/**
 * The signing keys, held in memory. Generated at first start and kept in the store, so every
 * instance on one database signs and verifies with the same keys. Verification never touches
 * the database on the request path.
 */
@Injectable()
export class KeyStoreService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(KeyStoreService.name);
  private readonly sealer: PrivateKeySealer;
  private signer?: ActiveSigner;
  private verificationKeys = new Map<string, VerificationKey>();
  private jwksDocument: { keys: JWK[] } = { keys: [] };
  private lastReloadAt = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly keys: SigningKeysRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.sealer = new PrivateKeySealer(config.keyEncryptionKey);
  }

  async onModuleInit(): Promise<void> {
    await this.sealPlainKeys();
    await this.reload();
    if (!this.signer || this.signer.alg !== this.config.signingAlg) await this.rotate();
    this.timer = setInterval(() => void this.reload().catch((error) => this.logger.warn(`key reload failed: ${error}`)), RELOAD_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The key that signs new tokens. */
  activeSigner(): ActiveSigner {
    if (!this.signer) throw new Error('no signing key loaded');
    return this.signer;
  }

  /** The public key for `kid`; an unknown kid reloads the store at most once a second. */
  async verificationKey(kid: string): Promise<VerificationKey | undefined> {
    const known = this.verificationKeys.get(kid);
    if (known) return known;
    if (Date.now() - this.lastReloadAt < MISS_RELOAD_MIN_INTERVAL_MS) return undefined;
    await this.reload();
    return this.verificationKeys.get(kid);
  }

  /** Synchronous lookup for the hot path; undefined when the kid is not loaded. */
  cachedVerificationKey(kid: string): VerificationKey | undefined {
    return this.verificationKeys.get(kid);
  }

  /** RFC 7517 JWK Set of the keys still valid for verification: public parts only. */
  jwks(): { keys: JWK[] } {
    return this.jwksDocument;
  }

  /**
   * Makes a new key the signer. The previous signer is retired: it stays in the JWKS until
   * every token it signed has expired (ACCESS_TOKEN_TTL plus the clock skew).
   */
  async rotate(): Promise<JWK> {
    const now = this.clock.now();
    const alg = this.config.signingAlg;
    const pair = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
    const publicJwk = await exportJWK(pair.publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const retireUntil = addSeconds(now, this.config.accessTokenTtlSeconds + this.config.clockSkewSeconds);
    await this.keys.retireActive(now, retireUntil);
    await this.keys.insert({
      kid,
      alg,
      publicJwk: JSON.stringify({ ...publicJwk, kid, alg, use: 'sig' }),
      privateJwk: await this.sealer.seal(JSON.stringify(await exportJWK(pair.privateKey))),
      createdAt: now,
      retiredAt: null,
      expiresAt: null,
    });
    this.logger.log({ msg: 'signing key rotated', kid, alg });
    await this.reload();
    return this.verificationKeys.get(kid)!.publicJwk;
  }

  /**
   * Keys stored before KEY_ENCRYPTION_KEY was set are encrypted at the first start with it.
   * Each update is conditional on the plain value, so instances starting together agree.
   */
  private async sealPlainKeys(): Promise<void> {
    const plain = (await this.keys.all()).filter((row) => this.sealer.needsSealing(row.privateJwk));
    for (const row of plain) {
      await this.keys.replacePrivateJwk(row.kid, row.privateJwk, await this.sealer.seal(row.privateJwk));
    }
    if (plain.length > 0) this.logger.log({ msg: 'plain private signing keys encrypted with KEY_ENCRYPTION_KEY', count: plain.length });
  }

  /** Re-reads the keys: the newest unretired key signs; expired keys are dropped. */
  async reload(): Promise<void> {
    this.lastReloadAt = Date.now();
    const now = this.clock.now().getTime();
    const rows = (await this.keys.newestFirst()).filter(
      (row) => row.expiresAt === null || row.expiresAt.getTime() > now,
    );
    const verificationKeys = new Map<string, VerificationKey>();
    for (const row of rows) {
      verificationKeys.set(row.kid, this.verificationKeys.get(row.kid) ?? (await this.importPublic(row)));
    }
    const active = rows.find((row) => row.retiredAt === null);
    if (active && active.kid !== this.signer?.kid) {
      const privateJwk = JSON.parse(await this.sealer.open(active.privateJwk)) as JWK;
      this.signer = { kid: active.kid, alg: active.alg, privateKey: (await importJWK(privateJwk, active.alg)) as CryptoKey };
    }
    this.verificationKeys = verificationKeys;
    this.jwksDocument = { keys: [...verificationKeys.values()].map((key) => key.publicJwk) };
  }

  private async importPublic(row: SigningKey): Promise<VerificationKey> {
    const publicJwk = JSON.parse(row.publicJwk) as JWK;
    const publicKey = (await importJWK(publicJwk, row.alg)) as CryptoKey;
    return { kid: row.kid, alg: row.alg, publicKey, keyObject: KeyObject.from(publicKey), publicJwk };
  }
}
