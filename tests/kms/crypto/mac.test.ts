import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeyMaterial, type KeySpec } from '../../../src/kms/crypto/material';
import { macAlgorithmsFor } from '../../../src/kms/crypto/algorithms';
import { generateMac, verifyMac } from '../../../src/kms/crypto/mac';
import { hex, text, xorshift } from './seeded';

const CASES = [
  ['HMAC_224', 'HMAC_SHA_224', 'sha224', 28],
  ['HMAC_256', 'HMAC_SHA_256', 'sha256', 32],
  ['HMAC_384', 'HMAC_SHA_384', 'sha384', 48],
  ['HMAC_512', 'HMAC_SHA_512', 'sha512', 64],
] as const;

describe('GenerateMac / VerifyMac (RFC 2104 HMAC)', () => {
  it.each(CASES)('%s %s: generate/verify; equals OpenSSL HMAC; modified message or MAC fails', async (spec, alg, nodeHash, len) => {
    const m = await generateKeyMaterial(spec, xorshift(21));
    if (m.kind !== 'secret') throw new Error('expected secret');
    expect(macAlgorithmsFor(spec)).toEqual([alg]);
    for (const msg of [text('a'), text('Hello, HMAC!'), new Uint8Array(4096).fill(0xab)]) {
      const mac = await generateMac(m, alg, msg);
      expect(mac.length).toBe(len);
      expect(hex(mac)).toBe(createHmac(nodeHash, m.bytes).update(msg).digest('hex'));
      expect(await verifyMac(m, alg, msg, mac)).toBe(true);
      const other = Uint8Array.from(msg);
      other[0] ^= 1;
      expect(await verifyMac(m, alg, other, mac)).toBe(false);
      const badMac = Uint8Array.from(mac);
      badMac[3] ^= 0x80;
      expect(await verifyMac(m, alg, msg, badMac)).toBe(false);
      expect(await verifyMac(m, alg, msg, mac.subarray(0, len - 1))).toBe(false);
    }
  });

  it('is deterministic and key-dependent', async () => {
    const a = await generateKeyMaterial('HMAC_256', xorshift(1));
    const b = await generateKeyMaterial('HMAC_256', xorshift(2));
    const macA1 = await generateMac(a, 'HMAC_SHA_256', text('m'));
    const macA2 = await generateMac(a, 'HMAC_SHA_256', text('m'));
    expect(hex(macA1)).toBe(hex(macA2));
    expect(await verifyMac(b, 'HMAC_SHA_256', text('m'), macA1)).toBe(false);
  });

  it('non-HMAC specs list no MAC algorithms', () => {
    for (const spec of ['SYMMETRIC_DEFAULT', 'RSA_2048', 'ECC_NIST_P256'] as KeySpec[]) expect(macAlgorithmsFor(spec)).toEqual([]);
  });
});
