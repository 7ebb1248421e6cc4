import { createHash } from 'node:crypto';
import { constantTimeEqual, hmacSha256, sha256 } from './hashing';

describe('hashing', () => {
  it('sha256 is SHA-256 as base64url (FIPS 180-2 test vector "abc")', () => {
    expect(sha256('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  it('sha256 hashes the UTF-8 bytes of the text', () => {
    expect(sha256('é')).toBe(createHash('sha256').update(Buffer.from('é', 'utf8')).digest('base64url'));
  });

  it('hmacSha256 is HMAC-SHA-256 as base64url (RFC 4231 test case 2)', () => {
    expect(Buffer.from(hmacSha256(Buffer.from('Jefe'), 'what do ya want for nothing?'), 'base64url').toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('constantTimeEqual tells equal from different strings, of the same and of other lengths', () => {
    expect(constantTimeEqual('same', 'same')).toBe(true);
    expect(constantTimeEqual('same', 'sane')).toBe(false);
    expect(constantTimeEqual('same', 'same-but-longer')).toBe(false);
  });
});
