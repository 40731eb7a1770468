/**
 * Ed25519 / Ed25519ph (RFC 8032) on @noble/curves (audited, pure, deterministic). WebCrypto has
 * pure Ed25519 (Node 20, Chromium 137+) but no Ed25519ph, which KMS exposes as
 * ED25519_PH_SHA_512; this module provides both so the engine also works where WebCrypto lacks
 * Ed25519. Public keys and signatures are the bytes the hand-written BigInt version gave (RFC 8032
 * signing is deterministic; tests/kms/crypto/ed25519-noble.test.ts keeps that version as an
 * oracle). Never call noble's randomSecretKey/keygen here: key seeds come from the engine's
 * seeded `random`.
 */
import { bytesToBigIntLE, concat, mod, utf8 } from './bytes';
import * as der from './der';
import { digest } from './hash';

const L = (1n << 252n) + 27742317777372353535851937790883648493n;

/**
 * noble's Ed25519, loaded with the first Ed25519 key: building the curve costs tens of
 * milliseconds, which every page would otherwise pay before its first answer.
 */
let noble: Promise<typeof import('@noble/curves/ed25519.js')> | undefined;
const curve = () => (noble ??= import('@noble/curves/ed25519.js'));

export const ED25519_OID = '1.3.101.112';

export async function ed25519PublicKey(seed: Uint8Array): Promise<Uint8Array> {
  const { ed25519 } = await curve();
  return ed25519.getPublicKey(seed);
}

/** dom2(phflag=1, context="") per RFC 8032 §5.1 (Ed25519ph). */
const DOM2_PH = concat(utf8('SigEd25519 no Ed25519 collisions'), Uint8Array.of(1, 0));

/**
 * Sign. `prehash` selects Ed25519ph: the signed value is SHA-512(message) with the dom2 prefix.
 * (KMS ED25519_PH_SHA_512 with MessageType DIGEST passes the caller's 64-byte digest as `message`,
 * so the input ends up hashed twice, exactly as the KMS documentation warns.)
 */
export async function ed25519Sign(seed: Uint8Array, message: Uint8Array, prehash: boolean): Promise<Uint8Array> {
  const { ed25519, ed25519ph } = await curve();
  return prehash ? ed25519ph.sign(message, seed) : ed25519.sign(message, seed);
}

/**
 * Verify, as RFC 8032 §5.1.7 with the cofactorless equation [S]B = R + [k]A (what the BigInt
 * version checked, and OpenSSL): A and R must be canonical encodings, S < L; small-order A is not
 * refused. noble's own verify is cofactored and refuses small-order keys, so it would answer
 * differently on crafted inputs; only its point arithmetic is used here.
 */
export async function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  prehash: boolean,
): Promise<boolean> {
  if (signature.length !== 64) return false;
  const Point = (await curve()).ed25519.Point;
  let A, R;
  try {
    A = Point.fromBytes(publicKey);
    R = Point.fromBytes(signature.subarray(0, 32));
  } catch {
    return false;
  }
  const S = bytesToBigIntLE(signature.subarray(32));
  if (S >= L) return false;
  const dom = prehash ? DOM2_PH : new Uint8Array(0);
  const M = prehash ? await digest('SHA-512', message) : message;
  const k = mod(bytesToBigIntLE(await digest('SHA-512', concat(dom, signature.subarray(0, 32), publicKey, M))), L);
  return Point.BASE.multiplyUnsafe(S).equals(R.add(A.multiplyUnsafe(k)));
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
