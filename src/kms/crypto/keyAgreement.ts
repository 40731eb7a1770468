/** DeriveSharedSecret: ECDH on P-256/384/521 (WebCrypto) and SM2 (BigInt). */
import { bigIntToBytes, toBuf } from './bytes';
import { CURVES, ecSpki, mul, parseEcSpki, type EcPrivate } from './ec';
import { subtle } from './hash';
import type { KeyMaterial, KeySpec } from './material';
import { ecPrivate, importKey } from './materialCache';

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
