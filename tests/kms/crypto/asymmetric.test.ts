import { constants, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyMaterial, type KeyMaterial } from '../../../src/kms/crypto/material';
import { maxPlaintextBytes } from '../../../src/kms/crypto/algorithms';
import { asymmetricDecrypt, asymmetricEncrypt } from '../../../src/kms/crypto/asymmetricEncryption';
import { hex, text, xorshift } from './seeded';

type RsaSpec = 'RSA_2048' | 'RSA_3072' | 'RSA_4096';
const SPECS: [RsaSpec, number][] = [
  ['RSA_2048', 5],
  ['RSA_3072', 2],
  ['RSA_4096', 2],
];
// Encrypt API reference / recorded ValidationExceptions (LocalStack snapshot, recorded against AWS)
const MAX: Record<RsaSpec, Record<'RSAES_OAEP_SHA_1' | 'RSAES_OAEP_SHA_256', number>> = {
  RSA_2048: { RSAES_OAEP_SHA_1: 214, RSAES_OAEP_SHA_256: 190 },
  RSA_3072: { RSAES_OAEP_SHA_1: 342, RSAES_OAEP_SHA_256: 318 },
  RSA_4096: { RSAES_OAEP_SHA_1: 470, RSAES_OAEP_SHA_256: 446 },
};
const ALGS = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] as const;

const keys = {} as Record<RsaSpec, KeyMaterial & { kind: 'pair' }>;
beforeAll(async () => {
  for (const [spec, seed] of SPECS) keys[spec] = (await generateKeyMaterial(spec, xorshift(seed))) as KeyMaterial & { kind: 'pair' };
});

describe('RSAES-OAEP (asymmetricEncrypt / asymmetricDecrypt)', () => {
  for (const [spec] of SPECS) {
    for (const alg of ALGS) {
      it(`${spec} ${alg}: round trip, and OpenSSL decrypts our ciphertext`, async () => {
        const m = keys[spec];
        const pt = text(`hello ${spec} ${alg}`);
        const enc = await asymmetricEncrypt(m, spec, alg, pt, xorshift(1));
        if (!enc.ok) throw new Error(enc.message);
        expect(enc.ciphertext.length).toBe(Number(spec.slice(4)) / 8);
        const dec = await asymmetricDecrypt(m, spec, alg, enc.ciphertext);
        expect(dec.ok && hex(dec.plaintext)).toBe(hex(pt));
        const oaepHash = alg === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256';
        const key = createPrivateKey({ key: Buffer.from(m.pkcs8), format: 'der', type: 'pkcs8' });
        const viaNode = privateDecrypt({ key, oaepHash, padding: constants.RSA_PKCS1_OAEP_PADDING }, enc.ciphertext);
        expect(hex(viaNode)).toBe(hex(pt));
      });

      it(`${spec} ${alg}: decrypts what OpenSSL encrypts to our public key`, async () => {
        const m = keys[spec];
        const oaepHash = alg === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256';
        const key = createPublicKey({ key: Buffer.from(m.spki), format: 'der', type: 'spki' });
        const ct = publicEncrypt({ key, oaepHash, padding: constants.RSA_PKCS1_OAEP_PADDING }, Buffer.from('from openssl'));
        const dec = await asymmetricDecrypt(m, spec, alg, ct);
        expect(dec.ok && Buffer.from(dec.plaintext).toString()).toBe('from openssl');
      });

      it(`${spec} ${alg}: max plaintext ${MAX[spec][alg]} bytes works, one more is too-large with the recorded message`, async () => {
        const m = keys[spec];
        const max = MAX[spec][alg];
        expect(maxPlaintextBytes(spec, alg)).toBe(max);
        const ok = await asymmetricEncrypt(m, spec, alg, new Uint8Array(max).fill(7), xorshift(2));
        expect(ok.ok).toBe(true);
        if (ok.ok) {
          const dec = await asymmetricDecrypt(m, spec, alg, ok.ciphertext);
          expect(dec.ok && dec.plaintext.length).toBe(max);
        }
        const tooBig = await asymmetricEncrypt(m, spec, alg, new Uint8Array(max + 1), xorshift(2));
        expect(tooBig).toEqual({
          ok: false,
          reason: 'too-large',
          maxBytes: max,
          message: `Algorithm ${alg} and key spec ${spec} cannot encrypt data larger than ${max} bytes.`,
        });
      });
    }
  }

  it('same random bytes give the same ciphertext (replayable); different bytes a different one', async () => {
    const m = keys.RSA_2048;
    const a = await asymmetricEncrypt(m, 'RSA_2048', 'RSAES_OAEP_SHA_256', text('x'), xorshift(5));
    const b = await asymmetricEncrypt(m, 'RSA_2048', 'RSAES_OAEP_SHA_256', text('x'), xorshift(5));
    const c = await asymmetricEncrypt(m, 'RSA_2048', 'RSAES_OAEP_SHA_256', text('x'), xorshift(6));
    expect(a.ok && b.ok && hex(a.ciphertext) === hex(b.ciphertext)).toBe(true);
    expect(a.ok && c.ok && hex(a.ciphertext) !== hex(c.ciphertext)).toBe(true);
    // without a random source the OAEP seed is derived deterministically
    const d = await asymmetricEncrypt(m, 'RSA_2048', 'RSAES_OAEP_SHA_256', text('x'));
    const e = await asymmetricEncrypt(m, 'RSA_2048', 'RSAES_OAEP_SHA_256', text('x'));
    expect(d.ok && e.ok && hex(d.ciphertext) === hex(e.ciphertext)).toBe(true);
    expect(d.ok && (await asymmetricDecrypt(m, 'RSA_2048', 'RSAES_OAEP_SHA_256', d.ciphertext)).ok).toBe(true);
  });

  it('wrong algorithm, wrong key or a modified ciphertext → ok:false', async () => {
    const m = keys.RSA_2048;
    const enc = await asymmetricEncrypt(m, 'RSA_2048', 'RSAES_OAEP_SHA_256', text('x'), xorshift(7));
    if (!enc.ok) throw new Error('encrypt failed');
    expect(await asymmetricDecrypt(m, 'RSA_2048', 'RSAES_OAEP_SHA_1', enc.ciphertext)).toEqual({ ok: false });
    expect(await asymmetricDecrypt(keys.RSA_3072, 'RSA_3072', 'RSAES_OAEP_SHA_256', enc.ciphertext)).toEqual({ ok: false });
    const t = Uint8Array.from(enc.ciphertext);
    t[100] ^= 1;
    expect(await asymmetricDecrypt(m, 'RSA_2048', 'RSAES_OAEP_SHA_256', t)).toEqual({ ok: false });
    expect(await asymmetricDecrypt(m, 'RSA_2048', 'RSAES_OAEP_SHA_256', t.subarray(1))).toEqual({ ok: false });
    expect(await asymmetricDecrypt(m, 'RSA_2048', 'SYMMETRIC_DEFAULT', enc.ciphertext)).toEqual({ ok: false });
  });

  it('incompatible algorithm → InvalidKeyUsage-style message; SM2PKE → unsupported', async () => {
    expect(await asymmetricEncrypt(keys.RSA_4096, 'RSA_4096', 'SYMMETRIC_DEFAULT', text('x'), xorshift(1))).toEqual({
      ok: false,
      reason: 'incompatible',
      message: 'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_4096.',
    });
    expect((await asymmetricEncrypt(keys.RSA_2048, 'RSA_2048', 'SM2PKE', text('x'), xorshift(1))).ok).toBe(false);
    const sm2 = await generateKeyMaterial('SM2', xorshift(3));
    expect(await asymmetricEncrypt(sm2, 'SM2', 'SM2PKE', text('x'), xorshift(1))).toMatchObject({ ok: false, reason: 'unsupported' });
  });
});
