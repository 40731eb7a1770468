/**
 * The algorithm names of KMS (key usages, encryption, signing, MAC and key-agreement algorithms,
 * message types) and, per key spec, the lists KeyMetadata carries, in the order AWS returns them;
 * also the largest plaintext Encrypt takes and the shared "incompatible" message.
 */
import { RSA_SPEC_BITS, type KeySpec } from './material';
import { oaepMaxPlaintext } from './rsa';

export type KeyUsage = 'ENCRYPT_DECRYPT' | 'SIGN_VERIFY' | 'GENERATE_VERIFY_MAC' | 'KEY_AGREEMENT' | 'ENCAPSULATE_DECAPSULATE';
export type EncryptionAlgorithmSpec = 'SYMMETRIC_DEFAULT' | 'RSAES_OAEP_SHA_1' | 'RSAES_OAEP_SHA_256' | 'SM2PKE';
export type SigningAlgorithmSpec =
  | 'RSASSA_PSS_SHA_256'
  | 'RSASSA_PSS_SHA_384'
  | 'RSASSA_PSS_SHA_512'
  | 'RSASSA_PKCS1_V1_5_SHA_256'
  | 'RSASSA_PKCS1_V1_5_SHA_384'
  | 'RSASSA_PKCS1_V1_5_SHA_512'
  | 'ECDSA_SHA_256'
  | 'ECDSA_SHA_384'
  | 'ECDSA_SHA_512'
  | 'SM2DSA'
  | 'ML_DSA_SHAKE_256'
  | 'ED25519_SHA_512'
  | 'ED25519_PH_SHA_512';
export type MacAlgorithmSpec = 'HMAC_SHA_224' | 'HMAC_SHA_256' | 'HMAC_SHA_384' | 'HMAC_SHA_512';
export type KeyAgreementAlgorithmSpec = 'ECDH';
export type MessageType = 'RAW' | 'DIGEST' | 'EXTERNAL_MU';

const RSA_SIGNING: SigningAlgorithmSpec[] = [
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
];

/** SigningAlgorithms for a key spec (only meaningful for KeyUsage SIGN_VERIFY). */
export function signingAlgorithmsFor(spec: KeySpec): SigningAlgorithmSpec[] {
  switch (spec) {
    case 'RSA_2048':
    case 'RSA_3072':
    case 'RSA_4096':
      return [...RSA_SIGNING];
    case 'ECC_NIST_P256':
    case 'ECC_SECG_P256K1':
      return ['ECDSA_SHA_256'];
    case 'ECC_NIST_P384':
      return ['ECDSA_SHA_384'];
    case 'ECC_NIST_P521':
      return ['ECDSA_SHA_512'];
    case 'ECC_NIST_EDWARDS25519':
      return ['ED25519_SHA_512', 'ED25519_PH_SHA_512'];
    case 'ML_DSA_44':
    case 'ML_DSA_65':
    case 'ML_DSA_87':
      return ['ML_DSA_SHAKE_256'];
    case 'SM2':
      return ['SM2DSA'];
    default:
      return [];
  }
}

/** EncryptionAlgorithms for a key spec; empty unless the usage is ENCRYPT_DECRYPT. */
export function encryptionAlgorithmsFor(spec: KeySpec, usage: KeyUsage | string = 'ENCRYPT_DECRYPT'): EncryptionAlgorithmSpec[] {
  if (usage !== 'ENCRYPT_DECRYPT') return [];
  if (spec === 'SYMMETRIC_DEFAULT') return ['SYMMETRIC_DEFAULT'];
  if (spec in RSA_SPEC_BITS) return ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'];
  if (spec === 'SM2') return ['SM2PKE'];
  return [];
}

export function macAlgorithmsFor(spec: KeySpec): MacAlgorithmSpec[] {
  switch (spec) {
    case 'HMAC_224':
      return ['HMAC_SHA_224'];
    case 'HMAC_256':
      return ['HMAC_SHA_256'];
    case 'HMAC_384':
      return ['HMAC_SHA_384'];
    case 'HMAC_512':
      return ['HMAC_SHA_512'];
    default:
      return [];
  }
}

/** KeyAgreementAlgorithms (only meaningful for KeyUsage KEY_AGREEMENT). */
export function keyAgreementAlgorithmsFor(spec: KeySpec): KeyAgreementAlgorithmSpec[] {
  return spec === 'ECC_NIST_P256' || spec === 'ECC_NIST_P384' || spec === 'ECC_NIST_P521' || spec === 'SM2' ? ['ECDH'] : [];
}

/** Largest plaintext Encrypt accepts for this spec/algorithm (Encrypt API reference), or null if incompatible. */
export function maxPlaintextBytes(spec: KeySpec, algorithm: EncryptionAlgorithmSpec): number | null {
  if (spec === 'SYMMETRIC_DEFAULT') return algorithm === 'SYMMETRIC_DEFAULT' ? 4096 : null;
  const bits = RSA_SPEC_BITS[spec];
  if (bits) {
    if (algorithm === 'RSAES_OAEP_SHA_1') return oaepMaxPlaintext(bits / 8, 'SHA-1');
    if (algorithm === 'RSAES_OAEP_SHA_256') return oaepMaxPlaintext(bits / 8, 'SHA-256');
    return null;
  }
  if (spec === 'SM2') return algorithm === 'SM2PKE' ? 1024 : null;
  return null;
}

/** InvalidKeyUsageException `Algorithm <ALG> is incompatible with key spec <SPEC>.` */
export function incompatible(algorithm: string, spec: KeySpec): string {
  return `Algorithm ${algorithm} is incompatible with key spec ${spec}.`;
}
