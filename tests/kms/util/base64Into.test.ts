/**
 * decodeBase64UrlInto (the reused-buffer decoder grant tokens use) accepts exactly what
 * decodeBase64Url accepts and writes the same bytes; it refuses a buffer of the wrong size.
 */
import { describe, expect, it } from 'vitest';
import { decodeBase64Url, decodeBase64UrlInto, decodedLength, encodeBase64Url } from '../../../src/kms/util/base64';

const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= .\u00e9';

describe('decodeBase64UrlInto', () => {
  it('agrees with decodeBase64Url on valid, non-canonical and invalid strings', () => {
    let x = 99;
    const r = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % n;
    };
    for (let t = 0; t < 3000; t++) {
      const len = r(90);
      // mostly the url-safe alphabet (so many strings are valid), sometimes anything
      let s = '';
      for (let i = 0; i < len; i++) s += CHARS[r(r(10) === 0 ? CHARS.length : 64)];
      const want = decodeBase64Url(s);
      const n = decodedLength(s.length);
      if (n < 0) {
        expect(want).toBeNull();
        continue;
      }
      const out = new Uint8Array(n);
      const ok = decodeBase64UrlInto(s, out);
      expect(ok, s).toBe(want !== null);
      if (want) expect(out).toEqual(want);
    }
  });

  it('round-trips every length and refuses a buffer of another size', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      const s = encodeBase64Url(bytes);
      expect(decodedLength(s.length)).toBe(n);
      const out = new Uint8Array(n);
      expect(decodeBase64UrlInto(s, out)).toBe(true);
      expect(out).toEqual(bytes);
      expect(decodeBase64UrlInto(s, new Uint8Array(n + 1))).toBe(false);
    }
  });
});
