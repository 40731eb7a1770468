/**
 * Base64 encoding, standard (padded) and base64url (unpadded): the half of ./base64.ts that the
 * page's first load needs (request templates, the presenter's channel), in a module of its own so
 * that the decoders and their tables load with the engine. ./base64.ts re-exports these, and its
 * header says what each encoding is.
 */

export const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const CODES_STANDARD = Array.from(STANDARD, (c) => c.charCodeAt(0));
const CODES_URL = Array.from(URL_SAFE, (c) => c.charCodeAt(0));

/** String.fromCharCode over this gives one flat string, where += would build a rope */
const out: number[] = [];
/** larger inputs are encoded in slices, to stay far below the engine's argument-count limit */
const SLICE = 3 * 4096;

/** unpadded encoding of `bytes` with the alphabet whose char codes are `codes` */
function encodeUnpadded(bytes: Uint8Array, codes: readonly number[]): string {
  if (bytes.length > SLICE) {
    let s = '';
    for (let at = 0; at < bytes.length; at += SLICE) s += encodeUnpadded(bytes.subarray(at, at + SLICE), codes);
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
    o[j] = codes[v >>> 18];
    o[j + 1] = codes[(v >>> 12) & 63];
    o[j + 2] = codes[(v >>> 6) & 63];
    o[j + 3] = codes[v & 63];
  }
  if (rem === 1) {
    const v = bytes[i] << 16;
    o[j] = codes[v >>> 18];
    o[j + 1] = codes[(v >>> 12) & 63];
  } else if (rem === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    o[j] = codes[v >>> 18];
    o[j + 1] = codes[(v >>> 12) & 63];
    o[j + 2] = codes[(v >>> 6) & 63];
  }
  return String.fromCharCode.apply(null, out);
}

/** Encodes `bytes` as standard base64 with padding. */
export function encodeBase64(bytes: Uint8Array): string {
  const rem = bytes.length % 3;
  const s = encodeUnpadded(bytes, CODES_STANDARD);
  return rem === 0 ? s : rem === 1 ? s + '==' : s + '=';
}

/** Encodes `bytes` as unpadded base64url. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeUnpadded(bytes, CODES_URL);
}

/** Number of characters standard (padded) base64 needs for `bytes` bytes. */
export function base64EncodedLength(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}
