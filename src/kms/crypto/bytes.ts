/**
 * Byte and BigInt helpers shared by the crypto layer. Pure functions, no randomness.
 */

/** The injected, seeded byte source. The only source of randomness in the engine. */
export type RandomSource = (n: number) => Uint8Array;

/**
 * Copy into a fresh ArrayBuffer-backed Uint8Array. WebCrypto's BufferSource type (TS 5.7+) wants
 * `Uint8Array<ArrayBuffer>`, and a copy also protects callers from views over shared buffers.
 */
export function toBuf(u: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(u.length);
  out.set(u);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  return concatAll(parts);
}

/** concat over an array of any length (spread as arguments, a long one overflows the stack) */
export function concatAll(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function utf8(s: string): Uint8Array<ArrayBuffer> {
  return toBuf(new TextEncoder().encode(s));
}

export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (hex.length % 2 !== 0) throw new Error('odd hex length');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const v = parseInt(hex.substr(i * 2, 2), 16);
    if (Number.isNaN(v)) throw new Error('bad hex');
    out[i] = v;
  }
  return out;
}

export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i].toString(16).padStart(2, '0');
  return s;
}

/** Big-endian unsigned bytes → bigint. */
export function bytesToBigInt(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  return BigInt('0x' + bytesToHex(b));
}

/** bigint → big-endian unsigned bytes, left-padded to `len` (minimal length when omitted). */
export function bigIntToBytes(n: bigint, len?: number): Uint8Array<ArrayBuffer> {
  if (n < 0n) throw new Error('negative');
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  if (hex === '00') hex = '';
  const raw = hexToBytes(hex);
  if (len === undefined) return raw.length === 0 ? new Uint8Array(1) : raw;
  if (raw.length > len) throw new Error('integer too large');
  const out = new Uint8Array(len);
  out.set(raw, len - raw.length);
  return out;
}

/** Little-endian bytes → bigint (Ed25519). */
export function bytesToBigIntLE(b: Uint8Array): bigint {
  const r = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) r[i] = b[b.length - 1 - i];
  return bytesToBigInt(r);
}

export function bigIntToBytesLE(n: bigint, len: number): Uint8Array<ArrayBuffer> {
  const be = bigIntToBytes(n, len);
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = be[len - 1 - i];
  return out;
}

export function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  if (m === 1n) return 0n;
  let result = 1n;
  let b = mod(base, m);
  let e = exp;
  // Left-to-right fixed 4-bit window: fewer multiplications than plain square-and-multiply.
  if (e < 16n) {
    while (e > 0n) {
      if (e & 1n) result = (result * b) % m;
      b = (b * b) % m;
      e >>= 1n;
    }
    return result;
  }
  const table: bigint[] = new Array(16);
  table[0] = 1n;
  for (let i = 1; i < 16; i++) table[i] = (table[i - 1] * b) % m;
  const hex = e.toString(16);
  for (let i = 0; i < hex.length; i++) {
    if (i > 0) {
      result = (result * result) % m;
      result = (result * result) % m;
      result = (result * result) % m;
      result = (result * result) % m;
    }
    const d = parseInt(hex[i], 16);
    if (d) result = (result * table[d]) % m;
  }
  return result;
}

/** Modular inverse via extended Euclid; throws when not invertible. */
export function modInv(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new Error('not invertible');
  return mod(oldS, m);
}

export function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

/**
 * Uniform integer in [1, max-1] by rejection sampling `bitLength(max)`-bit draws from `random`.
 * Deterministic for a given byte stream.
 */
export function randomScalar(max: bigint, random: RandomSource): bigint {
  const bits = bitLength(max);
  const bytes = Math.ceil(bits / 8);
  const excess = BigInt(bytes * 8 - bits);
  for (;;) {
    const k = bytesToBigInt(random(bytes)) >> excess;
    if (k >= 1n && k < max) return k;
  }
}
