import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { addSeconds, Clock } from '../../common/clock';
import { RandomSource } from '../../common/crypto/random';
import { PrivateKeySealer } from '../signing/private-key-sealer';
import { KEY_ID_BYTES } from './refresh-token-codec';
import { RefreshTokenKeysRepository } from './refresh-token-keys.repository';

export interface MacKey {
  readonly kid: string;
  readonly key: Buffer;
}

// How often an instance re-reads the keys: a rotation on another instance takes effect here then.
const RELOAD_INTERVAL_MS = 10_000;
// An unknown kid reloads at most this often, so forged kids cannot hammer the store.
const MISS_RELOAD_MIN_INTERVAL_MS = 1_000;

/**
 * The server keys that MAC refresh tokens, held in memory and kept in the store (sealed with
 * KEY_ENCRYPTION_KEY like the signing keys), so every instance on one database makes and
 * checks the same tokens. Generated at first start; rotatable.
 */
@Injectable()
export class RefreshTokenKeyRing implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RefreshTokenKeyRing.name);
  private readonly sealer: PrivateKeySealer;
  private active?: MacKey;
  private keys = new Map<string, MacKey>();
  private lastReloadAt = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly rows: RefreshTokenKeysRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {
    this.sealer = new PrivateKeySealer(config.keyEncryptionKey);
  }

  async onModuleInit(): Promise<void> {
    await this.sealPlainKeys();
    await this.reload();
    if (!this.active) await this.addKey();
    this.timer = setInterval(() => void this.reload().catch((error) => this.logger.warn(`refresh key reload failed: ${error}`)), RELOAD_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The key that makes new tokens. */
  activeKey(): MacKey {
    if (!this.active) throw new Error('no refresh token key loaded');
    return this.active;
  }

  /** Every key still valid. */
  validKeys(): MacKey[] {
    return [...this.keys.values()];
  }

  /** The key `kid` if it is loaded and still valid; never reads the store. */
  loadedKey(kid: string): MacKey | undefined {
    return this.keys.get(kid);
  }

  /**
   * The key `kid`, if it is still valid. An unknown kid reloads the store, at most once a second
   * unless the kid comes from the store itself: a client could send any kid.
   */
  async key(kid: string, source: 'token' | 'store' = 'token'): Promise<MacKey | undefined> {
    const known = this.keys.get(kid);
    if (known || (source === 'token' && Date.now() - this.lastReloadAt < MISS_RELOAD_MIN_INTERVAL_MS)) return known;
    await this.reload();
    return this.keys.get(kid);
  }

  /**
   * Makes a new key the one that makes tokens. The old keys keep verifying for the absolute
   * family lifetime: every family they made a token for has ended by then.
   */
  async rotate(): Promise<{ kid: string; created_at: number }> {
    const now = this.clock.now();
    const expiresAt = addSeconds(now, this.config.refreshTokenAbsoluteTtlSeconds + this.config.clockSkewSeconds);
    await this.rows.retireActive(now, expiresAt);
    const kid = await this.addKey();
    this.logger.log({ msg: 'refresh token key rotated', kid });
    return { kid, created_at: Math.floor(now.getTime() / 1000) };
  }

  /**
   * Keys stored before KEY_ENCRYPTION_KEY was set (the key carried over from the previous
   * release too) are encrypted at the first start with it. Each update is conditional on the
   * plain value, so instances starting together agree.
   */
  private async sealPlainKeys(): Promise<void> {
    const plain = (await this.rows.all()).filter((row) => this.sealer.needsSealing(row.secret));
    for (const row of plain) {
      await this.rows.replaceSecret(row.kid, row.secret, await this.sealer.seal(row.secret));
    }
    if (plain.length > 0) this.logger.log({ msg: 'plain refresh token keys encrypted with KEY_ENCRYPTION_KEY', count: plain.length });
  }

  /** Re-reads the keys: the newest unretired key makes tokens; expired keys are dropped. */
  async reload(): Promise<void> {
    this.lastReloadAt = Date.now();
    const now = this.clock.now().getTime();
    const rows = (await this.rows.newestFirst()).filter(
      (row) => row.expiresAt === null || row.expiresAt.getTime() > now,
    );
    const keys = new Map<string, MacKey>();
    for (const row of rows) {
      keys.set(row.kid, this.keys.get(row.kid) ?? { kid: row.kid, key: Buffer.from(await this.sealer.open(row.secret), 'base64url') });
    }
    const active = rows.find((row) => row.retiredAt === null);
    this.active = active ? keys.get(active.kid) : undefined;
    this.keys = keys;
  }

  private async addKey(): Promise<string> {
    const kid = this.random.bytes(KEY_ID_BYTES).toString('base64url');
    const secret = await this.sealer.seal(this.random.bytes(32).toString('base64url'));
    await this.rows.insert({ kid, secret, createdAt: this.clock.now(), retiredAt: null, expiresAt: null });
    await this.reload();
    return kid;
  }
}
