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
import { decodeBase64Url, encodeBase64Url } from './util/base64url';
import { createHmacSha256 } from './util/sha256';

const VERSION = 1;
const ID_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const TOKEN_BYTES = 1 + ID_BYTES + NONCE_BYTES + TAG_BYTES;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const NIBBLE = new Uint8Array(128);
for (let i = 0; i < 16; i++) NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;

export class GrantTokens {
  #mac: (data: Uint8Array) => Uint8Array;
  constructor(secret: Uint8Array) {
    this.#mac = createHmacSha256(secret);
  }

  issue(grantId: string, rng: Rng): string {
    const buf = new Uint8Array(TOKEN_BYTES);
    buf[0] = VERSION;
    for (let i = 0; i < ID_BYTES; i++) buf[1 + i] = (NIBBLE[grantId.charCodeAt(2 * i)] << 4) | NIBBLE[grantId.charCodeAt(2 * i + 1)];
    buf.set(rng.bytes(NONCE_BYTES), 1 + ID_BYTES);
    buf.set(this.#mac(buf.subarray(0, 1 + ID_BYTES + NONCE_BYTES)).subarray(0, TAG_BYTES), 1 + ID_BYTES + NONCE_BYTES);
    return encodeBase64Url(buf);
  }

  /** the grant id a token stands for, or null when this engine did not issue it */
  verify(token: string): string | null {
    if (token.length > 200) return null;
    const buf = decodeBase64Url(token);
    if (!buf || buf.length !== TOKEN_BYTES || buf[0] !== VERSION) return null;
    const tag = this.#mac(buf.subarray(0, 1 + ID_BYTES + NONCE_BYTES));
    let diff = 0;
    for (let i = 0; i < TAG_BYTES; i++) diff |= tag[i] ^ buf[1 + ID_BYTES + NONCE_BYTES + i];
    if (diff !== 0) return null;
    let id = '';
    for (let i = 0; i < ID_BYTES; i++) id += HEX[buf[1 + i]];
    return id;
  }
}
