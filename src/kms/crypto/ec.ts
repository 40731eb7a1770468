/**
 * Short-Weierstrass elliptic-curve arithmetic in BigInt (Jacobian coordinates), ECDSA with
 * RFC 6979 deterministic nonces, and SM2DSA (GB/T 32918.2). Not constant-time: this is a
 * simulator, not an HSM.
 */
import {
  bigIntToBytes,
  bitLength,
  bytesToBigInt,
  concat,
  mod,
  modInv,
  modPow,
  utf8,
} from './bytes';
import * as der from './der';
import { digest, hmac, type HashName } from './hash';

export type CurveName = 'P-256' | 'P-384' | 'P-521' | 'secp256k1' | 'SM2';

export interface Curve {
  name: CurveName;
  oid: string;
  p: bigint;
  a: bigint;
  b: bigint;
  n: bigint;
  gx: bigint;
  gy: bigint;
  /** field element size in bytes */
  size: number;
}

const h = (s: string) => BigInt('0x' + s.replace(/\s+/g, ''));

export const CURVES: Record<CurveName, Curve> = {
  'P-256': {
    name: 'P-256',
    oid: '1.2.840.10045.3.1.7',
    p: h('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff'),
    a: h('ffffffff00000001000000000000000000000000fffffffffffffffffffffffc'),
    b: h('5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b'),
    n: h('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
    gx: h('6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296'),
    gy: h('4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5'),
    size: 32,
  },
  'P-384': {
    name: 'P-384',
    oid: '1.3.132.0.34',
    p: h('fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff'),
    a: h('fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffc'),
    b: h('b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef'),
    n: h('ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973'),
    gx: h('aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7'),
    gy: h('3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f'),
    size: 48,
  },
  'P-521': {
    name: 'P-521',
    oid: '1.3.132.0.35',
    p: (1n << 521n) - 1n,
    a: (1n << 521n) - 4n,
    b: h(
      '0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00',
    ),
    n: h(
      '01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
    ),
    gx: h(
      '00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66',
    ),
    gy: h(
      '011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650',
    ),
    size: 66,
  },
  secp256k1: {
    name: 'secp256k1',
    oid: '1.3.132.0.10',
    p: h('fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f'),
    a: 0n,
    b: 7n,
    n: h('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141'),
    gx: h('79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'),
    gy: h('483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8'),
    size: 32,
  },
  SM2: {
    name: 'SM2',
    oid: '1.2.156.10197.1.301',
    p: h('fffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff'),
    a: h('fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc'),
    b: h('28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93'),
    n: h('fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123'),
    gx: h('32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7'),
    gy: h('bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0'),
    size: 32,
  },
};

const ID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

function curveByOid(o: string): Curve | undefined {
  return Object.values(CURVES).find((c) => c.oid === o);
}

/** Affine point; `null` is the point at infinity. */
export type Point = { x: bigint; y: bigint } | null;
type Jac = { X: bigint; Y: bigint; Z: bigint };

const INF: Jac = { X: 1n, Y: 1n, Z: 0n };

function jDouble(c: Curve, P: Jac): Jac {
  if (P.Z === 0n || P.Y === 0n) return INF;
  const p = c.p;
  const XX = (P.X * P.X) % p;
  const YY = (P.Y * P.Y) % p;
  const YYYY = (YY * YY) % p;
  const ZZ = (P.Z * P.Z) % p;
  const S = (4n * P.X * YY) % p;
  const M = (3n * XX + c.a * ((ZZ * ZZ) % p)) % p;
  const X3 = mod(M * M - 2n * S, p);
  const Y3 = mod(M * (S - X3) - 8n * YYYY, p);
  const Z3 = (2n * P.Y * P.Z) % p;
  return { X: X3, Y: Y3, Z: Z3 };
}

function jAdd(c: Curve, P: Jac, Q: Jac): Jac {
  if (P.Z === 0n) return Q;
  if (Q.Z === 0n) return P;
  const p = c.p;
  const Z1Z1 = (P.Z * P.Z) % p;
  const Z2Z2 = (Q.Z * Q.Z) % p;
  const U1 = (P.X * Z2Z2) % p;
  const U2 = (Q.X * Z1Z1) % p;
  const S1 = (P.Y * Q.Z * Z2Z2) % p;
  const S2 = (Q.Y * P.Z * Z1Z1) % p;
  if (U1 === U2) return S1 === S2 ? jDouble(c, P) : INF;
  const H = mod(U2 - U1, p);
  const R = mod(S2 - S1, p);
  const HH = (H * H) % p;
  const HHH = (H * HH) % p;
  const V = (U1 * HH) % p;
  const X3 = mod(R * R - HHH - 2n * V, p);
  const Y3 = mod(R * (V - X3) - S1 * HHH, p);
  const Z3 = (P.Z * Q.Z * H) % p;
  return { X: X3, Y: Y3, Z: Z3 };
}

function toJac(P: Point): Jac {
  return P === null ? INF : { X: P.x, Y: P.y, Z: 1n };
}

function toAffine(c: Curve, P: Jac): Point {
  if (P.Z === 0n) return null;
  const zi = modInv(P.Z, c.p);
  const zi2 = (zi * zi) % c.p;
  return { x: (P.X * zi2) % c.p, y: (P.Y * zi2 * zi) % c.p };
}

function jMul(c: Curve, k: bigint, P: Jac): Jac {
  // 4-bit fixed window, left to right.
  const table: Jac[] = [INF, P];
  for (let i = 2; i < 16; i++) table[i] = jAdd(c, table[i - 1], P);
  const hex = k.toString(16);
  let R = INF;
  for (let i = 0; i < hex.length; i++) {
    if (i > 0) R = jDouble(c, jDouble(c, jDouble(c, jDouble(c, R))));
    const d = parseInt(hex[i], 16);
    if (d) R = jAdd(c, R, table[d]);
  }
  return R;
}

export function generator(c: Curve): Point {
  return { x: c.gx, y: c.gy };
}

export function mul(c: Curve, k: bigint, P: Point): Point {
  const kk = mod(k, c.n);
  if (kk === 0n || P === null) return null;
  return toAffine(c, jMul(c, kk, toJac(P)));
}

export function mulG(c: Curve, k: bigint): Point {
  return mul(c, k, generator(c));
}

/** u1*G + u2*Q */
function mulAdd(c: Curve, u1: bigint, u2: bigint, Q: Point): Point {
  const A = jMul(c, mod(u1, c.n), toJac(generator(c)));
  const B = Q === null ? INF : jMul(c, mod(u2, c.n), toJac(Q));
  return toAffine(c, jAdd(c, A, B));
}

export function onCurve(c: Curve, P: Point): boolean {
  if (P === null) return false;
  const { x, y } = P;
  if (x < 0n || x >= c.p || y < 0n || y >= c.p) return false;
  return mod(y * y - (x * x * x + c.a * x + c.b), c.p) === 0n;
}

/** SEC1 uncompressed encoding 04 || X || Y. */
function encodePoint(c: Curve, P: Point): Uint8Array {
  if (P === null) throw new Error('cannot encode infinity');
  return concat(Uint8Array.of(4), bigIntToBytes(P.x, c.size), bigIntToBytes(P.y, c.size));
}

/** SEC1 decoding (uncompressed or compressed); returns null for invalid / off-curve points. */
function decodePoint(c: Curve, b: Uint8Array): Point {
  if (b.length === 1 + 2 * c.size && b[0] === 4) {
    const P = { x: bytesToBigInt(b.subarray(1, 1 + c.size)), y: bytesToBigInt(b.subarray(1 + c.size)) };
    return onCurve(c, P) ? P : null;
  }
  if (b.length === 1 + c.size && (b[0] === 2 || b[0] === 3)) {
    const x = bytesToBigInt(b.subarray(1));
    if (x >= c.p) return null;
    const rhs = mod(x * x * x + c.a * x + c.b, c.p);
    // All supported curves have p ≡ 3 (mod 4).
    let y = modPow(rhs, (c.p + 1n) / 4n, c.p);
    if ((y * y) % c.p !== rhs) return null;
    if (Number(y & 1n) !== (b[0] & 1)) y = c.p - y;
    return { x, y };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Key encodings.

/** PKCS#8 PrivateKeyInfo wrapping an RFC 5915 ECPrivateKey with the public key included. */
export function ecPkcs8(c: Curve, d: bigint, Q: Point): Uint8Array {
  const ecPrivateKey = der.seq(
    der.int(1),
    der.octets(bigIntToBytes(d, Math.ceil(bitLength(c.n) / 8))),
    der.explicit(1, der.bitString(encodePoint(c, Q))),
  );
  return der.seq(der.int(0), der.seq(der.oid(ID_EC_PUBLIC_KEY), der.oid(c.oid)), der.octets(ecPrivateKey));
}

export function ecSpki(c: Curve, Q: Point): Uint8Array {
  return der.seq(der.seq(der.oid(ID_EC_PUBLIC_KEY), der.oid(c.oid)), der.bitString(encodePoint(c, Q)));
}

export interface EcPrivate {
  curve: Curve;
  d: bigint;
  Q: Point;
}

/** Parse an EC PKCS#8 produced by ecPkcs8 (or by OpenSSL/BoringSSL). */
export function parseEcPkcs8(pkcs8: Uint8Array): EcPrivate {
  const top = der.children(der.expect(der.readExact(pkcs8), der.TAG.SEQUENCE));
  const alg = der.children(der.expect(top[1], der.TAG.SEQUENCE));
  if (der.decodeOid(der.expect(alg[0], der.TAG.OID).content) !== ID_EC_PUBLIC_KEY) throw new Error('not an EC key');
  const curve = curveByOid(der.decodeOid(der.expect(alg[1], der.TAG.OID).content));
  if (!curve) throw new Error('unsupported curve');
  const inner = der.children(der.expect(der.readExact(der.expect(top[2], der.TAG.OCTET_STRING).content), der.TAG.SEQUENCE));
  const d = bytesToBigInt(der.expect(inner[1], der.TAG.OCTET_STRING).content);
  let Q: Point = null;
  for (const child of inner.slice(2)) {
    if (child.tag === 0xa1) Q = decodePoint(curve, der.readBitString(der.readExact(child.content)));
  }
  if (Q === null) Q = mulG(curve, d);
  return { curve, d, Q };
}

/** Parse an EC SubjectPublicKeyInfo; returns null for anything that is not a valid EC point. */
export function parseEcSpki(spki: Uint8Array): { curve: Curve; Q: Point } | null {
  try {
    const top = der.children(der.expect(der.readExact(spki), der.TAG.SEQUENCE));
    if (top.length !== 2) return null;
    const alg = der.children(der.expect(top[0], der.TAG.SEQUENCE));
    if (der.decodeOid(der.expect(alg[0], der.TAG.OID).content) !== ID_EC_PUBLIC_KEY) return null;
    if (!alg[1] || alg[1].tag !== der.TAG.OID) return null;
    const curve = curveByOid(der.decodeOid(alg[1].content));
    if (!curve) return null;
    const Q = decodePoint(curve, der.readBitString(top[1]));
    return Q ? { curve, Q } : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Signature encoding (ECDSA-Sig-Value, RFC 3279 §2.2.3 — also used by SM2DSA, GM/T 0009).

function encodeSig(r: bigint, s: bigint): Uint8Array {
  return der.seq(der.int(r), der.int(s));
}

function decodeSig(sig: Uint8Array): { r: bigint; s: bigint } | null {
  try {
    const parts = der.children(der.expect(der.readExact(sig), der.TAG.SEQUENCE));
    if (parts.length !== 2) return null;
    return { r: der.readUInt(parts[0]), s: der.readUInt(parts[1]) };
  } catch {
    return null;
  }
}

/** DER signature → IEEE P1363 r||s (WebCrypto format); null when malformed or out of range. */
export function derToP1363(c: Curve, sig: Uint8Array): Uint8Array | null {
  const rs = decodeSig(sig);
  if (!rs || rs.r <= 0n || rs.s <= 0n || rs.r >= c.n || rs.s >= c.n) return null;
  const len = Math.ceil(bitLength(c.n) / 8);
  return concat(bigIntToBytes(rs.r, len), bigIntToBytes(rs.s, len));
}

// ---------------------------------------------------------------------------------------------
// ECDSA over a message digest (FIPS 186-5 §6.4, SEC1 §4.1).

function bits2int(c: Curve, hash: Uint8Array): bigint {
  let e = bytesToBigInt(hash);
  const qlen = bitLength(c.n);
  const hlen = hash.length * 8;
  if (hlen > qlen) e >>= BigInt(hlen - qlen);
  return e;
}

/** RFC 6979 §3.2 deterministic nonce generator (HMAC_DRBG with the signature's hash). */
async function* rfc6979(c: Curve, d: bigint, hash: Uint8Array, hashName: HashName, hlen: number) {
  const rlen = Math.ceil(bitLength(c.n) / 8);
  const x = bigIntToBytes(d, rlen);
  const h1 = bigIntToBytes(mod(bits2int(c, hash), c.n), rlen);
  let V: Uint8Array = new Uint8Array(hlen).fill(1);
  let K: Uint8Array = new Uint8Array(hlen);
  K = await hmac(hashName, K, concat(V, Uint8Array.of(0), x, h1));
  V = await hmac(hashName, K, V);
  K = await hmac(hashName, K, concat(V, Uint8Array.of(1), x, h1));
  V = await hmac(hashName, K, V);
  const qlen = bitLength(c.n);
  for (;;) {
    let T: Uint8Array = new Uint8Array(0);
    while (T.length * 8 < qlen) {
      V = await hmac(hashName, K, V);
      T = concat(T, V);
    }
    let k = bytesToBigInt(T);
    if (T.length * 8 > qlen) k >>= BigInt(T.length * 8 - qlen);
    if (k >= 1n && k < c.n) yield k;
    K = await hmac(hashName, K, concat(V, Uint8Array.of(0)));
    V = await hmac(hashName, K, V);
  }
}

/** ECDSA signature over `hash` (already hashed), DER encoded. Deterministic (RFC 6979). */
export async function ecdsaSignDigest(key: EcPrivate, hash: Uint8Array, hashName: HashName): Promise<Uint8Array> {
  const c = key.curve;
  const e = bits2int(c, hash);
  for await (const k of rfc6979(c, key.d, hash, hashName, hash.length)) {
    const R = mulG(c, k)!;
    const r = mod(R.x, c.n);
    if (r === 0n) continue;
    const s = mod(modInv(k, c.n) * (e + r * key.d), c.n);
    if (s === 0n) continue;
    return encodeSig(r, s);
  }
  throw new Error('unreachable');
}

export function ecdsaVerifyDigest(c: Curve, Q: Point, hash: Uint8Array, sig: Uint8Array): boolean {
  const rs = decodeSig(sig);
  if (!rs) return false;
  const { r, s } = rs;
  if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return false;
  const e = bits2int(c, hash);
  const w = modInv(s, c.n);
  const R = mulAdd(c, e * w, r * w, Q);
  return R !== null && mod(R.x, c.n) === r;
}

// ---------------------------------------------------------------------------------------------
// SM2DSA (GB/T 32918.2-2016), SM3 hash.

/** Default distinguishing ID used by AWS KMS for SM2DSA with MessageType RAW (GM/T 0009-2012). */
const SM2_DEFAULT_ID = '1234567812345678';

export function sm2Za(Q: Point, id: Uint8Array = utf8(SM2_DEFAULT_ID)): Promise<Uint8Array> {
  const c = CURVES.SM2;
  const entl = id.length * 8;
  const f = (n: bigint) => bigIntToBytes(n, 32);
  return digest(
    'SM3',
    concat(Uint8Array.of((entl >> 8) & 0xff, entl & 0xff), id, f(c.a), f(c.b), f(c.gx), f(c.gy), f(Q!.x), f(Q!.y)),
  );
}

/** SM2 signature over e (the 32-byte SM3(Z_A || M) value). Deterministic nonce (RFC 6979 style, HMAC-SHA-256). */
export async function sm2SignDigest(key: EcPrivate, e: Uint8Array): Promise<Uint8Array> {
  const c = key.curve;
  const ei = bytesToBigInt(e);
  for await (const k of rfc6979(c, key.d, e, 'SHA-256', 32)) {
    const P = mulG(c, k)!;
    const r = mod(ei + P.x, c.n);
    if (r === 0n || r + k === c.n) continue;
    const s = mod(modInv(1n + key.d, c.n) * (k - r * key.d), c.n);
    if (s === 0n) continue;
    return encodeSig(r, s);
  }
  throw new Error('unreachable');
}

export function sm2VerifyDigest(Q: Point, e: Uint8Array, sig: Uint8Array): boolean {
  const c = CURVES.SM2;
  const rs = decodeSig(sig);
  if (!rs) return false;
  const { r, s } = rs;
  if (r < 1n || r >= c.n || s < 1n || s >= c.n) return false;
  const t = mod(r + s, c.n);
  if (t === 0n) return false;
  const P = mulAdd(c, s, t, Q);
  if (P === null) return false;
  return mod(bytesToBigInt(e) + P.x, c.n) === r;
}

/** Self-check helper used by tests: n·G must be the point at infinity. */
export function orderCheck(c: Curve): boolean {
  return toAffine(c, jMul(c, c.n, toJac(generator(c)))) === null;
}

