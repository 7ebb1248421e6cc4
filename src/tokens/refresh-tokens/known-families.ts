import { Injectable } from '@nestjs/common';
import { TokenFamily } from './token-family.entity';

/** How many families one instance keeps in mind; a forgotten one is simply read again. */
export const KNOWN_FAMILIES_LIMIT = 10_000;

/**
 * The token families this instance has read. What makes a family's tokens recognisable (its
 * secret, client, owner, scope, lifetime) is fixed when the family starts, so a refresh of a
 * family seen here before can check the token without reading the row, and leave what does
 * change (generation, revocation) to the compare-and-set that spends it: a refresh is then
 * one statement. The generation, revocation and last use kept here are only as last seen;
 * nothing may decide on them but that compare-and-set. The oldest family is forgotten first.
 */
@Injectable()
export class KnownFamilies {
  private readonly families = new Map<string, TokenFamily>();

  /** A new-form family as just read (an old-form one has no secret to check tokens with). */
  remember(family: TokenFamily): void {
    if (family.generation === null || family.tokenSecret === null) return;
    this.families.delete(family.id);
    this.families.set(family.id, Object.assign(new TokenFamily(), family));
    if (this.families.size > KNOWN_FAMILIES_LIMIT) this.families.delete(this.families.keys().next().value!);
  }

  get(familyId: string): TokenFamily | undefined {
    return this.families.get(familyId);
  }

  /** This instance advanced the family to `generation` at `at`. */
  rotated(familyId: string, generation: number, keyId: string, at: Date): void {
    const family = this.families.get(familyId);
    if (family) Object.assign(family, { generation, tokenKeyId: keyId, rotatedAt: at, lastUsedAt: at });
  }
}
