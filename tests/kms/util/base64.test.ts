/**
 * The one base64 module (src/kms/util/base64.ts) against the implementations it replaces, copied
 * here as oracles: every copy must keep accepting, refusing and producing exactly what it did.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64DecodedLength,
  base64DecodedLengthOfValid,
  base64EncodedLength,
  base64Problem,
  decodeBase64,
  decodeBase64Lenient,
  decodeBase64Url,
  decodeBase64UrlInto,
  decodeBase64UrlLenient,
  decodedLength,
  encodeBase64,
  encodeBase64Url,
  latin1Bytes,
  latin1Text,
  STRICT_BASE64_PATTERN,
} from '../../../src/kms/util/base64';
import { decodeMarker, encodeMarker } from '../../../src/kms/ops/grants/rules';
import { fromBase64Url, toBase64Url } from '../../../src/scenario/codec';

// ---------------------------------------------------------------------------------------------
// Oracles: the old implementations, verbatim but for names.

const oracle = (() => {
  // src/kms/util/base64url.ts
  const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const UDEC = new Int8Array(128).fill(-1);
  for (let i = 0; i < URL.length; i++) UDEC[URL.charCodeAt(i)] = i;
  const usextet = (s: string, i: number) => {
    const c = s.charCodeAt(i);
    return c < 128 ? UDEC[c] : -1;
  };
  function urlDecode(s: string): Uint8Array | null {
    const n = s.length;
    const rem = n & 3;
    if (rem === 1) return null;
    const out = new Uint8Array((n >>> 2) * 3 + (rem === 0 ? 0 : rem - 1));
    let o = 0;
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const a = usextet(s, i), b = usextet(s, i + 1), c = usextet(s, i + 2), d = usextet(s, i + 3);
      if ((a | b | c | d) < 0) return null;
      const v = (a << 18) | (b << 12) | (c << 6) | d;
      out[o++] = v >>> 16;
      out[o++] = (v >>> 8) & 255;
      out[o++] = v & 255;
    }
    if (rem === 2) {
      const a = usextet(s, i), b = usextet(s, i + 1);
      if ((a | b) < 0 || (b & 15) !== 0) return null;
      out[o] = (a << 2) | (b >>> 4);
    } else if (rem === 3) {
      const a = usextet(s, i), b = usextet(s, i + 1), c = usextet(s, i + 2);
      if ((a | b | c) < 0 || (c & 3) !== 0) return null;
      const v = (a << 18) | (b << 12) | (c << 6);
      out[o++] = v >>> 16;
      out[o] = (v >>> 8) & 255;
    }
    return out;
  }

  // the standard-base64 module this one replaced (model/base64.ts), frozen as an oracle
  const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const SDEC = new Int8Array(128).fill(-1);
  for (let i = 0; i < 64; i++) SDEC[STD.charCodeAt(i)] = i;
  const SHAPE = /^[A-Za-z0-9+/]*={0,2}$/;
  const ssextet = (code: number) => (code < 128 ? SDEC[code]! : -1);
  function strictLength(s: string): number {
    const n = s.length;
    if (n % 4 !== 0) return -1;
    if (n === 0) return 0;
    if (!SHAPE.test(s)) return -1;
    const pad = s.charCodeAt(n - 1) !== 61 ? 0 : s.charCodeAt(n - 2) === 61 ? 2 : 1;
    if (pad > 0) {
      const last = ssextet(s.charCodeAt(n - pad - 1));
      if (last < 0 || (pad === 2 ? last & 0x0f : last & 0x03) !== 0) return -1;
    }
    return (n / 4) * 3 - pad;
  }
  function strictDecode(s: string): Uint8Array | null {
    const len = strictLength(s);
    if (len < 0) return null;
    const out = new Uint8Array(len);
    let o = 0;
    for (let i = 0; i < s.length; i += 4) {
      const a = SDEC[s.charCodeAt(i)]!, b = SDEC[s.charCodeAt(i + 1)]!;
      const c3 = s.charCodeAt(i + 2), c4 = s.charCodeAt(i + 3);
      out[o++] = (a << 2) | (b >> 4);
      if (c3 === 61) break;
      const c = SDEC[c3]!;
      out[o++] = ((b & 0x0f) << 4) | (c >> 2);
      if (c4 === 61) break;
      out[o++] = ((c & 0x03) << 6) | SDEC[c4]!;
    }
    return out;
  }

  // src/kms/model/validate.ts (byte length of an accepted string)
  function validLength(s: string): number {
    const n = s.length;
    if (n === 0) return 0;
    return (n / 4) * 3 - (s.charCodeAt(n - 1) !== 61 ? 0 : s.charCodeAt(n - 2) === 61 ? 2 : 1);
  }

  // src/kms/ops/grants/rules.ts
  function markerBase64(ascii: string): string {
    let out = '';
    for (let i = 0; i < ascii.length; i += 3) {
      const a = ascii.charCodeAt(i);
      const b = i + 1 < ascii.length ? ascii.charCodeAt(i + 1) : NaN;
      const c = i + 2 < ascii.length ? ascii.charCodeAt(i + 2) : NaN;
      const n = (a << 16) | ((b || 0) << 8) | (c || 0);
      out += STD[n >> 18] + STD[(n >> 12) & 63] + (isNaN(b) ? '=' : STD[(n >> 6) & 63]) + (isNaN(c) ? '=' : STD[n & 63]);
    }
    return out;
  }
  function markerUnbase64(s: string): string | null {
    if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null;
    let out = '';
    for (let i = 0; i < s.length; i += 4) {
      const n =
        (STD.indexOf(s[i]) << 18) |
        (STD.indexOf(s[i + 1]) << 12) |
        ((s[i + 2] === '=' ? 0 : STD.indexOf(s[i + 2])) << 6) |
        (s[i + 3] === '=' ? 0 : STD.indexOf(s[i + 3]));
      out += String.fromCharCode(n >> 16);
      if (s[i + 2] !== '=') out += String.fromCharCode((n >> 8) & 255);
      if (s[i + 3] !== '=') out += String.fromCharCode(n & 255);
    }
    return out;
  }
  const PREFIX = 'kmsplay-grants:';
  function decodeMarkerOld(m: string): string | null {
    const s = markerUnbase64(m);
    if (!s || !s.startsWith(PREFIX)) return null;
    const id = s.slice(PREFIX.length);
    return id.length > 0 && id.length <= 128 ? id : null;
  }

  // src/scenario/codec.ts
  const LOOKUP = (() => {
    const t = new Int16Array(128).fill(-1);
    for (let i = 0; i < URL.length; i++) t[URL.charCodeAt(i)] = i;
    t['+'.charCodeAt(0)] = 62;
    t['/'.charCodeAt(0)] = 63;
    return t;
  })();
  function codecTo(bytes: Uint8Array): string {
    let out = '';
    let i = 0;
    for (; i + 2 < bytes.length; i += 3) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      out += URL[n >> 18] + URL[(n >> 12) & 63] + URL[(n >> 6) & 63] + URL[n & 63];
    }
    const rest = bytes.length - i;
    if (rest === 1) {
      const n = bytes[i] << 16;
      out += URL[n >> 18] + URL[(n >> 12) & 63];
    } else if (rest === 2) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
      out += URL[n >> 18] + URL[(n >> 12) & 63] + URL[(n >> 6) & 63];
    }
    return out;
  }
  function codecFrom(text: string): Uint8Array | null {
    const s = text.replace(/={1,2}$/, '');
    if (s.length % 4 === 1) return null;
    const out = new Uint8Array(Math.floor((s.length * 3) / 4));
    let o = 0, buffer = 0, bits = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const v = c < 128 ? LOOKUP[c] : -1;
      if (v < 0) return null;
      buffer = (buffer << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[o++] = (buffer >> bits) & 0xff;
        buffer &= (1 << bits) - 1;
      }
    }
    return out;
  }

  // src/store/file.ts
  function fileTo(bytes: Uint8Array): string {
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(bin);
  }
  function fileFrom(text: string): Uint8Array | null {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  // src/ui/templates.ts
  function templatesTo(text: string): string {
    const bytes = new TextEncoder().encode(text);
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin);
  }

  // src/ui/lessons/model.ts
  function lessonText(value: string): string | undefined {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
    try {
      const text = atob(value);
      return /^[\x20-\x7e]+$/.test(text) ? text : undefined;
    } catch {
      return undefined;
    }
  }

  // src/ui/follow/channel.ts
  const channelTo = (b: Uint8Array) => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

  return { urlDecode, strictLength, strictDecode, validLength, markerBase64, decodeMarkerOld, codecTo, codecFrom, fileTo, fileFrom, templatesTo, lessonText, channelTo };
})();

// ---------------------------------------------------------------------------------------------
// Inputs: encodings of random bytes, mutated (so valid, non-canonical and invalid strings are all
// common), and strings over a small alphabet that includes both alphabets' extra characters.

const CHARS = 'AQgwBRhx09+/-_= .\u00e9\u{1F600}';
const SEED = 20261207;
const RUNS = { numRuns: 3000, seed: SEED };

const mutated = fc
  .tuple(fc.uint8Array({ maxLength: 40 }), fc.nat(4), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...Array.from(CHARS))), { maxLength: 3 }), fc.nat(3))
  .map(([bytes, form, edits, cut]) => {
    let s = form === 0 ? encodeBase64(bytes) : form === 1 ? encodeBase64Url(bytes) : form === 2 ? Buffer.from(bytes).toString('base64url') + '='.repeat(cut % 3) : Buffer.from(bytes).toString('base64');
    if (form === 4) s = s.slice(0, Math.max(0, s.length - cut));
    for (const [at, c] of edits) {
      if (s.length === 0) s = c;
      else {
        const i = at % s.length;
        s = s.slice(0, i) + c + s.slice(i + 1);
      }
    }
    return s;
  });
const small = fc.string({ unit: fc.constantFrom(...Array.from(CHARS)), maxLength: 14 });
const text = fc.oneof(mutated, small);

const same = (a: Uint8Array | null, b: Uint8Array | null) => {
  if (a === null || b === null) return a === b;
  return Buffer.from(a).equals(Buffer.from(b));
};

describe('one base64 module, against the copies it replaces', () => {
  it('encodes as every old encoder did, at every length up to 300 bytes and in large slices', () => {
    for (let n = 0; n <= 300; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 151 + n * 7) & 0xff);
      expect(encodeBase64(b)).toBe(oracle.fileTo(b));
      expect(encodeBase64(b)).toBe(Buffer.from(b).toString('base64'));
      expect(encodeBase64Url(b)).toBe(oracle.codecTo(b));
      expect(encodeBase64Url(b)).toBe(oracle.channelTo(b));
      expect(base64EncodedLength(n)).toBe(encodeBase64(b).length);
    }
    const big = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 31) & 0xff);
    expect(encodeBase64(big)).toBe(Buffer.from(big).toString('base64'));
    expect(encodeBase64Url(big)).toBe(Buffer.from(big).toString('base64url'));
  });

  it('strict base64url: accepts and refuses what util/base64url.ts did', () => {
    fc.assert(
      fc.property(text, (s) => {
        const want = oracle.urlDecode(s);
        expect(same(decodeBase64Url(s), want)).toBe(true);
        const n = decodedLength(s.length);
        if (n >= 0) {
          const out = new Uint8Array(n);
          expect(decodeBase64UrlInto(s, out)).toBe(want !== null);
          if (want) expect(same(out, want)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('strict base64: accepts, refuses, measures and explains what model/base64.ts did', () => {
    const pattern = new RegExp(STRICT_BASE64_PATTERN);
    fc.assert(
      fc.property(text, (s) => {
        const want = oracle.strictDecode(s);
        expect(same(decodeBase64(s), want)).toBe(true);
        expect(base64DecodedLength(s)).toBe(oracle.strictLength(s));
        expect(base64Problem(s) === null).toBe(want !== null);
        // the JSON Schema pattern the request editor uses says the same
        expect(pattern.test(s)).toBe(want !== null);
        if (want) expect(base64DecodedLengthOfValid(s)).toBe(oracle.validLength(s));
      }),
      RUNS,
    );
  });

  it('lenient base64: decodes what store/file.ts and the lessons decoded with atob', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(same(decodeBase64Lenient(s), oracle.fileFrom(s))).toBe(true);
        const bytes = decodeBase64Lenient(s);
        const lesson = bytes && bytes.length > 0 ? latin1Text(bytes) : undefined;
        expect(lesson !== undefined && /^[\x20-\x7e]+$/.test(lesson) ? lesson : undefined).toBe(oracle.lessonText(s));
      }),
      RUNS,
    );
  });

  it('lenient base64url: the share-link codec decodes as before', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(same(fromBase64Url(s), oracle.codecFrom(s))).toBe(true);
        expect(same(decodeBase64UrlLenient(s), oracle.codecFrom(s))).toBe(true);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        expect(toBase64Url(b)).toBe(oracle.codecTo(b));
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  it('ListGrants markers: encoded and decoded as before', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...Array.from('0123456789abcdef')), minLength: 1, maxLength: 64 }), (id) => {
        expect(encodeMarker(id)).toBe(oracle.markerBase64('kmsplay-grants:' + id));
        expect(decodeMarker(encodeMarker(id))).toBe(id);
      }),
      { numRuns: 500, seed: SEED },
    );
    const markers = fc.oneof(
      text,
      fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 40 }).map((t) => oracle.markerBase64('kmsplay-grants:' + t)),
      fc.string({ maxLength: 20 }).map((t) => oracle.markerBase64('kmsplay-grants:' + t.replace(/[^\x00-\xff]/g, 'x')).replace(/[AQgw](?==)/, 'B')),
    );
    fc.assert(
      fc.property(markers, (m) => {
        expect(decodeMarker(m)).toBe(oracle.decodeMarkerOld(m));
      }),
      RUNS,
    );
  });

  it('templates: standard base64 of UTF-8 text, as btoa gave it', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50, unit: 'binary' }), (t) => {
        expect(encodeBase64(new TextEncoder().encode(t))).toBe(oracle.templatesTo(t));
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  it('latin1 bytes and text are inverse over U+0000..U+00FF', () => {
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    expect(latin1Text(latin1Bytes(all))).toBe(all);
    const big = Uint8Array.from({ length: 70_000 }, (_, i) => i & 0xff);
    expect(latin1Bytes(latin1Text(big))).toEqual(big);
  });

  it('keeps the error texts of the blob deserializer', () => {
    expect(base64Problem('abc')).toBe('Base64 encoded length is expected a multiple of 4 bytes but found: 3');
    expect(base64Problem('ab-d')).toBe("Invalid Base64 character: '-'");
    expect(base64Problem('a=bc')).toBe("Invalid Base64 character: '='");
    expect(base64Problem('aR==')).toBe('Invalid last non-pad Base64 character dectected');
    expect(base64Problem('A===')).toBe('Invalid last non-pad Base64 character dectected');
    expect(base64Problem('aQ==')).toBeNull();
  });
});
