/**
 * Grant tokens: what a token carries, that the engine knows its own (and only its own) tokens,
 * and that tokens of the first format, HMAC-tagged, are still accepted.
 */
import { describe, expect, it } from 'vitest';
import { GrantTokens } from '../../src/kms/tokens';
import { Rng } from '../../src/kms/rng';
import { decodeBase64Url, encodeBase64Url } from '../../src/kms/util/base64';
import { createHmacSha256Into } from '../../src/kms/util/sha256';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const secret = (n: number) => new Uint8Array(32).map((_, i) => (i * 31 + n) & 0xff);
const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));

describe('grant tokens', () => {
  it('carry version 2, the grant id and a fresh nonce, in 82 URL-safe characters', () => {
    const tokens = new GrantTokens(secret(1));
    const rng = new Rng({ seed: 7, counter: 0 });
    const id = rng.hex(64);
    const a = tokens.issue(id, rng);
    const b = tokens.issue(id, rng);
    expect(a).toMatch(/^[A-Za-z0-9_-]{82}$/);
    expect(b).not.toBe(a);
    const bytes = decodeBase64Url(a)!;
    expect(bytes[0]).toBe(2);
    expect([...bytes.subarray(1, 33)]).toEqual([...hexBytes(id)]);
    expect(tokens.verify(a)).toBe(id);
    expect(tokens.verify(b)).toBe(id);
  });

  it('gives the same id whether it was just drawn or parsed from text (a Name match)', () => {
    const tokens = new GrantTokens(secret(1));
    const rng = new Rng({ seed: 7, counter: 0 });
    const id = rng.hex(64);
    rng.hex(64); // the id is no longer the last one drawn
    expect(tokens.verify(tokens.issue(id, rng))).toBe(id);
  });

  it('rejects every one-character change, another world’s tokens and other versions', () => {
    const tokens = new GrantTokens(secret(1));
    const rng = new Rng({ seed: 9, counter: 0 });
    const id = rng.hex(64);
    const token = tokens.issue(id, rng);
    for (let i = 0; i < token.length; i++) {
      for (const c of [ALPHABET[(ALPHABET.indexOf(token[i]) + 1) % 64], ALPHABET[(ALPHABET.indexOf(token[i]) + 37) % 64]]) {
        const changed = token.slice(0, i) + c + token.slice(i + 1);
        expect(tokens.verify(changed), `character ${i} changed to ${c}`).toBeNull();
      }
    }
    expect(new GrantTokens(secret(2)).verify(token)).toBeNull();
    const bytes = decodeBase64Url(token)!;
    bytes[0] = 3;
    expect(tokens.verify(encodeBase64Url(bytes))).toBeNull();
    expect(tokens.verify(token.slice(1))).toBeNull();
  });

  it('still accepts version 1 tokens, whose tag is HMAC-SHA-256 under the same secret', () => {
    const s = secret(4);
    const id = new Rng({ seed: 11, counter: 0 }).hex(64);
    const v1 = new Uint8Array(61);
    v1[0] = 1;
    v1.set(hexBytes(id), 1);
    v1.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 33);
    const tag = new Uint8Array(32);
    createHmacSha256Into(s)(v1, 45, tag);
    v1.set(tag.subarray(0, 16), 45);
    const tokens = new GrantTokens(s);
    expect(tokens.verify(encodeBase64Url(v1))).toBe(id);
    v1[50] ^= 1;
    expect(tokens.verify(encodeBase64Url(v1))).toBeNull();
    expect(new GrantTokens(secret(5)).verify(encodeBase64Url(v1))).toBeNull();
  });
});
