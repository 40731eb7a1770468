/**
 * Base64url (RFC 4648 section 5) without padding.
 *
 * `decodeBase64Url` is strict, so that every byte string has exactly one accepted encoding
 * (important for tokens that are compared or used as map keys):
 *  - only `A-Z a-z 0-9 - _` are accepted (no `+`, `/`, whitespace or `=` padding);
 *  - a length of 1 (mod 4) is rejected, since it cannot encode whole bytes;
 *  - the unused low bits of the last character must be zero (non-canonical encodings are
 *    rejected, e.g. "QR" for the single byte 0x41, whose canonical form is "QQ").
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Maps a char code (0-127) to its 6-bit value, or -1 if it is not in the alphabet. */
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** String.fromCharCode over this gives one flat string, where += would build a rope */
const out: number[] = [];
/** larger inputs are encoded in slices, to stay far below the engine's argument-count limit */
const SLICE = 3 * 4096;

/** Encodes `bytes` as unpadded base64url. */
export function encodeBase64Url(bytes: Uint8Array): string {
  if (bytes.length > SLICE) {
    let s = '';
    for (let at = 0; at < bytes.length; at += SLICE) s += encodeBase64Url(bytes.subarray(at, at + SLICE));
    return s;
  }
  const n = bytes.length;
  const rem = n % 3;
  const o = out;
  // sized up front and written by index; grown by push, so it stays a packed array
  const len = ((n - rem) / 3) * 4 + (rem === 0 ? 0 : rem + 1);
  while (o.length < len) o.push(0);
  o.length = len;
  let i = 0;
  let j = 0;
  for (; i + 2 < n; i += 3, j += 4) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    o[j] = CODES[v >>> 18];
    o[j + 1] = CODES[(v >>> 12) & 63];
    o[j + 2] = CODES[(v >>> 6) & 63];
    o[j + 3] = CODES[v & 63];
  }
  if (rem === 1) {
    const v = bytes[i] << 16;
    o[j] = CODES[v >>> 18];
    o[j + 1] = CODES[(v >>> 12) & 63];
  } else if (rem === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    o[j] = CODES[v >>> 18];
    o[j + 1] = CODES[(v >>> 12) & 63];
    o[j + 2] = CODES[(v >>> 6) & 63];
  }
  return String.fromCharCode.apply(null, out);
}

function sextet(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c < 128 ? DECODE[c] : -1;
}

/** Decodes unpadded base64url; null if `s` is not a canonical unpadded base64url string. */
export function decodeBase64Url(s: string): Uint8Array<ArrayBuffer> | null {
  const n = decodedLength(s.length);
  if (n < 0) return null;
  const out = new Uint8Array(n);
  return decodeBase64UrlInto(s, out) ? out : null;
}

/** how many bytes `chars` characters of unpadded base64url decode to; -1 when none can */
export function decodedLength(chars: number): number {
  const rem = chars & 3;
  if (rem === 1) return -1;
  return (chars >>> 2) * 3 + (rem === 0 ? 0 : rem - 1);
}

/**
 * Decodes `s` into `out`, which must be exactly decodedLength(s.length) bytes long (a reused
 * buffer on hot paths); false, with `out` partly written, if `s` is not canonical.
 */
export function decodeBase64UrlInto(s: string, out: Uint8Array): boolean {
  const n = s.length;
  const rem = n & 3;
  if (rem === 1 || out.length !== decodedLength(n)) return false;
  let o = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const a = sextet(s, i);
    const b = sextet(s, i + 1);
    const c = sextet(s, i + 2);
    const d = sextet(s, i + 3);
    if ((a | b | c | d) < 0) return false;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 255;
    out[o++] = v & 255;
  }
  if (rem === 2) {
    const a = sextet(s, i);
    const b = sextet(s, i + 1);
    if ((a | b) < 0 || (b & 15) !== 0) return false;
    out[o] = (a << 2) | (b >>> 4);
  } else if (rem === 3) {
    const a = sextet(s, i);
    const b = sextet(s, i + 1);
    const c = sextet(s, i + 2);
    if ((a | b | c) < 0 || (c & 3) !== 0) return false;
    const v = (a << 18) | (b << 12) | (c << 6);
    out[o++] = v >>> 16;
    out[o] = (v >>> 8) & 255;
  }
  return true;
}
