import { CryptoRandomSource } from './random';

describe('CryptoRandomSource', () => {
  it('answers the length asked for, below, at and above the pool size', () => {
    const random = new CryptoRandomSource();
    for (const length of [0, 1, 16, 32, 4095, 4096, 4097, 10_000]) expect(random.bytes(length)).toHaveLength(length);
  });

  it('never hands out the same bytes twice, across many refills of the pool', () => {
    const random = new CryptoRandomSource();
    const seen = new Set<string>();
    // 2 000 ids of 16 bytes and 1 000 tokens of 32 bytes: 64 KB, sixteen refills.
    for (let i = 0; i < 2000; i++) seen.add(random.id());
    for (let i = 0; i < 1000; i++) seen.add(random.token());
    expect(seen.size).toBe(3000);
  });

  it('gives each draw its own memory: changing one leaves the next draws alone', () => {
    const random = new CryptoRandomSource();
    const first = random.bytes(32);
    const copy = Buffer.from(first);
    first.fill(0);
    const second = random.bytes(32);
    expect(second.equals(Buffer.alloc(32))).toBe(false);
    expect(second.equals(copy)).toBe(false);
  });

  it('keeps no drawn byte in its pool', () => {
    const random = new CryptoRandomSource();
    random.bytes(48);
    const pool = (random as unknown as { pool: Buffer }).pool;
    expect(pool.subarray(0, 48).equals(Buffer.alloc(48))).toBe(true);
    expect(pool.subarray(48).equals(Buffer.alloc(pool.length - 48))).toBe(false);
  });
});
