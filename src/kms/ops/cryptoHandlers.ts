/**
 * The handlers of the cryptographic operations: Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext),
 * GenerateDataKeyPair(WithoutPlaintext), Sign, Verify, GetPublicKey, GenerateMac, VerifyMac,
 * DeriveSharedSecret.
 *
 * Every handler runs the same steps in the same order:
 *   1. resolve the key (key id, key ARN, alias name or alias ARN, docs/sources.md, Key identifiers; Decrypt and
 *      ReEncrypt may take it from the ciphertext blob instead, and a KeyId that names another
 *      key is IncorrectKeyException, as recorded);
 *   2. verify the grant tokens and authorize with the grant operation and the encryption
 *      context (ReEncrypt: kms:ReEncryptFrom on the source key with SourceEncryptionContext,
 *      kms:ReEncryptTo on the destination with DestinationEncryptionContext, docs/sources.md, Grants);
 *   3. the key state (keystate.ts);
 *   4. key usage, algorithm and parameter checks, with the messages recorded from real KMS;
 *   5. DryRun: it answers what real KMS would, having checked everything that can fail without
 *      drawing randomness (so Decrypt/ReEncrypt check the ciphertext unless DryRunModifiers
 *      has IGNORE_CIPHERTEXT, and Verify/VerifyMac check the signature or MAC). What only the
 *      simulator cannot do (ML-DSA, ML-KEM, SM2PKE: UnsupportedOperationException) is reported
 *      by the real call alone, since real KMS would succeed;
 *   6. the operation. Key material, data keys, IVs, OAEP seeds and PSS salts come from the
 *      world's seeded generator, after every check, so a failed or dry-run request draws
 *      nothing and a replay reproduces every ciphertext byte for byte.
 *
 * Outputs carry blobs as Uint8Array (the wire layer base64-encodes them); inputs carry them as
 * the base64 strings the validator has already checked.
 */
import type {
  DecryptRequest,
  DeriveSharedSecretRequest,
  EncryptRequest,
  GenerateDataKeyPairRequest,
  GenerateDataKeyRequest,
  GenerateMacRequest,
  GetPublicKeyRequest,
  OperationName,
  ReEncryptRequest,
  SignRequest,
  VerifyMacRequest,
  VerifyRequest,
} from '../model/shapes.generated';
import { decodeBase64 } from '../util/base64';
import { InternalError, KmsError, notFound, validation } from '../errors';
import { keyArn } from '../keys';
import type { Decision } from '../events';
import type { KeyRecord } from '../world';
import { generateKeyMaterial, publicKeySpki, RSA_SPEC_BITS, type DataKeyPairSpec, type KeyMaterial, type KeySpec } from '../crypto/material';
import {
  encryptionAlgorithmsFor,
  keyAgreementAlgorithmsFor,
  macAlgorithmsFor,
  maxPlaintextBytes,
  signingAlgorithmsFor,
  type EncryptionAlgorithmSpec,
  type MacAlgorithmSpec,
  type MessageType,
  type SigningAlgorithmSpec,
} from '../crypto/algorithms';
import { asymmetricDecrypt, asymmetricEncrypt } from '../crypto/asymmetricEncryption';
import { parseCiphertextBlob } from '../crypto/ciphertextBlob';
import { deriveSharedSecret } from '../crypto/keyAgreement';
import { generateMac, verifyMac } from '../crypto/mac';
import { checkSigningRequest, sign, verify } from '../crypto/signing';
import { symmetricDecrypt, symmetricEncrypt } from '../crypto/symmetric';
import type { Ctx, Handler } from './context';
import { ownStringMap } from './maps';

type EncryptionContext = Record<string, string> | undefined;

// =============================================================================================
// Errors, with the texts recorded from real KMS (docs/sources.md, Errors) unless marked otherwise.

/** `<key ARN> key usage is <KEY_USAGE> which is not valid for <Operation>.` (recorded) */
function requireUsage(key: KeyRecord, usage: string, operation: string): void {
  if (key.keyUsage !== usage) {
    throw new KmsError('InvalidKeyUsageException', `${key.arn} key usage is ${key.keyUsage} which is not valid for ${operation}.`);
  }
}

/** `Algorithm <ALG> is incompatible with key spec <SPEC>.` (recorded for MACs and for Encrypt on an RSA key) */
const incompatible = (algorithm: string, spec: string) => new KmsError('InvalidKeyUsageException', `Algorithm ${algorithm} is incompatible with key spec ${spec}.`);

/** recorded with an empty message */
const invalidCiphertext = () => new KmsError('InvalidCiphertextException', '');

/** recorded (Decrypt/ReEncrypt with a KeyId that did not encrypt the ciphertext) */
const incorrectKey = () => new KmsError('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');

/**
 * The Coral "missing member" form (docs/sources.md, Validation messages), for a CiphertextBlob that the model leaves
 * optional (because of DryRunModifiers) but the service requires.
 */
const missingCiphertext = () => validation("1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null");

/** asymmetric encryption takes no encryption context (wording from an emulator's probe of AWS; not recorded) */
function noContextForAsymmetric(ec: EncryptionContext): void {
  if (ec && Object.keys(ec).length > 0) throw validation('EncryptionContext is not supported when encrypting/decrypting with asymmetric CMKs.');
}

/**
 * What the simulator cannot compute (ML-DSA, ML-KEM, SM2PKE): real KMS would answer, so this
 * is the playground's own limit, stated as such. UnsupportedOperationException is the modelled
 * "not valid for this operation" error and what the engine answers for every other feature it
 * does not simulate.
 */
const notSimulated = (key: KeyRecord, what: string, operation: string) =>
  new KmsError('UnsupportedOperationException', `The KMS Grant Playground does not implement ${what}, so it cannot perform ${operation} with ${key.arn} (key spec ${key.keySpec}).`);

function notSimulatedMaterial(key: KeyRecord, operation: string): KmsError {
  return notSimulated(key, key.keySpec.startsWith('ML_KEM') ? 'ML-KEM (FIPS 203)' : key.keySpec.startsWith('ML_DSA') ? 'ML-DSA (FIPS 204)' : `key spec ${key.keySpec}`, operation);
}

/** Nitro Enclaves attestation is not simulated */
function noRecipient(input: { Recipient?: unknown }): void {
  if (input.Recipient !== undefined) {
    throw new KmsError('UnsupportedOperationException', 'The KMS Grant Playground does not simulate AWS Nitro Enclaves attestation (the Recipient parameter).');
  }
}

// =============================================================================================
// Helpers.

/** a blob member the validator has already checked as strict base64 */
function bytes(b64: string): Uint8Array {
  const out = decodeBase64(b64);
  if (!out) throw new InternalError('a blob member reached the handler without passing validation');
  return out;
}

/** the key's material; a key without it is an imported key still pending import */
function materialOf(key: KeyRecord): KeyMaterial {
  if (!key.material) throw new KmsError('KMSInvalidStateException', `${key.arn} is pending import.`);
  return key.material;
}

const randomOf = (ctx: Ctx) => (n: number) => ctx.rng.bytes(n);

/** key material id to record in (and report from) a symmetric blob */
const materialIdOf = (key: KeyRecord): string | undefined => (/^[0-9a-f]{64}$/.test(key.keyMaterialId) ? key.keyMaterialId : undefined);

/** Encrypts under a symmetric key, drawing the IV from the world's generator. */
function encryptSymmetric(ctx: Ctx, key: KeyRecord, plaintext: Uint8Array, ec: EncryptionContext): Promise<Uint8Array> {
  const keyMaterialId = materialIdOf(key);
  return symmetricEncrypt(materialOf(key), key.keyId, plaintext, ec, randomOf(ctx), keyMaterialId ? { keyMaterialId } : {});
}

const ignoreCiphertext = (input: { DryRun?: boolean; DryRunModifiers?: readonly string[] }) => input.DryRun === true && (input.DryRunModifiers ?? []).includes('IGNORE_CIPHERTEXT');

/** The encryption algorithm a key accepts for Encrypt/Decrypt (usage checked by the caller). */
function checkEncryptionAlgorithm(key: KeyRecord, algorithm: EncryptionAlgorithmSpec): void {
  if (maxPlaintextBytes(key.keySpec as KeySpec, algorithm) === null) throw incompatible(algorithm, key.keySpec);
}

/** `Algorithm <ALG> and key spec <SPEC> cannot encrypt data larger than <N> bytes.` (recorded) */
function checkPlaintextSize(key: KeyRecord, algorithm: EncryptionAlgorithmSpec, length: number): void {
  const max = maxPlaintextBytes(key.keySpec as KeySpec, algorithm)!;
  if (length > max) throw validation(`Algorithm ${algorithm} and key spec ${key.keySpec} cannot encrypt data larger than ${max} bytes.`);
}

// =============================================================================================
// Encrypt, Decrypt, ReEncrypt.

/**
 * The "encrypt" half shared by Encrypt and ReEncrypt's destination, up to (not including) the
 * randomness: usage, algorithm, size, context. Returns the function that encrypts.
 */
function prepareEncrypt(ctx: Ctx, key: KeyRecord, operation: string, algorithm: EncryptionAlgorithmSpec, plaintextLength: number | null, ec: EncryptionContext) {
  requireUsage(key, 'ENCRYPT_DECRYPT', operation);
  checkEncryptionAlgorithm(key, algorithm);
  if (plaintextLength !== null) checkPlaintextSize(key, algorithm, plaintextLength);
  if (algorithm !== 'SYMMETRIC_DEFAULT') noContextForAsymmetric(ec);
  return async (plaintext: Uint8Array): Promise<Uint8Array> => {
    if (algorithm === 'SYMMETRIC_DEFAULT') return encryptSymmetric(ctx, key, plaintext, ec);
    if (algorithm === 'SM2PKE') throw notSimulated(key, 'SM2PKE encryption', operation);
    const r = await asymmetricEncrypt(materialOf(key), key.keySpec as KeySpec, algorithm, plaintext, randomOf(ctx));
    if (!r.ok) throw r.reason === 'too-large' ? validation(r.message) : r.reason === 'incompatible' ? incompatible(algorithm, key.keySpec) : notSimulated(key, 'SM2PKE encryption', operation);
    return r.ciphertext;
  };
}

export async function encrypt(ctx: Ctx, input: EncryptRequest) {
  const ec = ownStringMap(input.EncryptionContext);
  const key = ctx.key(input.KeyId);
  ctx.authorize(key, { grantOperation: 'Encrypt', tokens: input.GrantTokens, encryptionContext: ec });
  ctx.keyState(key);
  const algorithm = input.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT';
  const plaintext = bytes(input.Plaintext);
  const run = prepareEncrypt(ctx, key, 'Encrypt', algorithm, plaintext.length, ec);
  ctx.dryRun(input.DryRun);
  const CiphertextBlob = await run(plaintext);
  return { CiphertextBlob, KeyId: key.arn, EncryptionAlgorithm: algorithm };
}

/**
 * Which key a Decrypt (or ReEncrypt's source) is about, before authorization:
 * - with a KeyId, that key; a symmetric blob that names another key is IncorrectKeyException
 *   (recorded, and recorded before any key-usage error);
 * - without one, the key the symmetric blob names; anything else is InvalidCiphertextException.
 * A blob that cannot be parsed while a KeyId is given is reported after authorization.
 */
function resolveSource(ctx: Ctx, keyId: string | undefined, ciphertext: Uint8Array | null, algorithm: EncryptionAlgorithmSpec) {
  const parsed = ciphertext && algorithm === 'SYMMETRIC_DEFAULT' ? parseCiphertextBlob(ciphertext) : null;
  if (keyId !== undefined) {
    const key = ctx.key(keyId);
    if (parsed && parsed.keyId !== key.keyId) throw incorrectKey();
    return { key, parsed };
  }
  if (!parsed) throw invalidCiphertext();
  // The blob carries the key id only: the key may belong to another account (cross-account
  // Decrypt needs no KeyId in AWS either, the blob names the key), but keys are regional.
  const key = ctx.world.keys.get(parsed.keyId);
  if (!key) throw notFound(`Key '${keyArn(ctx.region, ctx.caller.account, parsed.keyId)}' does not exist`);
  if (key.region !== ctx.region) throw invalidCiphertext();
  return { key, parsed };
}

/** The "decrypt" half shared by Decrypt and ReEncrypt's source, after authorization and key state. */
function checkDecrypt(key: KeyRecord, operation: string, algorithm: EncryptionAlgorithmSpec, ec: EncryptionContext): void {
  requireUsage(key, 'ENCRYPT_DECRYPT', operation);
  checkEncryptionAlgorithm(key, algorithm);
  if (algorithm !== 'SYMMETRIC_DEFAULT') noContextForAsymmetric(ec);
}

async function decryptWith(key: KeyRecord, operation: string, algorithm: EncryptionAlgorithmSpec, ciphertext: Uint8Array, ec: EncryptionContext): Promise<Uint8Array> {
  const m = materialOf(key);
  if (algorithm === 'SYMMETRIC_DEFAULT') {
    const parsed = parseCiphertextBlob(ciphertext);
    if (!parsed) throw invalidCiphertext();
    if (parsed.keyId !== key.keyId) throw incorrectKey();
    const r = await symmetricDecrypt(m, ciphertext, ec);
    if (!r.ok) throw invalidCiphertext();
    return r.plaintext;
  }
  if (algorithm === 'SM2PKE') throw notSimulated(key, 'SM2PKE decryption', operation);
  // RSAES-OAEP: a ciphertext that is not one modulus long cannot be one of this key's;
  // one that is, but fails OAEP decoding, was made with another key or algorithm.
  const modulusBytes = (RSA_SPEC_BITS[key.keySpec as KeySpec] ?? 0) / 8;
  if (ciphertext.length !== modulusBytes) throw invalidCiphertext();
  const r = await asymmetricDecrypt(m, key.keySpec as KeySpec, algorithm, ciphertext);
  if (!r.ok) throw incorrectKey();
  return r.plaintext;
}

export async function decrypt(ctx: Ctx, input: DecryptRequest) {
  const algorithm = input.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT';
  const ignore = ignoreCiphertext(input);
  if (input.CiphertextBlob === undefined && !ignore) throw missingCiphertext();
  noRecipient(input);
  const ciphertext = ignore || input.CiphertextBlob === undefined ? null : bytes(input.CiphertextBlob);
  if (ignore && input.KeyId === undefined) {
    throw validation('KeyId is required when DryRunModifiers contains IGNORE_CIPHERTEXT: the ciphertext is not read, so it cannot name the key.');
  }
  const ec = ownStringMap(input.EncryptionContext);
  const { key } = resolveSource(ctx, input.KeyId, ciphertext, algorithm);
  ctx.authorize(key, { grantOperation: 'Decrypt', tokens: input.GrantTokens, encryptionContext: ec });
  ctx.keyState(key);
  checkDecrypt(key, 'Decrypt', algorithm, ec);
  if (ignore) ctx.dryRun(true);
  const plaintext = await decryptWith(key, 'Decrypt', algorithm, ciphertext!, ec);
  ctx.dryRun(input.DryRun);
  const out: Record<string, unknown> = { KeyId: key.arn, Plaintext: plaintext, EncryptionAlgorithm: algorithm };
  if (algorithm === 'SYMMETRIC_DEFAULT') {
    const id = parseCiphertextBlob(ciphertext!)?.keyMaterialId ?? materialIdOf(key);
    if (id) out.KeyMaterialId = id;
  }
  return out;
}

export async function reEncrypt(ctx: Ctx, input: ReEncryptRequest) {
  const srcAlgorithm = input.SourceEncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT';
  const dstAlgorithm = input.DestinationEncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT';
  const ignore = ignoreCiphertext(input);
  if (input.CiphertextBlob === undefined && !ignore) throw missingCiphertext();
  const ciphertext = ignore || input.CiphertextBlob === undefined ? null : bytes(input.CiphertextBlob);
  if (ignore && input.SourceKeyId === undefined) {
    throw validation('SourceKeyId is required when DryRunModifiers contains IGNORE_CIPHERTEXT: the ciphertext is not read, so it cannot name the key.');
  }
  const srcEc = ownStringMap(input.SourceEncryptionContext);
  const dstEc = ownStringMap(input.DestinationEncryptionContext);
  const { key: src } = resolveSource(ctx, input.SourceKeyId, ciphertext, srcAlgorithm);
  const dst = ctx.key(input.DestinationKeyId);

  // One token check for both authorizations; each key gets its own grant operation and context.
  const tokenGrants = ctx.tokenGrants(input.GrantTokens);
  // kms:ReEncryptOnSameKey: "whether the source and destination KMS keys are the same" (AWS KMS
  // Developer Guide, "AWS KMS condition keys")
  const conditions = { 'kms:ReEncryptOnSameKey': src.keyId === dst.keyId };
  ctx.authorize(src, { action: 'kms:ReEncryptFrom', grantOperation: 'ReEncryptFrom', tokenGrants, encryptionContext: srcEc, conditions });
  const from = ctx.decision!;
  ctx.authorize(dst, { action: 'kms:ReEncryptTo', grantOperation: 'ReEncryptTo', tokenGrants, encryptionContext: dstEc, conditions });
  ctx.decision = combine(from, ctx.decision!);

  ctx.keyState(src);
  ctx.keyState(dst);
  // AWS names the operation ReEncrypt in both usage messages (LocalStack's note on its AWS run).
  checkDecrypt(src, 'ReEncrypt', srcAlgorithm, srcEc);
  const run = prepareEncrypt(ctx, dst, 'ReEncrypt', dstAlgorithm, null, dstEc);
  if (ignore) ctx.dryRun(true);
  const plaintext = await decryptWith(src, 'ReEncrypt', srcAlgorithm, ciphertext!, srcEc);
  if (dstAlgorithm !== 'SYMMETRIC_DEFAULT') checkPlaintextSize(dst, dstAlgorithm, plaintext.length);
  ctx.dryRun(input.DryRun);
  const CiphertextBlob = await run(plaintext);
  const out: Record<string, unknown> = {
    CiphertextBlob,
    SourceKeyId: src.arn,
    KeyId: dst.arn,
    SourceEncryptionAlgorithm: srcAlgorithm,
    DestinationEncryptionAlgorithm: dstAlgorithm,
  };
  if (srcAlgorithm === 'SYMMETRIC_DEFAULT') {
    const id = parseCiphertextBlob(ciphertext!)?.keyMaterialId ?? materialIdOf(src);
    if (id) out.SourceKeyMaterialId = id;
  }
  if (dstAlgorithm === 'SYMMETRIC_DEFAULT') {
    const id = materialIdOf(dst);
    if (id) out.DestinationKeyMaterialId = id;
  }
  return out;
}

/** ReEncrypt passes two authorizations; the request's decision tells both. */
function combine(from: Decision, to: Decision): Decision {
  return {
    allowed: from.allowed && to.allowed,
    host: to.host,
    summary: `ReEncryptFrom (source key): ${from.summary} ReEncryptTo (destination key): ${to.summary}`,
    via: from.via,
    notes: [...from.notes.map((n) => `Source key: ${n}`), ...to.notes.map((n) => `Destination key: ${n}`)],
  };
}

// =============================================================================================
// Data keys and data key pairs.

const DATA_KEY_BYTES = { AES_256: 32, AES_128: 16 } as const;

/**
 * The checks every data-key operation shares: a symmetric encryption key. An asymmetric
 * ENCRYPT_DECRYPT key fails as Encrypt does without an algorithm (recorded text of that case).
 */
function checkDataKeyKey(key: KeyRecord, operation: string): void {
  requireUsage(key, 'ENCRYPT_DECRYPT', operation);
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') throw incompatible('SYMMETRIC_DEFAULT', key.keySpec);
}

async function dataKey(ctx: Ctx, input: GenerateDataKeyRequest, withPlaintext: boolean) {
  // "Please specify either number of bytes or key spec." is real AWS text (quoted for
  // GenerateRandom without a length, local-kms issue #6); it is checked before the key.
  if ((input.KeySpec === undefined) === (input.NumberOfBytes === undefined)) throw validation('Please specify either number of bytes or key spec.');
  if (withPlaintext) noRecipient(input);
  const ec = ownStringMap(input.EncryptionContext);
  const key = ctx.key(input.KeyId);
  ctx.authorize(key, { grantOperation: ctx.op, tokens: input.GrantTokens, encryptionContext: ec });
  ctx.keyState(key);
  checkDataKeyKey(key, ctx.op);
  ctx.dryRun(input.DryRun);
  const n = input.KeySpec !== undefined ? DATA_KEY_BYTES[input.KeySpec] : input.NumberOfBytes!;
  const plaintext = ctx.rng.bytes(n);
  const CiphertextBlob = await encryptSymmetric(ctx, key, plaintext, ec);
  const out: Record<string, unknown> = withPlaintext ? { CiphertextBlob, Plaintext: plaintext, KeyId: key.arn } : { CiphertextBlob, KeyId: key.arn };
  const id = materialIdOf(key);
  if (id) out.KeyMaterialId = id;
  return out;
}

const generateDataKey = (ctx: Ctx, input: GenerateDataKeyRequest) => dataKey(ctx, input, true);
const generateDataKeyWithoutPlaintext = (ctx: Ctx, input: GenerateDataKeyRequest) => dataKey(ctx, input, false);

async function dataKeyPair(ctx: Ctx, input: GenerateDataKeyPairRequest, withPlaintext: boolean) {
  if (withPlaintext) noRecipient(input);
  const ec = ownStringMap(input.EncryptionContext);
  const key = ctx.key(input.KeyId);
  ctx.authorize(key, { grantOperation: ctx.op, tokens: input.GrantTokens, encryptionContext: ec });
  ctx.keyState(key);
  checkDataKeyKey(key, ctx.op);
  ctx.dryRun(input.DryRun);
  // ML-KEM data key pairs (SDK enum since 3.1157.0): the simulator cannot make them.
  if (input.KeyPairSpec.startsWith('ML_KEM')) {
    throw new KmsError('UnsupportedOperationException', `The KMS Grant Playground does not implement ML-KEM (FIPS 203), so it cannot generate a ${input.KeyPairSpec} data key pair.`);
  }
  const pair = await generateKeyMaterial(input.KeyPairSpec as DataKeyPairSpec, randomOf(ctx));
  if (pair.kind !== 'pair') throw new InternalError(`no key pair for ${input.KeyPairSpec}`);
  const PrivateKeyCiphertextBlob = await encryptSymmetric(ctx, key, pair.pkcs8, ec);
  const out: Record<string, unknown> = { PrivateKeyCiphertextBlob };
  if (withPlaintext) out.PrivateKeyPlaintext = pair.pkcs8;
  out.PublicKey = pair.spki;
  out.KeyId = key.arn;
  out.KeyPairSpec = input.KeyPairSpec;
  const id = materialIdOf(key);
  if (id) out.KeyMaterialId = id;
  return out;
}

const generateDataKeyPair = (ctx: Ctx, input: GenerateDataKeyPairRequest) => dataKeyPair(ctx, input, true);
const generateDataKeyPairWithoutPlaintext = (ctx: Ctx, input: GenerateDataKeyPairRequest) => dataKeyPair(ctx, input, false);

// =============================================================================================
// Sign, Verify, GetPublicKey.

/** usage, algorithm and message checks Sign and Verify share; returns the material to use */
function checkSigning(key: KeyRecord, operation: string, algorithm: SigningAlgorithmSpec, message: Uint8Array, messageType: MessageType): KeyMaterial | null {
  requireUsage(key, 'SIGN_VERIFY', operation);
  const bad = checkSigningRequest(key.keySpec as KeySpec, algorithm, message, messageType);
  if (bad) {
    if (bad.reason === 'incompatible') throw incompatible(algorithm, key.keySpec);
    if (bad.reason !== 'unsupported') throw validation(bad.message);
  }
  const m = materialOf(key);
  // The simulator's own limit: reported by the real call, not by a dry run (AWS would sign).
  return bad || m.kind !== 'pair' ? null : m;
}

async function signHandler(ctx: Ctx, input: SignRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key, { grantOperation: 'Sign', tokens: input.GrantTokens });
  ctx.keyState(key);
  const message = bytes(input.Message);
  const messageType = input.MessageType ?? 'RAW';
  const m = checkSigning(key, 'Sign', input.SigningAlgorithm, message, messageType);
  ctx.dryRun(input.DryRun);
  if (!m) throw notSimulatedMaterial(key, 'Sign');
  const r = await sign(m, key.keySpec as KeySpec, input.SigningAlgorithm, message, messageType, randomOf(ctx));
  if (!r.ok) throw notSimulatedMaterial(key, 'Sign');
  return { KeyId: key.arn, Signature: r.signature, SigningAlgorithm: input.SigningAlgorithm };
}

async function verifyHandler(ctx: Ctx, input: VerifyRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key, { grantOperation: 'Verify', tokens: input.GrantTokens });
  ctx.keyState(key);
  const message = bytes(input.Message);
  const messageType = input.MessageType ?? 'RAW';
  const m = checkSigning(key, 'Verify', input.SigningAlgorithm, message, messageType);
  if (!m) {
    ctx.dryRun(input.DryRun);
    throw notSimulatedMaterial(key, 'Verify');
  }
  const ok = await verify(m, key.keySpec as KeySpec, input.SigningAlgorithm, message, messageType, bytes(input.Signature));
  if (!ok) throw new KmsError('KMSInvalidSignatureException', '');
  ctx.dryRun(input.DryRun);
  return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: input.SigningAlgorithm };
}

export function getPublicKey(ctx: Ctx, input: GetPublicKeyRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key, { grantOperation: 'GetPublicKey', tokens: input.GrantTokens });
  ctx.keyState(key);
  if (key.keySpec === 'SYMMETRIC_DEFAULT' || key.keySpec.startsWith('HMAC_')) {
    // modelled as UnsupportedOperationException; the text follows the recorded
    // "<key ARN> origin is AWS_KMS which is not valid for this operation."
    throw new KmsError('UnsupportedOperationException', `${key.arn} key spec ${key.keySpec} is not valid for this operation.`);
  }
  const spki = publicKeySpki(materialOf(key));
  if (!spki) throw notSimulatedMaterial(key, 'GetPublicKey');
  const spec = key.keySpec as KeySpec;
  const out: Record<string, unknown> = { KeyId: key.arn, PublicKey: spki };
  if (!key.keySpec.startsWith('ML_') && key.keySpec !== 'ECC_NIST_EDWARDS25519') out.CustomerMasterKeySpec = key.keySpec;
  out.KeySpec = key.keySpec;
  out.KeyUsage = key.keyUsage;
  if (key.keyUsage === 'ENCRYPT_DECRYPT') out.EncryptionAlgorithms = encryptionAlgorithmsFor(spec, key.keyUsage);
  if (key.keyUsage === 'SIGN_VERIFY') out.SigningAlgorithms = signingAlgorithmsFor(spec);
  if (key.keyUsage === 'KEY_AGREEMENT') out.KeyAgreementAlgorithms = keyAgreementAlgorithmsFor(spec);
  return out;
}

// =============================================================================================
// GenerateMac, VerifyMac, DeriveSharedSecret.

function checkMac(key: KeyRecord, operation: string, algorithm: MacAlgorithmSpec): KeyMaterial {
  requireUsage(key, 'GENERATE_VERIFY_MAC', operation);
  if (!macAlgorithmsFor(key.keySpec as KeySpec).includes(algorithm)) throw incompatible(algorithm, key.keySpec);
  return materialOf(key);
}

export async function generateMacHandler(ctx: Ctx, input: GenerateMacRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key, { grantOperation: 'GenerateMac', tokens: input.GrantTokens });
  ctx.keyState(key);
  const m = checkMac(key, 'GenerateMac', input.MacAlgorithm);
  ctx.dryRun(input.DryRun);
  const Mac = await generateMac(m, input.MacAlgorithm, bytes(input.Message));
  return { Mac, MacAlgorithm: input.MacAlgorithm, KeyId: key.arn };
}

export async function verifyMacHandler(ctx: Ctx, input: VerifyMacRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key, { grantOperation: 'VerifyMac', tokens: input.GrantTokens });
  ctx.keyState(key);
  const m = checkMac(key, 'VerifyMac', input.MacAlgorithm);
  if (!(await verifyMac(m, input.MacAlgorithm, bytes(input.Message), bytes(input.Mac)))) throw new KmsError('KMSInvalidMacException', '');
  ctx.dryRun(input.DryRun);
  return { KeyId: key.arn, MacValid: true, MacAlgorithm: input.MacAlgorithm };
}

async function deriveSharedSecretHandler(ctx: Ctx, input: DeriveSharedSecretRequest) {
  noRecipient(input);
  const key = ctx.key(input.KeyId);
  ctx.authorize(key, { grantOperation: 'DeriveSharedSecret', tokens: input.GrantTokens });
  ctx.keyState(key);
  requireUsage(key, 'KEY_AGREEMENT', 'DeriveSharedSecret');
  if (!keyAgreementAlgorithmsFor(key.keySpec as KeySpec).includes(input.KeyAgreementAlgorithm)) throw incompatible(input.KeyAgreementAlgorithm, key.keySpec);
  const r = await deriveSharedSecret(materialOf(key), key.keySpec as KeySpec, bytes(input.PublicKey));
  // recorded: an unusable public key is a ValidationException with an empty message
  if (!r.ok) throw validation('');
  ctx.dryRun(input.DryRun);
  return { KeyId: key.arn, SharedSecret: r.secret, KeyAgreementAlgorithm: input.KeyAgreementAlgorithm, KeyOrigin: key.origin };
}

/** The operation table entries this module adds (ops/index.ts spreads it into HANDLERS). */
export const CRYPTO_HANDLERS: Partial<Record<OperationName, Handler>> = {
  Encrypt: encrypt,
  Decrypt: decrypt,
  ReEncrypt: reEncrypt,
  GenerateDataKey: generateDataKey,
  GenerateDataKeyWithoutPlaintext: generateDataKeyWithoutPlaintext,
  GenerateDataKeyPair: generateDataKeyPair,
  GenerateDataKeyPairWithoutPlaintext: generateDataKeyPairWithoutPlaintext,
  Sign: signHandler,
  Verify: verifyHandler,
  GetPublicKey: getPublicKey,
  GenerateMac: generateMacHandler,
  VerifyMac: verifyMacHandler,
  DeriveSharedSecret: deriveSharedSecretHandler,
};
