import { describe, expect, it } from 'vitest';
import { base64DecodedLength, base64Problem, decodeBase64, encodeBase64 } from '../../../src/kms/util/base64';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('base64', () => {
  it('round-trips every length from 0 to 300 bytes', () => {
    for (let n = 0; n <= 300; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const text = encodeBase64(data);
      expect(text).toBe(Buffer.from(data).toString('base64'));
      expect(decodeBase64(text)).toEqual(data);
      expect(base64DecodedLength(text)).toBe(n);
    }
  });

  it('encodes large inputs in chunks', () => {
    const data = Uint8Array.from({ length: 100_000 }, (_, i) => i & 0xff);
    expect(encodeBase64(data)).toBe(Buffer.from(data).toString('base64'));
  });

  it('decodes the standard examples', () => {
    expect(decodeBase64('aGk=')).toEqual(bytes(0x68, 0x69));
    expect(decodeBase64('')).toEqual(bytes());
    expect(decodeBase64('+/8=')).toEqual(bytes(0xfb, 0xff));
  });

  it('rejects anything that is not strict standard base64', () => {
    for (const bad of ['aGk', 'aGk==', 'a=Gk', '====', 'A===', 'aGk-', 'aG_=', 'aG k', 'aGk=\n', 'aGl=', 'aR==', 'é===']) {
      expect(decodeBase64(bad), bad).toBeNull();
      expect(base64DecodedLength(bad), bad).toBe(-1);
      expect(base64Problem(bad), bad).not.toBeNull();
    }
  });

  it('explains a rejection the way the Coral deserializer does', () => {
    expect(base64Problem('23456')).toBe('Base64 encoded length is expected a multiple of 4 bytes but found: 5');
    expect(base64Problem('=+/=')).toBe("Invalid Base64 character: '='");
    expect(base64Problem('+/+=')).toBe('Invalid last non-pad Base64 character dectected');
    expect(base64Problem('aGk=')).toBeNull();
  });
});
