/**
 * The cryptographic operations through the wire (sim.fetch), as the principals in helpers.ts:
 * round trips, the recorded error texts, grants with encryption-context constraints (with and
 * without grant tokens), key states, DryRun and seeded reproducibility.
 */
import { createHmac, createPrivateKey, createPublicKey, constants, publicEncrypt, verify as nodeVerify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, ADMIN, APP_ROLE, OTHER_ROOT, makeSim } from '../helpers';

const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64');
const PLAIN = b64('attack at dawn');
const INCORRECT_KEY = 'The key ID in the request does not identify a CMK that can perform this operation.';

type Sim = ReturnType<typeof makeSim>;

async function ok(sim: Sim, op: string, body: unknown, o: { as?: string; host?: number } = {}) {
  const r = await sim.call(op, body, o);
  if (r.status !== 200) throw new Error(`${op} failed: ${r.text}`);
  return r.json;
}

const decisionOf = (r: { headers: Headers }) => JSON.parse(decodeURIComponent(r.headers.get('x-playground-decision')!));

describe('Encrypt and Decrypt', () => {
  it('round-trips with a symmetric key, answering in the recorded member order', async () => {
    const sim = makeSim();
    const key = await sim.createKey();
    const enc = await ok(sim, 'Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN, EncryptionContext: { purpose: 'test' } });
    expect(Object.keys(enc)).toEqual(['CiphertextBlob', 'KeyId', 'EncryptionAlgorithm']);
    expect([enc.KeyId, enc.EncryptionAlgorithm]).toEqual([key.Arn, 'SYMMETRIC_DEFAULT']);
    const dec = await ok(sim, 'Decrypt', { KeyId: key.KeyId, CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { purpose: 'test' } });
    expect(Object.keys(dec)).toEqual(['KeyId', 'Plaintext', 'EncryptionAlgorithm', 'KeyMaterialId']);
    expect([dec.KeyId, dec.Plaintext, dec.EncryptionAlgorithm]).toEqual([key.Arn, PLAIN, 'SYMMETRIC_DEFAULT']);
    expect(dec.KeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
    expect(dec.KeyMaterialId).toBe((await ok(sim, 'DescribeKey', { KeyId: key.KeyId })).KeyMetadata.CurrentKeyMaterialId);
  });

  it('accepts the key ARN, an alias name and an alias ARN', async () => {
    const sim = makeSim();
    const key = await sim.createKey();
    await ok(sim, 'CreateAlias', { AliasName: 'alias/app', TargetKeyId: key.KeyId });
    for (const KeyId of [key.Arn, 'alias/app', `arn:aws:kms:us-east-1:${ACCOUNT}:alias/app`]) {
      const enc = await ok(sim, 'Encrypt', { KeyId, Plaintext: PLAIN });
      expect(enc.KeyId).toBe(key.Arn);
      expect((await ok(sim, 'Decrypt', { KeyId, CiphertextBlob: enc.CiphertextBlob })).Plaintext).toBe(PLAIN);
    }
  });

  it('decrypts without a KeyId: the ciphertext names its key', async () => {
    const sim = makeSim();
    const key = await sim.createKey();
    const enc = await ok(sim, 'Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN });
    const dec = await ok(sim, 'Decrypt', { CiphertextBlob: enc.CiphertextBlob });
    expect([dec.KeyId, dec.Plaintext]).toEqual([key.Arn, PLAIN]);
  });

  it('decrypts another account\'s ciphertext through a grant, without a KeyId, but not in another region', async () => {
    const sim = makeSim();
    const key = await sim.createKey();
    const enc = await ok(sim, 'Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN });
    expect((await sim.call('Decrypt', { CiphertextBlob: enc.CiphertextBlob }, { as: OTHER_ROOT })).type).toBe('AccessDeniedException');
    await ok(sim, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: OTHER_ROOT, Operations: ['Decrypt'] });
    const dec = await sim.call('Decrypt', { CiphertextBlob: enc.CiphertextBlob }, { as: OTHER_ROOT });
    expect([dec.status, dec.json?.KeyId]).toEqual([200, key.Arn]);
    const elsewhere = await sim.call('Decrypt', { CiphertextBlob: enc.CiphertextBlob }, { region: 'eu-west-1' });
    expect([elsewhere.type, elsewhere.message]).toEqual(['InvalidCiphertextException', undefined]);
  });

  it('answers InvalidCiphertextException with an empty message for a wrong or missing encryption context', async () => {
    const sim = makeSim();
    const key = await sim.createKey();
    const enc = await ok(sim, 'Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN, EncryptionContext: { purpose: 'test' } });
    for (const EncryptionContext of [undefined, { purpose: 'Test' }, { Purpose: 'test' }, { purpose: 'test', extra: 'x' }]) {
      const r = await sim.call('Decrypt', { CiphertextBlob: enc.CiphertextBlob, EncryptionContext });
      expect([r.status, r.type, r.message]).toEqual([400, 'InvalidCiphertextException', undefined]);
      expect(r.text).toBe('{"__type":"InvalidCiphertextException"}');
    }
  });

  it('answers InvalidCiphertextException for a corrupted or foreign blob', async () => {
    const sim = makeSim();
    const key = await sim.createKey();
    const enc = await ok(sim, 'Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN });
    const bytes = unb64(enc.CiphertextBlob);
    bytes[bytes.length - 1] ^= 1;
    expect((await sim.call('Decrypt', { CiphertextBlob: b64(bytes) })).type).toBe('InvalidCiphertextException');
    expect((await sim.call('Decrypt', { CiphertextBlob: b64('not a kms blob at all, no') })).type).toBe('InvalidCiphertextException');
    expect((await sim.call('Decrypt', { KeyId: key.KeyId, CiphertextBlob: b64('not a kms blob at all, no') })).type).toBe('InvalidCiphertextException');
  });

  it('answers IncorrectKeyException when the KeyId did not encrypt the ciphertext (recorded, even for an HMAC key)', async () => {
    const sim = makeSim();
    const a = await sim.createKey();
    const b = await sim.createKey();
    const hmac = await sim.createKey({ KeySpec: 'HMAC_224', KeyUsage: 'GENERATE_VERIFY_MAC' });
    const enc = await ok(sim, 'Encrypt', { KeyId: a.KeyId, Plaintext: PLAIN });
    for (const KeyId of [b.KeyId, hmac.KeyId]) {
      const r = await sim.call('Decrypt', { KeyId, CiphertextBlob: enc.CiphertextBlob });
      expect([r.status, r.type, r.message]).toEqual([400, 'IncorrectKeyException', INCORRECT_KEY]);
    }
  });

  it('answers the Coral "must not be null" error for a missing CiphertextBlob', async () => {
    const sim = makeSim();
    const key = await sim.createKey();
    const r = await sim.call('Decrypt', { KeyId: key.KeyId });
    expect([r.type, r.message]).toEqual(['ValidationException', "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null"]);
  });

  it('round-trips RSA keys with both OAEP algorithms, and decrypts what a client encrypted offline', async () => {
    const sim = makeSim();
    const key = await sim.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    for (const EncryptionAlgorithm of ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']) {
      const enc = await ok(sim, 'Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN, EncryptionAlgorithm });
      expect(unb64(enc.CiphertextBlob)).toHaveLength(256);
      expect(enc.EncryptionAlgorithm).toBe(EncryptionAlgorithm);
      const dec = await ok(sim, 'Decrypt', { KeyId: key.KeyId, CiphertextBlob: enc.CiphertextBlob, EncryptionAlgorithm });
      expect(Object.keys(dec)).toEqual(['KeyId', 'Plaintext', 'EncryptionAlgorithm']);
      expect(dec.Plaintext).toBe(PLAIN);
    }
    const pub = await ok(sim, 'GetPublicKey', { KeyId: key.KeyId });
    const offline = publicEncrypt({ key: createPublicKey({ key: unb64(pub.PublicKey), format: 'der', type: 'spki' }), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from('offline'));
    const dec = await ok(sim, 'Decrypt', { KeyId: key.KeyId, CiphertextBlob: b64(offline), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' });
    expect(unb64(dec.Plaintext).toString()).toBe('offline');
    // the other OAEP hash cannot decode it
    const wrong = await sim.call('Decrypt', { KeyId: key.KeyId, CiphertextBlob: b64(offline), EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' });
    expect(wrong.type).toBe('IncorrectKeyException');
  });

  it('answers the recorded RSA size limit message', async () => {
    const sim = makeSim();
    const key = await sim.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    const Plaintext = b64(new Uint8Array(215));
    const r1 = await sim.call('Encrypt', { KeyId: key.KeyId, Plaintext, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' });
    expect([r1.type, r1.message]).toEqual(['ValidationException', 'Algorithm RSAES_OAEP_SHA_1 and key spec RSA_2048 cannot encrypt data larger than 214 bytes.']);
    const r2 = await sim.call('Encrypt', { KeyId: key.KeyId, Plaintext, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' });
    expect(r2.message).toBe('Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger than 190 bytes.');
    expect((await sim.call('Encrypt', { KeyId: key.KeyId, Plaintext: b64(new Uint8Array(214)), EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' })).status).toBe(200);
  });

  it('answers InvalidKeyUsageException with the recorded texts', async () => {
    const sim = makeSim();
    const sym = await sim.createKey();
    const signing = await sim.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    const rsa = await sim.createKey({ KeySpec: 'RSA_4096', KeyUsage: 'ENCRYPT_DECRYPT' });
    const hmac = await sim.createKey({ KeySpec: 'HMAC_224', KeyUsage: 'GENERATE_VERIFY_MAC' });
    const cases: [string, Record<string, unknown>, string][] = [
      ['Encrypt', { KeyId: signing.KeyId, Plaintext: PLAIN }, `${signing.Arn} key usage is SIGN_VERIFY which is not valid for Encrypt.`],
      ['GenerateMac', { KeyId: sym.KeyId, Message: PLAIN, MacAlgorithm: 'HMAC_SHA_224' }, `${sym.Arn} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.`],
      ['Sign', { KeyId: hmac.KeyId, Message: PLAIN, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }, `${hmac.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for Sign.`],
      ['Verify', { KeyId: sym.KeyId, Message: PLAIN, Signature: b64('random text'), SigningAlgorithm: 'ECDSA_SHA_256' }, `${sym.Arn} key usage is ENCRYPT_DECRYPT which is not valid for Verify.`],
      ['DeriveSharedSecret', { KeyId: sym.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: b64('x') }, `${sym.Arn} key usage is ENCRYPT_DECRYPT which is not valid for DeriveSharedSecret.`],
      ['GenerateDataKey', { KeyId: hmac.KeyId, KeySpec: 'AES_256' }, `${hmac.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for GenerateDataKey.`],
      ['Encrypt', { KeyId: rsa.KeyId, Plaintext: PLAIN }, 'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_4096.'],
      ['Encrypt', { KeyId: sym.KeyId, Plaintext: PLAIN, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }, 'Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.'],
      ['GenerateMac', { KeyId: hmac.KeyId, Message: PLAIN, MacAlgorithm: 'HMAC_SHA_256' }, 'Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.'],
      ['Sign', { KeyId: signing.KeyId, Message: PLAIN, SigningAlgorithm: 'ECDSA_SHA_256' }, 'Algorithm ECDSA_SHA_256 is incompatible with key spec RSA_2048.'],
    ];
    for (const [op, body, message] of cases) {
      const r = await sim.call(op, body);
      expect([op, r.status, r.type, r.message]).toEqual([op, 400, 'InvalidKeyUsageException', message]);
    }
  });
});

describe('ReEncrypt', () => {
  it('re-encrypts between symmetric keys, checking the source context and binding the destination context', async () => {
    const sim = makeSim();
    const a = await sim.createKey();
    const b = await sim.createKey();
    const enc = await ok(sim, 'Encrypt', { KeyId: a.KeyId, Plaintext: PLAIN, EncryptionContext: { from: 'a' } });
    const bad = await sim.call('ReEncrypt', { CiphertextBlob: enc.CiphertextBlob, DestinationKeyId: b.KeyId });
    expect([bad.type, bad.message]).toEqual(['InvalidCiphertextException', undefined]);
    const re = await ok(sim, 'ReEncrypt', { CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: { from: 'a' }, DestinationKeyId: b.KeyId, DestinationEncryptionContext: { to: 'b' } });
    expect(Object.keys(re)).toEqual(['CiphertextBlob', 'SourceKeyId', 'KeyId', 'SourceEncryptionAlgorithm', 'DestinationEncryptionAlgorithm', 'SourceKeyMaterialId', 'DestinationKeyMaterialId']);
    expect([re.SourceKeyId, re.KeyId]).toEqual([a.Arn, b.Arn]);
    const dec = await ok(sim, 'Decrypt', { CiphertextBlob: re.CiphertextBlob, EncryptionContext: { to: 'b' } });
    expect([dec.KeyId, dec.Plaintext]).toEqual([b.Arn, PLAIN]);
    const wrongSource = await sim.call('ReEncrypt', { CiphertextBlob: enc.CiphertextBlob, SourceKeyId: b.KeyId, SourceEncryptionContext: { from: 'a' }, DestinationKeyId: b.KeyId });
    expect([wrongSource.type, wrongSource.message]).toEqual(['IncorrectKeyException', INCORRECT_KEY]);
  });

  it('re-encrypts from a symmetric key to an RSA key and back', async () => {
    const sim = makeSim();
    const sym = await sim.createKey();
    const rsa = await sim.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    const enc = await ok(sim, 'Encrypt', { KeyId: sym.KeyId, Plaintext: PLAIN });
    const toRsa = await ok(sim, 'ReEncrypt', { CiphertextBlob: enc.CiphertextBlob, DestinationKeyId: rsa.KeyId, DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_256' });
    expect(Object.keys(toRsa)).toEqual(['CiphertextBlob', 'SourceKeyId', 'KeyId', 'SourceEncryptionAlgorithm', 'DestinationEncryptionAlgorithm', 'SourceKeyMaterialId']);
    const back = await ok(sim, 'ReEncrypt', { CiphertextBlob: toRsa.CiphertextBlob, SourceKeyId: rsa.KeyId, SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_256', DestinationKeyId: sym.KeyId });
    expect((await ok(sim, 'Decrypt', { CiphertextBlob: back.CiphertextBlob })).Plaintext).toBe(PLAIN);
    const badDest = await sim.call('ReEncrypt', { CiphertextBlob: enc.CiphertextBlob, DestinationKeyId: (await sim.createKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' })).KeyId });
    expect(badDest.type).toBe('InvalidKeyUsageException');
    expect(badDest.message).toMatch(/key usage is SIGN_VERIFY which is not valid for ReEncrypt\.$/);
  });
});

describe('data keys', () => {
  it('generates data keys of AES_256, AES_128 and NumberOfBytes, decryptable with their context', async () => {
    const sim = makeSim();
    const key = await sim.createKey();
    for (const [spec, n] of [[{ KeySpec: 'AES_256' }, 32], [{ KeySpec: 'AES_128' }, 16], [{ NumberOfBytes: 7 }, 7]] as const) {
      const r = await ok(sim, 'GenerateDataKey', { KeyId: key.KeyId, EncryptionContext: { k: 'v' }, ...spec });
      expect(Object.keys(r)).toEqual(['CiphertextBlob', 'Plaintext', 'KeyId', 'KeyMaterialId']);
      expect(unb64(r.Plaintext)).toHaveLength(n);
      expect(r.KeyId).toBe(key.Arn);
      expect((await ok(sim, 'Decrypt', { CiphertextBlob: r.CiphertextBlob, EncryptionContext: { k: 'v' } })).Plaintext).toBe(r.Plaintext);
      expect((await sim.call('Decrypt', { CiphertextBlob: r.CiphertextBlob })).type).toBe('InvalidCiphertextException');
    }
    const w = await ok(sim, 'GenerateDataKeyWithoutPlaintext', { KeyId: key.KeyId, KeySpec: 'AES_256' });
    expect(Object.keys(w)).toEqual(['CiphertextBlob', 'KeyId', 'KeyMaterialId']);
    expect(unb64((await ok(sim, 'Decrypt', { CiphertextBlob: w.CiphertextBlob })).Plaintext)).toHaveLength(32);
  });

  it('requires exactly one of KeySpec and NumberOfBytes', async () => {
    const sim = makeSim();
    const key = await sim.createKey();
    for (const extra of [{}, { KeySpec: 'AES_256', NumberOfBytes: 32 }]) {
      for (const op of ['GenerateDataKey', 'GenerateDataKeyWithoutPlaintext']) {
        const r = await sim.call(op, { KeyId: key.KeyId, ...extra });
        expect([r.type, r.message]).toEqual(['ValidationException', 'Please specify either number of bytes or key spec.']);
      }
    }
  });

  it('refuses data keys under an asymmetric key', async () => {
    const sim = makeSim();
    const rsa = await sim.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    const r = await sim.call('GenerateDataKey', { KeyId: rsa.KeyId, KeySpec: 'AES_256' });
    expect([r.type, r.message]).toEqual(['InvalidKeyUsageException', 'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.']);
  });

  it('generates data key pairs whose private key decrypts under the context and matches the public key', async () => {
    const sim = makeSim();
    const key = await sim.createKey();
    for (const KeyPairSpec of ['ECC_NIST_P256', 'ECC_NIST_EDWARDS25519', 'RSA_2048']) {
      const r = await ok(sim, 'GenerateDataKeyPair', { KeyId: key.KeyId, KeyPairSpec, EncryptionContext: { pair: KeyPairSpec } });
      expect(Object.keys(r)).toEqual(['PrivateKeyCiphertextBlob', 'PrivateKeyPlaintext', 'PublicKey', 'KeyId', 'KeyPairSpec', 'KeyMaterialId']);
      expect([r.KeyId, r.KeyPairSpec]).toEqual([key.Arn, KeyPairSpec]);
      const dec = await ok(sim, 'Decrypt', { CiphertextBlob: r.PrivateKeyCiphertextBlob, EncryptionContext: { pair: KeyPairSpec } });
      expect(dec.Plaintext).toBe(r.PrivateKeyPlaintext);
      const priv = createPrivateKey({ key: unb64(r.PrivateKeyPlaintext), format: 'der', type: 'pkcs8' });
      const derived = createPublicKey(priv).export({ format: 'der', type: 'spki' });
      expect(b64(derived)).toBe(r.PublicKey);
    }
    const w = await ok(sim, 'GenerateDataKeyPairWithoutPlaintext', { KeyId: key.KeyId, KeyPairSpec: 'ECC_NIST_P384' });
    expect(Object.keys(w)).toEqual(['PrivateKeyCiphertextBlob', 'PublicKey', 'KeyId', 'KeyPairSpec', 'KeyMaterialId']);
  });
});

describe('Sign, Verify, GetPublicKey', () => {
  it('signs and verifies, and the public key verifies offline', async () => {
    const sim = makeSim();
    const cases: [string, string, (spki: Buffer, msg: Buffer, sig: Buffer) => boolean][] = [
      ['RSA_2048', 'RSASSA_PSS_SHA_256', (k, m, s) => nodeVerify('sha256', m, { key: createPublicKey({ key: k, format: 'der', type: 'spki' }), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, s)],
      ['RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_256', (k, m, s) => nodeVerify('sha256', m, createPublicKey({ key: k, format: 'der', type: 'spki' }), s)],
      ['ECC_NIST_P256', 'ECDSA_SHA_256', (k, m, s) => nodeVerify('sha256', m, createPublicKey({ key: k, format: 'der', type: 'spki' }), s)],
      ['ECC_NIST_EDWARDS25519', 'ED25519_SHA_512', (k, m, s) => nodeVerify(null, m, createPublicKey({ key: k, format: 'der', type: 'spki' }), s)],
    ];
    for (const [KeySpec, SigningAlgorithm, offline] of cases) {
      const key = await sim.createKey({ KeySpec, KeyUsage: 'SIGN_VERIFY' });
      const s = await ok(sim, 'Sign', { KeyId: key.KeyId, Message: PLAIN, SigningAlgorithm });
      expect(Object.keys(s)).toEqual(['KeyId', 'Signature', 'SigningAlgorithm']);
      expect([s.KeyId, s.SigningAlgorithm]).toEqual([key.Arn, SigningAlgorithm]);
      const v = await ok(sim, 'Verify', { KeyId: key.KeyId, Message: PLAIN, Signature: s.Signature, SigningAlgorithm });
      expect(v).toEqual({ KeyId: key.Arn, SignatureValid: true, SigningAlgorithm });
      expect(Object.keys(v)).toEqual(['KeyId', 'SignatureValid', 'SigningAlgorithm']);
      const pub = await ok(sim, 'GetPublicKey', { KeyId: key.KeyId });
      expect(offline(unb64(pub.PublicKey), unb64(PLAIN), unb64(s.Signature))).toBe(true);
      const bad = await sim.call('Verify', { KeyId: key.KeyId, Message: b64('attack at dusk'), Signature: s.Signature, SigningAlgorithm });
      expect([bad.status, bad.type, bad.message]).toEqual([400, 'KMSInvalidSignatureException', undefined]);
    }
  });

  it('answers the recorded digest-length error for MessageType DIGEST', async () => {
    const sim = makeSim();
    const key = await sim.createKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    const r = await sim.call('Sign', { KeyId: key.KeyId, Message: b64('short'), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' });
    expect([r.type, r.message]).toEqual(['ValidationException', 'Digest is invalid length for algorithm ECDSA_SHA_256.']);
    const digest = b64(new Uint8Array(32).fill(7));
    const s = await ok(sim, 'Sign', { KeyId: key.KeyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' });
    expect((await ok(sim, 'Verify', { KeyId: key.KeyId, Message: digest, MessageType: 'DIGEST', Signature: s.Signature, SigningAlgorithm: 'ECDSA_SHA_256' })).SignatureValid).toBe(true);
  });

  it('returns the public key with the metadata members of the key usage', async () => {
    const sim = makeSim();
    const rsa = await sim.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    const r = await ok(sim, 'GetPublicKey', { KeyId: rsa.KeyId });
    expect(Object.keys(r)).toEqual(['KeyId', 'PublicKey', 'CustomerMasterKeySpec', 'KeySpec', 'KeyUsage', 'EncryptionAlgorithms']);
    expect(r.EncryptionAlgorithms).toEqual(['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);
    const ka = await sim.createKey({ KeySpec: 'ECC_NIST_P384', KeyUsage: 'KEY_AGREEMENT' });
    expect((await ok(sim, 'GetPublicKey', { KeyId: ka.KeyId })).KeyAgreementAlgorithms).toEqual(['ECDH']);
    const sym = await sim.createKey();
    const u = await sim.call('GetPublicKey', { KeyId: sym.KeyId });
    expect([u.type, u.message]).toEqual(['UnsupportedOperationException', `${sym.Arn} key spec SYMMETRIC_DEFAULT is not valid for this operation.`]);
  });

  it('answers UnsupportedOperationException for ML-DSA and ML-KEM, which the simulator cannot compute (a dry run still succeeds)', async () => {
    const sim = makeSim();
    const mldsa = await sim.createKey({ KeySpec: 'ML_DSA_65', KeyUsage: 'SIGN_VERIFY' });
    const body = { KeyId: mldsa.KeyId, Message: PLAIN, MessageType: 'RAW', SigningAlgorithm: 'ML_DSA_SHAKE_256' };
    const s = await sim.call('Sign', body);
    expect(s.type).toBe('UnsupportedOperationException');
    expect(s.message).toContain('ML-DSA');
    expect((await sim.call('Sign', { ...body, DryRun: true })).type).toBe('DryRunOperationException');
    expect((await sim.call('GetPublicKey', { KeyId: mldsa.KeyId })).type).toBe('UnsupportedOperationException');
    const mlkem = await sim.createKey({ KeySpec: 'ML_KEM_768', KeyUsage: 'ENCAPSULATE_DECAPSULATE' });
    expect((await sim.call('GetPublicKey', { KeyId: mlkem.KeyId })).type).toBe('UnsupportedOperationException');
    const sym = await sim.createKey();
    expect((await sim.call('GenerateDataKeyPair', { KeyId: sym.KeyId, KeyPairSpec: 'ML_KEM_768' })).type).toBe('UnsupportedOperationException');
  });
});

describe('MACs and key agreement', () => {
  it('generates and verifies MACs (HMAC over the key material)', async () => {
    const sim = makeSim();
    for (const [KeySpec, MacAlgorithm, hash] of [['HMAC_224', 'HMAC_SHA_224', 'sha224'], ['HMAC_512', 'HMAC_SHA_512', 'sha512']]) {
      const key = await sim.createKey({ KeySpec, KeyUsage: 'GENERATE_VERIFY_MAC' });
      const g = await ok(sim, 'GenerateMac', { KeyId: key.KeyId, Message: PLAIN, MacAlgorithm });
      expect(Object.keys(g)).toEqual(['Mac', 'MacAlgorithm', 'KeyId']);
      const m = sim.sim.engine.world.keys.get(key.KeyId)!.material as { bytes: Uint8Array };
      expect(g.Mac).toBe(createHmac(hash, m.bytes).update(unb64(PLAIN)).digest('base64'));
      const v = await ok(sim, 'VerifyMac', { KeyId: key.KeyId, Message: PLAIN, MacAlgorithm, Mac: g.Mac });
      expect(Object.keys(v)).toEqual(['KeyId', 'MacValid', 'MacAlgorithm']);
      expect(v.MacValid).toBe(true);
      const bad = await sim.call('VerifyMac', { KeyId: key.KeyId, Message: b64('other'), MacAlgorithm, Mac: g.Mac });
      expect([bad.type, bad.message]).toEqual(['KMSInvalidMacException', undefined]);
    }
  });

  it('derives the same shared secret from both sides', async () => {
    const sim = makeSim();
    const a = await sim.createKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' });
    const b = await sim.createKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' });
    const pa = (await ok(sim, 'GetPublicKey', { KeyId: a.KeyId })).PublicKey;
    const pb = (await ok(sim, 'GetPublicKey', { KeyId: b.KeyId })).PublicKey;
    const sa = await ok(sim, 'DeriveSharedSecret', { KeyId: a.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: pb });
    const sb = await ok(sim, 'DeriveSharedSecret', { KeyId: b.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: pa });
    expect(Object.keys(sa)).toEqual(['KeyId', 'SharedSecret', 'KeyAgreementAlgorithm', 'KeyOrigin']);
    expect([sa.KeyId, sa.KeyAgreementAlgorithm, sa.KeyOrigin]).toEqual([a.Arn, 'ECDH', 'AWS_KMS']);
    expect(sa.SharedSecret).toBe(sb.SharedSecret);
    const bad = await sim.call('DeriveSharedSecret', { KeyId: a.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: b64('InvalidPublicKey') });
    expect([bad.type, bad.message]).toEqual(['ValidationException', undefined]);
  });
});

describe('grants on cryptographic operations', () => {
  it('lets a grantee with a Decrypt grant decrypt but not encrypt', async () => {
    const sim = makeSim();
    const key = await sim.createKey();
    const enc = await ok(sim, 'Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN });
    expect((await sim.call('Decrypt', { CiphertextBlob: enc.CiphertextBlob }, { as: APP_ROLE })).type).toBe('AccessDeniedException');
    await ok(sim, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] });
    const dec = await sim.call('Decrypt', { CiphertextBlob: enc.CiphertextBlob }, { as: APP_ROLE });
    expect([dec.status, dec.json.Plaintext]).toEqual([200, PLAIN]);
    expect(decisionOf(dec).via.kind).toBe('grant');
    const e = await sim.call('Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN }, { as: APP_ROLE });
    expect([e.type, e.message]).toEqual(['AccessDeniedException', `User: ${APP_ROLE} is not authorized to perform: kms:Encrypt on resource: ${key.Arn} because no identity-based policy allows the kms:Encrypt action`]);
  });

  for (const viaToken of [false, true]) {
    it(`enforces EncryptionContextSubset at use time, keys case-insensitive and values case-sensitive (${viaToken ? 'with a grant token before the grant arrives' : 'once the grant has arrived'})`, async () => {
      const sim = makeSim({ propagation: { minMs: 60_000, maxMs: 60_000 } });
      const key = await sim.createKey();
      const g = await ok(sim, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Encrypt', 'Decrypt', 'GenerateDataKey'], Constraints: { EncryptionContextSubset: { Dept: 'IT' } } });
      if (!viaToken) sim.sim.clock.settle();
      const GrantTokens = viaToken ? [g.GrantToken] : undefined;
      const as = { as: APP_ROLE };
      const enc = (EncryptionContext?: Record<string, string>) => sim.call('Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN, EncryptionContext, GrantTokens }, as);
      expect((await enc({ Dept: 'IT' })).status).toBe(200);
      expect((await enc({ dept: 'IT', extra: 'yes' })).status).toBe(200);
      expect((await enc({ DEPT: 'IT' })).status).toBe(200);
      for (const bad of [undefined, { Dept: 'it' }, { Other: 'IT' }] as (Record<string, string> | undefined)[]) {
        const r = await enc(bad);
        expect(r.type).toBe('AccessDeniedException');
        expect(decisionOf(r).notes.join(' ')).toMatch(/EncryptionContextSubset constraint/);
      }
      const ct = (await enc({ Dept: 'IT', n: '1' })).json.CiphertextBlob;
      expect((await sim.call('Decrypt', { CiphertextBlob: ct, EncryptionContext: { Dept: 'IT', n: '1' }, GrantTokens }, as)).status).toBe(200);
      const gdk = await sim.call('GenerateDataKey', { KeyId: key.KeyId, KeySpec: 'AES_256', GrantTokens, EncryptionContext: { dept: 'IT' } }, as);
      expect(gdk.status).toBe(200);
      expect((await sim.call('GenerateDataKey', { KeyId: key.KeyId, KeySpec: 'AES_256', GrantTokens }, as)).type).toBe('AccessDeniedException');
    });

    it(`enforces EncryptionContextEquals at use time (${viaToken ? 'with a grant token' : 'without a token'})`, async () => {
      const sim = makeSim({ propagation: { minMs: 60_000, maxMs: 60_000 } });
      const key = await sim.createKey();
      const g = await ok(sim, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Encrypt'], Constraints: { EncryptionContextEquals: { Dept: 'IT' } } });
      if (!viaToken) sim.sim.clock.settle();
      const GrantTokens = viaToken ? [g.GrantToken] : undefined;
      const enc = (EncryptionContext?: Record<string, string>) => sim.call('Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN, EncryptionContext, GrantTokens }, { as: APP_ROLE });
      expect((await enc({ dept: 'IT' })).status).toBe(200);
      for (const bad of [undefined, { Dept: 'IT', extra: 'x' }, { Dept: 'It' }] as (Record<string, string> | undefined)[]) expect((await enc(bad)).type).toBe('AccessDeniedException');
    });
  }

  it('never lets a token bypass a constraint, even after the grant has arrived', async () => {
    const sim = makeSim();
    const key = await sim.createKey();
    const g = await ok(sim, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Encrypt'], Constraints: { EncryptionContextEquals: { app: 'web' } } });
    for (const host of [0, 1, 2]) {
      const r = await sim.call('Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN, EncryptionContext: { app: 'batch' }, GrantTokens: [g.GrantToken] }, { as: APP_ROLE, host });
      expect(r.type).toBe('AccessDeniedException');
    }
  });

  it('applies ReEncryptFrom to the source context and ReEncryptTo to the destination context', async () => {
    const sim = makeSim();
    const a = await sim.createKey();
    const b = await sim.createKey();
    const enc = await ok(sim, 'Encrypt', { KeyId: a.KeyId, Plaintext: PLAIN, EncryptionContext: { stage: 'src' } });
    await ok(sim, 'CreateGrant', { KeyId: a.KeyId, GranteePrincipal: APP_ROLE, Operations: ['ReEncryptFrom'], Constraints: { EncryptionContextSubset: { stage: 'src' } } });
    await ok(sim, 'CreateGrant', { KeyId: b.KeyId, GranteePrincipal: APP_ROLE, Operations: ['ReEncryptTo'], Constraints: { EncryptionContextSubset: { stage: 'dst' } } });
    const body = (dst: Record<string, string>) => ({ CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: { stage: 'src' }, DestinationKeyId: b.KeyId, DestinationEncryptionContext: dst });
    const good = await sim.call('ReEncrypt', body({ stage: 'dst' }), { as: APP_ROLE });
    expect(good.status).toBe(200);
    expect(decisionOf(good).summary).toMatch(/^ReEncryptFrom \(source key\): .* ReEncryptTo \(destination key\): /);
    const bad = await sim.call('ReEncrypt', body({ stage: 'src' }), { as: APP_ROLE });
    expect([bad.type, bad.message]).toEqual(['AccessDeniedException', `User: ${APP_ROLE} is not authorized to perform: kms:ReEncryptTo on resource: ${b.Arn} because no identity-based policy allows the kms:ReEncryptTo action`]);
    // the grant on the destination does not allow ReEncryptFrom on it
    const back = await sim.call('ReEncrypt', { CiphertextBlob: good.json.CiphertextBlob, SourceEncryptionContext: { stage: 'dst' }, DestinationKeyId: a.KeyId }, { as: APP_ROLE });
    expect(back.message).toContain('kms:ReEncryptFrom');
  });

  it('checks the key state: a disabled key is DisabledException, a key pending deletion KMSInvalidStateException', async () => {
    const sim = makeSim();
    const key = await sim.createKey();
    const enc = await ok(sim, 'Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN });
    await ok(sim, 'DisableKey', { KeyId: key.KeyId });
    for (const [op, body] of [
      ['Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN }],
      ['Decrypt', { CiphertextBlob: enc.CiphertextBlob }],
      ['GenerateDataKey', { KeyId: key.KeyId, KeySpec: 'AES_256' }],
      ['ReEncrypt', { CiphertextBlob: enc.CiphertextBlob, DestinationKeyId: key.KeyId }],
    ] as const) {
      const r = await sim.call(op, body);
      expect([op, r.type, r.message]).toEqual([op, 'DisabledException', `${key.Arn} is disabled.`]);
    }
    await ok(sim, 'ScheduleKeyDeletion', { KeyId: key.KeyId, PendingWindowInDays: 7 });
    const r = await sim.call('GenerateDataKey', { KeyId: key.KeyId, KeySpec: 'AES_256' });
    expect([r.type, r.message]).toEqual(['KMSInvalidStateException', `${key.Arn} is pending deletion.`]);
  });

  /**
   * For a random grant (a random subset of the grant operations a symmetric key accepts) and a
   * random operation, the grantee is allowed iff the grant lists the operation (ReEncrypt on
   * the same key needs both ReEncryptFrom and ReEncryptTo). Never an operation it does not list.
   */
  it('allows a grantee exactly the operations its grant lists (property)', async () => {
    const GRANTABLE = ['Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'DescribeKey', 'RetireGrant', 'CreateGrant'];
    const ATTEMPTS = ['Encrypt', 'Decrypt', 'ReEncrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'DescribeKey'] as const;
    const grantArb = fc.subarray(GRANTABLE, { minLength: 1 }).filter((ops) => !(ops.length === 1 && ops[0] === 'CreateGrant'));
    await fc.assert(
      fc.asyncProperty(grantArb, fc.constantFrom(...ATTEMPTS), fc.integer({ min: 0, max: 1e6 }), async (ops, attempt, seed) => {
        const sim = makeSim({ seed });
        const key = await sim.createKey();
        const ct = (await ok(sim, 'Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN })).CiphertextBlob;
        await ok(sim, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ops });
        const bodies: Record<(typeof ATTEMPTS)[number], unknown> = {
          Encrypt: { KeyId: key.KeyId, Plaintext: PLAIN },
          Decrypt: { CiphertextBlob: ct },
          ReEncrypt: { CiphertextBlob: ct, DestinationKeyId: key.KeyId },
          GenerateDataKey: { KeyId: key.KeyId, NumberOfBytes: 16 },
          GenerateDataKeyWithoutPlaintext: { KeyId: key.KeyId, KeySpec: 'AES_128' },
          GenerateDataKeyPair: { KeyId: key.KeyId, KeyPairSpec: 'ECC_NIST_P256' },
          GenerateDataKeyPairWithoutPlaintext: { KeyId: key.KeyId, KeyPairSpec: 'ECC_NIST_P256' },
          DescribeKey: { KeyId: key.KeyId },
        };
        const r = await sim.call(attempt, bodies[attempt], { as: APP_ROLE });
        const listed = attempt === 'ReEncrypt' ? ops.includes('ReEncryptFrom') && ops.includes('ReEncryptTo') : ops.includes(attempt);
        expect(r.status === 200, `${attempt} with grant [${ops}]: ${r.text}`).toBe(listed);
        if (!listed) expect(r.type).toBe('AccessDeniedException');
      }),
      { numRuns: 60 },
    );
  });
});

describe('DryRun', () => {
  it('answers DryRunOperationException and draws no randomness', async () => {
    const run = async (dry: boolean) => {
      const sim = makeSim({ seed: 5 });
      const key = await sim.createKey();
      if (dry) {
        for (const [op, body] of [
          ['Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN, DryRun: true }],
          ['GenerateDataKey', { KeyId: key.KeyId, KeySpec: 'AES_256', DryRun: true }],
          ['GenerateDataKeyPair', { KeyId: key.KeyId, KeyPairSpec: 'ECC_NIST_P256', DryRun: true }],
        ] as const) {
          const r = await sim.call(op, body);
          expect([r.status, r.type, r.message]).toEqual([400, 'DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.']);
        }
      }
      return (await ok(sim, 'Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN })).CiphertextBlob;
    };
    expect(await run(true)).toBe(await run(false));
  });

  it('still reports what would fail: authorization, key usage, the ciphertext', async () => {
    const sim = makeSim();
    const key = await sim.createKey();
    const enc = await ok(sim, 'Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN, EncryptionContext: { a: 'b' } });
    expect((await sim.call('Encrypt', { KeyId: key.KeyId, Plaintext: PLAIN, DryRun: true }, { as: APP_ROLE })).type).toBe('AccessDeniedException');
    expect((await sim.call('GenerateMac', { KeyId: key.KeyId, Message: PLAIN, MacAlgorithm: 'HMAC_SHA_256', DryRun: true })).type).toBe('InvalidKeyUsageException');
    expect((await sim.call('Decrypt', { CiphertextBlob: enc.CiphertextBlob, DryRun: true })).type).toBe('InvalidCiphertextException');
    expect((await sim.call('Decrypt', { CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { a: 'b' }, DryRun: true })).type).toBe('DryRunOperationException');
  });

  it('makes Decrypt and ReEncrypt authorization-only with DryRunModifiers IGNORE_CIPHERTEXT', async () => {
    const sim = makeSim();
    const key = await sim.createKey();
    const other = await sim.createKey();
    const dry = { DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] };
    expect((await sim.call('Decrypt', { KeyId: key.KeyId, ...dry })).type).toBe('DryRunOperationException');
    expect((await sim.call('Decrypt', { KeyId: key.KeyId, CiphertextBlob: b64('garbage garbage garbage!'), ...dry })).type).toBe('DryRunOperationException');
    expect((await sim.call('Decrypt', { KeyId: key.KeyId, ...dry }, { as: APP_ROLE })).type).toBe('AccessDeniedException');
    expect((await sim.call('Decrypt', { KeyId: key.KeyId, ...dry }, { as: ADMIN })).type).toBe('DryRunOperationException');
    expect((await sim.call('Decrypt', { ...dry })).type).toBe('ValidationException');
    expect((await sim.call('ReEncrypt', { SourceKeyId: key.KeyId, DestinationKeyId: other.KeyId, ...dry })).type).toBe('DryRunOperationException');
    await ok(sim, 'CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['ReEncryptFrom'] });
    const r = await sim.call('ReEncrypt', { SourceKeyId: key.KeyId, DestinationKeyId: other.KeyId, ...dry }, { as: APP_ROLE });
    expect(r.message).toContain('kms:ReEncryptTo');
    // without DryRun the modifier is ignored and the ciphertext is required
    expect((await sim.call('Decrypt', { KeyId: key.KeyId, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })).type).toBe('ValidationException');
  });
});

describe('reproducibility', () => {
  it('gives byte-identical ciphertexts, signatures and data keys for the same seed', async () => {
    const run = async (seed: number) => {
      const sim = makeSim({ seed });
      const sym = await sim.createKey();
      const rsa = await sim.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
      const signer = await sim.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
      const out: string[] = [];
      out.push((await sim.call('Encrypt', { KeyId: sym.KeyId, Plaintext: PLAIN, EncryptionContext: { a: 'b' } })).text);
      out.push((await sim.call('Encrypt', { KeyId: rsa.KeyId, Plaintext: PLAIN, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })).text);
      out.push((await sim.call('GenerateDataKey', { KeyId: sym.KeyId, KeySpec: 'AES_256' })).text);
      out.push((await sim.call('GenerateDataKeyPair', { KeyId: sym.KeyId, KeyPairSpec: 'ECC_NIST_P256' })).text);
      out.push((await sim.call('Sign', { KeyId: signer.KeyId, Message: PLAIN, SigningAlgorithm: 'RSASSA_PSS_SHA_256' })).text);
      const ct = JSON.parse(out[0]).CiphertextBlob;
      out.push((await sim.call('ReEncrypt', { CiphertextBlob: ct, SourceEncryptionContext: { a: 'b' }, DestinationKeyId: rsa.KeyId, DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_1' })).text);
      return out;
    };
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    const other = await run(43);
    expect(other[0]).not.toBe(first[0]);
  });
});
