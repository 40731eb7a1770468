/**
 * src/kms/crypto/ed25519.ts (Ed25519 and Ed25519ph on @noble/curves) against the hand-written
 * BigInt implementation it replaced (./ed25519-oracle.ts): public keys and signatures must be the
 * same bytes, so replays of recorded scenarios stay byte-identical, and Verify must give the same
 * answer, including on tampered and adversarial inputs (non-canonical encodings, small-order
 * points, torsion added to R), where RFC 8032 verifiers differ from one another.
 */
import fc from 'fast-check';
import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../../../src/kms/crypto/ed25519';
import * as oracle from './ed25519-oracle';
import { hex, xorshift } from './seeded';

const SEED = 0x5eed_25519 >>> 0;
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const Point = ed25519.Point;
const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const messageArb = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 300 }),
  fc.uint8Array({ minLength: 64, maxLength: 64 }), // an ED25519_PH_SHA_512 DIGEST message
);

const le = (n: bigint, len = 32): Uint8Array => {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
};
const fromLe = (b: Uint8Array): bigint => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
};
const sha512 = async (b: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-512', b as Uint8Array<ArrayBuffer>));
const DOM2_PH = cat(new TextEncoder().encode('SigEd25519 no Ed25519 collisions'), Uint8Array.of(1, 0));

/** both verifiers on the same input: they must agree; returns the shared answer */
async function agree(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array, ph: boolean): Promise<boolean> {
  const want = await oracle.ed25519Verify(pk, msg, sig, ph);
  const got = await ed25519Verify(pk, msg, sig, ph);
  expect(got, `verify(ph=${ph}) pk=${hex(pk)} sig=${hex(sig)} msg=${hex(msg)}`).toBe(want);
  return got;
}

/** the eight points of order dividing 8 (small order: the torsion subgroup) */
const TORSION = ED25519_TORSION_SUBGROUP.map((h) => Point.fromHex(h));

describe('Ed25519 on @noble/curves matches the hand-written implementation byte for byte', () => {
  it('public keys, Ed25519 and Ed25519ph signatures over seeded keys and messages', async () => {
    await fc.assert(
      fc.asyncProperty(seedArb, messageArb, async (seed, msg) => {
        const pk = await ed25519PublicKey(seed);
        expect(hex(pk)).toBe(hex(await oracle.ed25519PublicKey(seed)));
        for (const ph of [false, true]) {
          const sig = await ed25519Sign(seed, msg, ph);
          expect(hex(sig), `ph=${ph}`).toBe(hex(await oracle.ed25519Sign(seed, msg, ph)));
          expect(await agree(pk, msg, sig, ph)).toBe(true);
          expect(await agree(pk, msg, sig, !ph)).toBe(false);
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('Verify gives the same answer on tampered signatures, messages and public keys', async () => {
    await fc.assert(
      fc.asyncProperty(seedArb, messageArb, fc.boolean(), fc.nat(), fc.integer({ min: 0, max: 7 }), async (seed, msg, ph, at, bit) => {
        const pk = await ed25519PublicKey(seed);
        const sig = await ed25519Sign(seed, msg, ph);
        const flip = (b: Uint8Array) => {
          const c = Uint8Array.from(b);
          if (c.length) c[at % c.length] ^= 1 << bit;
          return c;
        };
        expect(await agree(pk, msg, flip(sig), ph)).toBe(false);
        expect(await agree(flip(pk), msg, sig, ph)).toBe(false);
        if (msg.length) expect(await agree(pk, flip(msg), sig, ph)).toBe(false);
        // S + L (non-canonical S), a truncated and an extended signature, a wrong-length key
        expect(await agree(pk, msg, cat(sig.subarray(0, 32), le(fromLe(sig.subarray(32)) + L)), ph)).toBe(false);
        expect(await agree(pk, msg, sig.subarray(0, 63), ph)).toBe(false);
        expect(await agree(pk, msg, cat(sig, Uint8Array.of(0)), ph)).toBe(false);
        expect(await agree(pk.subarray(0, 31), msg, sig, ph)).toBe(false);
      }),
      { seed: SEED + 1, numRuns: 100 },
    );
  });

  it('Verify is cofactorless, like the old one: torsion added to R is refused', async () => {
    // A valid-looking signature whose R carries a small-order component: S = r + k'·s with
    // k' = H(R' ‖ A ‖ M) and R' = r·B + T. A cofactored verifier accepts it; ours must not.
    const random = xorshift(0x7053);
    for (let i = 0; i < 16; i++) {
      const seed = random(32);
      const msg = random(i * 5);
      const ph = i % 2 === 1;
      const h = await sha512(seed);
      const a = Uint8Array.from(h.subarray(0, 32));
      a[0] &= 248;
      a[31] &= 127;
      a[31] |= 64;
      const s = fromLe(a);
      const pk = await ed25519PublicKey(seed);
      const r = (fromLe(random(40)) % (L - 1n)) + 1n;
      const Rp = Point.BASE.multiply(r).add(TORSION.filter((t) => !t.is0())[i % 7]).toBytes();
      const M = ph ? await sha512(msg) : msg;
      const k = fromLe(await sha512(cat(ph ? DOM2_PH : new Uint8Array(0), Rp, pk, M))) % L;
      const sig = cat(Rp, le((r + k * s) % L));
      expect(await agree(pk, msg, sig, ph)).toBe(false);
      // the same construction without the torsion is a good signature
      const R = Point.BASE.multiply(r).toBytes();
      const k0 = fromLe(await sha512(cat(ph ? DOM2_PH : new Uint8Array(0), R, pk, M))) % L;
      expect(await agree(pk, msg, cat(R, le((r + k0 * s) % L)), ph)).toBe(true);
    }
  });

  it('Verify gives the same answer for small-order keys and R, and non-canonical encodings', async () => {
    const random = xorshift(0x0bad);
    const encodings = ED25519_TORSION_SUBGROUP.map((h) => Uint8Array.from(Buffer.from(h, 'hex')));
    // y = p + 1 encodes y = 1 (the identity) non-canonically; y = p + 0 as well, with the sign bit
    const nonCanonical = [le((1n << 255n) - 18n), le((1n << 255n) - 19n), le(((1n << 255n) - 18n) | (1n << 255n)), le(1n | (1n << 255n))];
    let accepted = 0;
    for (const A of [...encodings, ...nonCanonical, random(32)]) {
      for (const R of [...encodings, ...nonCanonical, random(32)]) {
        for (const S of [0n, 1n, L - 1n, L]) {
          for (const ph of [false, true]) {
            if (await agree(A, random(3), cat(R, le(S)), ph)) accepted++;
          }
        }
      }
    }
    // the old verifier does accept some of these (small-order A and R with S = 0); so must we
    expect(accepted).toBeGreaterThan(0);
  });
});
