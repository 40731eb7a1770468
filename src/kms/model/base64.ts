/**
 * Strict standard base64 (RFC 4648 §4, `+` `/`, `=` padding required), without Buffer or atob so
 * it runs the same in browsers, workers and Node.
 *
 * "Strict" as the JSON 1.1 blob deserializer is: the length is a multiple of 4, only the 64
 * alphabet characters plus at most two trailing `=`, and the unused low bits of the last
 * character are zero (so every byte string has exactly one accepted encoding). No whitespace, no
 * URL-safe alphabet, no missing padding.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** char code → 6-bit value, or -1 */
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const EQ = 61; // '='

/** alphabet characters, then at most two `=` (length and bits are checked separately) */
const SHAPE = /^[A-Za-z0-9+/]*={0,2}$/;

/** value of one character, or -1 when it is not in the alphabet (`=` included) */
function sextet(code: number): number {
  return code < 128 ? DECODE[code]! : -1;
}

/**
 * Number of bytes `s` decodes to, or -1 when it is not strict base64. Allocates nothing, so the
 * validator can check blob lengths on every request.
 */
export function base64DecodedLength(s: string): number {
  const n = s.length;
  if (n % 4 !== 0) return -1;
  if (n === 0) return 0;
  if (!SHAPE.test(s)) return -1;
  const pad = s.charCodeAt(n - 1) !== EQ ? 0 : s.charCodeAt(n - 2) === EQ ? 2 : 1;
  if (pad > 0) {
    const last = sextet(s.charCodeAt(n - pad - 1));
    // 2 data chars before "==" carry 12 bits for 1 byte: low 4 bits must be 0;
    // 3 data chars before "=" carry 18 bits for 2 bytes: low 2 bits must be 0.
    if (last < 0 || (pad === 2 ? last & 0x0f : last & 0x03) !== 0) return -1;
  }
  return (n / 4) * 3 - pad;
}

/**
 * Why `s` is not strict base64, worded like the Coral JSON blob deserializer (recorded by
 * kinesalite against real AWS), or null when it is valid:
 * - `Base64 encoded length is expected a multiple of 4 bytes but found: <n>`
 * - `Invalid Base64 character: '<c>'` (the first character outside the alphabet, or a `=`
 *   followed by something other than `=`)
 * - `Invalid last non-pad Base64 character dectected` (sic: non-zero unused bits, or more than
 *   two `=`)
 */
export function base64Problem(s: string): string | null {
  const n = s.length;
  if (n % 4 !== 0) return `Base64 encoded length is expected a multiple of 4 bytes but found: ${n}`;
  for (let i = 0; i < n; i++) {
    const code = s.charCodeAt(i);
    if (code === EQ) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : EQ;
      if (next !== EQ) return `Invalid Base64 character: '${s[i]}'`;
      continue;
    }
    if (sextet(code) < 0) return `Invalid Base64 character: '${String.fromCodePoint(s.codePointAt(i)!)}'`;
  }
  return base64DecodedLength(s) < 0 ? 'Invalid last non-pad Base64 character dectected' : null;
}

/** Decodes strict standard base64; null when `s` is not strict base64. */
export function decodeBase64(s: string): Uint8Array | null {
  const len = base64DecodedLength(s);
  if (len < 0) return null;
  const out = new Uint8Array(len);
  const n = s.length;
  let o = 0;
  for (let i = 0; i < n; i += 4) {
    const a = DECODE[s.charCodeAt(i)]!;
    const b = DECODE[s.charCodeAt(i + 1)]!;
    const c3 = s.charCodeAt(i + 2);
    const c4 = s.charCodeAt(i + 3);
    out[o++] = (a << 2) | (b >> 4);
    if (c3 === EQ) break;
    const c = DECODE[c3]!;
    out[o++] = ((b & 0x0f) << 4) | (c >> 2);
    if (c4 === EQ) break;
    out[o++] = ((c & 0x03) << 6) | DECODE[c4]!;
  }
  return out;
}

const CHUNK = 0x2000; // characters per String.fromCharCode call (well under argument limits)

/** Encodes bytes as standard base64 with padding. */
export function encodeBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const codes = new Uint16Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    codes[o++] = ALPHABET.charCodeAt(v >> 18);
    codes[o++] = ALPHABET.charCodeAt((v >> 12) & 63);
    codes[o++] = ALPHABET.charCodeAt((v >> 6) & 63);
    codes[o++] = ALPHABET.charCodeAt(v & 63);
  }
  if (i < n) {
    const b0 = bytes[i]!;
    const b1 = i + 1 < n ? bytes[i + 1]! : 0;
    codes[o++] = ALPHABET.charCodeAt(b0 >> 2);
    codes[o++] = ALPHABET.charCodeAt(((b0 & 3) << 4) | (b1 >> 4));
    codes[o++] = i + 1 < n ? ALPHABET.charCodeAt((b1 & 15) << 2) : EQ;
    codes[o++] = EQ;
  }
  if (codes.length <= CHUNK) return String.fromCharCode.apply(null, codes as unknown as number[]);
  let s = '';
  for (let k = 0; k < codes.length; k += CHUNK) {
    s += String.fromCharCode.apply(null, codes.subarray(k, k + CHUNK) as unknown as number[]);
  }
  return s;
}
