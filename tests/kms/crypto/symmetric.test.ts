import { describe, expect, it } from 'vitest';
import { generateKeyMaterial } from '../../../src/kms/crypto/material';
import { canonicalEncryptionContext, parseCiphertextBlob } from '../../../src/kms/crypto/ciphertextBlob';
import { symmetricDecrypt, symmetricEncrypt } from '../../../src/kms/crypto/symmetric';
import { hex, text, xorshift } from './seeded';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const MRK_ID = 'mrk-1234abcd12ab34cd56ef1234567890ab';

describe('symmetric encryption (SYMMETRIC_DEFAULT, AES-256-GCM)', () => {
  it('same seed bytes give an identical key and an identical CiphertextBlob', async () => {
    const run = async () => {
      const random = xorshift(99);
      const m = await generateKeyMaterial('SYMMETRIC_DEFAULT', random);
      return symmetricEncrypt(m, KEY_ID, text('secret data'), { purpose: 'test' }, random);
    };
    expect(hex(await run())).toBe(hex(await run()));
  });

  it('encrypt/decrypt round trip, with and without an encryption context', async () => {
    const random = xorshift(1);
    const m = await generateKeyMaterial('SYMMETRIC_DEFAULT', random);
    for (const ctx of [undefined, {}, { a: '1', B: 'two', 'ü': 'ñ' }] as (Record<string, string> | undefined)[]) {
      const blob = await symmetricEncrypt(m, KEY_ID, text('hello world'), ctx, random);
      const out = await symmetricDecrypt(m, blob, ctx);
      expect(out.ok && new TextDecoder().decode(out.plaintext)).toBe('hello world');
    }
  });

  it('round trips 1 and 4096 byte plaintexts; the blob stays within the 6144-byte CiphertextBlob limit', async () => {
    const random = xorshift(2);
    const m = await generateKeyMaterial('SYMMETRIC_DEFAULT', random);
    for (const n of [1, 4096]) {
      const pt = random(n);
      const blob = await symmetricEncrypt(m, KEY_ID, pt, undefined, random);
      expect(blob.length).toBeLessThanOrEqual(6144);
      const out = await symmetricDecrypt(m, blob, undefined);
      expect(out.ok && hex(out.plaintext)).toBe(hex(pt));
    }
  });

  it('a fresh IV per call: encrypting the same plaintext twice gives different blobs', async () => {
    const random = xorshift(3);
    const m = await generateKeyMaterial('SYMMETRIC_DEFAULT', random);
    const a = await symmetricEncrypt(m, KEY_ID, text('x'), undefined, random);
    const b = await symmetricEncrypt(m, KEY_ID, text('x'), undefined, random);
    expect(hex(a)).not.toBe(hex(b));
  });

  it('wrong, missing, extra or differently-cased encryption context → ok:false', async () => {
    const random = xorshift(4);
    const m = await generateKeyMaterial('SYMMETRIC_DEFAULT', random);
    const blob = await symmetricEncrypt(m, KEY_ID, text('p'), { Dept: 'IT', env: 'prod' }, random);
    const wrong: (Record<string, string> | undefined)[] = [
      undefined,
      {},
      { Dept: 'IT' },
      { Dept: 'IT', env: 'Prod' },
      { dept: 'IT', env: 'prod' },
      { Dept: 'IT', env: 'prod', x: '' },
    ];
    for (const ctx of wrong) {
      expect(await symmetricDecrypt(m, blob, ctx), JSON.stringify(ctx)).toEqual({ ok: false });
    }
    // key order does not matter (the context is canonicalised)
    const out = await symmetricDecrypt(m, blob, { env: 'prod', Dept: 'IT' });
    expect(out.ok).toBe(true);
  });

  it('an absent and an empty encryption context are the same', async () => {
    const random = xorshift(5);
    const m = await generateKeyMaterial('SYMMETRIC_DEFAULT', random);
    const blob = await symmetricEncrypt(m, KEY_ID, text('p'), undefined, random);
    expect((await symmetricDecrypt(m, blob, {})).ok).toBe(true);
  });

  it('canonical context is unambiguous (no key/value boundary collisions)', () => {
    expect(hex(canonicalEncryptionContext({ ab: 'c' }))).not.toBe(hex(canonicalEncryptionContext({ a: 'bc' })));
    expect(hex(canonicalEncryptionContext({ b: '2', a: '1' }))).toBe(hex(canonicalEncryptionContext({ a: '1', b: '2' })));
  });

  it('tampered blob (any single bit flipped, truncated, extended) → ok:false', async () => {
    const random = xorshift(6);
    const m = await generateKeyMaterial('SYMMETRIC_DEFAULT', random);
    const blob = await symmetricEncrypt(m, KEY_ID, text('tamper me'), { k: 'v' }, random);
    for (let i = 0; i < blob.length; i++) {
      const t = Uint8Array.from(blob);
      t[i] ^= 1 << (i % 8);
      expect((await symmetricDecrypt(m, t, { k: 'v' })).ok, `byte ${i}`).toBe(false);
    }
    expect(await symmetricDecrypt(m, blob.subarray(0, blob.length - 1), { k: 'v' })).toEqual({ ok: false });
    expect(await symmetricDecrypt(m, new Uint8Array([...blob, 0]), { k: 'v' })).toEqual({ ok: false });
    expect(await symmetricDecrypt(m, new Uint8Array(0), { k: 'v' })).toEqual({ ok: false });
    expect(await symmetricDecrypt(m, text('not a blob at all, just some text'), { k: 'v' })).toEqual({ ok: false });
  });

  it('a different key cannot decrypt (→ ok:false)', async () => {
    const random = xorshift(7);
    const m1 = await generateKeyMaterial('SYMMETRIC_DEFAULT', random);
    const m2 = await generateKeyMaterial('SYMMETRIC_DEFAULT', random);
    const blob = await symmetricEncrypt(m1, KEY_ID, text('p'), undefined, random);
    expect(await symmetricDecrypt(m2, blob, undefined)).toEqual({ ok: false });
  });

  it('parseCiphertextBlob gives the key id (UUID, multi-Region, other) so Decrypt needs no KeyId', async () => {
    const random = xorshift(8);
    const m = await generateKeyMaterial('SYMMETRIC_DEFAULT', random);
    for (const id of [KEY_ID, MRK_ID, 'some-other-id']) {
      const blob = await symmetricEncrypt(m, id, text('p'), undefined, random);
      expect(parseCiphertextBlob(blob)).toEqual({ keyId: id });
      expect((await symmetricDecrypt(m, blob, undefined)).ok).toBe(true);
    }
    // compact: version + flags + 16-byte id + 12-byte IV + 1 byte + 16-byte tag
    expect((await symmetricEncrypt(m, KEY_ID, text('p'), undefined, random)).length).toBe(2 + 16 + 12 + 1 + 16);
    expect(parseCiphertextBlob(new Uint8Array([9, 9, 9]))).toBeNull();
    expect(parseCiphertextBlob(new Uint8Array(0))).toBeNull();
  });

  it('records an optional key material id, authenticated like the key id', async () => {
    const random = xorshift(9);
    const m = await generateKeyMaterial('SYMMETRIC_DEFAULT', random);
    const keyMaterialId = 'ab'.repeat(32);
    const blob = await symmetricEncrypt(m, KEY_ID, text('p'), undefined, random, { keyMaterialId });
    expect(parseCiphertextBlob(blob)).toEqual({ keyId: KEY_ID, keyMaterialId });
    expect((await symmetricDecrypt(m, blob, undefined)).ok).toBe(true);
  });

  it('editing the key id inside the blob breaks authentication', async () => {
    const random = xorshift(10);
    const m = await generateKeyMaterial('SYMMETRIC_DEFAULT', random);
    const blob = await symmetricEncrypt(m, KEY_ID, text('p'), undefined, random);
    const edited = Uint8Array.from(blob);
    edited[2] ^= 0xff;
    expect(parseCiphertextBlob(edited)?.keyId).not.toBe(KEY_ID);
    expect(await symmetricDecrypt(m, edited, undefined)).toEqual({ ok: false });
  });
});
