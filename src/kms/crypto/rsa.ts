/**
 * RSA in BigInt: deterministic key generation from the injected byte source, PKCS#8/SPKI
 * encodings, and the PKCS#1 v2.2 (RFC 8017) encodings KMS needs — EMSA-PKCS1-v1_5, EMSA-PSS and
 * EME-OAEP — so that MessageType DIGEST signing and seeded (replayable) OAEP/PSS are possible.
 */
import {
  bigIntToBytes,
  bitLength,
  bytesToBigInt,
  concat,
  equalBytes,
  gcd,
  modInv,
  modPow,
  type RandomSource,
} from './bytes';
import * as der from './der';
import { digest, HASH_LEN, type HashName } from './hash';

const RSA_OID = '1.2.840.113549.1.1.1';
export const E = 65537n;

export interface RsaPrivate {
  n: bigint;
  e: bigint;
  d: bigint;
  p: bigint;
  q: bigint;
  dp: bigint;
  dq: bigint;
  qinv: bigint;
  /** modulus length in bytes */
  k: number;
}

export interface RsaPublic {
  n: bigint;
  e: bigint;
  k: number;
}

// ---------------------------------------------------------------------------------------------
// Prime generation.

/** the odd primes below 2^16, sieved with the first RSA key made (not when the engine loads) */
let smallPrimes: number[] | undefined;
const oddPrimes = (): number[] => (smallPrimes ??= sieveSmallPrimes());

function sieveSmallPrimes(): number[] {
  const limit = 1 << 16;
  const sieve = new Uint8Array(limit);
  const out: number[] = [];
  for (let i = 2; i < limit; i++) {
    if (sieve[i]) continue;
    out.push(i);
    for (let j = i * i; j < limit; j += i) sieve[j] = 1;
  }
  return out.slice(1); // odd primes only
}

const MR_BASES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n];

function millerRabin(n: bigint, rounds: number): boolean {
  const nm1 = n - 1n;
  let d = nm1;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  for (let i = 0; i < rounds; i++) {
    let x = modPow(MR_BASES[i], d, n);
    if (x === 1n || x === nm1) continue;
    let composite = true;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === nm1) {
        composite = false;
        break;
      }
      if (x === 1n) break;
    }
    if (composite) return false;
  }
  return true;
}

/**
 * A `bits`-bit prime p with the two top bits set (so p·q has exactly 2·bits bits), gcd(p-1, e) = 1.
 * Incremental search from a random odd start with a sieve over the odd primes below 2^16, then
 * Miller–Rabin with fixed bases (the candidates come from the random source, not an adversary).
 */
function generatePrime(bits: number, random: RandomSource): bigint {
  const bytes = Math.ceil(bits / 8);
  const rounds = bits >= 1536 ? 4 : 5; // FIPS 186-5 Table B.1 (error ≤ 2^-100 for these sizes)
  const WINDOW = 1 << 14; // odd offsets searched per random start
  for (;;) {
    let start = bytesToBigInt(random(bytes));
    start >>= BigInt(bytes * 8 - bits);
    start |= (3n << BigInt(bits - 2)) | 1n;
    // sieve[i] = 1 ⇔ start + 2i has a small factor
    const sieve = new Uint8Array(WINDOW);
    for (const sp of oddPrimes()) {
      const r = Number(start % BigInt(sp));
      // first i with (r + 2i) ≡ 0 (mod sp): 2i ≡ -r → i ≡ (sp - r) * inv2 (mod sp)
      let i = r === 0 ? 0 : ((sp - r) * ((sp + 1) / 2)) % sp;
      for (; i < WINDOW; i += sp) sieve[i] = 1;
    }
    for (let i = 0; i < WINDOW; i++) {
      if (sieve[i]) continue;
      const cand = start + 2n * BigInt(i);
      if (bitLength(cand) !== bits) break;
      if ((cand - 1n) % E === 0n) continue;
      if (millerRabin(cand, rounds)) return cand;
    }
  }
}

export function generateRsa(bits: number, random: RandomSource): RsaPrivate {
  const half = bits / 2;
  for (;;) {
    const p0 = generatePrime(half, random);
    const q0 = generatePrime(half, random);
    const [p, q] = p0 > q0 ? [p0, q0] : [q0, p0];
    // FIPS 186-5 A.1.3: |p - q| > 2^(nlen/2 - 100)
    if (p - q <= 1n << BigInt(half - 100)) continue;
    const n = p * q;
    if (bitLength(n) !== bits) continue;
    const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
    const d = modInv(E, lambda);
    return { n, e: E, d, p, q, dp: d % (p - 1n), dq: d % (q - 1n), qinv: modInv(q, p), k: Math.ceil(bits / 8) };
  }
}

// ---------------------------------------------------------------------------------------------
// Encodings.

export function rsaPkcs8(key: RsaPrivate): Uint8Array {
  const rsaPrivateKey = der.seq(
    der.int(0),
    der.int(key.n),
    der.int(key.e),
    der.int(key.d),
    der.int(key.p),
    der.int(key.q),
    der.int(key.dp),
    der.int(key.dq),
    der.int(key.qinv),
  );
  return der.seq(der.int(0), der.seq(der.oid(RSA_OID), der.nul()), der.octets(rsaPrivateKey));
}

export function rsaSpki(key: RsaPublic): Uint8Array {
  return der.seq(der.seq(der.oid(RSA_OID), der.nul()), der.bitString(der.seq(der.int(key.n), der.int(key.e))));
}

export function parseRsaPkcs8(pkcs8: Uint8Array): RsaPrivate {
  const top = der.children(der.expect(der.readExact(pkcs8), der.TAG.SEQUENCE));
  const alg = der.children(der.expect(top[1], der.TAG.SEQUENCE));
  if (der.decodeOid(alg[0].content) !== RSA_OID) throw new Error('not an RSA key');
  const f = der
    .children(der.expect(der.readExact(der.expect(top[2], der.TAG.OCTET_STRING).content), der.TAG.SEQUENCE))
    .map((x) => der.readUInt(x));
  const [, n, e, d, p, q, dp, dq, qinv] = f;
  return { n, e, d, p, q, dp, dq, qinv, k: Math.ceil(bitLength(n) / 8) };
}

export function parseRsaSpki(spki: Uint8Array): RsaPublic | null {
  try {
    const top = der.children(der.expect(der.readExact(spki), der.TAG.SEQUENCE));
    const alg = der.children(der.expect(top[0], der.TAG.SEQUENCE));
    if (der.decodeOid(alg[0].content) !== RSA_OID) return null;
    const [n, e] = der.children(der.expect(der.readExact(der.readBitString(top[1])), der.TAG.SEQUENCE)).map((x) =>
      der.readUInt(x),
    );
    return { n, e, k: Math.ceil(bitLength(n) / 8) };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Primitives.

function rsaPublicOp(key: RsaPublic, m: bigint): bigint {
  return modPow(m, key.e, key.n);
}

function rsaPrivateOp(key: RsaPrivate, c: bigint): bigint {
  // CRT (RFC 8017 §5.1.2, 2.b)
  const m1 = modPow(c % key.p, key.dp, key.p);
  const m2 = modPow(c % key.q, key.dq, key.q);
  let h = ((m1 - m2) * key.qinv) % key.p;
  if (h < 0n) h += key.p;
  return m2 + h * key.q;
}

async function mgf1(hash: HashName, seed: Uint8Array, len: number): Promise<Uint8Array> {
  const hLen = HASH_LEN[hash];
  const out = new Uint8Array(Math.ceil(len / hLen) * hLen);
  for (let i = 0, off = 0; off < len; i++, off += hLen) {
    out.set(await digest(hash, concat(seed, Uint8Array.of(i >>> 24, (i >>> 16) & 255, (i >>> 8) & 255, i & 255))), off);
  }
  return out.subarray(0, len);
}

function xorInto(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

// ---- OAEP (RFC 8017 §7.1), empty label, MGF1 with the same hash (what KMS RSAES_OAEP_SHA_* use).

export function oaepMaxPlaintext(k: number, hash: HashName): number {
  return k - 2 * HASH_LEN[hash] - 2;
}

export async function oaepEncrypt(key: RsaPublic, hash: HashName, m: Uint8Array, seed: Uint8Array): Promise<Uint8Array> {
  const hLen = HASH_LEN[hash];
  const k = key.k;
  if (m.length > oaepMaxPlaintext(k, hash)) throw new Error('message too long');
  const lHash = await digest(hash, new Uint8Array(0));
  const ps = new Uint8Array(k - m.length - 2 * hLen - 2);
  const DB = concat(lHash, ps, Uint8Array.of(1), m);
  const maskedDB = xorInto(DB, await mgf1(hash, seed, k - hLen - 1));
  const maskedSeed = xorInto(seed, await mgf1(hash, maskedDB, hLen));
  const EM = concat(Uint8Array.of(0), maskedSeed, maskedDB);
  return bigIntToBytes(rsaPublicOp(key, bytesToBigInt(EM)), k);
}

// ---- EMSA-PKCS1-v1_5 (RFC 8017 §9.2)

const DIGEST_INFO_PREFIX: Partial<Record<HashName, string>> = {
  'SHA-256': '3031300d060960864801650304020105000420',
  'SHA-384': '3041300d060960864801650304020205000430',
  'SHA-512': '3051300d060960864801650304020305000440',
};

function emsaPkcs1(hash: HashName, digestBytes: Uint8Array, k: number): Uint8Array {
  const prefixHex = DIGEST_INFO_PREFIX[hash];
  if (!prefixHex) throw new Error('unsupported hash');
  const prefix = Uint8Array.from(prefixHex.match(/../g)!.map((x) => parseInt(x, 16)));
  const T = concat(prefix, digestBytes);
  if (k < T.length + 11) throw new Error('intended encoded message length too short');
  const PS = new Uint8Array(k - T.length - 3).fill(0xff);
  return concat(Uint8Array.of(0, 1), PS, Uint8Array.of(0), T);
}

export function pkcs1Sign(key: RsaPrivate, hash: HashName, digestBytes: Uint8Array): Uint8Array {
  const EM = emsaPkcs1(hash, digestBytes, key.k);
  return bigIntToBytes(rsaPrivateOp(key, bytesToBigInt(EM)), key.k);
}

export function pkcs1Verify(key: RsaPublic, hash: HashName, digestBytes: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== key.k) return false;
  const s = bytesToBigInt(sig);
  if (s >= key.n) return false;
  const EM = bigIntToBytes(rsaPublicOp(key, s), key.k);
  return equalBytes(EM, emsaPkcs1(hash, digestBytes, key.k));
}

// ---- EMSA-PSS (RFC 8017 §9.1), MGF1 with the same hash, trailer 0xbc.

export async function pssSign(key: RsaPrivate, hash: HashName, mHash: Uint8Array, salt: Uint8Array): Promise<Uint8Array> {
  const hLen = HASH_LEN[hash];
  const emBits = bitLength(key.n) - 1;
  const emLen = Math.ceil(emBits / 8);
  if (emLen < hLen + salt.length + 2) throw new Error('encoding error');
  const H = await digest(hash, concat(new Uint8Array(8), mHash, salt));
  const PS = new Uint8Array(emLen - salt.length - hLen - 2);
  const DB = concat(PS, Uint8Array.of(1), salt);
  const maskedDB = xorInto(DB, await mgf1(hash, H, emLen - hLen - 1));
  maskedDB[0] &= 0xff >> (8 * emLen - emBits);
  const EM = concat(maskedDB, H, Uint8Array.of(0xbc));
  return bigIntToBytes(rsaPrivateOp(key, bytesToBigInt(EM)), key.k);
}

export async function pssVerify(
  key: RsaPublic,
  hash: HashName,
  mHash: Uint8Array,
  sig: Uint8Array,
  sLen: number,
): Promise<boolean> {
  const hLen = HASH_LEN[hash];
  if (sig.length !== key.k) return false;
  const s = bytesToBigInt(sig);
  if (s >= key.n) return false;
  const emBits = bitLength(key.n) - 1;
  const emLen = Math.ceil(emBits / 8);
  const m = rsaPublicOp(key, s);
  if (bitLength(m) > emLen * 8) return false;
  const EM = bigIntToBytes(m, emLen);
  if (emLen < hLen + sLen + 2 || EM[emLen - 1] !== 0xbc) return false;
  const maskedDB = EM.subarray(0, emLen - hLen - 1);
  const H = EM.subarray(emLen - hLen - 1, emLen - 1);
  const topMask = 0xff >> (8 * emLen - emBits);
  if (maskedDB[0] & ~topMask & 0xff) return false;
  const DB = xorInto(maskedDB, await mgf1(hash, H, emLen - hLen - 1));
  DB[0] &= topMask;
  const psLen = emLen - hLen - sLen - 2;
  for (let i = 0; i < psLen; i++) if (DB[i] !== 0) return false;
  if (DB[psLen] !== 1) return false;
  const salt = DB.subarray(DB.length - sLen);
  const H2 = await digest(hash, concat(new Uint8Array(8), mHash, salt));
  return equalBytes(H, H2);
}
