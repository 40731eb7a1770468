/**
 * Independent review, docs/sources.md, Errors and Key operations: edge errors of the cryptographic operations
 * (InvalidKeyUsageException, IncorrectKeyException, InvalidCiphertextException,
 * KMSInvalidSignatureException, KMSInvalidMacException), sensitive-value Coral messages and
 * DryRun on every DryRun-capable cryptographic operation, with SigV4-signed requests.
 */
import { describe, expect, it } from 'vitest';
import { APP, DRY_RUN, b64, err, review } from './harness';

const SYM = {};
const HMAC = { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' };
const SIGN = { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' };
const AGREE = { KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' };
const USAGE: Record<string, string> = { SYM: 'ENCRYPT_DECRYPT', HMAC: 'GENERATE_VERIFY_MAC', SIGN: 'SIGN_VERIFY', AGREE: 'KEY_AGREEMENT' };
const SPECS: Record<string, Record<string, unknown>> = { SYM, HMAC, SIGN, AGREE };

/** operation, a key of the wrong usage, the request */
const WRONG_USAGE: [string, keyof typeof SPECS, (keyId: string, pub: string) => Record<string, unknown>][] = [
  ['Encrypt', 'HMAC', (KeyId) => ({ KeyId, Plaintext: b64('x') })],
  ['Encrypt', 'SIGN', (KeyId) => ({ KeyId, Plaintext: b64('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })],
  ['GenerateDataKey', 'HMAC', (KeyId) => ({ KeyId, KeySpec: 'AES_256' })],
  ['GenerateDataKeyWithoutPlaintext', 'SIGN', (KeyId) => ({ KeyId, KeySpec: 'AES_256' })],
  ['Sign', 'SYM', (KeyId) => ({ KeyId, Message: b64('m'), SigningAlgorithm: 'ECDSA_SHA_256' })],
  ['Sign', 'HMAC', (KeyId) => ({ KeyId, Message: b64('m'), SigningAlgorithm: 'ECDSA_SHA_256' })],
  ['Verify', 'SYM', (KeyId) => ({ KeyId, Message: b64('m'), Signature: b64('s'), SigningAlgorithm: 'ECDSA_SHA_256' })],
  ['GenerateMac', 'SYM', (KeyId) => ({ KeyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' })],
  ['GenerateMac', 'SIGN', (KeyId) => ({ KeyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' })],
  ['VerifyMac', 'SYM', (KeyId) => ({ KeyId, Message: b64('m'), Mac: b64('m'), MacAlgorithm: 'HMAC_SHA_256' })],
  ['DeriveSharedSecret', 'SIGN', (KeyId, PublicKey) => ({ KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey })],
  ['DeriveSharedSecret', 'SYM', (KeyId, PublicKey) => ({ KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey })],
];

describe('InvalidKeyUsageException: "<key ARN> key usage is <KEY_USAGE> which is not valid for <Operation>."', () => {
  for (const [op, kind, body] of WRONG_USAGE) {
    it(`${op} with a ${USAGE[kind]} key`, async () => {
      const r = review();
      const peer = await r.key(AGREE);
      const pub = (await r.ok('GetPublicKey', { KeyId: peer.KeyId })).PublicKey;
      const k = await r.key(SPECS[kind]);
      expect(err(await r.call(op, body(k.KeyId, pub)))).toEqual([400, 'InvalidKeyUsageException', `${k.Arn} key usage is ${USAGE[kind]} which is not valid for ${op}.`]);
    });
  }

  it('Decrypt naming a SIGN_VERIFY key with an RSA algorithm (no blob key to compare) answers the key-usage text', async () => {
    const r = review();
    const k = await r.key({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    const x = await r.call('Decrypt', { KeyId: k.KeyId, CiphertextBlob: b64('x'.repeat(256)), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' });
    expect(err(x)).toEqual([400, 'InvalidKeyUsageException', `${k.Arn} key usage is SIGN_VERIFY which is not valid for Decrypt.`]);
  });

  it('a MAC algorithm of another HMAC size is "Algorithm <ALG> is incompatible with key spec <SPEC>." (recorded)', async () => {
    const r = review();
    const k = await r.key({ KeySpec: 'HMAC_384', KeyUsage: 'GENERATE_VERIFY_MAC' });
    expect(err(await r.call('GenerateMac', { KeyId: k.KeyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' }))).toEqual([
      400,
      'InvalidKeyUsageException',
      'Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_384.',
    ]);
  });
});

describe('empty-message errors (recorded with "")', () => {
  it('Verify with bytes that are not a signature is KMSInvalidSignatureException without a message', async () => {
    const r = review();
    const k = await r.key(SIGN);
    const x = await r.call('Verify', { KeyId: k.KeyId, Message: b64('m'), Signature: b64('garbage'), SigningAlgorithm: 'ECDSA_SHA_256' });
    expect([x.status, x.json]).toEqual([400, { __type: 'KMSInvalidSignatureException' }]);
  });

  it('Verify with a signature made under another key is KMSInvalidSignatureException', async () => {
    const r = review();
    const a = await r.key(SIGN);
    const b = await r.key(SIGN);
    const { Signature } = await r.ok('Sign', { KeyId: a.KeyId, Message: b64('m'), SigningAlgorithm: 'ECDSA_SHA_256' });
    expect((await r.call('Verify', { KeyId: a.KeyId, Message: b64('m'), Signature, SigningAlgorithm: 'ECDSA_SHA_256' })).json.SignatureValid).toBe(true);
    expect((await r.call('Verify', { KeyId: b.KeyId, Message: b64('m'), Signature, SigningAlgorithm: 'ECDSA_SHA_256' })).json).toEqual({ __type: 'KMSInvalidSignatureException' });
  });

  it('VerifyMac with a MAC of the wrong length, or of another key, is KMSInvalidMacException without a message', async () => {
    const r = review();
    const a = await r.key(HMAC);
    const b = await r.key(HMAC);
    const { Mac } = await r.ok('GenerateMac', { KeyId: a.KeyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' });
    expect((await r.ok('VerifyMac', { KeyId: a.KeyId, Message: b64('m'), Mac, MacAlgorithm: 'HMAC_SHA_256' })).MacValid).toBe(true);
    for (const [KeyId, m] of [
      [a.KeyId, b64('short')],
      [b.KeyId, Mac],
    ]) {
      const x = await r.call('VerifyMac', { KeyId, Message: b64('m'), Mac: m, MacAlgorithm: 'HMAC_SHA_256' });
      expect([x.status, x.json]).toEqual([400, { __type: 'KMSInvalidMacException' }]);
    }
  });

  it('ReEncrypt with a wrong SourceEncryptionContext is InvalidCiphertextException without a message', async () => {
    const r = review();
    const k = await r.key();
    const dest = await r.key();
    const { CiphertextBlob } = await r.ok('Encrypt', { KeyId: k.KeyId, Plaintext: b64('x'), EncryptionContext: { a: '1' } });
    const x = await r.call('ReEncrypt', { CiphertextBlob, SourceEncryptionContext: { a: '2' }, DestinationKeyId: dest.KeyId });
    expect([x.status, x.json]).toEqual([400, { __type: 'InvalidCiphertextException' }]);
  });

  it('Decrypt of a blob whose tag was altered is InvalidCiphertextException', async () => {
    const r = review();
    const k = await r.key();
    const { CiphertextBlob } = await r.ok('Encrypt', { KeyId: k.KeyId, Plaintext: b64('x') });
    const bytes = Buffer.from(CiphertextBlob, 'base64');
    bytes[bytes.length - 1] ^= 1;
    expect((await r.call('Decrypt', { CiphertextBlob: bytes.toString('base64') })).json).toEqual({ __type: 'InvalidCiphertextException' });
  });

  it('ReEncrypt naming a SourceKeyId of another symmetric key is IncorrectKeyException (recorded text)', async () => {
    const r = review();
    const a = await r.key();
    const b = await r.key();
    const { CiphertextBlob } = await r.ok('Encrypt', { KeyId: a.KeyId, Plaintext: b64('x') });
    expect(err(await r.call('ReEncrypt', { CiphertextBlob, SourceKeyId: b.KeyId, DestinationKeyId: b.KeyId }))).toEqual([
      400,
      'IncorrectKeyException',
      'The key ID in the request does not identify a CMK that can perform this operation.',
    ]);
  });
});

describe('sensitive members are not echoed in Coral messages', () => {
  for (const [op, spec, body] of [
    ['Sign', SIGN, (KeyId: string) => ({ KeyId, Message: b64('m'.repeat(4097)), SigningAlgorithm: 'ECDSA_SHA_256' })],
    ['GenerateMac', HMAC, (KeyId: string) => ({ KeyId, Message: b64('m'.repeat(4097)), MacAlgorithm: 'HMAC_SHA_256' })],
    ['Encrypt', SYM, (KeyId: string) => ({ KeyId, Plaintext: b64('p'.repeat(4097)) })],
  ] as const) {
    it(`${op} with 4097 bytes answers "Value at '<member>' … length less than or equal to 4096"`, async () => {
      const r = review();
      const k = await r.key(spec);
      const member = op === 'Encrypt' ? 'plaintext' : 'message';
      expect(err(await r.call(op, body(k.KeyId)))).toEqual([
        400,
        'ValidationException',
        `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to 4096`,
      ]);
    });
  }
});

describe('DryRun on every DryRun-capable cryptographic operation', () => {
  it('answers DryRunOperationException with the recorded text when the call would succeed, and AccessDeniedException when it would not', async () => {
    const r = review();
    const sym = await r.key();
    const hmac = await r.key(HMAC);
    const sign = await r.key(SIGN);
    const agree = await r.key(AGREE);
    const peer = await r.key(AGREE);
    const pub = (await r.ok('GetPublicKey', { KeyId: peer.KeyId })).PublicKey;
    const { CiphertextBlob } = await r.ok('Encrypt', { KeyId: sym.KeyId, Plaintext: b64('x') });
    const { Signature } = await r.ok('Sign', { KeyId: sign.KeyId, Message: b64('m'), SigningAlgorithm: 'ECDSA_SHA_256' });
    const { Mac } = await r.ok('GenerateMac', { KeyId: hmac.KeyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' });
    const requests: [string, Record<string, unknown>][] = [
      ['Encrypt', { KeyId: sym.KeyId, Plaintext: b64('x') }],
      ['Decrypt', { CiphertextBlob, KeyId: sym.KeyId }],
      ['ReEncrypt', { CiphertextBlob, SourceKeyId: sym.KeyId, DestinationKeyId: sym.KeyId }],
      ['GenerateDataKey', { KeyId: sym.KeyId, KeySpec: 'AES_256' }],
      ['GenerateDataKeyWithoutPlaintext', { KeyId: sym.KeyId, NumberOfBytes: 16 }],
      ['GenerateDataKeyPair', { KeyId: sym.KeyId, KeyPairSpec: 'ECC_NIST_P256' }],
      ['GenerateDataKeyPairWithoutPlaintext', { KeyId: sym.KeyId, KeyPairSpec: 'ECC_NIST_P256' }],
      ['Sign', { KeyId: sign.KeyId, Message: b64('m'), SigningAlgorithm: 'ECDSA_SHA_256' }],
      ['Verify', { KeyId: sign.KeyId, Message: b64('m'), Signature, SigningAlgorithm: 'ECDSA_SHA_256' }],
      ['GenerateMac', { KeyId: hmac.KeyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' }],
      ['VerifyMac', { KeyId: hmac.KeyId, Message: b64('m'), Mac, MacAlgorithm: 'HMAC_SHA_256' }],
      ['DeriveSharedSecret', { KeyId: agree.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: pub }],
    ];
    for (const [op, body] of requests) {
      expect(err(await r.call(op, { ...body, DryRun: true })), op).toEqual([400, 'DryRunOperationException', DRY_RUN]);
      expect((await r.call(op, { ...body, DryRun: true }, { as: APP })).type, op).toBe('AccessDeniedException');
      expect((await r.call(op, { ...body, DryRun: false })).status, op).toBe(200);
    }
  });
});
