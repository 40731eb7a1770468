/**
 * `__proto__`, `constructor`, `toString` and the other names of Object.prototype are legal keys
 * of every map-shaped member in KMS (encryption contexts, grant constraints, tags). Copying or
 * looking one up the careless ways (`out[k] = v`, Object.assign, `k in obj`, a bare `obj[k]`)
 * loses the pair or finds the prototype's member instead. These tests ask for the same answers
 * (status, __type, and messages with the key in its place) as with an ordinary key ("k1"): in
 * grants, in grants passed on, in Name idempotency, in model validation, in the ciphertext, and
 * through a store, a reload and a seek. How authorization applies such a constraint is in
 * protoKeys.grantConstraints.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryStore, HANDLERS } from '../../src/kms/index';
import { validateInput } from '../../src/kms/model/validate';
import { sameValue } from '../../src/kms/worldDiff';
import { APP_ROLE, AUDITOR, makeSim } from '../kms/helpers';

const HOSTILE = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__PROTO__', 'isPrototypeOf', '__defineGetter__', 'toLocaleString'];
const ORDINARY = 'k1';
const EXTRA = 'zz-extra';
const KINDS = ['EncryptionContextSubset', 'EncryptionContextEquals'] as const;

/** a map with these pairs as own properties (an object literal `{ __proto__: v }` would set the prototype) */
const map = (...pairs: [string, string][]): Record<string, string> => Object.fromEntries(pairs);

/** what a caller can tell apart: the status and the error type */
type Answer = { status: number; type?: string };
const show = (label: string, r: Answer) => `${label}: ${r.status}${r.type ? ' ' + r.type : ''}`;

describe('prototype-named keys in encryption contexts and grant constraints', () => {
  it('CreateGrant keeps a prototype-named constraint key, and ListGrants shows it back as an own member', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...HOSTILE), fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom(...KINDS), fc.boolean(), async (k, v, kind, extra) => {
        const run = async (key: string) => {
          const { call, createKey, sim } = makeSim();
          const kms = await createKey();
          const constraint = extra ? map([key, v], [EXTRA, '1']) : map([key, v]);
          const g = await call('CreateGrant', { KeyId: kms.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Encrypt', 'Decrypt'], Constraints: { [kind]: constraint } });
          const list = await call('ListGrants', { KeyId: kms.KeyId });
          const stored = sim.engine.world.grants.get(g.json.GrantId)!.constraints![kind]!;
          return { answers: [show('CreateGrant', g), show('ListGrants', list)], list, stored, constraint };
        };
        const ordinary = await run(ORDINARY);
        const hostile = await run(k);
        expect(hostile.answers).toEqual(ordinary.answers);
        expect(hostile.answers).toEqual(['CreateGrant: 200', 'ListGrants: 200']);
        // the record holds the pair as an own property, and not the request's object
        expect(Object.keys(hostile.stored)).toEqual(extra ? [k, EXTRA] : [k]);
        expect(Object.hasOwn(hostile.stored, k) && hostile.stored[k]).toBe(v);
        // ListGrants returns the constraint with the key as an own member of the JSON
        const listed = hostile.list.json.Grants[0].Constraints[kind];
        expect(Object.keys(listed)).toEqual(extra ? [k, EXTRA] : [k]);
        expect(Object.hasOwn(listed, k) && listed[k]).toBe(v);
        expect(hostile.list.text).toContain(JSON.stringify({ [kind]: hostile.constraint }));
      }),
      { numRuns: 40 },
    );
  });

  it('without the wire, the engine keeps its own copy of a constraint: own pairs only, not the caller\'s object, nor handed out by ListGrants', async () => {
    const { sim, createKey } = makeSim();
    const key = await createKey();
    const subset = Object.create({ inherited: 'i' }) as Record<string, string>;
    Object.defineProperty(subset, '__proto__', { value: 'x', enumerable: true, writable: true, configurable: true });
    (subset as { constructor: unknown }).constructor = 'c';
    const made = await sim.engine.run('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Encrypt'], Constraints: { EncryptionContextSubset: subset } });
    expect(made.ok).toBe(true);
    subset.added = 'later';
    (subset as Record<string, unknown>).__proto__ = 'changed';
    const listing = async () => {
      const r = await sim.engine.run('ListGrants', { KeyId: key.KeyId });
      return (r.ok ? (r.output as { Grants: { Constraints: { EncryptionContextSubset: Record<string, string> } }[] }) : null)!.Grants[0].Constraints.EncryptionContextSubset;
    };
    const listed = await listing();
    expect(JSON.stringify(listed)).toBe('{"__proto__":"x","constructor":"c"}');
    listed.added = 'by the caller';
    expect(JSON.stringify(await listing())).toBe('{"__proto__":"x","constructor":"c"}');
    // an operation name that is an Object.prototype member is no operation
    const odd = await sim.engine.run('constructor' as never, {});
    expect(odd.ok ? 'ran' : odd.error.code).toBe('UnsupportedOperationException');
  });

  it('the ciphertext binds a prototype-named context pair: a blob made under {"__proto__": "x"} decrypts under it alone', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    for (const k of HOSTILE) {
      const ec = map([k, 'x']);
      const blob = (await call('Encrypt', { KeyId: key.KeyId, Plaintext: 'aGVsbG8=', EncryptionContext: ec })).json.CiphertextBlob;
      expect((await call('Decrypt', { CiphertextBlob: blob, EncryptionContext: ec })).json.Plaintext).toBe('aGVsbG8=');
      for (const wrong of [{}, map([k, 'y']), map([ORDINARY, 'x'])]) {
        expect((await call('Decrypt', { CiphertextBlob: blob, EncryptionContext: wrong })).type).toBe('InvalidCiphertextException');
      }
      expect((await call('Decrypt', { CiphertextBlob: blob })).type).toBe('InvalidCiphertextException');
    }
  });
});

/** grants passed on by a grantee holding CreateGrant, and Name idempotency, with `k` in the constraints */
async function childGrantRun(k: string, v: string) {
  const { call, createKey } = makeSim();
  const out: string[] = [];
  const key = await createKey();
  const parent = await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['CreateGrant', 'Encrypt'], Constraints: { EncryptionContextSubset: map([k, v]) } });
  out.push(show('parent', parent));
  const child = (Constraints: Record<string, unknown> | undefined) =>
    call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: AUDITOR, Operations: ['Encrypt'], ...(Constraints ? { Constraints } : {}) }, { as: APP_ROLE });
  const tries: [string, Record<string, unknown> | undefined][] = [
    ['no constraints', undefined],
    ['the same subset', { EncryptionContextSubset: map([k, v]) }],
    ['a larger subset', { EncryptionContextSubset: map([k, v], [EXTRA, '1']) }],
    ['the upper-cased key', { EncryptionContextSubset: map([k.toUpperCase(), v]) }],
    ['another value', { EncryptionContextSubset: map([k, v + 'x']) }],
    ['another key', { EncryptionContextSubset: map([EXTRA, v]) }],
    ['an empty subset', { EncryptionContextSubset: {} }],
    ['equals containing it', { EncryptionContextEquals: map([k, v], [EXTRA, '1']) }],
    ['equals without it', { EncryptionContextEquals: map([EXTRA, '1']) }],
  ];
  for (const [label, c] of tries) out.push(show(`child, ${label}`, await child(c)));
  // Name idempotency compares the constraints: the same ones answer the same GrantId
  const named = (c: Record<string, string>) => call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'], Name: 'n', Constraints: { EncryptionContextEquals: c } });
  const first = (await named(map([k, v]))).json.GrantId;
  out.push(`same constraints, same grant: ${(await named(map([k, v]))).json.GrantId === first}`);
  out.push(`another value, another grant: ${(await named(map([k, v + 'x']))).json.GrantId !== first}`);
  out.push(`no pair, another grant: ${(await named(map([EXTRA, v]))).json.GrantId !== first}`);
  return out;
}

describe('prototype-named keys in grants passed on, in Name idempotency and in model validation', () => {
  it('a grantee passes on a grant with a prototype-named constraint key as with an ordinary key', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...HOSTILE), fc.string({ minLength: 1, maxLength: 12 }), async (k, v) => {
        const ordinary = await childGrantRun(ORDINARY, v);
        expect(await childGrantRun(k, v)).toEqual(ordinary);
        expect(ordinary.filter((l) => l.endsWith('AccessDeniedException')).length).toBeGreaterThan(2);
        expect(ordinary.filter((l) => l.endsWith(': 200')).length).toBeGreaterThan(2);
      }),
      { numRuns: 20 },
    );
  }, 60_000);

  it('validation answers the same status, type and message (with the key in its place) for a prototype-named key', async () => {
    const run = async (k: string) => {
      const { call, createKey } = makeSim();
      const key = await createKey();
      const bodies: [string, string][] = [
        ['Encrypt', `{"KeyId":"${key.KeyId}","Plaintext":"aGVsbG8=","EncryptionContext":{${JSON.stringify(k)}:null}}`],
        ['Encrypt', `{"KeyId":"${key.KeyId}","Plaintext":"aGVsbG8=","EncryptionContext":{${JSON.stringify(k)}:5}}`],
        ['Encrypt', `{"KeyId":"${key.KeyId}","Plaintext":"aGVsbG8=","EncryptionContext":{${JSON.stringify(k)}:{"a":"b"}}}`],
        ['Decrypt', `{"CiphertextBlob":"AAAA","EncryptionContext":{${JSON.stringify(k)}:[]}}`],
        ['GenerateDataKey', `{"KeyId":"${key.KeyId}","KeySpec":"AES_256","EncryptionContext":{"a":"b",${JSON.stringify(k)}:null}}`],
        ['ReEncrypt', `{"CiphertextBlob":"AAAA","DestinationKeyId":"${key.KeyId}","DestinationEncryptionContext":{${JSON.stringify(k)}:true}}`],
        ['CreateGrant', `{"KeyId":"${key.KeyId}","GranteePrincipal":"${APP_ROLE}","Operations":["Encrypt"],"Constraints":{"EncryptionContextSubset":{${JSON.stringify(k)}:null}}}`],
        ['CreateGrant', `{"KeyId":"${key.KeyId}","GranteePrincipal":"${APP_ROLE}","Operations":["Encrypt"],"Constraints":{"EncryptionContextEquals":{${JSON.stringify(k)}:"x","a":"1","b":"1","c":"1","d":"1","e":"1","f":"1","g":"1","h":"1"}}}`],
        ['CreateGrant', `{"KeyId":"${key.KeyId}","GranteePrincipal":"${APP_ROLE}","Operations":["Encrypt"],"Constraints":{"EncryptionContextEquals":{${JSON.stringify(k)}:"x"},"EncryptionContextSubset":{${JSON.stringify(k)}:"x"}}}`],
        ['CreateKey', `{"Tags":[{"TagKey":${JSON.stringify(k)},"TagValue":null}]}`],
        ['CreateKey', `{"Tags":[{"TagKey":${JSON.stringify(k)},"TagValue":"v"}]}`],
      ];
      const out: string[] = [];
      for (const [op, raw] of bodies) {
        const r = await call(op, undefined, { raw });
        out.push(`${op}: ${r.status} ${r.type ?? ''} ${(r.message ?? '').split(k).join('<key>')}`);
      }
      return out;
    };
    const ordinary = await run(ORDINARY);
    expect(ordinary.filter((l) => l.includes('ValidationException') || l.includes('SerializationException')).length).toBeGreaterThan(6);
    for (const k of HOSTILE) expect(await run(k)).toEqual(ordinary);
  });

  it('validateInput keeps a parsed `__proto__` key and checks it like any other', () => {
    const ok = validateInput('Encrypt', JSON.parse('{"KeyId":"k","Plaintext":"aGVsbG8=","EncryptionContext":{"__proto__":"x"}}'));
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(Object.keys(ok.value.EncryptionContext as object)).toEqual(['__proto__']);
    const bad = validateInput('Encrypt', JSON.parse('{"KeyId":"k","Plaintext":"aGVsbG8=","EncryptionContext":{"__proto__":null}}'));
    expect(bad).toMatchObject({ ok: false, code: 'ValidationException' });
    // a map's inherited members are not its pairs
    const inherited = Object.create({ inherited: 5 }) as Record<string, unknown>;
    inherited.own = 'x';
    expect(validateInput('Encrypt', { KeyId: 'k', Plaintext: 'aGVsbG8=', EncryptionContext: inherited }).ok).toBe(true);
  });
});

describe('prototype-named keys survive the world being stored, restored and rebuilt', () => {
  /** a key tagged {k: v} and a grant with constraint {k: v}: what the records and ListGrants hold, before and after a reload and a seek */
  async function storedRun(k: string, v: string) {
    const store = createMemoryStore();
    const opts = { store, seed: 11 };
    let s = makeSim(opts);
    await s.sim.ready;
    const out: string[] = [];
    const key = await s.createKey({ Tags: [{ TagKey: k, TagValue: v }] });
    out.push(show('CreateGrant', await s.call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Encrypt'], Constraints: { EncryptionContextEquals: map([k, v]) } })));
    const granted = s.sim.clock.now();
    const probe = async (label: string) => {
      const list = await s.call('ListGrants', { KeyId: key.KeyId });
      const c = list.json.Grants[0].Constraints.EncryptionContextEquals;
      out.push(`${label} listed: ${Object.keys(c).length === 1 && Object.hasOwn(c, k) && c[k] === v}`);
      // the pair the grant names works (whether others are refused: protoKeys.grantConstraints.test.ts)
      out.push(show(`${label} Encrypt`, await s.call('Encrypt', { KeyId: key.KeyId, Plaintext: 'aGVsbG8=', EncryptionContext: map([k, v]) }, { as: APP_ROLE })));
      const stored = s.sim.engine.world.grants.values().next().value!;
      out.push(`${label} record: ${JSON.stringify(stored.constraints).split(JSON.stringify(k)).join('"<key>"')}`);
      out.push(`${label} tags: ${JSON.stringify(s.sim.engine.world.keys.get(key.KeyId)!.tags).split(JSON.stringify(k)).join('"<key>"')}`);
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
    await s.sim.flush();
    return out;
  }

  it('a memory store, a reload and a seek keep the key in the grant and the tags', async () => {
    const ordinary = await storedRun(ORDINARY, 'v');
    expect(ordinary).toContain('after seek listed: true');
    expect(ordinary).toContain('after seek record: {"EncryptionContextEquals":{"<key>":"v"}}');
    for (const k of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) expect(await storedRun(k, 'v')).toEqual(ordinary);
  }, 60_000);

  it('worldDiff tells records apart by a prototype-named key', () => {
    const a = JSON.parse('{"c":{"__proto__":"x"}}');
    expect(sameValue(a, JSON.parse('{"c":{"__proto__":"x"}}'))).toBe(true);
    expect(sameValue(a, JSON.parse('{"c":{"__proto__":"y"}}'))).toBe(false);
    expect(sameValue(a, JSON.parse('{"c":{}}'))).toBe(false);
    expect(sameValue(JSON.parse('{"c":{"toString":"x"}}'), JSON.parse('{"c":{"valueOf":"x"}}'))).toBe(false);
    expect(sameValue(structuredClone(a), a)).toBe(true);
  });

  it('the operation table has no prototype: no Object.prototype member is taken for an operation', () => {
    for (const k of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__']) expect((HANDLERS as Record<string, unknown>)[k]).toBeUndefined();
    expect(typeof HANDLERS.CreateGrant).toBe('function');
  });
});
