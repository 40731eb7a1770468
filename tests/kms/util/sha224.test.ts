/**
 * SHA-224 comes from the engine's one SHA-256 implementation (src/kms/util/sha256.ts) with
 * SHA-224's initial value; node:crypto is the reference (WebCrypto has no SHA-224).
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha224 } from '../../../src/kms/util/sha256';
import { digest, hmac } from '../../../src/kms/crypto/hash';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const data = (n: number, salt = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + salt * 17 + 7) & 0xff);

describe('sha224', () => {
  it('gives the FIPS 180-4 examples', () => {
    expect(hex(sha224(new TextEncoder().encode('abc')))).toBe('23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7');
    expect(hex(sha224(new Uint8Array(0)))).toBe('d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f');
  });

  it('agrees with node:crypto for every length 0..300 and some large inputs', () => {
    for (const n of [...Array.from({ length: 301 }, (_, i) => i), 1000, 4096, 65_537]) {
      const d = data(n, n);
      expect(hex(sha224(d)), `length ${n}`).toBe(createHash('sha224').update(d).digest('hex'));
    }
  });

  it('is what crypto/hash serves for SHA-224 digests and HMAC_SHA_224', async () => {
    const a = sha224(data(100));
    expect(hex(await digest('SHA-224', data(100)))).toBe(hex(a));
    expect(hex(await hmac('SHA-224', data(70, 1), data(200, 2)))).toBe(createHmac('sha224', data(70, 1)).update(data(200, 2)).digest('hex'));
  });
});
