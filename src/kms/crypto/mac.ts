/** GenerateMac and VerifyMac: HMAC (RFC 2104) with SHA-224/256/384/512. */
import { equalBytes, toBuf } from './bytes';
import type { MacAlgorithmSpec } from './algorithms';
import { hmac, subtle, type HashName } from './hash';
import type { KeyMaterial } from './material';
import { importKey, secretOf } from './materialCache';

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
