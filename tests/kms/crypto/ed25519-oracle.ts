/**
 * ORACLE: a frozen copy of src/kms/crypto/ed25519.ts as it was before the engine moved its
 * Ed25519 arithmetic onto @noble/curves (hand-written RFC 8032 in BigInt). ed25519-noble.test.ts
 * checks the engine against it byte for byte. Test-only; do not import from src/.
 */
import { bigIntToBytesLE, bytesToBigIntLE, concat, equalBytes, mod, modInv, modPow, utf8 } from '../../../src/kms/crypto/bytes';
import * as der from '../../../src/kms/crypto/der';
import { digest } from '../../../src/kms/crypto/hash';

const P = (1n << 255n) - 19n;
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const D = mod(-121665n * modInv(121666n, P), P);
const SQRT_M1 = modPow(2n, (P - 1n) / 4n, P);

export const ED25519_OID = '1.3.101.112';

type Ext = { X: bigint; Y: bigint; Z: bigint; T: bigint };

const GY = mod(4n * modInv(5n, P), P);
const GX = recoverX(GY, 0)!;
const G: Ext = { X: GX, Y: GY, Z: 1n, T: mod(GX * GY, P) };
const ZERO: Ext = { X: 0n, Y: 1n, Z: 1n, T: 0n };

function recoverX(y: bigint, sign: number): bigint | null {
  if (y >= P) return null;
  const x2 = mod((y * y - 1n) * modInv(D * y * y + 1n, P), P);
  if (x2 === 0n) return sign ? null : 0n;
  let x = modPow(x2, (P + 3n) / 8n, P);
  if (mod(x * x - x2, P) !== 0n) x = mod(x * SQRT_M1, P);
  if (mod(x * x - x2, P) !== 0n) return null;
  if (Number(x & 1n) !== sign) x = P - x;
  return x;
}

function add(p: Ext, q: Ext): Ext {
  const A = mod((p.Y - p.X) * (q.Y - q.X), P);
  const B = mod((p.Y + p.X) * (q.Y + q.X), P);
  const C = mod(2n * p.T * q.T * D, P);
  const Dd = mod(2n * p.Z * q.Z, P);
  const E = B - A;
  const F = Dd - C;
  const Gg = Dd + C;
  const H = B + A;
  return { X: mod(E * F, P), Y: mod(Gg * H, P), Z: mod(F * Gg, P), T: mod(E * H, P) };
}

function scalarMul(k: bigint, p: Ext): Ext {
  let R = ZERO;
  let Q = p;
  while (k > 0n) {
    if (k & 1n) R = add(R, Q);
    Q = add(Q, Q);
    k >>= 1n;
  }
  return R;
}

function encode(p: Ext): Uint8Array {
  const zi = modInv(p.Z, P);
  const x = mod(p.X * zi, P);
  const y = mod(p.Y * zi, P);
  const out = bigIntToBytesLE(y, 32);
  if (x & 1n) out[31] |= 0x80;
  return out;
}

function decode(b: Uint8Array): Ext | null {
  if (b.length !== 32) return null;
  const bytes = Uint8Array.from(b);
  const sign = bytes[31] >> 7;
  bytes[31] &= 0x7f;
  const y = bytesToBigIntLE(bytes);
  const x = recoverX(y, sign);
  if (x === null) return null;
  return { X: x, Y: y, Z: 1n, T: mod(x * y, P) };
}

async function expand(seed: Uint8Array) {
  const hh = await digest('SHA-512', seed);
  const a = Uint8Array.from(hh.subarray(0, 32));
  a[0] &= 248;
  a[31] &= 127;
  a[31] |= 64;
  return { s: bytesToBigIntLE(a), prefix: hh.subarray(32) };
}

export async function ed25519PublicKey(seed: Uint8Array): Promise<Uint8Array> {
  const { s } = await expand(seed);
  return encode(scalarMul(s, G));
}

/** dom2(phflag=1, context="") per RFC 8032 §5.1 (Ed25519ph). */
const DOM2_PH = concat(utf8('SigEd25519 no Ed25519 collisions'), Uint8Array.of(1, 0));

async function hashToScalar(...parts: Uint8Array[]): Promise<bigint> {
  return mod(bytesToBigIntLE(await digest('SHA-512', concat(...parts))), L);
}

/**
 * Sign. `prehash` selects Ed25519ph: the signed value is SHA-512(message) with the dom2 prefix.
 * (KMS ED25519_PH_SHA_512 with MessageType DIGEST passes the caller's 64-byte digest as `message`,
 * so the input ends up hashed twice, exactly as the KMS documentation warns.)
 */
export async function ed25519Sign(seed: Uint8Array, message: Uint8Array, prehash: boolean): Promise<Uint8Array> {
  const { s, prefix } = await expand(seed);
  const A = encode(scalarMul(s, G));
  const dom = prehash ? DOM2_PH : new Uint8Array(0);
  const M = prehash ? await digest('SHA-512', message) : message;
  const r = await hashToScalar(dom, prefix, M);
  const R = encode(scalarMul(r, G));
  const k = await hashToScalar(dom, R, A, M);
  const S = mod(r + k * s, L);
  return concat(R, bigIntToBytesLE(S, 32));
}

export async function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  prehash: boolean,
): Promise<boolean> {
  if (signature.length !== 64) return false;
  const A = decode(publicKey);
  const R = decode(signature.subarray(0, 32));
  if (!A || !R) return false;
  const S = bytesToBigIntLE(signature.subarray(32));
  if (S >= L) return false;
  const dom = prehash ? DOM2_PH : new Uint8Array(0);
  const M = prehash ? await digest('SHA-512', message) : message;
  const k = await hashToScalar(dom, signature.subarray(0, 32), publicKey, M);
  const lhs = encode(scalarMul(S, G));
  const rhs = encode(add(R, scalarMul(k, A)));
  return equalBytes(lhs, rhs);
}

/** RFC 8410 PKCS#8 for Ed25519 (seed only, no public key — the form Node and Chromium export). */
export function ed25519Pkcs8(seed: Uint8Array): Uint8Array {
  return der.seq(der.int(0), der.seq(der.oid(ED25519_OID)), der.octets(der.octets(seed)));
}

export function ed25519Spki(publicKey: Uint8Array): Uint8Array {
  return der.seq(der.seq(der.oid(ED25519_OID)), der.bitString(publicKey));
}

export function parseEd25519Pkcs8(pkcs8: Uint8Array): Uint8Array {
  const top = der.children(der.expect(der.readExact(pkcs8), der.TAG.SEQUENCE));
  const alg = der.children(der.expect(top[1], der.TAG.SEQUENCE));
  if (der.decodeOid(alg[0].content) !== ED25519_OID) throw new Error('not an Ed25519 key');
  const inner = der.expect(der.readExact(der.expect(top[2], der.TAG.OCTET_STRING).content), der.TAG.OCTET_STRING);
  if (inner.content.length !== 32) throw new Error('bad Ed25519 seed');
  return inner.content;
}

export function parseEd25519Spki(spki: Uint8Array): Uint8Array | null {
  try {
    const top = der.children(der.expect(der.readExact(spki), der.TAG.SEQUENCE));
    const alg = der.children(der.expect(top[0], der.TAG.SEQUENCE));
    if (der.decodeOid(alg[0].content) !== ED25519_OID) return null;
    const pk = der.readBitString(top[1]);
    return pk.length === 32 ? pk : null;
  } catch {
    return null;
  }
}
