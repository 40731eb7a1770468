/**
 * createHmacSha256Into: the one-block fast path (messages up to 55 bytes, which grant tokens
 * use) and the general path must both agree with node:crypto for every length around the
 * block boundaries, with keys shorter and longer than a block, and leave `out` past 32 alone.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHmacSha256Into, toHex } from '../../../src/kms/util/sha256';

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

describe('createHmacSha256Into', () => {
  for (const keyLength of [0, 1, 32, 64, 65, 100]) {
    it(`matches node:crypto for messages of 0..130 bytes (key of ${keyLength} bytes)`, () => {
      const key = bytes(keyLength, keyLength + 1);
      const mac = createHmacSha256Into(key);
      const out = new Uint8Array(40).fill(0xee);
      for (let n = 0; n <= 130; n++) {
        // a longer buffer than `n`: only the first n bytes count
        const data = bytes(n + 7, 1000 + n);
        mac(data, n, out);
        const want = createHmac('sha256', key).update(data.subarray(0, n)).digest('hex');
        expect(toHex(out.subarray(0, 32)), `length ${n}`).toBe(want);
        expect([...out.subarray(32)]).toEqual(new Array(8).fill(0xee));
      }
    });
  }
});
