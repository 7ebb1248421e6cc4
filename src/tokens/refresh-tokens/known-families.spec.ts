import { KNOWN_FAMILIES_LIMIT, KnownFamilies } from './known-families';
import { TokenFamily } from './token-family.entity';

const at = new Date(1_800_000_000_000);

function family(id: string, overrides: Partial<TokenFamily> = {}): TokenFamily {
  return Object.assign(new TokenFamily(), {
    id,
    clientId: 'client',
    userId: 'user',
    scope: 'openid',
    resources: null,
    authTime: at,
    createdAt: at,
    expiresAt: new Date(at.getTime() + 86_400_000),
    lastUsedAt: at,
    generation: 0,
    tokenSecret: 'secret',
    tokenKeyId: 'k1',
    currentTokenHash: null,
    previousTokenHash: null,
    rotatedAt: null,
    revokedAt: null,
    revokedReason: null,
    sessionId: null,
    offline: false,
    ...overrides,
  });
}

describe('KnownFamilies', () => {
  it('keeps a copy of a new-form family: changing the entity it was given changes nothing', () => {
    const known = new KnownFamilies();
    const read = family('f1');
    known.remember(read);
    read.scope = 'changed';
    expect(known.get('f1')).toEqual(family('f1'));
    expect(known.get('f1')).toBeInstanceOf(TokenFamily);
  });

  it('does not keep an old-form family, which has no secret to check tokens with', () => {
    const known = new KnownFamilies();
    known.remember(family('old', { generation: null, tokenSecret: null, currentTokenHash: 'h' }));
    expect(known.get('old')).toBeUndefined();
  });

  it('records a rotation done here: generation, key and last use', () => {
    const known = new KnownFamilies();
    known.remember(family('f1'));
    const later = new Date(at.getTime() + 60_000);
    known.rotated('f1', 1, 'k2', later);
    expect(known.get('f1')).toMatchObject({ generation: 1, tokenKeyId: 'k2', rotatedAt: later, lastUsedAt: later });
    known.rotated('unknown', 1, 'k2', later);
    expect(known.get('unknown')).toBeUndefined();
  });

  it(`forgets the oldest family beyond ${KNOWN_FAMILIES_LIMIT}, and a family read again counts as new`, () => {
    const known = new KnownFamilies();
    for (let i = 0; i < KNOWN_FAMILIES_LIMIT; i++) known.remember(family(`f${i}`));
    known.remember(family('f0')); // read again: now the newest
    known.remember(family('one-more'));
    expect(known.get('f0')).toBeDefined();
    expect(known.get('f1')).toBeUndefined();
    expect(known.get('f2')).toBeDefined();
    expect(known.get('one-more')).toBeDefined();
  });
});
