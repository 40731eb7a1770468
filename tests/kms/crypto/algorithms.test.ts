import { describe, expect, it } from 'vitest';
import type { KeySpec } from '../../../src/kms/crypto/material';
import {
  encryptionAlgorithmsFor,
  keyAgreementAlgorithmsFor,
  macAlgorithmsFor,
  maxPlaintextBytes,
  signingAlgorithmsFor,
} from '../../../src/kms/crypto/algorithms';

describe('KeyMetadata algorithm lists (AWS order)', () => {
  it('RSA signing keys list PKCS#1 v1.5 then PSS (DescribeKey example in the API model)', () => {
    for (const spec of ['RSA_2048', 'RSA_3072', 'RSA_4096'] as KeySpec[]) {
      expect(signingAlgorithmsFor(spec)).toEqual([
        'RSASSA_PKCS1_V1_5_SHA_256',
        'RSASSA_PKCS1_V1_5_SHA_384',
        'RSASSA_PKCS1_V1_5_SHA_512',
        'RSASSA_PSS_SHA_256',
        'RSASSA_PSS_SHA_384',
        'RSASSA_PSS_SHA_512',
      ]);
      expect(encryptionAlgorithmsFor(spec, 'ENCRYPT_DECRYPT')).toEqual(['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);
      expect(encryptionAlgorithmsFor(spec, 'SIGN_VERIFY')).toEqual([]);
    }
  });

  it('ECC, Ed25519, ML-DSA and SM2 signing algorithms', () => {
    expect(signingAlgorithmsFor('ECC_NIST_P256')).toEqual(['ECDSA_SHA_256']);
    expect(signingAlgorithmsFor('ECC_NIST_P384')).toEqual(['ECDSA_SHA_384']);
    expect(signingAlgorithmsFor('ECC_NIST_P521')).toEqual(['ECDSA_SHA_512']);
    expect(signingAlgorithmsFor('ECC_SECG_P256K1')).toEqual(['ECDSA_SHA_256']);
    expect(signingAlgorithmsFor('ECC_NIST_EDWARDS25519')).toEqual(['ED25519_SHA_512', 'ED25519_PH_SHA_512']);
    expect(signingAlgorithmsFor('ML_DSA_44')).toEqual(['ML_DSA_SHAKE_256']);
    expect(signingAlgorithmsFor('SM2')).toEqual(['SM2DSA']);
    expect(signingAlgorithmsFor('SYMMETRIC_DEFAULT')).toEqual([]);
    expect(signingAlgorithmsFor('HMAC_256')).toEqual([]);
  });

  it('encryption, MAC and key agreement lists', () => {
    expect(encryptionAlgorithmsFor('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT')).toEqual(['SYMMETRIC_DEFAULT']);
    expect(encryptionAlgorithmsFor('SM2', 'ENCRYPT_DECRYPT')).toEqual(['SM2PKE']);
    expect(encryptionAlgorithmsFor('ECC_NIST_P256', 'ENCRYPT_DECRYPT')).toEqual([]);
    expect(macAlgorithmsFor('HMAC_384')).toEqual(['HMAC_SHA_384']);
    expect(keyAgreementAlgorithmsFor('ECC_NIST_P384')).toEqual(['ECDH']);
    expect(keyAgreementAlgorithmsFor('SM2')).toEqual(['ECDH']);
  });

  it('max plaintext sizes per the Encrypt API reference', () => {
    expect(maxPlaintextBytes('SYMMETRIC_DEFAULT', 'SYMMETRIC_DEFAULT')).toBe(4096);
    expect(maxPlaintextBytes('RSA_2048', 'RSAES_OAEP_SHA_1')).toBe(214);
    expect(maxPlaintextBytes('RSA_2048', 'RSAES_OAEP_SHA_256')).toBe(190);
    expect(maxPlaintextBytes('RSA_3072', 'RSAES_OAEP_SHA_1')).toBe(342);
    expect(maxPlaintextBytes('RSA_3072', 'RSAES_OAEP_SHA_256')).toBe(318);
    expect(maxPlaintextBytes('RSA_4096', 'RSAES_OAEP_SHA_1')).toBe(470);
    expect(maxPlaintextBytes('RSA_4096', 'RSAES_OAEP_SHA_256')).toBe(446);
    expect(maxPlaintextBytes('SM2', 'SM2PKE')).toBe(1024);
    expect(maxPlaintextBytes('RSA_2048', 'SYMMETRIC_DEFAULT')).toBeNull();
  });
});
