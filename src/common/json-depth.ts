/** Deepest nesting of arrays and objects a JSON body may have; real bodies here need three. */
export const MAX_JSON_DEPTH = 32;

/**
 * The nesting depth of a JSON text, counted over its raw bytes in one pass without parsing
 * it (brackets inside strings do not count). Recursive code downstream (class-transformer,
 * the validators, the NUL check) would overflow the stack on `[` × 10 000, so such a body is
 * refused before it is parsed. Stops counting once past `limit`.
 */
export function jsonDepthExceeds(raw: Buffer, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (inString) {
      if (byte === 0x5c) i++; // backslash: skip the escaped byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > limit) return true;
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--;
    }
  }
  return false;
}
