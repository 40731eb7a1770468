/**
 * Asymmetric encryption: RSAES-OAEP (SHA-1 or SHA-256; MGF1 with the same hash, empty label).
 * SM2PKE is not implemented (see README.md).
 */
import { toBuf, type RandomSource } from './bytes';
import { encryptionAlgorithmsFor, incompatible, maxPlaintextBytes, type EncryptionAlgorithmSpec } from './algorithms';
import { derivedBytes, HASH_LEN, subtle, type HashName } from './hash';
import { RSA_SPEC_BITS, type KeyMaterial, type KeySpec } from './material';
import { importKey, pairOf, rsaPublic } from './materialCache';
import { oaepEncrypt } from './rsa';

const OAEP_HASH: Record<string, HashName> = { RSAES_OAEP_SHA_1: 'SHA-1', RSAES_OAEP_SHA_256: 'SHA-256' };

export type AsymmetricEncryptResult =
  | { ok: true; ciphertext: Uint8Array }
  /** ValidationException `Algorithm <ALG> and key spec <SPEC> cannot encrypt data larger than <N> bytes.` */
  | { ok: false; reason: 'too-large'; maxBytes: number; message: string }
  /** InvalidKeyUsageException `Algorithm <ALG> is incompatible with key spec <SPEC>.` */
  | { ok: false; reason: 'incompatible'; message: string }
  /** SM2PKE: not implemented by the simulator */
  | { ok: false; reason: 'unsupported'; message: string };

/**
 * RSAES-OAEP encryption (MGF1 with the same hash, empty label). The OAEP seed comes from `random`
 * when given (pass the engine's generator so replays reproduce the ciphertext); without it the
 * seed is derived deterministically from the key and plaintext.
 */
export async function asymmetricEncrypt(
  m: KeyMaterial,
  spec: KeySpec,
  algorithm: EncryptionAlgorithmSpec,
  plaintext: Uint8Array,
  random?: RandomSource,
): Promise<AsymmetricEncryptResult> {
  if (!encryptionAlgorithmsFor(spec).includes(algorithm) || algorithm === 'SYMMETRIC_DEFAULT') {
    return { ok: false, reason: 'incompatible', message: incompatible(algorithm, spec) };
  }
  if (algorithm === 'SM2PKE') return { ok: false, reason: 'unsupported', message: 'SM2PKE is not implemented by this simulator.' };
  const hash = OAEP_HASH[algorithm];
  const max = maxPlaintextBytes(spec, algorithm)!;
  if (plaintext.length > max) {
    return {
      ok: false,
      reason: 'too-large',
      maxBytes: max,
      message: `Algorithm ${algorithm} and key spec ${spec} cannot encrypt data larger than ${max} bytes.`,
    };
  }
  const key = await rsaPublic(m);
  const hLen = HASH_LEN[hash];
  const seed = random ? toBuf(random(hLen)) : await derivedBytes(pairOf(m).spki, 'oaep-seed', plaintext, hLen);
  return { ok: true, ciphertext: await oaepEncrypt(key, hash, plaintext, seed) };
}

/** Any failure (wrong key, wrong algorithm, corrupted ciphertext) → {ok:false} (KMS: InvalidCiphertextException). */
export async function asymmetricDecrypt(
  m: KeyMaterial,
  spec: KeySpec,
  algorithm: EncryptionAlgorithmSpec,
  ciphertext: Uint8Array,
): Promise<{ ok: true; plaintext: Uint8Array } | { ok: false }> {
  const hash = OAEP_HASH[algorithm];
  if (!hash || !(spec in RSA_SPEC_BITS) || m.kind !== 'pair') return { ok: false };
  try {
    const key = await importKey(m, `rsa-oaep:${hash}`, 'pkcs8', m.pkcs8, { name: 'RSA-OAEP', hash }, ['decrypt']);
    const pt = await subtle().decrypt({ name: 'RSA-OAEP' }, key, toBuf(ciphertext));
    return { ok: true, plaintext: new Uint8Array(pt) };
  } catch {
    return { ok: false };
  }
}
