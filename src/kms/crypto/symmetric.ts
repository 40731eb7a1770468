/**
 * SYMMETRIC_DEFAULT encryption: AES-256-GCM through WebCrypto, with a 12-byte IV from `random`,
 * in the CiphertextBlob format of ./ciphertextBlob.ts.
 */
import { concat, toBuf, type RandomSource } from './bytes';
import { canonicalEncryptionContext, encodeHeader, IV_LEN, parseBlob } from './ciphertextBlob';
import { subtle } from './hash';
import type { KeyMaterial } from './material';
import { importKey, secretOf } from './materialCache';

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
