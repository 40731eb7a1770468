/**
 * Grant tokens: "unique, nonsecret, variable-length, base64-encoded" (Developer Guide,
 * grant-tokens). Ours are URL-safe base64 of
 *   version (1) | grant id (32 bytes) | nonce (12) | tag (16)
 * where the tag is HMAC-SHA-256 under a secret drawn from the world's seed. The engine can
 * therefore tell its own tokens from anything else (InvalidGrantTokenException) without
 * keeping a table of them, and every CreateGrant call gets a fresh token even when Name
 * idempotency returns an existing grant id.
 */
import type { Rng } from './rng';
import { decodeBase64UrlInto, encodeBase64Url } from './util/base64url';
import { createHmacSha256Into } from './util/sha256';

const VERSION = 1;
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

export class GrantTokens {
  #mac: (data: Uint8Array, length: number, out: Uint8Array) => void;
  constructor(secret: Uint8Array) {
    this.#mac = createHmacSha256Into(secret);
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
      if (i + 1 < NONCE_BYTES) buf[o + 1] = (v >>> 8) & 0xff;
      if (i + 2 < NONCE_BYTES) buf[o + 2] = (v >>> 16) & 0xff;
      if (i + 3 < NONCE_BYTES) buf[o + 3] = v >>> 24;
    }
    this.#mac(buf, SIGNED_BYTES, TAG);
    for (let i = 0; i < TAG_BYTES; i++) buf[SIGNED_BYTES + i] = TAG[i];
    return encodeBase64Url(buf);
  }

  /** the grant id a token stands for, or null when this engine did not issue it */
  verify(token: string): string | null {
    // only a string of exactly this length decodes to TOKEN_BYTES bytes
    if (token.length !== TOKEN_CHARS) return null;
    const buf = BUF;
    if (!decodeBase64UrlInto(token, buf) || buf[0] !== VERSION) return null;
    this.#mac(buf, SIGNED_BYTES, TAG);
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
