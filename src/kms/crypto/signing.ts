/**
 * Sign and Verify: RSASSA-PKCS1-v1_5 and PSS, ECDSA (NIST curves and secp256k1), SM2DSA, Ed25519
 * and Ed25519ph, with the request checks both share. ML-DSA is not implemented (see README.md).
 */
import { concat, toBuf, type RandomSource } from './bytes';
import { incompatible, signingAlgorithmsFor, type MessageType, type SigningAlgorithmSpec } from './algorithms';
import { derToP1363, ecdsaSignDigest, ecdsaVerifyDigest, sm2SignDigest, sm2VerifyDigest, sm2Za } from './ec';
import { ed25519Sign, ed25519Verify, parseEd25519Spki } from './ed25519';
import { derivedBytes, digest, HASH_LEN, subtle, type HashName } from './hash';
import type { KeyMaterial, KeySpec } from './material';
import { ecPrivate, ecPublic, edSeed, importKey, pairOf, rsaPrivate, rsaPublic } from './materialCache';
import { pkcs1Sign, pkcs1Verify, pssSign, pssVerify } from './rsa';

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
