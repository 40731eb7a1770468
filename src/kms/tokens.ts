/**
 * Grant tokens: "unique, nonsecret, variable-length, base64-encoded" (Developer Guide,
 * grant-tokens). Ours are URL-safe base64 of
 *   version (1) | grant id (32 bytes) | nonce (12) | tag (16)
 * where the tag is a keyed 128-bit hash under a secret drawn from the world's seed. The engine
 * can therefore tell its own tokens from anything else (InvalidGrantTokenException) without
 * keeping a table of them, and every CreateGrant call gets a fresh token even when Name
 * idempotency returns an existing grant id.
 *
 * Version 2 tags are MurmurHash3 (x86, 128-bit) rounds over the 45 signed bytes, with the four
 * lanes started from the secret instead of one public seed. That is not a cryptographic MAC, and
 * needs not be one: the secret follows from the seed, which every shared scenario URL carries,
 * so no tag could keep a reader from minting tokens; it only has to make a token typed by hand,
 * copied from another world or edited by one character fail, which 128 well-mixed bits do. It
 * costs about a tenth of the HMAC-SHA-256 that version 1 tokens carry; those are still
 * accepted (a workspace saved before version 2 holds them in its request log).
 */
import type { Rng } from './rng';
import { decodeBase64UrlInto, encodeBase64Url } from './util/base64';
import { createHmacSha256Into } from './util/sha256';

const V1_HMAC = 1;
const VERSION = 2;
const ID_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const TOKEN_BYTES = 1 + ID_BYTES + NONCE_BYTES + TAG_BYTES;
/** unpadded base64url length of a token: 61 bytes, 82 characters */
const TOKEN_CHARS = Math.ceil((TOKEN_BYTES * 4) / 3);
const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const ID_CODES: number[] = new Array<number>(2 * ID_BYTES).fill(0);
const NIBBLE = new Uint8Array(128);
for (let i = 0; i < 16; i++) NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;

const SIGNED_BYTES = 1 + ID_BYTES + NONCE_BYTES;
/** scratch space: a token is built (or checked) and encoded before the next one starts */
const BUF = new Uint8Array(TOKEN_BYTES);
const TAG = new Uint8Array(32);

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
/** little-endian word at byte `i` of `b` (bytes past `end` read as zero) */
function word(b: Uint8Array, i: number, end: number): number {
  return (i < end ? b[i] : 0) | (i + 1 < end ? b[i + 1] << 8 : 0) | (i + 2 < end ? b[i + 2] << 16 : 0) | (i + 3 < end ? b[i + 3] << 24 : 0);
}

/**
 * MurmurHash3_x86_128 of b[0, length) (length ≤ 48: three zero-padded blocks, the length mixed
 * in at the end as the reference does) with its lanes started from `key`; 16 bytes into `out`.
 */
function keyedMurmur128Into(key: Uint32Array, b: Uint8Array, length: number, out: Uint8Array): void {
  let h1 = key[0] | 0;
  let h2 = key[1] | 0;
  let h3 = key[2] | 0;
  let h4 = key[3] | 0;
  for (let i = 0; i < 48; i += 16) {
    let k1 = word(b, i, length);
    let k2 = word(b, i + 4, length);
    let k3 = word(b, i + 8, length);
    let k4 = word(b, i + 12, length);
    k1 = Math.imul(rotl(Math.imul(k1, 0x239b961b), 15), 0xab0e9789);
    h1 = rotl(h1 ^ k1, 19) + h2;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(k2, 0xab0e9789), 16), 0x38b34ae5);
    h2 = rotl(h2 ^ k2, 17) + h3;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(k3, 0x38b34ae5), 17), 0xa1e38b93);
    h3 = rotl(h3 ^ k3, 15) + h4;
    h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(k4, 0xa1e38b93), 18), 0x239b961b);
    h4 = rotl(h4 ^ k4, 13) + h1;
    h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  }
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h3 = fmix32(h3);
  h4 = fmix32(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  putWord(out, 0, h1);
  putWord(out, 4, h2);
  putWord(out, 8, h3);
  putWord(out, 12, h4);
}

function putWord(out: Uint8Array, at: number, v: number): void {
  out[at] = v;
  out[at + 1] = v >>> 8;
  out[at + 2] = v >>> 16;
  out[at + 3] = v >>> 24;
}

export class GrantTokens {
  #secret: Uint8Array;
  /** the tag key: the secret's 32 bytes folded into four words */
  #key = new Uint32Array(4);
  /** version 1's HMAC, made on the first version 1 token checked */
  #hmac: ((data: Uint8Array, length: number, out: Uint8Array) => void) | undefined;

  constructor(secret: Uint8Array) {
    this.#secret = secret;
    for (let i = 0; i < secret.length; i++) this.#key[(i >>> 2) & 3] ^= secret[i] << (8 * (i & 3));
  }

  issue(grantId: string, rng: Rng): string {
    const buf = BUF;
    buf[0] = VERSION;
    // a new grant's id was drawn just before: its bytes are at hand (a Name match's id is parsed)
    if (grantId.length !== 2 * ID_BYTES || !rng.lastHexBytes(grantId, buf, 1)) {
      for (let i = 0; i < ID_BYTES; i++) buf[1 + i] = (NIBBLE[grantId.charCodeAt(2 * i)] << 4) | NIBBLE[grantId.charCodeAt(2 * i + 1)];
    }
    // the nonce: rng.bytes(NONCE_BYTES), little-endian words written in place
    for (let i = 0; i < NONCE_BYTES; i += 4) {
      const v = rng.u32();
      const o = 1 + ID_BYTES + i;
      buf[o] = v & 0xff;
      buf[o + 1] = (v >>> 8) & 0xff;
      buf[o + 2] = (v >>> 16) & 0xff;
      buf[o + 3] = v >>> 24;
    }
    keyedMurmur128Into(this.#key, buf, SIGNED_BYTES, TAG);
    for (let i = 0; i < TAG_BYTES; i++) buf[SIGNED_BYTES + i] = TAG[i];
    return encodeBase64Url(buf);
  }

  /** the grant id a token stands for, or null when this engine did not issue it */
  verify(token: string): string | null {
    // only a string of exactly this length decodes to TOKEN_BYTES bytes
    if (token.length !== TOKEN_CHARS) return null;
    const buf = BUF;
    if (!decodeBase64UrlInto(token, buf)) return null;
    if (buf[0] === VERSION) keyedMurmur128Into(this.#key, buf, SIGNED_BYTES, TAG);
    else if (buf[0] === V1_HMAC) (this.#hmac ??= createHmacSha256Into(this.#secret))(buf, SIGNED_BYTES, TAG);
    else return null;
    let diff = 0;
    for (let i = 0; i < TAG_BYTES; i++) diff |= TAG[i] ^ buf[SIGNED_BYTES + i];
    if (diff !== 0) return null;
    for (let i = 0; i < ID_BYTES; i++) {
      ID_CODES[2 * i] = HEX_CODES[buf[1 + i] >>> 4];
      ID_CODES[2 * i + 1] = HEX_CODES[buf[1 + i] & 15];
    }
    return String.fromCharCode.apply(null, ID_CODES);
  }
}
