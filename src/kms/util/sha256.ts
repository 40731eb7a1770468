/**
 * Synchronous, dependency-free SHA-256 and SHA-224 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104):
 * the engine's one implementation of the SHA-256 compression function.
 *
 * Built for the engine's hot paths (grant tokens are an HMAC over ~40 bytes, SigV4
 * verification hashes a ~600-byte canonical request), so it is tuned for small inputs:
 *  - one preallocated Int32Array message schedule shared by every call (the functions are
 *    synchronous and never re-entered, so sharing is safe);
 *  - the working state lives in local variables, the input is read straight from the caller's
 *    bytes (no copy except the final <=2 padded blocks, assembled in a preallocated buffer);
 *  - `createHmacSha256(key)` precomputes the ipad/opad states, so a keyed MAC over a short
 *    message costs two compressions instead of four.
 *
 * Pure: no DOM, no clock, no randomness. Verified against FIPS/NIST and RFC 4231 vectors and
 * against WebCrypto and node:crypto in tests/kms/util/sha256.test.ts and sha224.test.ts.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** SHA-224's initial hash value (FIPS 180-4 section 5.3.2) */
const IV224 = new Int32Array([
  0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4,
]);

/** Message schedule, reused by every compression. */
const W = new Int32Array(64);
/** Scratch for the final one or two padded blocks. */
const TAIL = new Uint8Array(128);
/** Scratch chaining state for one-shot hashing. */
const STATE = new Int32Array(8);
/** Scratch chaining state for the outer HMAC hash (kept apart from STATE). */
const STATE2 = new Int32Array(8);
/** Scratch for the inner HMAC digest. */
const INNER = new Uint8Array(32);
/** Scratch for building a 64-byte ipad/opad block. */
const PAD = new Uint8Array(64);

/** Runs the SHA-256 compression function over the 64 bytes of `m` starting at `off`. */
function compress(h: Int32Array, m: Uint8Array, off: number): void {
  const w = W;
  for (let i = 0; i < 16; i++, off += 4) {
    w[i] = (m[off] << 24) | (m[off + 1] << 16) | (m[off + 2] << 8) | m[off + 3];
  }
  compressW(h);
}

/** Runs the compression function over the block already in W[0..15] (big-endian words). */
function compressW(h: Int32Array): void {
  const w = W;
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15];
    const y = w[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }

  let a = h[0];
  let b = h[1];
  let c = h[2];
  let d = h[3];
  let e = h[4];
  let f = h[5];
  let g = h[6];
  let hh = h[7];

  // Eight rounds per iteration with the roles of a..h rotated, instead of shuffling eight
  // variables every round. Each pair of lines is one round:
  //   t = h + Σ1(e) + Ch(e,f,g) + K[i] + W[i];  d += t;  h = t + Σ0(a) + Maj(a,b,c)
  // with Ch(e,f,g) = g ^ (e & (f ^ g)) and Maj(a,b,c) = (a & b) | (c & (a | b)).
  for (let i = 0; i < 64; i += 8) {
    let t: number;
    t = (hh + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + K[i] + w[i]) | 0;
    d = (d + t) | 0;
    hh = (t + ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b))))) | 0;
    t = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + K[i + 1] + w[i + 1]) | 0;
    c = (c + t) | 0;
    g = (t + ((((hh >>> 2) | (hh << 30)) ^ ((hh >>> 13) | (hh << 19)) ^ ((hh >>> 22) | (hh << 10))) + ((hh & a) | (b & (hh | a))))) | 0;
    t = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + K[i + 2] + w[i + 2]) | 0;
    b = (b + t) | 0;
    f = (t + ((((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) + ((g & hh) | (a & (g | hh))))) | 0;
    t = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + K[i + 3] + w[i + 3]) | 0;
    a = (a + t) | 0;
    e = (t + ((((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) + ((f & g) | (hh & (f | g))))) | 0;
    t = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + K[i + 4] + w[i + 4]) | 0;
    hh = (hh + t) | 0;
    d = (t + ((((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) + ((e & f) | (g & (e | f))))) | 0;
    t = (c + (((hh >>> 6) | (hh << 26)) ^ ((hh >>> 11) | (hh << 21)) ^ ((hh >>> 25) | (hh << 7))) + (b ^ (hh & (a ^ b))) + K[i + 5] + w[i + 5]) | 0;
    g = (g + t) | 0;
    c = (t + ((((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & e) | (f & (d | e))))) | 0;
    t = (b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) + (a ^ (g & (hh ^ a))) + K[i + 6] + w[i + 6]) | 0;
    f = (f + t) | 0;
    b = (t + ((((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) + ((c & d) | (e & (c | d))))) | 0;
    t = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) + (hh ^ (f & (g ^ hh))) + K[i + 7] + w[i + 7]) | 0;
    e = (e + t) | 0;
    a = (t + ((((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) + ((b & c) | (d & (b | c))))) | 0;
  }

  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + b) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
  h[5] = (h[5] + f) | 0;
  h[6] = (h[6] + g) | 0;
  h[7] = (h[7] + hh) | 0;
}

/**
 * Absorbs `data` into chaining state `h` (which has already absorbed `prefixLen` bytes, a
 * multiple of 64), pads, and writes the 32-byte digest into `out` at offset 0.
 */
function finish(h: Int32Array, data: Uint8Array, prefixLen: number, out: Uint8Array, n = data.length): void {
  let off = 0;
  while (n - off >= 64) {
    compress(h, data, off);
    off += 64;
  }
  const rem = n - off;
  const tail = TAIL;
  for (let i = 0; i < rem; i++) tail[i] = data[off + i];
  tail[rem] = 0x80;
  const blockLen = rem < 56 ? 64 : 128;
  for (let i = rem + 1; i < blockLen - 8; i++) tail[i] = 0;
  // Message length in bits as a 64-bit big-endian integer (exact for lengths < 2^53 bytes).
  const total = prefixLen + n;
  const hi = Math.floor(total / 0x20000000);
  const lo = (total % 0x20000000) * 8;
  tail[blockLen - 8] = hi >>> 24;
  tail[blockLen - 7] = hi >>> 16;
  tail[blockLen - 6] = hi >>> 8;
  tail[blockLen - 5] = hi;
  tail[blockLen - 4] = lo >>> 24;
  tail[blockLen - 3] = lo >>> 16;
  tail[blockLen - 2] = lo >>> 8;
  tail[blockLen - 1] = lo;
  compress(h, tail, 0);
  if (blockLen === 128) compress(h, tail, 64);

  for (let i = 0, j = 0; i < 8; i++, j += 4) {
    const v = h[i];
    out[j] = v >>> 24;
    out[j + 1] = v >>> 16;
    out[j + 2] = v >>> 8;
    out[j + 3] = v;
  }
}

/** SHA-256 digest (32 bytes) of `data`. */
export function sha256(data: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(32);
  STATE.set(IV);
  finish(STATE, data, 0, out);
  return out;
}

/** Scratch for the full 32-byte state SHA-224 truncates. */
const DIGEST = new Uint8Array(32);

/** SHA-224 digest (28 bytes) of `data`: SHA-256 from another initial value, truncated. */
export function sha224(data: Uint8Array): Uint8Array<ArrayBuffer> {
  STATE.set(IV224);
  finish(STATE, data, 0, DIGEST);
  return DIGEST.slice(0, 28);
}

/** Chaining states after absorbing the (key ^ ipad) and (key ^ opad) blocks. */
interface HmacStates {
  inner: Int32Array;
  outer: Int32Array;
}

function hmacStates(key: Uint8Array): HmacStates {
  // Keys longer than the block size are hashed first (RFC 2104 section 2).
  const k = key.length > 64 ? sha256(key) : key;
  const inner = new Int32Array(IV);
  const outer = new Int32Array(IV);
  const pad = PAD;
  for (let i = 0; i < 64; i++) pad[i] = (i < k.length ? k[i] : 0) ^ 0x36;
  compress(inner, pad, 0);
  for (let i = 0; i < 64; i++) pad[i] = (i < k.length ? k[i] : 0) ^ 0x5c;
  compress(outer, pad, 0);
  return { inner, outer };
}

function hmacWithStates(states: HmacStates, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(32);
  STATE.set(states.inner);
  finish(STATE, data, 64, INNER);
  STATE2.set(states.outer);
  finish(STATE2, INNER, 64, out);
  return out;
}

/** One-entry memo of the last key's ipad/opad states (a copy of the key, not a reference). */
let lastKey: Uint8Array | null = null;
let lastStates: HmacStates | null = null;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * HMAC-SHA-256 (32 bytes) of `data` under `key` (RFC 2104; any key length).
 * Repeated calls with the same key bytes reuse the key's precomputed states (a one-entry memo),
 * so they cost about as much as a `createHmacSha256` function.
 */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array<ArrayBuffer> {
  if (lastKey === null || lastStates === null || !sameBytes(lastKey, key)) {
    lastStates = hmacStates(key);
    lastKey = key.slice();
  }
  return hmacWithStates(lastStates, data);
}

/**
 * Like createHmacSha256, but the function reads the first `length` bytes of `data` and writes
 * the 32-byte MAC into `out`, allocating nothing (for hot paths such as grant tokens).
 */
export function createHmacSha256Into(key: Uint8Array): (data: Uint8Array, length: number, out: Uint8Array) => void {
  const states = hmacStates(key);
  return (data, length, out) => {
    if (length <= 55) {
      hmacShortInto(states, data, length, out);
      return;
    }
    STATE.set(states.inner);
    finish(STATE, data, 64, INNER, length);
    STATE2.set(states.outer);
    finish(STATE2, INNER, 64, out);
  };
}

/**
 * HMAC of a message that fits one padded block (at most 55 bytes): the inner block is built
 * as words straight in W, and the inner digest goes to the outer block as words, without the
 * byte buffers the general path uses. Same result, two compressions.
 */
function hmacShortInto(states: HmacStates, data: Uint8Array, n: number, out: Uint8Array): void {
  const w = W;
  const whole = n >>> 2;
  let off = 0;
  for (let i = 0; i < whole; i++, off += 4) w[i] = (data[off] << 24) | (data[off + 1] << 16) | (data[off + 2] << 8) | data[off + 3];
  // the last partial word, then the 0x80 marker byte
  let last = 0;
  const rem = n & 3;
  for (let j = 0; j < rem; j++) last |= data[off + j] << (24 - 8 * j);
  w[whole] = last | (0x80 << (24 - 8 * rem));
  for (let i = whole + 1; i < 15; i++) w[i] = 0;
  // bit length of ipad block + message (< 2^32)
  w[15] = (64 + n) * 8;
  const h = STATE;
  h.set(states.inner);
  compressW(h);
  for (let i = 0; i < 8; i++) w[i] = h[i];
  w[8] = 0x80000000 | 0;
  for (let i = 9; i < 15; i++) w[i] = 0;
  w[15] = (64 + 32) * 8;
  const g = STATE2;
  g.set(states.outer);
  compressW(g);
  for (let i = 0, j = 0; i < 8; i++, j += 4) {
    const v = g[i];
    out[j] = v >>> 24;
    out[j + 1] = v >>> 16;
    out[j + 2] = v >>> 8;
    out[j + 3] = v;
  }
}

/**
 * Returns an HMAC-SHA-256 function bound to `key`, with the key's ipad/opad blocks
 * precomputed: each call then costs two compressions for messages up to 55 bytes.
 * The key bytes are copied-by-derivation; later changes to `key` do not affect the function.
 */
export function createHmacSha256(key: Uint8Array): (data: Uint8Array) => Uint8Array<ArrayBuffer> {
  const states = hmacStates(key);
  return (data: Uint8Array) => hmacWithStates(states, data);
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? '0' : '') + i.toString(16));

/** Lowercase hexadecimal encoding of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}
