import { createECDH, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ecSpki, mulG, CURVES } from '../../../src/kms/crypto/ec';
import { generateKeyMaterial, publicKeySpki, type KeyMaterial, type KeySpec } from '../../../src/kms/crypto/material';
import { keyAgreementAlgorithmsFor } from '../../../src/kms/crypto/algorithms';
import { deriveSharedSecret } from '../../../src/kms/crypto/keyAgreement';
import { hex, xorshift } from './seeded';

type Pair = KeyMaterial & { kind: 'pair' };
const SPECS = [
  ['ECC_NIST_P256', 'prime256v1', 32],
  ['ECC_NIST_P384', 'secp384r1', 48],
  ['ECC_NIST_P521', 'secp521r1', 66],
  ['SM2', 'SM2', 32],
] as const;

describe('DeriveSharedSecret (ECDH)', () => {
  it.each(SPECS)('%s: both sides derive the same secret, equal to OpenSSL ECDH', async (spec, nodeCurve, size) => {
    const alice = (await generateKeyMaterial(spec, xorshift(31))) as Pair;
    const bob = (await generateKeyMaterial(spec, xorshift(32))) as Pair;
    const ab = await deriveSharedSecret(alice, spec, publicKeySpki(bob)!);
    const ba = await deriveSharedSecret(bob, spec, publicKeySpki(alice)!);
    if (!ab.ok || !ba.ok) throw new Error('derive failed');
    expect(ab.secret.length).toBe(size);
    expect(hex(ab.secret)).toBe(hex(ba.secret));
    expect(keyAgreementAlgorithmsFor(spec)).toEqual(['ECDH']);
    // a peer made by OpenSSL: plain ECDH, x-coordinate of the shared point
    const peer = createECDH(nodeCurve);
    peer.generateKeys();
    const prefix = spec === 'SM2' ? SM2_SPKI_PREFIX : undefined;
    const peerSpki = prefix
      ? new Uint8Array(Buffer.concat([prefix, peer.getPublicKey()]))
      : new Uint8Array(createPublicKey({ key: sec1ToPem(nodeCurve, peer.getPublicKey()), format: 'pem' }).export({ format: 'der', type: 'spki' }));
    const ours = await deriveSharedSecret(alice, spec, peerSpki);
    const alicePoint = alice.spki.subarray(alice.spki.length - (2 * size + 1));
    expect(ours.ok && hex(ours.secret)).toBe(peer.computeSecret(Buffer.from(alicePoint)).toString('hex'));
  });

  it('accepts a compressed peer point', async () => {
    const alice = (await generateKeyMaterial('ECC_NIST_P256', xorshift(33))) as Pair;
    const bob = createECDH('prime256v1');
    bob.generateKeys();
    const uncompressed = await deriveSharedSecret(alice, 'ECC_NIST_P256', new Uint8Array(createPublicKey({ key: ecdhToPem(bob.getPublicKey()), format: 'pem' }).export({ format: 'der', type: 'spki' })));
    const compressedSpki = Buffer.concat([Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex'), bob.getPublicKey(null, 'compressed')]);
    const compressed = await deriveSharedSecret(alice, 'ECC_NIST_P256', new Uint8Array(compressedSpki));
    expect(uncompressed.ok && compressed.ok && hex(uncompressed.secret) === hex(compressed.secret)).toBe(true);
  });

  it('an invalid peer public key → ok:false (wrong curve, not an EC key, off-curve point, garbage)', async () => {
    const alice = (await generateKeyMaterial('ECC_NIST_P256', xorshift(34)));
    const p384 = (await generateKeyMaterial('ECC_NIST_P384', xorshift(35))) as Pair;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' });
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
    const good = ecSpki(CURVES['P-256'], mulG(CURVES['P-256'], 12345n));
    const offCurve = Uint8Array.from(good);
    offCurve[offCurve.length - 1] ^= 1;
    for (const bad of [p384.spki, new Uint8Array(rsa), new Uint8Array(ed), offCurve, new Uint8Array([1, 2, 3]), new Uint8Array(0), good.subarray(0, 40)]) {
      expect(await deriveSharedSecret(alice, 'ECC_NIST_P256', bad)).toEqual({ ok: false });
    }
    expect((await deriveSharedSecret(alice, 'ECC_NIST_P256', good)).ok).toBe(true);
  });

  it('specs without key agreement → ok:false and no ECDH in the algorithm list', async () => {
    for (const spec of ['ECC_SECG_P256K1', 'ECC_NIST_EDWARDS25519', 'RSA_2048', 'SYMMETRIC_DEFAULT'] as KeySpec[]) {
      expect(keyAgreementAlgorithmsFor(spec)).toEqual([]);
    }
    const k1 = await generateKeyMaterial('ECC_SECG_P256K1', xorshift(36));
    expect(await deriveSharedSecret(k1, 'ECC_SECG_P256K1', publicKeySpki(k1)!)).toEqual({ ok: false });
  });

  it('GetPublicKey: DER SPKI for key pairs, null for symmetric/HMAC/unsupported material', async () => {
    const pair = (await generateKeyMaterial('ECC_NIST_P256', xorshift(37))) as Pair;
    expect(publicKeySpki(pair)).toBe(pair.spki);
    expect(createPublicKey({ key: Buffer.from(pair.spki), format: 'der', type: 'spki' }).asymmetricKeyType).toBe('ec');
    expect(publicKeySpki(await generateKeyMaterial('SYMMETRIC_DEFAULT', xorshift(1)))).toBeNull();
    expect(publicKeySpki(await generateKeyMaterial('HMAC_256', xorshift(1)))).toBeNull();
    expect(publicKeySpki(await generateKeyMaterial('ML_KEM_768', xorshift(1)))).toBeNull();
  });
});

const SM2_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');
const SPKI_PREFIX: Record<string, string> = {
  prime256v1: '3059301306072a8648ce3d020106082a8648ce3d030107034200',
  secp384r1: '3076301006072a8648ce3d020106052b81040022036200',
  secp521r1: '30819b301006072a8648ce3d020106052b8104002303818600',
};
function sec1ToPem(curve: string, point: Buffer): string {
  const der = Buffer.concat([Buffer.from(SPKI_PREFIX[curve], 'hex'), point]);
  return `-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`;
}

function ecdhToPem(point: Buffer): string {
  const der = Buffer.concat([Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'), point]);
  return `-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`;
}
