import { randomBytes } from 'node:crypto';
import { decodeRefreshToken, encodeRefreshToken, MAX_GENERATION, macMatches } from './refresh-token-codec';

const key = randomBytes(32);
const kid = randomBytes(8).toString('base64url');
const familyId = randomBytes(16).toString('base64url');
const secret = randomBytes(32).toString('base64url');

describe('refresh token codec', () => {
  it('encodes family and generation in 82 base64url characters that only the key and the family secret verify', () => {
    const token = encodeRefreshToken(key, kid, familyId, 42, secret);
    expect(token).toMatch(/^[A-Za-z0-9_-]{82}$/);
    const claim = decodeRefreshToken(token)!;
    expect(claim).toMatchObject({ keyId: kid, familyId, generation: 42 });
    expect(macMatches(claim, key, secret)).toBe(true);
    expect(macMatches(claim, randomBytes(32), secret)).toBe(false);
    expect(macMatches(claim, key, randomBytes(32).toString('base64url'))).toBe(false);
  });

  it('makes the same token for the same generation, and a different one for every other', () => {
    expect(encodeRefreshToken(key, kid, familyId, 7, secret)).toBe(encodeRefreshToken(key, kid, familyId, 7, secret));
    expect(encodeRefreshToken(key, kid, familyId, 7, secret)).not.toBe(encodeRefreshToken(key, kid, familyId, 8, secret));
  });

  it('reads a generation up to the largest the store holds, and no further', () => {
    expect(decodeRefreshToken(encodeRefreshToken(key, kid, familyId, MAX_GENERATION, secret))?.generation).toBe(MAX_GENERATION);
    const raw = Buffer.from(encodeRefreshToken(key, kid, familyId, 0, secret), 'base64url');
    raw.writeUInt32BE(MAX_GENERATION + 1, 25);
    expect(decodeRefreshToken(raw.toString('base64url'))).toBeUndefined();
    expect(() => encodeRefreshToken(key, kid, familyId, MAX_GENERATION + 1, secret)).toThrow(/out of range/);
  });

  it.each([
    ['truncated', (t: string) => t.slice(0, -1)],
    ['padded', (t: string) => `${t}=`],
    ['extended', (t: string) => `${t}A`],
    ['non-canonical in its last character', (t: string) => t.slice(0, -1) + String.fromCharCode(t.charCodeAt(81) ^ 1)],
    ['in base64 rather than base64url', (t: string) => `${t.slice(0, -1)}+`],
    ['empty', () => ''],
  ])('has no claim when %s', (_name, mangle) => {
    expect(decodeRefreshToken(mangle(encodeRefreshToken(key, kid, familyId, 1, secret)))).toBeUndefined();
  });
});
