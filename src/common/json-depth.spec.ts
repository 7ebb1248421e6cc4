import { jsonDepthExceeds, MAX_JSON_DEPTH } from './json-depth';

const depth = (n: number) => Buffer.from('['.repeat(n) + ']'.repeat(n));

describe('jsonDepthExceeds', () => {
  it('allows nesting up to the limit and refuses one level more', () => {
    expect(jsonDepthExceeds(depth(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonDepthExceeds(depth(MAX_JSON_DEPTH + 1))).toBe(true);
  });

  it('counts unterminated and mixed brackets', () => {
    expect(jsonDepthExceeds(Buffer.from('['.repeat(10_000)))).toBe(true);
    expect(jsonDepthExceeds(Buffer.from('{"a":'.repeat(40) + '1' + '}'.repeat(40)))).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(Buffer.from(JSON.stringify({ text: '['.repeat(1000) })))).toBe(false);
    expect(jsonDepthExceeds(Buffer.from(JSON.stringify({ text: '\\"' + '['.repeat(1000) })))).toBe(false);
  });
});
