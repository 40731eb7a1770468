/**
 * Grant constraints whose encryption-context key is a name of Object.prototype (`__proto__`,
 * `constructor`, `toString`, ...), as authorization applies them. An attack run found a grant
 * whose EncryptionContextSubset {"__proto__": "x"} lost its only pair on the way and then let the
 * grantee encrypt under any context, and an EncryptionContextEquals {"__proto__": "x"} that let
 * an empty context through.
 *
 * Each property runs one request sequence twice on fresh simulators with the same seed: once with
 * an ordinary key ("k1") and once with a hostile one in its place, and asks for the same answers
 * (status and __type, which carry allow or deny): from the request's copy of the constraint
 * (ops/grants/createGrant.ts) to the matching of its pairs against the request's context
 * (auth/authorize.ts). The rest of the boundary is in protoKeys.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/kms/index';
import { APP_ROLE, makeSim } from '../kms/helpers';

const HOSTILE = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__PROTO__', 'isPrototypeOf', '__defineGetter__', 'toLocaleString'];
const ORDINARY = 'k1';
const EXTRA = 'zz-extra';
const KINDS = ['EncryptionContextSubset', 'EncryptionContextEquals'] as const;
type Kind = (typeof KINDS)[number];

/** a map with these pairs as own properties (an object literal `{ __proto__: v }` would set the prototype) */
const map = (...pairs: [string, string][]): Record<string, string> => Object.fromEntries(pairs);

/** what a caller can tell apart: the status and the error type */
type Answer = { status: number; type?: string };
const show = (label: string, r: Answer) => `${label}: ${r.status}${r.type ? ' ' + r.type : ''}`;

const GRANT_OPS = ['Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPairWithoutPlaintext', 'DescribeKey'];

/** the encryption contexts a grantee tries, built around the constraint's key `k` */
function contexts(k: string, v: string): [string, Record<string, string> | undefined][] {
  const K = k.toUpperCase();
  return [
    ['none', undefined],
    ['empty', {}],
    ['exact', map([k, v])],
    ['upper-cased key', map([K, v])],
    ['with another pair', map([k, v], [EXTRA, '1'])],
    ['other value', map([k, v + 'x'])],
    ['only the other pair', map([EXTRA, '1'])],
    ['both cases', map([k, v], [K, v])],
  ];
}

/**
 * A grant to APP_ROLE constrained by `kind` {k: v} (and another pair when `extra`), then every
 * operation that takes an encryption context, as the grantee, under each context of contexts():
 * Encrypt, Decrypt and ReEncrypt of what the key's account encrypted under that context,
 * GenerateDataKey(WithoutPlaintext), GenerateDataKeyPairWithoutPlaintext, and a Decrypt
 * under the wrong context by the account itself. Returns the transcript and what ListGrants said.
 */
async function constrainedGrantRun(k: string, v: string, kind: Kind, extra: boolean) {
  const { call, createKey } = makeSim();
  const out: string[] = [];
  const key = await createKey({ Tags: [{ TagKey: k, TagValue: v }] });
  const constraint = extra ? map([k, v], [EXTRA, '1']) : map([k, v]);
  const g = await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: GRANT_OPS, Constraints: { [kind]: constraint } });
  out.push(show('CreateGrant', g));
  const list = await call('ListGrants', { KeyId: key.KeyId });
  out.push(show('ListGrants', list));
  const as = { as: APP_ROLE };
  out.push(show('DescribeKey', await call('DescribeKey', { KeyId: key.KeyId }, as)));
  for (const [label, ec] of contexts(k, v)) {
    const body = (o: Record<string, unknown>) => (ec === undefined ? o : { ...o, EncryptionContext: ec });
    out.push(show(`Encrypt ${label}`, await call('Encrypt', body({ KeyId: key.KeyId, Plaintext: 'aGVsbG8=' }), as)));
    const mine = await call('Encrypt', body({ KeyId: key.KeyId, Plaintext: 'aGVsbG8=' }));
    out.push(show(`Encrypt by the account ${label}`, mine));
    const blob = mine.json?.CiphertextBlob as string;
    out.push(show(`Decrypt ${label}`, await call('Decrypt', body({ CiphertextBlob: blob }), as)));
    out.push(show(`Decrypt by the account, wrong context, ${label}`, await call('Decrypt', { CiphertextBlob: blob, EncryptionContext: map([k, v + 'y']) })));
    const reBody: Record<string, unknown> = { CiphertextBlob: blob, DestinationKeyId: key.KeyId };
    if (ec !== undefined) Object.assign(reBody, { SourceEncryptionContext: ec, DestinationEncryptionContext: ec });
    out.push(show(`ReEncrypt ${label}`, await call('ReEncrypt', reBody, as)));
    // the source context right, the destination one the variant
    out.push(show(`ReEncrypt to ${label}`, await call('ReEncrypt', { CiphertextBlob: (await call('Encrypt', { KeyId: key.KeyId, Plaintext: 'aGVsbG8=', EncryptionContext: constraint })).json.CiphertextBlob, SourceEncryptionContext: constraint, DestinationKeyId: key.KeyId, ...(ec ? { DestinationEncryptionContext: ec } : {}) }, as)));
    out.push(show(`GenerateDataKey ${label}`, await call('GenerateDataKey', body({ KeyId: key.KeyId, KeySpec: 'AES_256' }), as)));
    out.push(show(`GenerateDataKeyWithoutPlaintext ${label}`, await call('GenerateDataKeyWithoutPlaintext', body({ KeyId: key.KeyId, NumberOfBytes: 16 }), as)));
    out.push(show(`GenerateDataKeyPairWithoutPlaintext ${label}`, await call('GenerateDataKeyPairWithoutPlaintext', body({ KeyId: key.KeyId, KeyPairSpec: 'ECC_NIST_P256' }), as)));
  }
  return { out, list };
}

describe('prototype-named keys in encryption contexts and grant constraints', () => {
  it('a constrained grant answers every operation as it does for an ordinary key, and ListGrants shows the key back', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...HOSTILE),
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.constantFrom(...KINDS),
        fc.boolean(),
        async (k, v, kind, extra) => {
          const ordinary = await constrainedGrantRun(ORDINARY, v, kind, extra);
          const hostile = await constrainedGrantRun(k, v, kind, extra);
          expect(hostile.out).toEqual(ordinary.out);
          // the sequence tells allow from deny: the test could fail
          expect(ordinary.out.filter((l) => l.endsWith(': 200')).length).toBeGreaterThan(3);
          expect(ordinary.out.filter((l) => l.endsWith('AccessDeniedException')).length).toBeGreaterThan(3);
          // ListGrants returns the constraint with the key as an own member of the JSON
          const listed = hostile.list.json.Grants[0].Constraints[kind];
          expect(Object.hasOwn(listed, k)).toBe(true);
          expect(listed[k]).toBe(v);
          expect(Object.keys(listed)).toEqual(extra ? [k, EXTRA] : [k]);
          expect(hostile.list.text).toContain(JSON.stringify({ [kind]: extra ? map([k, v], [EXTRA, '1']) : map([k, v]) }));
        },
      ),
      { numRuns: 16 },
    );
  }, 120_000);

  it.each(KINDS)('%s {"__proto__": "x"}: the grantee may not use another context, nor an empty one', async (kind) => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const Constraints = JSON.parse(`{"${kind}": {"__proto__": "x"}}`);
    expect((await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Encrypt'], Constraints })).status).toBe(200);
    const enc = (EncryptionContext?: Record<string, string>) => call('Encrypt', { KeyId: key.KeyId, Plaintext: 'aGVsbG8=', ...(EncryptionContext ? { EncryptionContext } : {}) }, { as: APP_ROLE });
    expect((await enc({ a: 'b' })).type).toBe('AccessDeniedException');
    expect((await enc({})).type).toBe('AccessDeniedException');
    expect((await enc()).type).toBe('AccessDeniedException');
    expect((await enc(JSON.parse('{"__proto__": "y"}'))).type).toBe('AccessDeniedException');
    expect((await enc(JSON.parse('{"__proto__": "x"}'))).status).toBe(200);
    // Equals wants exactly that pair; Subset lets more through
    const more = await enc(JSON.parse('{"__proto__": "x", "a": "b"}'));
    if (kind === 'EncryptionContextEquals') expect(more.type).toBe('AccessDeniedException');
    else expect(more.status).toBe(200);
  });
});

describe('prototype-named constraint keys after the world is stored, restored and rebuilt', () => {
  /** a grant with EncryptionContextEquals {k: v}, and what the grantee may do, before and after a reload and a seek */
  async function storedRun(k: string, v: string) {
    const store = createMemoryStore();
    const opts = { store, seed: 11 };
    let s = makeSim(opts);
    await s.sim.ready;
    const out: string[] = [];
    const key = await s.createKey();
    out.push(show('CreateGrant', await s.call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Encrypt'], Constraints: { EncryptionContextEquals: map([k, v]) } })));
    const granted = s.sim.clock.now();
    const probe = async (label: string) => {
      for (const [name, ec] of [['exact', map([k, v])], ['empty', {}], ['other value', map([k, v + 'x'])], ['other key', map([EXTRA, v])], ['more', map([k, v], [EXTRA, v])]] as const) {
        out.push(show(`${label} Encrypt ${name}`, await s.call('Encrypt', { KeyId: key.KeyId, Plaintext: 'aGVsbG8=', EncryptionContext: ec }, { as: APP_ROLE })));
      }
    };
    await probe('fresh');
    // enough inputs for checkpoints to be taken
    for (let i = 0; i < 300; i++) s.sim.clock.advance(1_000);
    await s.sim.flush();
    // a reload: a new simulator on the same store (records through structuredClone)
    s = makeSim(opts);
    await s.sim.ready;
    await probe('reloaded');
    // time travel: back to just after the grant, rebuilt from a checkpoint and the log
    await s.sim.seek(granted + 1);
    s.sim.fork();
    await probe('after seek');
    return out;
  }

  it('a memory store, a reload and a seek keep what the constraint allows', async () => {
    const ordinary = await storedRun(ORDINARY, 'v');
    expect(ordinary.filter((l) => l.endsWith('AccessDeniedException'))).toHaveLength(12);
    for (const k of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__PROTO__']) expect(await storedRun(k, 'v')).toEqual(ordinary);
  }, 60_000);
});
