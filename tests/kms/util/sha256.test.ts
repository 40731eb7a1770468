import { describe, expect, it } from 'vitest';
import { createHmacSha256, hmacSha256, sha256, toHex } from '../../../src/kms/util/sha256';
import { decodeBase64Url, encodeBase64Url } from '../../../src/kms/util/base64';

const enc = new TextEncoder();
const utf8 = (s: string) => enc.encode(s);
const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));

/** Deterministic byte generator (xorshift32) so failures are reproducible. */
function bytes(n: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  let x = seed | 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}

async function webSha256(data: Uint8Array<ArrayBuffer>): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', data)));
}

async function webHmac(key: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<string> {
  // WebCrypto rejects zero-length HMAC keys; RFC 2104 treats them as 64 zero bytes, same as a
  // one-byte zero key (both are zero-padded to the block size).
  const k = key.length === 0 ? new Uint8Array(1) : key;
  const ck = await crypto.subtle.importKey('raw', k, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return toHex(new Uint8Array(await crypto.subtle.sign('HMAC', ck, data)));
}

describe('sha256: FIPS 180-4 / NIST vectors', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    [
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
    ],
    ['The quick brown fox jumps over the lazy dog', 'd7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592'],
  ])('sha256(%j)', (msg, digest) => {
    expect(toHex(sha256(utf8(msg)))).toBe(digest);
  });

  it('one million "a"', () => {
    expect(toHex(sha256(new Uint8Array(1_000_000).fill(0x61)))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('returns a fresh 32-byte array each call and does not modify the input', () => {
    const input = bytes(100, 7);
    const copy = input.slice();
    const a = sha256(input);
    const b = sha256(input);
    expect(a).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(a).toEqual(b);
    expect(input).toEqual(copy);
  });
});

describe('hmacSha256: RFC 4231 vectors', () => {
  const cases: [string, Uint8Array, Uint8Array, string][] = [
    [
      '1',
      new Uint8Array(20).fill(0x0b),
      utf8('Hi There'),
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    ],
    ['2', utf8('Jefe'), utf8('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    [
      '3',
      new Uint8Array(20).fill(0xaa),
      new Uint8Array(50).fill(0xdd),
      '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    ],
    [
      '4',
      hex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
      new Uint8Array(50).fill(0xcd),
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    ],
    [
      '6 (131-byte key)',
      new Uint8Array(131).fill(0xaa),
      utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
    [
      '7 (131-byte key, long data)',
      new Uint8Array(131).fill(0xaa),
      utf8(
        'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
      ),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ];
  it.each(cases)('test case %s', (_name, key, data, mac) => {
    expect(toHex(hmacSha256(key, data))).toBe(mac);
    expect(toHex(createHmacSha256(key)(data))).toBe(mac);
  });

  it('test case 5 (truncated to 128 bits)', () => {
    const mac = hmacSha256(new Uint8Array(20).fill(0x0c), utf8('Test With Truncation'));
    expect(toHex(mac.subarray(0, 16))).toBe('a3b6167473100ee06e0c796c2955552b');
  });
});

describe('against WebCrypto', () => {
  it('sha256 agrees for every length 0..300 and some large inputs', async () => {
    const lengths = [...Array.from({ length: 301 }, (_, i) => i), 1000, 4095, 4096, 4097, 65_537];
    for (const n of lengths) {
      const data = bytes(n, n + 1);
      expect(toHex(sha256(data)), `length ${n}`).toBe(await webSha256(data));
    }
  });

  it('hmacSha256 agrees for key lengths 0..200 and message lengths around block edges', async () => {
    const keyLengths = [0, 1, 16, 31, 32, 33, 55, 56, 63, 64, 65, 100, 127, 128, 129, 200];
    const msgLengths = [0, 1, 40, 55, 56, 63, 64, 65, 119, 120, 128, 300];
    for (const kl of keyLengths) {
      const key = bytes(kl, 1000 + kl);
      const keyed = createHmacSha256(key);
      for (const ml of msgLengths) {
        const data = bytes(ml, 7 * ml + kl + 3);
        const want = await webHmac(key, data);
        expect(toHex(hmacSha256(key, data)), `key ${kl}, msg ${ml}`).toBe(want);
        expect(toHex(keyed(data)), `keyed: key ${kl}, msg ${ml}`).toBe(want);
      }
    }
  });

  it('a keyed MAC is unaffected by later changes to the key array and by interleaved calls', async () => {
    const key = bytes(32, 99);
    const keyCopy = key.slice();
    const keyed = createHmacSha256(key);
    key.fill(0);
    const data = bytes(40, 5);
    sha256(bytes(500, 1));
    hmacSha256(bytes(70, 2), bytes(90, 3));
    expect(toHex(keyed(data))).toBe(await webHmac(keyCopy, data));
  });
});

describe('hmacSha256 key memo', () => {
  it('stays correct when keys alternate or a key array is modified in place', async () => {
    const k1 = bytes(32, 41);
    const k2 = bytes(32, 42);
    const data = bytes(40, 43);
    const want1 = await webHmac(k1, data);
    const want2 = await webHmac(k2, data);
    expect(toHex(hmacSha256(k1, data))).toBe(want1);
    expect(toHex(hmacSha256(k2, data))).toBe(want2);
    expect(toHex(hmacSha256(k1, data))).toBe(want1);
    expect(toHex(hmacSha256(k1, data))).toBe(want1);
    const mutable = k1.slice();
    expect(toHex(hmacSha256(mutable, data))).toBe(want1);
    mutable.set(k2);
    expect(toHex(hmacSha256(mutable, data))).toBe(want2);
    // Same bytes, different length: a 32-byte key and its 33-byte zero-extension give the same
    // MAC by definition (zero padding to the block size), and the memo must not confuse lengths.
    const longer = new Uint8Array(33);
    longer.set(k2);
    expect(toHex(hmacSha256(longer, data))).toBe(want2);
    expect(toHex(hmacSha256(new Uint8Array(0), data))).toBe(await webHmac(new Uint8Array(0), data));
  });
});

describe('toHex', () => {
  it('encodes lowercase, two digits per byte', () => {
    expect(toHex(new Uint8Array([0, 1, 15, 16, 171, 255]))).toBe('00010f10abff');
    expect(toHex(new Uint8Array(0))).toBe('');
  });
});

describe('base64url', () => {
  it('matches Node base64url for every length 0..100', () => {
    for (let n = 0; n <= 100; n++) {
      const data = bytes(n, 31 * n + 1);
      const s = encodeBase64Url(data);
      expect(s).toBe(Buffer.from(data).toString('base64url'));
      expect(decodeBase64Url(s)).toEqual(data);
    }
  });

  it('encodes RFC 4648 vectors without padding', () => {
    const v: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of v) {
      expect(encodeBase64Url(utf8(plain))).toBe(encoded);
      expect(decodeBase64Url(encoded)).toEqual(utf8(plain));
    }
    expect(encodeBase64Url(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('-_-_');
    expect(decodeBase64Url('-_-_')).toEqual(new Uint8Array([0xfb, 0xff, 0xbf]));
  });

  it.each([
    ['standard-alphabet +', '+/+/'],
    ['standard-alphabet /', 'ab/d'],
    ['padding', 'Zg=='],
    ['single padding', 'Zm8='],
    ['whitespace', 'Zm9v Yg'],
    ['newline', 'Zm9v\nYg'],
    ['length 1 mod 4', 'Zm9vY'],
    ['single char', 'A'],
    ['non-ASCII', 'Zm9é'],
    ['NUL', 'Zm9\u0000'],
    ['non-canonical trailing bits (2 chars)', 'QR'],
    ['non-canonical trailing bits (3 chars)', 'QUJ'],
  ])('rejects %s', (_name, s) => {
    expect(decodeBase64Url(s)).toBeNull();
  });

  it('decodes the empty string to an empty array', () => {
    expect(decodeBase64Url('')).toEqual(new Uint8Array(0));
  });
});
