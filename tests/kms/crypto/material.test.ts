import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeyMaterial, HMAC_KEY_BYTES, type KeyMaterial, type KeySpec } from '../../../src/kms/crypto/material';
import { CURVES, orderCheck, onCurve } from '../../../src/kms/crypto/ec';
import { hex, xorshift } from './seeded';

const PAIR_SPECS: KeySpec[] = [
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'SM2',
  'ECC_NIST_EDWARDS25519',
];

function pair(m: KeyMaterial) {
  if (m.kind !== 'pair') throw new Error(`expected pair, got ${m.kind}`);
  return m;
}

describe('curve parameters', () => {
  it.each(Object.values(CURVES).map((c) => [c.name, c] as const))('%s: generator is on the curve and has order n', (_n, c) => {
    expect(onCurve(c, { x: c.gx, y: c.gy })).toBe(true);
    expect(orderCheck(c)).toBe(true);
  });
});

describe('generateKeyMaterial', () => {
  it('same seed bytes give identical material for every spec (symmetric, HMAC, EC, Ed25519, SM2)', async () => {
    for (const spec of ['SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', ...PAIR_SPECS] as KeySpec[]) {
      const a = await generateKeyMaterial(spec, xorshift(42));
      const b = await generateKeyMaterial(spec, xorshift(42));
      const c = await generateKeyMaterial(spec, xorshift(43));
      expect(a, spec).toEqual(b);
      expect(a, spec).not.toEqual(c);
    }
  });

  it('same seed bytes give an identical RSA_2048 key pair', async () => {
    const a = pair(await generateKeyMaterial('RSA_2048', xorshift(7)));
    const b = pair(await generateKeyMaterial('RSA_2048', xorshift(7)));
    expect(hex(a.pkcs8)).toBe(hex(b.pkcs8));
    expect(hex(a.spki)).toBe(hex(b.spki));
  });

  it('symmetric keys are 32 random bytes; HMAC keys have the key length the spec names', async () => {
    const sym = await generateKeyMaterial('SYMMETRIC_DEFAULT', xorshift(1));
    expect(sym.kind === 'secret' && sym.bytes.length).toBe(32);
    expect(sym.kind === 'secret' && hex(sym.bytes)).toBe(hex(xorshift(1)(32)));
    for (const [spec, len] of Object.entries(HMAC_KEY_BYTES)) {
      const m = await generateKeyMaterial(spec as KeySpec, xorshift(2));
      expect(m.kind === 'secret' && m.bytes.length, spec).toBe(len);
    }
  });

  it('material is plain structured-clone/JSON-friendly data', async () => {
    const m = await generateKeyMaterial('ECC_NIST_P256', xorshift(3));
    expect(structuredClone(m)).toEqual(m);
    expect(Object.values(m).every((v) => typeof v === 'string' || v instanceof Uint8Array)).toBe(true);
  });

  it.each(PAIR_SPECS)('%s: PKCS#8 and SPKI are valid DER that OpenSSL parses, and the SPKI matches the private key', async (spec) => {
    const m = pair(await generateKeyMaterial(spec, xorshift(11)));
    const priv = createPrivateKey({ key: Buffer.from(m.pkcs8), format: 'der', type: 'pkcs8' });
    const pubFromPriv = createPublicKey(priv).export({ format: 'der', type: 'spki' });
    expect(hex(pubFromPriv)).toBe(hex(m.spki));
    const pub = createPublicKey({ key: Buffer.from(m.spki), format: 'der', type: 'spki' });
    // (Node reports OpenSSL's SM2 key type as undefined)
    if (spec !== 'SM2') expect(pub.asymmetricKeyType).toBe(spec === 'ECC_NIST_EDWARDS25519' ? 'ed25519' : 'ec');
    // and the pair works: OpenSSL signs with our private key, verifies with our public key
    const hash = spec === 'ECC_NIST_EDWARDS25519' ? null : spec === 'SM2' ? 'sm3' : 'sha256';
    const sig = nodeSign(hash, Buffer.from('hello'), priv);
    expect(nodeVerify(hash, Buffer.from('hello'), pub, sig)).toBe(true);
  });

  it.each(['ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521'] as const)(
    '%s: WebCrypto imports the PKCS#8 and exports byte-identical PKCS#8 and SPKI',
    async (spec) => {
      const m = pair(await generateKeyMaterial(spec, xorshift(12)));
      const namedCurve = { ECC_NIST_P256: 'P-256', ECC_NIST_P384: 'P-384', ECC_NIST_P521: 'P-521' }[spec];
      const k = await crypto.subtle.importKey('pkcs8', m.pkcs8 as Uint8Array<ArrayBuffer>, { name: 'ECDSA', namedCurve }, true, ['sign']);
      expect(hex(new Uint8Array(await crypto.subtle.exportKey('pkcs8', k)))).toBe(hex(m.pkcs8));
    },
  );

  it('Ed25519: WebCrypto imports the PKCS#8 and derives the same public key', async () => {
    const m = pair(await generateKeyMaterial('ECC_NIST_EDWARDS25519', xorshift(13)));
    const k = await crypto.subtle.importKey('pkcs8', m.pkcs8 as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, true, ['sign']);
    expect(hex(new Uint8Array(await crypto.subtle.exportKey('pkcs8', k)))).toBe(hex(m.pkcs8));
    const jwk = await crypto.subtle.exportKey('jwk', k);
    expect(Buffer.from(jwk.x!, 'base64url').toString('hex')).toBe(hex(m.spki.subarray(12)));
  });

  it.each([
    ['RSA_2048', 2048, 5],
    ['RSA_3072', 3072, 2],
    ['RSA_4096', 4096, 2],
  ] as const)('%s: a valid %i-bit RSA key with e = 65537 that WebCrypto imports', async (spec, bits, seed) => {
    const t0 = performance.now();
    const m = pair(await generateKeyMaterial(spec, xorshift(seed)));
    const ms = performance.now() - t0;
    const priv = createPrivateKey({ key: Buffer.from(m.pkcs8), format: 'der', type: 'pkcs8' });
    expect(priv.asymmetricKeyDetails).toMatchObject({ modulusLength: bits, publicExponent: 65537n });
    expect(hex(createPublicKey(priv).export({ format: 'der', type: 'spki' }))).toBe(hex(m.spki));
    // private/public consistency: OpenSSL signs, verifies with the SPKI
    const sig = nodeSign('sha256', Buffer.from('x'), priv);
    expect(nodeVerify('sha256', Buffer.from('x'), createPublicKey({ key: Buffer.from(m.spki), format: 'der', type: 'spki' }), sig)).toBe(true);
    await expect(
      crypto.subtle.importKey('pkcs8', m.pkcs8 as Uint8Array<ArrayBuffer>, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']),
    ).resolves.toBeDefined();
     
    console.info(`${spec} keygen: ${ms.toFixed(0)} ms`);
  });

  it.each(['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87', 'ML_KEM_512', 'ML_KEM_768', 'ML_KEM_1024'] as const)(
    '%s returns kind "unsupported" with a reason',
    async (spec) => {
      const m = await generateKeyMaterial(spec, xorshift(1));
      expect(m.kind).toBe('unsupported');
      expect(m.kind === 'unsupported' && m.reason.length).toBeGreaterThan(10);
    },
  );
});
