/**
 * The cryptographic operations behind KMS Encrypt/Decrypt/Sign/Verify/GenerateMac/VerifyMac/
 * DeriveSharedSecret/GetPublicKey, over plain KeyMaterial.
 *
 * - Pure async functions. User errors come back as discriminated unions; only programming errors
 *   (wrong material kind for an operation the caller should have rejected first) throw.
 * - Deterministic: every random value (IV, OAEP seed, PSS salt) comes from the injected `random`;
 *   ECDSA/SM2 nonces are RFC 6979-style deterministic; WebCrypto is only used for operations that
 *   are deterministic by definition (AES-GCM with a given IV, HMAC, SHA-*, RSASSA-PKCS1-v1_5,
 *   Ed25519, ECDH, and all verification/decryption).
 * - Imported CryptoKeys and parsed key structures are cached per material object (WeakMap).
 */
import { bigIntToBytes, concat, concatAll, equalBytes, toBuf, utf8, type RandomSource } from './bytes';
import {
  CURVES,
  derToP1363,
  ecdsaSignDigest,
  ecdsaVerifyDigest,
  ecSpki,
  mul,
  parseEcPkcs8,
  parseEcSpki,
  sm2SignDigest,
  sm2VerifyDigest,
  sm2Za,
  type EcPrivate,
} from './ec';
import { ed25519Sign, ed25519Verify, parseEd25519Pkcs8, parseEd25519Spki } from './ed25519';
import { digest, HASH_LEN, hmac, subtle, type HashName } from './hash';
import { RSA_SPEC_BITS, type KeyMaterial, type KeySpec } from './material';
import {
  oaepEncrypt,
  oaepMaxPlaintext,
  parseRsaPkcs8,
  parseRsaSpki,
  pkcs1Sign,
  pkcs1Verify,
  pssSign,
  pssVerify,
  type RsaPrivate,
  type RsaPublic,
} from './rsa';

export type { RandomSource } from './bytes';

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

// =============================================================================================
// KeyMetadata algorithm lists, in the order AWS returns them.

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

// =============================================================================================
// Caches: per-material CryptoKey imports and parsed key structures.

const cache = new WeakMap<object, Map<string, Promise<unknown>>>();

function cached<T>(m: KeyMaterial, slot: string, make: () => Promise<T>): Promise<T> {
  let slots = cache.get(m);
  if (!slots) {
    slots = new Map();
    cache.set(m, slots);
  }
  let p = slots.get(slot) as Promise<T> | undefined;
  if (!p) {
    p = make();
    slots.set(slot, p);
    // A failed import must not poison the cache forever.
    p.catch(() => slots!.delete(slot));
  }
  return p;
}

function secretOf(m: KeyMaterial): Uint8Array {
  if (m.kind !== 'secret') throw new TypeError(`expected secret key material, got ${m.kind}`);
  return m.bytes;
}

function pairOf(m: KeyMaterial): { pkcs8: Uint8Array; spki: Uint8Array } {
  if (m.kind !== 'pair') throw new TypeError(`expected key-pair material, got ${m.kind}`);
  return m;
}

const rsaPrivate = (m: KeyMaterial) => cached(m, 'rsa-private', async () => parseRsaPkcs8(pairOf(m).pkcs8));
const rsaPublic = (m: KeyMaterial) =>
  cached(m, 'rsa-public', async () => {
    const k = parseRsaSpki(pairOf(m).spki);
    if (!k) throw new Error('bad RSA public key');
    return k;
  });
const ecPrivate = (m: KeyMaterial) => cached(m, 'ec-private', async () => parseEcPkcs8(pairOf(m).pkcs8));
const edSeed = (m: KeyMaterial) => cached(m, 'ed-seed', async () => parseEd25519Pkcs8(pairOf(m).pkcs8));

function importKey(
  m: KeyMaterial,
  slot: string,
  format: 'raw' | 'pkcs8' | 'spki',
  data: Uint8Array,
  alg: AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams | HmacImportParams,
  usages: KeyUsage_[],
): Promise<CryptoKey> {
  return cached(m, slot, () => subtle().importKey(format, toBuf(data), alg, false, usages));
}
type KeyUsage_ = 'encrypt' | 'decrypt' | 'sign' | 'verify' | 'deriveBits';

let ed25519Native: Promise<boolean> | undefined;
/** Whether this runtime's WebCrypto implements Ed25519 (Node 20, Chromium 137+, Firefox 129+, Safari 17+). */
function hasNativeEd25519(): Promise<boolean> {
  ed25519Native ??= (async () => {
    try {
      // RFC 8032 test 1 public key; importing it is enough to prove support.
      const pk = new Uint8Array(32);
      pk.set([0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a]);
      pk.set([0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a], 16);
      await subtle().importKey('raw', pk, { name: 'Ed25519' }, false, ['verify']);
      return true;
    } catch {
      return false;
    }
  })();
  return ed25519Native;
}

/**
 * Deterministic stand-in for randomness when a caller passes no `random` (OAEP seed, PSS salt):
 * HMAC-SHA-256 keyed with a hash of the key, over a label and the input. Replays stay exact.
 */
async function derivedBytes(keyBytes: Uint8Array, label: string, input: Uint8Array, n: number): Promise<Uint8Array> {
  const k = await digest('SHA-256', keyBytes);
  let out = new Uint8Array(0);
  for (let i = 0; out.length < n; i++) {
    out = concat(out, await hmac('SHA-256', k, concat(utf8(label), Uint8Array.of(i), input)));
  }
  return out.slice(0, n);
}

// =============================================================================================
// Symmetric encryption (SYMMETRIC_DEFAULT = AES-256-GCM) and the CiphertextBlob format.
//
// Blob layout (all integers big-endian):
//   [0]      0x01               format version ("magic")
//   [1]      flags              bits 0-1: key id form (0 = UUID as 16 bytes, 1 = "mrk-" + 32 hex as
//                               16 bytes, 2 = UTF-8 string with a 1-byte length prefix);
//                               bit 2: a 32-byte key material id follows the key id
//   [2..]    key id             16 bytes, or 1-byte length + UTF-8
//   [..]     key material id    32 bytes, only if flags bit 2
//   [..]     IV                 12 bytes from `random`
//   [..]     AES-GCM ciphertext || 16-byte tag
// AES-GCM additional data = header (everything before the IV) || canonical(encryption context),
// so a blob whose key id is edited, or a wrong context, fails authentication.

const BLOB_VERSION = 0x01;
const IV_LEN = 12;
const TAG_LEN = 16;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MRK_RE = /^mrk-[0-9a-f]{32}$/;

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!.map((x) => parseInt(x, 16)));
}

function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function encodeHeader(keyId: string, keyMaterialId?: string): Uint8Array {
  let form: number;
  let idBytes: Uint8Array;
  if (UUID_RE.test(keyId)) {
    form = 0;
    idBytes = hexBytes(keyId.replace(/-/g, ''));
  } else if (MRK_RE.test(keyId)) {
    form = 1;
    idBytes = hexBytes(keyId.slice(4));
  } else {
    form = 2;
    const u = utf8(keyId);
    if (u.length > 255) throw new RangeError('key id too long for the ciphertext blob');
    idBytes = concat(Uint8Array.of(u.length), u);
  }
  let flags = form;
  let mat: Uint8Array = new Uint8Array(0);
  if (keyMaterialId !== undefined) {
    if (!/^[0-9a-f]{64}$/.test(keyMaterialId)) throw new RangeError('keyMaterialId must be 64 lower-case hex');
    flags |= 4;
    mat = hexBytes(keyMaterialId);
  }
  return concat(Uint8Array.of(BLOB_VERSION, flags), idBytes, mat);
}

interface ParsedBlob {
  keyId: string;
  keyMaterialId?: string;
  header: Uint8Array;
  iv: Uint8Array;
  body: Uint8Array;
}

function parseBlob(blob: Uint8Array): ParsedBlob | null {
  if (blob.length < 2 || blob[0] !== BLOB_VERSION || blob[1] & ~7) return null;
  const form = blob[1] & 3;
  let off = 2;
  let keyId: string;
  if (form === 0 || form === 1) {
    if (blob.length < off + 16) return null;
    const hex = toHex(blob.subarray(off, off + 16));
    keyId =
      form === 0
        ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
        : `mrk-${hex}`;
    off += 16;
  } else if (form === 2) {
    const len = blob[off];
    if (len === undefined || blob.length < off + 1 + len) return null;
    try {
      keyId = new TextDecoder('utf-8', { fatal: true }).decode(blob.subarray(off + 1, off + 1 + len));
    } catch {
      return null;
    }
    off += 1 + len;
  } else return null;
  let keyMaterialId: string | undefined;
  if (blob[1] & 4) {
    if (blob.length < off + 32) return null;
    keyMaterialId = toHex(blob.subarray(off, off + 32));
    off += 32;
  }
  if (blob.length < off + IV_LEN + TAG_LEN) return null;
  return {
    keyId,
    ...(keyMaterialId !== undefined ? { keyMaterialId } : {}),
    header: blob.subarray(0, off),
    iv: blob.subarray(off, off + IV_LEN),
    body: blob.subarray(off + IV_LEN),
  };
}

/**
 * Canonical encryption context: pairs sorted by key (UTF-16 code unit order, case-sensitive),
 * each as u32 length + UTF-8 key, u32 length + UTF-8 value; preceded by the pair count.
 * An absent and an empty context are the same.
 */
export function canonicalEncryptionContext(ctx: Record<string, string> | undefined): Uint8Array {
  const keys = Object.keys(ctx ?? {}).sort();
  const parts: Uint8Array[] = [u32(keys.length)];
  for (const k of keys) {
    const kb = utf8(k);
    const vb = utf8(ctx![k]);
    parts.push(u32(kb.length), kb, u32(vb.length), vb);
  }
  return concatAll(parts);
}

function u32(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

const aesKey = (m: KeyMaterial) =>
  importKey(m, 'aes-gcm', 'raw', secretOf(m), { name: 'AES-GCM' }, ['encrypt', 'decrypt']);

export async function symmetricEncrypt(
  m: KeyMaterial,
  keyId: string,
  plaintext: Uint8Array,
  encryptionContext: Record<string, string> | undefined,
  random: RandomSource,
  options: { keyMaterialId?: string } = {},
): Promise<Uint8Array> {
  const header = encodeHeader(keyId, options.keyMaterialId);
  const iv = toBuf(random(IV_LEN));
  if (iv.length !== IV_LEN) throw new RangeError('random source returned the wrong number of bytes');
  const aad = concat(header, canonicalEncryptionContext(encryptionContext));
  const ct = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, await aesKey(m), toBuf(plaintext));
  return concat(header, iv, new Uint8Array(ct));
}

/** The key id (and key material id, if recorded) of a blob made by symmetricEncrypt; null if it is not one. */
export function parseCiphertextBlob(blob: Uint8Array): { keyId: string; keyMaterialId?: string } | null {
  const p = parseBlob(blob);
  if (!p) return null;
  return p.keyMaterialId !== undefined ? { keyId: p.keyId, keyMaterialId: p.keyMaterialId } : { keyId: p.keyId };
}

/** Wrong context, wrong key or a corrupted blob → {ok:false} (KMS: InvalidCiphertextException, empty message). */
export async function symmetricDecrypt(
  m: KeyMaterial,
  blob: Uint8Array,
  encryptionContext: Record<string, string> | undefined,
): Promise<{ ok: true; plaintext: Uint8Array } | { ok: false }> {
  const p = parseBlob(blob);
  if (!p) return { ok: false };
  try {
    const aad = concat(p.header, canonicalEncryptionContext(encryptionContext));
    const pt = await subtle().decrypt(
      { name: 'AES-GCM', iv: toBuf(p.iv), additionalData: aad, tagLength: 128 },
      await aesKey(m),
      toBuf(p.body),
    );
    return { ok: true, plaintext: new Uint8Array(pt) };
  } catch {
    return { ok: false };
  }
}

// =============================================================================================
// Asymmetric encryption (RSAES-OAEP).

const OAEP_HASH: Record<string, HashName> = { RSAES_OAEP_SHA_1: 'SHA-1', RSAES_OAEP_SHA_256: 'SHA-256' };

export type AsymmetricEncryptResult =
  | { ok: true; ciphertext: Uint8Array }
  /** ValidationException `Algorithm <ALG> and key spec <SPEC> cannot encrypt data larger than <N> bytes.` */
  | { ok: false; reason: 'too-large'; maxBytes: number; message: string }
  /** InvalidKeyUsageException `Algorithm <ALG> is incompatible with key spec <SPEC>.` */
  | { ok: false; reason: 'incompatible'; message: string }
  /** SM2PKE: not implemented by the simulator */
  | { ok: false; reason: 'unsupported'; message: string };

function incompatible(algorithm: string, spec: KeySpec): string {
  return `Algorithm ${algorithm} is incompatible with key spec ${spec}.`;
}

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

// =============================================================================================
// Signing.

interface SigAlgInfo {
  family: 'pkcs1' | 'pss' | 'ecdsa' | 'sm2' | 'ed25519' | 'ed25519ph' | 'mldsa';
  hash: HashName;
}

const SIG_ALG: Record<SigningAlgorithmSpec, SigAlgInfo> = {
  RSASSA_PKCS1_V1_5_SHA_256: { family: 'pkcs1', hash: 'SHA-256' },
  RSASSA_PKCS1_V1_5_SHA_384: { family: 'pkcs1', hash: 'SHA-384' },
  RSASSA_PKCS1_V1_5_SHA_512: { family: 'pkcs1', hash: 'SHA-512' },
  RSASSA_PSS_SHA_256: { family: 'pss', hash: 'SHA-256' },
  RSASSA_PSS_SHA_384: { family: 'pss', hash: 'SHA-384' },
  RSASSA_PSS_SHA_512: { family: 'pss', hash: 'SHA-512' },
  ECDSA_SHA_256: { family: 'ecdsa', hash: 'SHA-256' },
  ECDSA_SHA_384: { family: 'ecdsa', hash: 'SHA-384' },
  ECDSA_SHA_512: { family: 'ecdsa', hash: 'SHA-512' },
  SM2DSA: { family: 'sm2', hash: 'SM3' },
  ED25519_SHA_512: { family: 'ed25519', hash: 'SHA-512' },
  ED25519_PH_SHA_512: { family: 'ed25519ph', hash: 'SHA-512' },
  ML_DSA_SHAKE_256: { family: 'mldsa', hash: 'SHA-512' },
};

/** Length a MessageType DIGEST message must have for this algorithm. */
export function digestLengthFor(algorithm: SigningAlgorithmSpec): number {
  const info = SIG_ALG[algorithm];
  return HASH_LEN[info.hash];
}

export type SignRequestError =
  /** ValidationException `Digest is invalid length for algorithm <ALG>.` (recorded) */
  | { ok: false; reason: 'digest-length'; message: string }
  /** ValidationException — Ed25519/ML-DSA message-type pairing rules (wording from an emulator, not recorded) */
  | { ok: false; reason: 'message-type'; message: string }
  /** InvalidKeyUsageException `Algorithm <ALG> is incompatible with key spec <SPEC>.` */
  | { ok: false; reason: 'incompatible'; message: string }
  /** the simulator cannot do this (ML-DSA) */
  | { ok: false; reason: 'unsupported'; message: string };

export type SignResult = { ok: true; signature: Uint8Array } | SignRequestError;

/**
 * Request checks Sign and Verify share (so the engine can answer Verify with the same
 * ValidationException). null = acceptable.
 */
export function checkSigningRequest(
  spec: KeySpec,
  algorithm: SigningAlgorithmSpec,
  message: Uint8Array,
  messageType: MessageType,
): SignRequestError | null {
  const info = SIG_ALG[algorithm];
  if (!info || !signingAlgorithmsFor(spec).includes(algorithm)) {
    return { ok: false, reason: 'incompatible', message: incompatible(algorithm, spec) };
  }
  const typeError = (): SignRequestError => ({
    ok: false,
    reason: 'message-type',
    message: `Message type ${messageType} is incompatible with algorithm ${algorithm}.`,
  });
  if (info.family === 'ed25519' && messageType !== 'RAW') return typeError();
  if (info.family === 'ed25519ph' && messageType !== 'DIGEST') return typeError();
  if (messageType === 'EXTERNAL_MU' && info.family !== 'mldsa') return typeError();
  if (info.family === 'mldsa') {
    if (messageType === 'DIGEST') return typeError();
    return { ok: false, reason: 'unsupported', message: 'ML-DSA signing is not implemented by this simulator.' };
  }
  if (messageType === 'DIGEST' && message.length !== HASH_LEN[info.hash]) {
    return { ok: false, reason: 'digest-length', message: `Digest is invalid length for algorithm ${algorithm}.` };
  }
  return null;
}

const WEBCRYPTO_CURVE: Record<string, string> = { 'P-256': 'P-256', 'P-384': 'P-384', 'P-521': 'P-521' };

/**
 * Sign `message` (RAW) or a precomputed digest (DIGEST). Signatures are byte-for-byte
 * reproducible: PKCS#1 v1.5 and Ed25519 are deterministic, ECDSA/SM2DSA use RFC 6979-style
 * nonces, and the PSS salt (= digest length) comes from `random` when given (else derived
 * deterministically from the key and digest).
 */
export async function sign(
  m: KeyMaterial,
  spec: KeySpec,
  algorithm: SigningAlgorithmSpec,
  message: Uint8Array,
  messageType: MessageType,
  random?: RandomSource,
): Promise<SignResult> {
  const bad = checkSigningRequest(spec, algorithm, message, messageType);
  if (bad) return bad;
  if (m.kind === 'unsupported') return { ok: false, reason: 'unsupported', message: m.reason };
  const { family, hash } = SIG_ALG[algorithm];
  const raw = messageType === 'RAW';
  switch (family) {
    case 'pkcs1': {
      if (raw) {
        const key = await importKey(m, `pkcs1:${hash}`, 'pkcs8', pairOf(m).pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash }, ['sign']);
        return { ok: true, signature: new Uint8Array(await subtle().sign('RSASSA-PKCS1-v1_5', key, toBuf(message))) };
      }
      return { ok: true, signature: pkcs1Sign(await rsaPrivate(m), hash, message) };
    }
    case 'pss': {
      const mHash = raw ? await digest(hash, message) : message;
      const hLen = HASH_LEN[hash];
      const salt = random ? toBuf(random(hLen)) : await derivedBytes(pairOf(m).pkcs8, 'pss-salt', mHash, hLen);
      return { ok: true, signature: await pssSign(await rsaPrivate(m), hash, mHash, salt) };
    }
    case 'ecdsa': {
      const h = raw ? await digest(hash, message) : message;
      return { ok: true, signature: await ecdsaSignDigest(await ecPrivate(m), h, hash) };
    }
    case 'sm2': {
      const key = await ecPrivate(m);
      const e = raw ? await digest('SM3', concat(await sm2Za(key.Q), message)) : message;
      return { ok: true, signature: await sm2SignDigest(key, e) };
    }
    case 'ed25519': {
      if (await hasNativeEd25519()) {
        const key = await importKey(m, 'ed25519-sign', 'pkcs8', pairOf(m).pkcs8, { name: 'Ed25519' }, ['sign']);
        return { ok: true, signature: new Uint8Array(await subtle().sign('Ed25519', key, toBuf(message))) };
      }
      return { ok: true, signature: await ed25519Sign(await edSeed(m), message, false) };
    }
    case 'ed25519ph':
      return { ok: true, signature: await ed25519Sign(await edSeed(m), message, true) };
    default:
      return { ok: false, reason: 'unsupported', message: `${algorithm} is not implemented by this simulator.` };
  }
}

/**
 * Verify a signature. Any problem — bad request (see checkSigningRequest), malformed signature,
 * wrong key — gives false (KMS: KMSInvalidSignatureException with an empty message).
 */
export async function verify(
  m: KeyMaterial,
  spec: KeySpec,
  algorithm: SigningAlgorithmSpec,
  message: Uint8Array,
  messageType: MessageType,
  signature: Uint8Array,
): Promise<boolean> {
  if (checkSigningRequest(spec, algorithm, message, messageType)) return false;
  if (m.kind !== 'pair') return false;
  const { family, hash } = SIG_ALG[algorithm];
  const raw = messageType === 'RAW';
  try {
    switch (family) {
      case 'pkcs1': {
        if (raw) {
          const key = await importKey(m, `pkcs1v:${hash}`, 'spki', m.spki, { name: 'RSASSA-PKCS1-v1_5', hash }, ['verify']);
          return await subtle().verify('RSASSA-PKCS1-v1_5', key, toBuf(signature), toBuf(message));
        }
        return pkcs1Verify(await rsaPublic(m), hash, message, signature);
      }
      case 'pss': {
        const hLen = HASH_LEN[hash];
        if (raw) {
          const key = await importKey(m, `pss:${hash}`, 'spki', m.spki, { name: 'RSA-PSS', hash }, ['verify']);
          return await subtle().verify({ name: 'RSA-PSS', saltLength: hLen }, key, toBuf(signature), toBuf(message));
        }
        return await pssVerify(await rsaPublic(m), hash, message, signature, hLen);
      }
      case 'ecdsa': {
        const pub = await ecPublic(m);
        const native = WEBCRYPTO_CURVE[pub.curve.name];
        if (raw && native) {
          const p1363 = derToP1363(pub.curve, signature);
          if (!p1363) return false;
          const key = await importKey(m, 'ecdsa-verify', 'spki', m.spki, { name: 'ECDSA', namedCurve: native }, ['verify']);
          return await subtle().verify({ name: 'ECDSA', hash }, key, toBuf(p1363), toBuf(message));
        }
        const h = raw ? await digest(hash, message) : message;
        return ecdsaVerifyDigest(pub.curve, pub.Q, h, signature);
      }
      case 'sm2': {
        const pub = await ecPublic(m);
        const e = raw ? await digest('SM3', concat(await sm2Za(pub.Q), message)) : message;
        return sm2VerifyDigest(pub.Q, e, signature);
      }
      case 'ed25519': {
        if (await hasNativeEd25519()) {
          const key = await importKey(m, 'ed25519-verify', 'spki', m.spki, { name: 'Ed25519' }, ['verify']);
          return await subtle().verify('Ed25519', key, toBuf(signature), toBuf(message));
        }
        const pk = parseEd25519Spki(m.spki);
        return pk ? await ed25519Verify(pk, message, signature, false) : false;
      }
      case 'ed25519ph': {
        const pk = parseEd25519Spki(m.spki);
        return pk ? await ed25519Verify(pk, message, signature, true) : false;
      }
      default:
        return false;
    }
  } catch {
    return false;
  }
}

const ecPublic = (m: KeyMaterial) =>
  cached(m, 'ec-public', async () => {
    const pub = parseEcSpki(pairOf(m).spki);
    if (!pub) throw new Error('bad EC public key');
    return pub;
  });

// =============================================================================================
// HMAC.

const MAC_HASH: Record<MacAlgorithmSpec, HashName> = {
  HMAC_SHA_224: 'SHA-224',
  HMAC_SHA_256: 'SHA-256',
  HMAC_SHA_384: 'SHA-384',
  HMAC_SHA_512: 'SHA-512',
};

/** RFC 2104 HMAC. (Algorithm/key-spec compatibility is the caller's check: macAlgorithmsFor.) */
export async function generateMac(m: KeyMaterial, algorithm: MacAlgorithmSpec, message: Uint8Array): Promise<Uint8Array> {
  const hash = MAC_HASH[algorithm];
  const secret = secretOf(m);
  if (hash === 'SHA-224') return hmac('SHA-224', secret, message); // not in WebCrypto
  const key = await importKey(m, `hmac:${hash}`, 'raw', secret, { name: 'HMAC', hash }, ['sign']);
  return new Uint8Array(await subtle().sign('HMAC', key, toBuf(message)));
}

/** false → KMSInvalidMacException (empty message). */
export async function verifyMac(
  m: KeyMaterial,
  algorithm: MacAlgorithmSpec,
  message: Uint8Array,
  mac: Uint8Array,
): Promise<boolean> {
  return equalBytes(await generateMac(m, algorithm, message), mac);
}

// =============================================================================================
// Key agreement.

const SPEC_ECDH_CURVE: Partial<Record<KeySpec, 'P-256' | 'P-384' | 'P-521' | 'SM2'>> = {
  ECC_NIST_P256: 'P-256',
  ECC_NIST_P384: 'P-384',
  ECC_NIST_P521: 'P-521',
  SM2: 'SM2',
};

/**
 * ECDH (cofactor 1, so plain ECDH = ECC CDH): the raw shared secret is the x-coordinate of d·Q,
 * field-size bytes. `peerPublicKeySpki` must be a DER SubjectPublicKeyInfo on the key's curve;
 * anything else → {ok:false} (KMS: ValidationException with an empty message).
 */
export async function deriveSharedSecret(
  m: KeyMaterial,
  spec: KeySpec,
  peerPublicKeySpki: Uint8Array,
): Promise<{ ok: true; secret: Uint8Array } | { ok: false }> {
  const curveName = SPEC_ECDH_CURVE[spec];
  if (!curveName || m.kind !== 'pair') return { ok: false };
  const peer = parseEcSpki(peerPublicKeySpki);
  if (!peer || peer.curve.name !== curveName) return { ok: false };
  try {
    if (curveName === 'SM2') {
      const key: EcPrivate = await ecPrivate(m);
      const S = mul(key.curve, key.d, peer.Q);
      if (!S) return { ok: false };
      return { ok: true, secret: bigIntToBytes(S.x, key.curve.size) };
    }
    const c = CURVES[curveName];
    const priv = await importKey(m, 'ecdh', 'pkcs8', m.pkcs8, { name: 'ECDH', namedCurve: curveName }, ['deriveBits']);
    // Re-encode the peer point uncompressed: not every WebCrypto imports compressed points.
    const pub = await subtle().importKey('spki', toBuf(ecSpki(c, peer.Q)), { name: 'ECDH', namedCurve: curveName }, false, []);
    const bits = await subtle().deriveBits({ name: 'ECDH', public: pub }, priv, c.size * 8);
    return { ok: true, secret: new Uint8Array(bits) };
  } catch {
    return { ok: false };
  }
}

// =============================================================================================
// GetPublicKey.

/** DER SubjectPublicKeyInfo (what GetPublicKey returns); null for symmetric/HMAC/unsupported material. */
export function publicKeySpki(m: KeyMaterial): Uint8Array | null {
  return m.kind === 'pair' ? m.spki : null;
}
