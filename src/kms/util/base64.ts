/**
 * Base64, standard (RFC 4648 section 4: `+` `/`, `=` padding) and base64url (section 5: `-` `_`,
 * no padding), in one place for the whole app. No Buffer, atob or btoa, so it runs the same in
 * browsers, workers and Node, and a bad input is a result (`null`, or a reason in words), never
 * an exception.
 *
 * Encoders:
 *  - `encodeBase64` — standard, padded;
 *  - `encodeBase64Url` — base64url, unpadded.
 *
 * Strict decoders accept exactly one encoding per byte string (tokens are compared and used as
 * map keys; the KMS blob deserializer is strict too):
 *  - `decodeBase64` — standard alphabet, length a multiple of 4, at most two trailing `=`, the
 *    unused low bits of the last character zero. No whitespace, no URL-safe alphabet;
 *    `base64DecodedLength` checks the same without decoding, `base64Problem` says why not in
 *    the words of AWS's JSON blob deserializer;
 *  - `decodeBase64Url` / `decodeBase64UrlInto` — base64url alphabet only, no `=`, a length of
 *    1 (mod 4) refused, the unused low bits zero ("QR" for the byte 0x41 is refused: "QQ").
 *
 * Lenient decoders, for text written by people or other tools, ignore the unused low bits as
 * atob does:
 *  - `decodeBase64Lenient` — standard alphabet, padding required (what atob accepts once the
 *    length is a multiple of 4 and `=` appears only at the end);
 *  - `decodeBase64UrlLenient` — either alphabet (some tools convert one into the other),
 *    optional trailing `=` or `==`.
 */

import { STANDARD, URL_SAFE } from './base64Encode';

// the encoders live in a module of their own (the page's first load needs only them)
export { base64EncodedLength, encodeBase64, encodeBase64Url } from './base64Encode';

const EQ = 61; // '='

/** char code (0-127) → 6-bit value, or -1 when it is not in the alphabet */
function table(...alphabets: string[]): Int8Array {
  const t = new Int8Array(128).fill(-1);
  for (const a of alphabets) for (let i = 0; i < 64; i++) t[a.charCodeAt(i)] = i;
  return t;
}
const DECODE_STANDARD = table(STANDARD);
const DECODE_URL = table(URL_SAFE);
const DECODE_EITHER = table(STANDARD, URL_SAFE);

// ---------------------------------------------------------------------------------------------
// Decoding

/** how many bytes `chars` characters of unpadded base64 decode to; -1 when none can */
export function decodedLength(chars: number): number {
  const rem = chars & 3;
  if (rem === 1) return -1;
  return (chars >>> 2) * 3 + (rem === 0 ? 0 : rem - 1);
}

function sextet(t: Int8Array, s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c < 128 ? t[c] : -1;
}

/**
 * Decodes the first `n` characters of `s` (no `=` among them; n mod 4 is not 1) with table `t`
 * into `out`, which is exactly decodedLength(n) bytes long. False, with `out` partly written,
 * at a character outside the alphabet, or, when `strict`, at non-zero unused low bits.
 */
function decodeInto(s: string, n: number, t: Int8Array, strict: boolean, out: Uint8Array): boolean {
  const rem = n & 3;
  let o = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const a = sextet(t, s, i);
    const b = sextet(t, s, i + 1);
    const c = sextet(t, s, i + 2);
    const d = sextet(t, s, i + 3);
    if ((a | b | c | d) < 0) return false;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 255;
    out[o++] = v & 255;
  }
  if (rem === 2) {
    const a = sextet(t, s, i);
    const b = sextet(t, s, i + 1);
    if ((a | b) < 0 || (strict && (b & 15) !== 0)) return false;
    out[o] = (a << 2) | (b >>> 4);
  } else if (rem === 3) {
    const a = sextet(t, s, i);
    const b = sextet(t, s, i + 1);
    const c = sextet(t, s, i + 2);
    if ((a | b | c) < 0 || (strict && (c & 3) !== 0)) return false;
    const v = (a << 18) | (b << 12) | (c << 6);
    out[o++] = v >>> 16;
    out[o] = (v >>> 8) & 255;
  }
  return true;
}

/** decodes the first `n` characters of `s`; null when decodeInto refuses them */
function decodePrefix(s: string, n: number, t: Int8Array, strict: boolean): Uint8Array<ArrayBuffer> | null {
  const len = decodedLength(n);
  if (len < 0) return null;
  const bytes = new Uint8Array(len);
  return decodeInto(s, n, t, strict, bytes) ? bytes : null;
}

/** number of trailing `=` of a length-multiple-of-4 string, at most 2 (a third is data, and refused) */
function padding(s: string): number {
  const n = s.length;
  if (n === 0 || s.charCodeAt(n - 1) !== EQ) return 0;
  return s.charCodeAt(n - 2) === EQ ? 2 : 1;
}

/** Decodes strict unpadded base64url; null if `s` is not a canonical unpadded base64url string. */
export function decodeBase64Url(s: string): Uint8Array<ArrayBuffer> | null {
  return decodePrefix(s, s.length, DECODE_URL, true);
}

/**
 * Decodes strict base64url `s` into `out`, which must be exactly decodedLength(s.length) bytes
 * long (a reused buffer on hot paths); false, with `out` partly written, if `s` is not canonical.
 */
export function decodeBase64UrlInto(s: string, out: Uint8Array): boolean {
  const n = s.length;
  if ((n & 3) === 1 || out.length !== decodedLength(n)) return false;
  return decodeInto(s, n, DECODE_URL, true, out);
}

/** Decodes strict standard base64; null when `s` is not strict base64. */
export function decodeBase64(s: string): Uint8Array<ArrayBuffer> | null {
  if (s.length % 4 !== 0) return null;
  return decodePrefix(s, s.length - padding(s), DECODE_STANDARD, true);
}

/** Decodes padded standard base64, ignoring non-zero unused low bits (as atob does); null when invalid. */
export function decodeBase64Lenient(s: string): Uint8Array<ArrayBuffer> | null {
  if (s.length % 4 !== 0) return null;
  return decodePrefix(s, s.length - padding(s), DECODE_STANDARD, false);
}

/**
 * Decodes base64url or standard base64 (the two alphabets may even be mixed), with or without
 * one or two trailing `=`, ignoring non-zero unused low bits; null when a character or the
 * length is invalid.
 */
export function decodeBase64UrlLenient(s: string): Uint8Array<ArrayBuffer> | null {
  let n = s.length;
  if (n > 0 && s.charCodeAt(n - 1) === EQ) n -= n > 1 && s.charCodeAt(n - 2) === EQ ? 2 : 1;
  return decodePrefix(s, n, DECODE_EITHER, false);
}

/**
 * Number of bytes `s` decodes to, or -1 when it is not strict standard base64. Allocates
 * nothing, so the validator can check blob lengths on every request.
 */
export function base64DecodedLength(s: string): number {
  const n = s.length;
  if (n % 4 !== 0) return -1;
  const pad = padding(s);
  const data = n - pad;
  for (let i = 0; i < data; i++) if (sextet(DECODE_STANDARD, s, i) < 0) return -1;
  if (pad > 0) {
    const last = sextet(DECODE_STANDARD, s, data - 1);
    // 2 data chars before "==" carry 12 bits for 1 byte: low 4 bits must be 0;
    // 3 data chars before "=" carry 18 bits for 2 bytes: low 2 bits must be 0.
    if ((pad === 2 ? last & 0x0f : last & 0x03) !== 0) return -1;
  }
  return (n / 4) * 3 - pad;
}

/**
 * Byte length of a string already known to be strict standard base64 (say, accepted by
 * base64DecodedLength earlier); reads only its length and last two characters.
 */
export function base64DecodedLengthOfValid(s: string): number {
  const n = s.length;
  return n === 0 ? 0 : (n / 4) * 3 - padding(s);
}

/**
 * JSON Schema / ECMAScript pattern of strict standard base64: exactly the strings decodeBase64
 * accepts.
 */
export const STRICT_BASE64_PATTERN = '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$';

/**
 * Why `s` is not strict standard base64, worded like the Coral JSON blob deserializer (recorded
 * by kinesalite against real AWS), or null when it is valid:
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
    if (sextet(DECODE_STANDARD, s, i) < 0) return `Invalid Base64 character: '${String.fromCodePoint(s.codePointAt(i)!)}'`;
  }
  return base64DecodedLength(s) < 0 ? 'Invalid last non-pad Base64 character dectected' : null;
}

// ---------------------------------------------------------------------------------------------
// Text

/** The bytes of a string whose characters are all below U+0100 (one byte per character). */
export function latin1Bytes(s: string): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/** One character per byte (U+0000 to U+00FF), as atob returns them. */
export function latin1Text(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x2000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x2000) as unknown as number[]);
  return s;
}
