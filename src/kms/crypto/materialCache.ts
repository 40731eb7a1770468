/**
 * What the operations derive from a KeyMaterial once and reuse: imported WebCrypto keys and
 * parsed key structures, cached per material object (WeakMap), so a key's second request does
 * not import or parse again. Also the checked accessors for secret and key-pair material.
 */
import { toBuf } from './bytes';
import { parseEcPkcs8, parseEcSpki } from './ec';
import { parseEd25519Pkcs8 } from './ed25519';
import { subtle } from './hash';
import type { KeyMaterial } from './material';
import { parseRsaPkcs8, parseRsaSpki } from './rsa';

const cache = new WeakMap<object, Map<string, Promise<unknown>>>();

export function cached<T>(m: KeyMaterial, slot: string, make: () => Promise<T>): Promise<T> {
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


export function secretOf(m: KeyMaterial): Uint8Array {
  if (m.kind !== 'secret') throw new TypeError(`expected secret key material, got ${m.kind}`);
  return m.bytes;
}

export function pairOf(m: KeyMaterial): { pkcs8: Uint8Array; spki: Uint8Array } {
  if (m.kind !== 'pair') throw new TypeError(`expected key-pair material, got ${m.kind}`);
  return m;
}


export const rsaPrivate = (m: KeyMaterial) => cached(m, 'rsa-private', async () => parseRsaPkcs8(pairOf(m).pkcs8));
export const rsaPublic = (m: KeyMaterial) =>
  cached(m, 'rsa-public', async () => {
    const k = parseRsaSpki(pairOf(m).spki);
    if (!k) throw new Error('bad RSA public key');
    return k;
  });
export const ecPrivate = (m: KeyMaterial) => cached(m, 'ec-private', async () => parseEcPkcs8(pairOf(m).pkcs8));
export const edSeed = (m: KeyMaterial) => cached(m, 'ed-seed', async () => parseEd25519Pkcs8(pairOf(m).pkcs8));
export const ecPublic = (m: KeyMaterial) =>
  cached(m, 'ec-public', async () => {
    const pub = parseEcSpki(pairOf(m).spki);
    if (!pub) throw new Error('bad EC public key');
    return pub;
  });

export function importKey(
  m: KeyMaterial,
  slot: string,
  format: 'raw' | 'pkcs8' | 'spki',
  data: Uint8Array,
  alg: AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams | HmacImportParams,
  usages: KeyUsage_[],
): Promise<CryptoKey> {
  return cached(m, slot, () => subtle().importKey(format, toBuf(data), alg, false, usages));
}
export type KeyUsage_ = 'encrypt' | 'decrypt' | 'sign' | 'verify' | 'deriveBits';
