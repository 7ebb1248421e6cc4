import { createHash } from 'node:crypto';
import { verifierMatches } from './pkce';

const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
// RFC 7636 appendix B.
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('verifierMatches (S256)', () => {
  it('accepts the RFC 7636 example pair', () => {
    expect(verifierMatches(verifier, challenge)).toBe(true);
  });

  it('refuses another verifier', () => {
    expect(verifierMatches(verifier.replace('d', 'e'), challenge)).toBe(false);
  });

  it('refuses a verifier shorter than 43 characters even when its hash matches', () => {
    const short = 'short';
    expect(verifierMatches(short, createHash('sha256').update(short).digest('base64url'))).toBe(false);
  });
});
