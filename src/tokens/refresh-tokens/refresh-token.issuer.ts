import { Injectable } from '@nestjs/common';
import { hmacSha256, sha256 } from '../../common/crypto/hashing';
import { RandomSource } from '../../common/crypto/random';
import { KnownFamilies } from './known-families';
import { decodeRefreshToken, encodeRefreshToken, macMatches } from './refresh-token-codec';
import { RefreshTokenKeyRing } from './refresh-token-key-ring';
import { TokenFamiliesRepository } from './token-families.repository';
import { TokenFamily } from './token-family.entity';

// Tokens of the old form were 32 random bytes in base64url.
const OLD_FORM = /^[A-Za-z0-9_-]{43}$/;

/** A refresh token this server made, with the family it belongs to. */
export interface PresentedRefreshToken {
  family: TokenFamily;
  /**
   * The generation it proves. The family's live token has `liveGeneration(family)`; an older
   * one is spent. Old-form tokens count back from 0: the live one of a family that has not
   * switched yet is 0 and the one it replaced -1; once the family has switched, its last
   * old-form token is 0 and any earlier one -1.
   */
  generation: number;
  /** Old form only: its hash, which the switch to the new form compares. */
  oldTokenHash?: string;
}

/** The generation whose token is live (0 for an old-form family that has not rotated since). */
export function liveGeneration(family: TokenFamily): number {
  return family.generation ?? 0;
}

/**
 * Makes and recognises refresh tokens: a token carries its family id and generation, and a MAC
 * under a server key and the family's secret proves them (refresh-token-codec.ts). Nothing is
 * stored per token: a family's live token is the one of its current generation, and any token
 * of it can be recomputed, so a retry within the grace gets exactly the same successor.
 */
@Injectable()
export class RefreshTokenIssuer {
  constructor(
    private readonly families: TokenFamiliesRepository,
    private readonly keys: RefreshTokenKeyRing,
    private readonly random: RandomSource,
    private readonly known: KnownFamilies,
  ) {}

  /** What a new family stores, and its first token (generation 0). */
  firstToken(familyId: string): { token: string; tokenSecret: string; tokenKeyId: string } {
    const key = this.keys.activeKey();
    const tokenSecret = this.random.token();
    return { token: encodeRefreshToken(key.key, key.kid, familyId, 0, tokenSecret), tokenSecret, tokenKeyId: key.kid };
  }

  /**
   * The family and generation a token proves, or undefined for anything this server did not
   * make: wrong shape, unknown key, unknown family, a MAC that does not match, a generation
   * not issued yet. Such a token names nothing; it must never revoke the family it names.
   */
  async recognise(token: string): Promise<PresentedRefreshToken | undefined> {
    const claim = decodeRefreshToken(token);
    if (claim) {
      // One read by primary key; the MAC is checked before anything in the row is believed.
      const family = await this.families.findById(claim.familyId);
      if (family?.tokenSecret == null || family.generation === null) return undefined;
      // A kid the row names is real (made on another instance, perhaps just now): always looked up.
      const key = await this.keys.key(claim.keyId, family.tokenKeyId === claim.keyId ? 'store' : 'token');
      if (!key || !macMatches(claim, key.key, family.tokenSecret)) return undefined;
      if (claim.generation > family.generation) return undefined;
      this.known.remember(family);
      return { family, generation: claim.generation };
    }
    if (!OLD_FORM.test(token)) return undefined;
    const oldTokenHash = sha256(token);
    const family = await this.families.findByOldTokenHash(oldTokenHash);
    if (!family) return undefined;
    if (family.generation === null) {
      const generation = family.currentTokenHash === oldTokenHash ? 0 : family.previousTokenHash === oldTokenHash ? -1 : -2;
      return { family, generation, oldTokenHash };
    }
    return { family, generation: family.previousTokenHash === oldTokenHash ? 0 : -1, oldTokenHash };
  }

  /**
   * `recognise` without the store, for a family this instance has read before (KnownFamilies):
   * the token's MAC checks under a loaded key and the family's secret. The family's
   * generation, revocation and last use are as last seen here, so only `rotate`'s
   * compare-and-set may decide on them. Undefined when that cannot be told here.
   */
  recogniseKnown(token: string): PresentedRefreshToken | undefined {
    const claim = decodeRefreshToken(token);
    const family = claim ? this.known.get(claim.familyId) : undefined;
    const key = claim && family ? this.keys.loadedKey(claim.keyId) : undefined;
    if (!claim || !family?.tokenSecret || !key || !macMatches(claim, key.key, family.tokenSecret)) return undefined;
    return { family, generation: claim.generation };
  }

  /**
   * Spends the live token `presented` and answers its successor, or undefined when another
   * request spent it first (or the family was revoked meanwhile): one conditional UPDATE.
   */
  async rotate(presented: PresentedRefreshToken, at: Date): Promise<string | undefined> {
    const { family, generation, oldTokenHash } = presented;
    const key = this.keys.activeKey();
    if (family.generation === null && oldTokenHash !== undefined) {
      // The family's first rotation since the upgrade: from here on it is one row and no token rows.
      const tokenSecret = this.random.token();
      if (!(await this.families.switchToNewForm(family.id, oldTokenHash, tokenSecret, key.kid, at))) return undefined;
      return encodeRefreshToken(key.key, key.kid, family.id, 1, tokenSecret);
    }
    if (family.tokenSecret === null || !(await this.families.advance(family.id, generation, key.kid, at))) return undefined;
    this.known.rotated(family.id, generation + 1, key.kid, at);
    return encodeRefreshToken(key.key, key.kid, family.id, generation + 1, family.tokenSecret);
  }

  /**
   * The family's live token, recomputed: the same string every time. For an old-form family
   * that has not switched yet, the live token is the one the previous release derived from
   * the token it replaced, `previous` (HMAC under its successor key, now a refresh token key).
   * Undefined when it cannot be recomputed (its key has expired).
   */
  async liveToken(family: TokenFamily, previous: string): Promise<string | undefined> {
    if (family.generation === null) {
      return this.keys
        .validKeys()
        .map((key) => hmacSha256(key.key, previous))
        .find((candidate) => sha256(candidate) === family.currentTokenHash);
    }
    const key = family.tokenKeyId === null ? undefined : await this.keys.key(family.tokenKeyId, 'store');
    if (!key || family.tokenSecret === null) return undefined;
    return encodeRefreshToken(key.key, key.kid, family.id, family.generation, family.tokenSecret);
  }
}
