import { DenySet } from './deny-set';

describe('DenySet', () => {
  const now = Date.UTC(2030, 0, 1);

  it('refuses a token of a denied family until the denial expires', () => {
    const set = new DenySet();
    set.add({ kind: 'sid', value: 'family-1', expiresAtMs: now + 1000, createdAtMs: now });
    expect(set.match({ sid: 'family-1', jti: 'a' }, now)?.kind).toBe('sid');
    expect(set.match({ sid: 'family-2', jti: 'a' }, now)).toBeUndefined();
    expect(set.match({ sid: 'family-1', jti: 'a' }, now + 1000)).toBeUndefined();
  });

  it('refuses a denied jti', () => {
    const set = new DenySet();
    set.add({ kind: 'jti', value: 'token-1', expiresAtMs: now + 1000, createdAtMs: now });
    expect(set.match({ jti: 'token-1' }, now)?.value).toBe('token-1');
    expect(set.match({ jti: 'token-2' }, now)).toBeUndefined();
  });

  it('refuses tokens of a denied subject issued up to the denial, not after it', () => {
    const set = new DenySet();
    set.add({ kind: 'sub', value: 'user-1', expiresAtMs: now + 600_000, createdAtMs: now });
    expect(set.match({ sub: 'user-1', iat: now / 1000 - 10 }, now)?.kind).toBe('sub');
    expect(set.match({ sub: 'user-1', iat: now / 1000 }, now)?.kind).toBe('sub');
    expect(set.match({ sub: 'user-1', iat: now / 1000 + 1 }, now)).toBeUndefined();
    expect(set.match({ sub: 'user-2', iat: now / 1000 - 10 }, now)).toBeUndefined();
  });

  it('refuses every token of a deleted client, whenever issued, until the denial expires', () => {
    const set = new DenySet();
    set.add({ kind: 'client', value: 'client-1', expiresAtMs: now + 600_000, createdAtMs: now });
    expect(set.match({ sub: 'user-1', client_id: 'client-1', iat: now / 1000 + 30 }, now)?.kind).toBe('client');
    expect(set.match({ sub: 'client-1', client_id: 'client-1', iat: now / 1000 - 30 }, now)?.kind).toBe('client');
    expect(set.match({ sub: 'user-1', client_id: 'client-2', iat: now / 1000 }, now)).toBeUndefined();
    expect(set.match({ sub: 'user-1', client_id: 'client-1', iat: now / 1000 }, now + 600_000)).toBeUndefined();
  });

  it('keeps the later cut-off and expiry when a subject is denied twice', () => {
    const set = new DenySet();
    set.add({ kind: 'sub', value: 'user-1', expiresAtMs: now + 2000, createdAtMs: now + 1000 });
    set.add({ kind: 'sub', value: 'user-1', expiresAtMs: now + 1000, createdAtMs: now });
    expect(set.match({ sub: 'user-1', iat: (now + 1000) / 1000 }, now + 1500)?.kind).toBe('sub');
  });

  it('forgets expired denials on purge', () => {
    const set = new DenySet();
    set.add({ kind: 'jti', value: 'old', expiresAtMs: now, createdAtMs: now - 1000 });
    set.add({ kind: 'jti', value: 'new', expiresAtMs: now + 1000, createdAtMs: now });
    expect(set.purgeExpired(now)).toBe(1);
    expect(set.size).toBe(1);
  });
});
