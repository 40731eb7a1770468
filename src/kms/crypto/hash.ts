/**
 * Hashes and HMAC. SHA-1/256/384/512 come from WebCrypto; SHA-224 (not in WebCrypto) from the
 * engine's one SHA-256 implementation (../util/sha256.ts), and SM3 (not in WebCrypto) is
 * implemented here in plain JS.
 */
import { sha224 } from '../util/sha256';
import { concat, toBuf, utf8 } from './bytes';

export { sha224 };

export type HashName = 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512' | 'SM3';

export const HASH_LEN: Record<HashName, number> = {
  'SHA-1': 20,
  'SHA-224': 28,
  'SHA-256': 32,
  'SHA-384': 48,
  'SHA-512': 64,
  SM3: 32,
};

const HASH_BLOCK: Record<HashName, number> = {
  'SHA-1': 64,
  'SHA-224': 64,
  'SHA-256': 64,
  'SHA-384': 128,
  'SHA-512': 128,
  SM3: 64,
};

export function subtle(): SubtleCrypto {
  const s = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!s) throw new Error('WebCrypto (globalThis.crypto.subtle) is not available');
  return s;
}

export async function digest(name: HashName, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  if (name === 'SHA-224') return sha224(data);
  if (name === 'SM3') return sm3(data);
  return new Uint8Array(await subtle().digest(name, toBuf(data)));
}

// ---------------------------------------------------------------------------------------------
// Merkle-Damgard padding (FIPS 180-4 section 5.1.1; SM3 pads the same way)

function mdPad(data: Uint8Array): Uint8Array {
  const bitLen = data.length * 8;
  const padLen = (((data.length + 9 + 63) >> 6) << 6);
  const m = new Uint8Array(padLen);
  m.set(data);
  m[data.length] = 0x80;
  const dv = new DataView(m.buffer);
  dv.setUint32(padLen - 8, Math.floor(bitLen / 0x100000000));
  dv.setUint32(padLen - 4, bitLen >>> 0);
  return m;
}

// ---------------------------------------------------------------------------------------------
// SM3 (GB/T 32905-2016), needed for SM2DSA.

export function sm3(data: Uint8Array): Uint8Array<ArrayBuffer> {
  const V = new Uint32Array([
    0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
  ]);
  const rotl = (x: number, n: number) => {
    n %= 32;
    return n === 0 ? x >>> 0 : ((x << n) | (x >>> (32 - n))) >>> 0;
  };
  const P0 = (x: number) => (x ^ rotl(x, 9) ^ rotl(x, 17)) >>> 0;
  const P1 = (x: number) => (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0;
  const m = mdPad(data);
  const dv = new DataView(m.buffer);
  const W = new Uint32Array(68);
  const W1 = new Uint32Array(64);
  for (let off = 0; off < m.length; off += 64) {
    for (let i = 0; i < 16; i++) W[i] = dv.getUint32(off + i * 4);
    for (let i = 16; i < 68; i++) {
      W[i] = (P1(W[i - 16] ^ W[i - 9] ^ rotl(W[i - 3], 15)) ^ rotl(W[i - 13], 7) ^ W[i - 6]) >>> 0;
    }
    for (let i = 0; i < 64; i++) W1[i] = (W[i] ^ W[i + 4]) >>> 0;
    let [A, B, C, D, E, F, G, H] = [V[0], V[1], V[2], V[3], V[4], V[5], V[6], V[7]];
    for (let j = 0; j < 64; j++) {
      const T = j < 16 ? 0x79cc4519 : 0x7a879d8a;
      const SS1 = rotl((rotl(A, 12) + E + rotl(T, j)) >>> 0, 7);
      const SS2 = (SS1 ^ rotl(A, 12)) >>> 0;
      const FF = j < 16 ? (A ^ B ^ C) >>> 0 : ((A & B) | (A & C) | (B & C)) >>> 0;
      const GG = j < 16 ? (E ^ F ^ G) >>> 0 : ((E & F) | (~E & G)) >>> 0;
      const TT1 = (FF + D + SS2 + W1[j]) >>> 0;
      const TT2 = (GG + H + SS1 + W[j]) >>> 0;
      D = C;
      C = rotl(B, 9);
      B = A;
      A = TT1;
      H = G;
      G = rotl(F, 19);
      F = E;
      E = P0(TT2);
    }
    V[0] ^= A;
    V[1] ^= B;
    V[2] ^= C;
    V[3] ^= D;
    V[4] ^= E;
    V[5] ^= F;
    V[6] ^= G;
    V[7] ^= H;
  }
  const out = new Uint8Array(32);
  const odv = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) odv.setUint32(i * 4, V[i]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// HMAC (RFC 2104). WebCrypto HMAC is used by mac.ts where it exists; this generic version serves
// SHA-224 and SM3 and the deterministic-nonce derivations.

export async function hmac(name: HashName, key: Uint8Array, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  if (name !== 'SHA-224' && name !== 'SM3') {
    const s = subtle();
    const k = await s.importKey('raw', toBuf(key), { name: 'HMAC', hash: name }, false, ['sign']);
    return new Uint8Array(await s.sign('HMAC', k, toBuf(data)));
  }
  const block = HASH_BLOCK[name];
  let k = key.length > block ? await digest(name, key) : key;
  const padded = new Uint8Array(block);
  padded.set(k);
  const ipad = padded.map((b) => b ^ 0x36);
  const opad = padded.map((b) => b ^ 0x5c);
  const inner = await digest(name, concat(ipad, data));
  k = inner;
  return digest(name, concat(opad, k));
}

/**
 * Deterministic stand-in for randomness when a caller passes no `random` (OAEP seed, PSS salt):
 * HMAC-SHA-256 keyed with a hash of the key, over a label and the input. Replays stay exact.
 */
export async function derivedBytes(keyBytes: Uint8Array, label: string, input: Uint8Array, n: number): Promise<Uint8Array> {
  const k = await digest('SHA-256', keyBytes);
  let out = new Uint8Array(0);
  for (let i = 0; out.length < n; i++) {
    out = concat(out, await hmac('SHA-256', k, concat(utf8(label), Uint8Array.of(i), input)));
  }
  return out.slice(0, n);
}
