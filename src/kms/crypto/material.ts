/**
 * Key material for simulated KMS keys and data key pairs.
 *
 * Everything here is derived from the injected byte source `random`, so a replay with the same
 * seed reproduces the material byte for byte. No WebCrypto key generation is used: RSA primes,
 * EC scalars/points and Ed25519 public keys are computed in BigInt, and the DER encodings are
 * built by hand (the same layouts OpenSSL/BoringSSL export, so WebCrypto imports them).
 */
import { toBuf, randomScalar, type RandomSource } from './bytes';
import { CURVES, ecPkcs8, ecSpki, mulG, type CurveName } from './ec';
import { ed25519Pkcs8, ed25519PublicKey, ed25519Spki } from './ed25519';
import { generateRsa, rsaPkcs8, rsaSpki } from './rsa';

export type { RandomSource } from './bytes';

export type KeySpec =
  | 'SYMMETRIC_DEFAULT'
  | 'RSA_2048'
  | 'RSA_3072'
  | 'RSA_4096'
  | 'ECC_NIST_P256'
  | 'ECC_NIST_P384'
  | 'ECC_NIST_P521'
  | 'ECC_SECG_P256K1'
  | 'ECC_NIST_EDWARDS25519'
  | 'HMAC_224'
  | 'HMAC_256'
  | 'HMAC_384'
  | 'HMAC_512'
  | 'SM2'
  | 'ML_DSA_44'
  | 'ML_DSA_65'
  | 'ML_DSA_87'
  | 'ML_KEM_512'
  | 'ML_KEM_768'
  | 'ML_KEM_1024';

/** GenerateDataKeyPair / GenerateDataKeyPairWithoutPlaintext KeyPairSpec values (model enum). */
export type DataKeyPairSpec =
  | 'RSA_2048'
  | 'RSA_3072'
  | 'RSA_4096'
  | 'ECC_NIST_P256'
  | 'ECC_NIST_P384'
  | 'ECC_NIST_P521'
  | 'ECC_SECG_P256K1'
  | 'SM2'
  | 'ECC_NIST_EDWARDS25519';

/** Plain, structured-clone/JSON-friendly data (it is persisted to IndexedDB): no CryptoKey objects. */
export type KeyMaterial =
  | { kind: 'secret'; bytes: Uint8Array } // symmetric (32 bytes) and HMAC keys
  | { kind: 'pair'; pkcs8: Uint8Array; spki: Uint8Array } // RSA, ECC, Ed25519, SM2
  | { kind: 'unsupported'; reason: string }; // specs this engine cannot do (ML-DSA, ML-KEM)

/** HMAC key length in bytes: the key spec names the key length in bits (HMAC_224 → 224 bits). */
export const HMAC_KEY_BYTES = { HMAC_224: 28, HMAC_256: 32, HMAC_384: 48, HMAC_512: 64 } as const;

/** The elliptic curve behind an ECC/SM2 key spec (Ed25519 excluded). */
const EC_SPEC_CURVE: Partial<Record<KeySpec, CurveName>> = {
  ECC_NIST_P256: 'P-256',
  ECC_NIST_P384: 'P-384',
  ECC_NIST_P521: 'P-521',
  ECC_SECG_P256K1: 'secp256k1',
  SM2: 'SM2',
};

export const RSA_SPEC_BITS: Partial<Record<KeySpec, number>> = { RSA_2048: 2048, RSA_3072: 3072, RSA_4096: 4096 };

const UNSUPPORTED: Partial<Record<KeySpec, string>> = {
  ML_DSA_44:
    'ML-DSA (FIPS 204) is not available in WebCrypto and is not implemented by this simulator; the key exists but cannot sign.',
  ML_DSA_65:
    'ML-DSA (FIPS 204) is not available in WebCrypto and is not implemented by this simulator; the key exists but cannot sign.',
  ML_DSA_87:
    'ML-DSA (FIPS 204) is not available in WebCrypto and is not implemented by this simulator; the key exists but cannot sign.',
  ML_KEM_512:
    'ML-KEM (FIPS 203) is not available in WebCrypto and is not implemented by this simulator; the key exists but cannot encapsulate.',
  ML_KEM_768:
    'ML-KEM (FIPS 203) is not available in WebCrypto and is not implemented by this simulator; the key exists but cannot encapsulate.',
  ML_KEM_1024:
    'ML-KEM (FIPS 203) is not available in WebCrypto and is not implemented by this simulator; the key exists but cannot encapsulate.',
};

export async function generateKeyMaterial(spec: KeySpec, random: RandomSource): Promise<KeyMaterial> {
  if (spec === 'SYMMETRIC_DEFAULT') return { kind: 'secret', bytes: toBuf(random(32)) };
  if (spec in HMAC_KEY_BYTES) {
    return { kind: 'secret', bytes: toBuf(random(HMAC_KEY_BYTES[spec as keyof typeof HMAC_KEY_BYTES])) };
  }
  const bits = RSA_SPEC_BITS[spec];
  if (bits) {
    const key = generateRsa(bits, random);
    return { kind: 'pair', pkcs8: rsaPkcs8(key), spki: rsaSpki(key) };
  }
  const curveName = EC_SPEC_CURVE[spec];
  if (curveName) {
    const c = CURVES[curveName];
    // SM2 private keys live in [1, n-2] so that (1 + d) is invertible (GB/T 32918.1 §6.1).
    const d = randomScalar(curveName === 'SM2' ? c.n - 1n : c.n, random);
    const Q = mulG(c, d);
    return { kind: 'pair', pkcs8: ecPkcs8(c, d, Q), spki: ecSpki(c, Q) };
  }
  if (spec === 'ECC_NIST_EDWARDS25519') {
    const seed = toBuf(random(32));
    const pub = await ed25519PublicKey(seed);
    return { kind: 'pair', pkcs8: ed25519Pkcs8(seed), spki: ed25519Spki(pub) };
  }
  const reason = UNSUPPORTED[spec];
  if (reason) return { kind: 'unsupported', reason };
  throw new TypeError(`unknown key spec ${String(spec)}`);
}

/** DER SubjectPublicKeyInfo (what GetPublicKey returns); null for symmetric/HMAC/unsupported material. */
export function publicKeySpki(m: KeyMaterial): Uint8Array | null {
  return m.kind === 'pair' ? m.spki : null;
}
