import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The self-proving refresh token: `version | kid | family id | generation | MAC`, base64url.
 *
 *   byte  0      version (1)
 *   bytes 1–8    key id: which server key made the MAC (keys rotate)
 *   bytes 9–24   family id (the `sid` of its access tokens, 16 random bytes)
 *   bytes 25–28  generation, unsigned big-endian: how many rotations the family had when issued
 *   bytes 29–60  HMAC-SHA256(server key, bytes 0–28 || family secret)
 *
 * The family row keeps only its secret and its current generation, so the token of any
 * generation can be recomputed and checked without storing it. The MAC needs both the server
 * key (sealed at rest) and the family secret (in the row): neither the store alone nor a
 * leaked server key alone makes a live token. 256 bits of MAC: unguessable.
 */
export const TOKEN_VERSION = 1;
export const KEY_ID_BYTES = 8;
const FAMILY_ID_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + FAMILY_ID_BYTES + 4;
const MAC_BYTES = 32;
const TOKEN_BYTES = HEADER_BYTES + MAC_BYTES;
const TOKEN_LENGTH = Math.ceil((TOKEN_BYTES * 4) / 3);
const SHAPE = new RegExp(`^[A-Za-z0-9_-]{${TOKEN_LENGTH}}$`);
// Generations are stored in a 32-bit signed integer column.
export const MAX_GENERATION = 2 ** 31 - 1;

/** What a well-shaped token claims; nothing here is proven until `macMatches`. */
export interface TokenClaim {
  keyId: string;
  familyId: string;
  generation: number;
  header: Buffer;
  mac: Buffer;
}

/** The token of `generation` of a family, under the server key `keyId`. */
export function encodeRefreshToken(key: Buffer, keyId: string, familyId: string, generation: number, familySecret: string): string {
  const header = encodeHeader(keyId, familyId, generation);
  return Buffer.concat([header, mac(key, header, familySecret)]).toString('base64url');
}

/**
 * The claim of a token of the right shape, or undefined: wrong length or alphabet, padding,
 * a non-canonical last character, another version, a generation out of range.
 */
export function decodeRefreshToken(token: string): TokenClaim | undefined {
  if (!SHAPE.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  // Only the canonical encoding: two spellings of one token would be two tokens to a client.
  if (bytes.length !== TOKEN_BYTES || bytes.toString('base64url') !== token) return undefined;
  if (bytes[0] !== TOKEN_VERSION) return undefined;
  const generation = bytes.readUInt32BE(1 + KEY_ID_BYTES + FAMILY_ID_BYTES);
  if (generation > MAX_GENERATION) return undefined;
  return {
    keyId: bytes.subarray(1, 1 + KEY_ID_BYTES).toString('base64url'),
    familyId: bytes.subarray(1 + KEY_ID_BYTES, 1 + KEY_ID_BYTES + FAMILY_ID_BYTES).toString('base64url'),
    generation,
    header: bytes.subarray(0, HEADER_BYTES),
    mac: bytes.subarray(HEADER_BYTES),
  };
}

/** Constant-time check of the claim's MAC against the server key and the family's secret. */
export function macMatches(claim: TokenClaim, key: Buffer, familySecret: string): boolean {
  return timingSafeEqual(claim.mac, mac(key, claim.header, familySecret));
}

/** True for ids a token can carry: 16 bytes in canonical base64url, as `RandomSource.id()` makes them. */
export function isTokenableId(id: string, bytes = FAMILY_ID_BYTES): boolean {
  const decoded = Buffer.from(id, 'base64url');
  return decoded.length === bytes && decoded.toString('base64url') === id;
}

function encodeHeader(keyId: string, familyId: string, generation: number): Buffer {
  if (!isTokenableId(keyId, KEY_ID_BYTES) || !isTokenableId(familyId)) throw new Error('key or family id cannot be put in a token');
  if (!Number.isInteger(generation) || generation < 0 || generation > MAX_GENERATION) throw new Error(`generation ${generation} out of range`);
  const header = Buffer.alloc(HEADER_BYTES);
  header[0] = TOKEN_VERSION;
  Buffer.from(keyId, 'base64url').copy(header, 1);
  Buffer.from(familyId, 'base64url').copy(header, 1 + KEY_ID_BYTES);
  header.writeUInt32BE(generation, 1 + KEY_ID_BYTES + FAMILY_ID_BYTES);
  return header;
}

function mac(key: Buffer, header: Buffer, familySecret: string): Buffer {
  return createHmac('sha256', key).update(header).update(Buffer.from(familySecret, 'base64url')).digest();
}
