import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/kms/wire/http';
import { bareErrorType, checkExpectation, jsonEqual, jsonStringBytes, resolveReferences, valueAtPath } from '../../src/scenario/expect';
import { LIMITS } from '../../src/scenario/limits';

const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const responses = new Map<string, unknown>([
  ['key', { KeyMetadata: { Arn: KEY_ARN, KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', Enabled: true, CreationDate: 1767225600 } }],
  ['grant', { GrantId: 'g'.repeat(64), GrantToken: 'TOKEN' }],
  ['list', { Grants: [{ Name: 'app', Operations: ['Encrypt', 'Decrypt'] }], Truncated: false }],
  ['retire', undefined],
]);

describe('valueAtPath', () => {
  it('walks object members, array indexes and length', () => {
    const body = responses.get('list');
    expect(valueAtPath(body, 'Grants.length')).toBe(1);
    expect(valueAtPath(body, 'Grants.0.Name')).toBe('app');
    expect(valueAtPath(body, 'Grants.0.Name.length')).toBe(3);
    expect(valueAtPath(body, 'Grants.0.Operations.1')).toBe('Decrypt');
    expect(valueAtPath(body, 'Truncated')).toBe(false);
    expect(valueAtPath(body, '')).toBe(body);
  });

  it('finds nothing past the end, in scalars, or through inherited members', () => {
    const body = responses.get('list');
    for (const path of ['Grants.1', 'Grants.01', 'Grants.-1', 'Truncated.x', 'Nope', 'Grants.0.Name.0', 'constructor', '__proto__', 'Grants.0.toString']) {
      expect(valueAtPath(body, path), path).toBeTypeOf('symbol');
    }
  });
});

describe('resolveReferences', () => {
  it('gives a string that is exactly one reference the referenced value, with its JSON type', () => {
    expect(resolveReferences('{{key.KeyMetadata.Arn}}', responses)).toEqual({ ok: true, value: KEY_ARN });
    expect(resolveReferences('{{key.KeyMetadata.Enabled}}', responses)).toEqual({ ok: true, value: true });
    expect(resolveReferences('{{key.KeyMetadata.CreationDate}}', responses)).toEqual({ ok: true, value: 1767225600 });
    expect(resolveReferences('{{list.Grants.0.Operations}}', responses)).toEqual({ ok: true, value: ['Encrypt', 'Decrypt'] });
    expect(resolveReferences('{{list.Grants.length}}', responses)).toEqual({ ok: true, value: 1 });
  });

  it('interpolates references inside longer text as text', () => {
    expect(resolveReferences('key {{key.KeyMetadata.KeyId}} has {{list.Grants.length}} grant(s)', responses)).toEqual({
      ok: true,
      value: 'key 1234abcd-12ab-34cd-56ef-1234567890ab has 1 grant(s)',
    });
    expect(resolveReferences('{{grant.GrantToken}}{{grant.GrantToken}}', responses)).toEqual({ ok: true, value: 'TOKENTOKEN' });
    expect(resolveReferences('ops: {{list.Grants.0.Operations}}', responses)).toEqual({ ok: true, value: 'ops: ["Encrypt","Decrypt"]' });
  });

  it('replaces references at any depth and leaves everything else as it was', () => {
    const body = {
      KeyId: '{{key.KeyMetadata.Arn}}',
      GrantTokens: ['{{grant.GrantToken}}', 'literal'],
      Constraints: { EncryptionContextSubset: { id: '{{grant.GrantId}}', other: '{{ not a reference }}', n: 3, b: null } },
    };
    const r = resolveReferences(body, responses);
    expect(r).toEqual({
      ok: true,
      value: {
        KeyId: KEY_ARN,
        GrantTokens: ['TOKEN', 'literal'],
        Constraints: { EncryptionContextSubset: { id: 'g'.repeat(64), other: '{{ not a reference }}', n: 3, b: null } },
      },
    });
    expect(body.KeyId).toBe('{{key.KeyMetadata.Arn}}');
  });

  it('says which reference cannot be resolved, and why', () => {
    expect(resolveReferences({ GrantTokens: ['{{grant.GrantTokn}}'] }, responses)).toEqual({ ok: false, message: "step 'grant' has no response member GrantTokn" });
    expect(resolveReferences('{{nope.X}}', responses)).toEqual({ ok: false, message: expect.stringMatching(/^step 'nope' has no response/) });
    expect(resolveReferences('{{retire.X}}', responses)).toEqual({ ok: false, message: "step 'retire' has no response member X (its response had no JSON body)" });
    expect(resolveReferences('{{retire}}', responses)).toEqual({ ok: false, message: "step 'retire' has no response body" });
  });

  it('keeps a "__proto__" key a plain data member', () => {
    const r = resolveReferences(JSON.parse('{"__proto__":{"x":"{{grant.GrantToken}}"}}'), responses);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.keys(r.value as object)).toEqual(['__proto__']);
    expect(JSON.stringify(r.value)).toBe('{"__proto__":{"x":"TOKEN"}}');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('is the identity on values without references (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        fc.pre(!JSON.stringify(v).includes('{{'));
        const r = resolveReferences(v, responses);
        expect(r.ok).toBe(true);
        if (r.ok) expect(JSON.stringify(r.value)).toBe(JSON.stringify(v));
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});

describe('resolveReferences: the resolved size is bounded', () => {
  /** a 30 KB policy text of quotes: 60 KB once written as JSON again */
  const quotes = '"'.repeat(15_000);
  const big = new Map<string, unknown>([['k', { Policy: quotes, Doc: { a: [quotes, 1, true, null] } }]]);
  const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

  it('the default bound is the engine\'s body limit, 1 MiB', () => {
    expect(LIMITS.requestBodyBytes).toBe(MAX_BODY_BYTES);
    expect(MAX_BODY_BYTES).toBe(1_048_576);
  });

  it('9,000 references to a 30 KB string stop at the limit, fast, with a reason in words', () => {
    for (const item of ['{{k.Policy}}', 'x{{k.Policy}}', '{{k.Doc}}', '{{k.Doc}}{{k.Policy}}']) {
      const t0 = performance.now();
      const r = resolveReferences({ x: Array.from({ length: 9_000 }, () => item) }, big, { what: 'a body' });
      const ms = performance.now() - t0;
      expect(r, item).toEqual({ ok: false, message: "this step's {{references}} would make a body over 1 MiB" });
      // about 1 MiB of counting, never the 540 MB the value would grow to (that took 10–28 s)
      expect(ms, item).toBeLessThan(1_500);
    }
    expect(resolveReferences(['{{k.Policy}}', '{{k.Policy}}'], big, { maxBytes: 100 })).toEqual({ ok: false, message: "this step's {{references}} would make a value over 100 bytes" });
    expect(resolveReferences('{{k.Policy}}', big, { maxBytes: 16 * 1024, what: 'a caller' })).toEqual({ ok: false, message: "this step's {{references}} would make a caller over 16 KiB" });
  });

  it('a value whose JSON is exactly the limit resolves; one byte less fails (property)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    const resp = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.oneof(text, fc.jsonValue({ maxDepth: 2 })), { minKeys: 3 });
    const piece = fc.oneof(text.filter((t) => !t.includes('{{')), fc.constantFrom('{{r.a}}', '{{r.b}}', '{{r.c}}', '{{r}}'));
    const str = fc.array(piece, { maxLength: 4 }).map((p) => p.join(''));
    const template = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, str, fc.jsonValue({ maxDepth: 1 }), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(text, tie('v'), { maxKeys: 3 })),
    })).v;
    fc.assert(
      fc.property(resp, template, (body, v) => {
        const responses = new Map<string, unknown>([['r', JSON.parse(JSON.stringify(body))]]);
        const full = resolveReferences(v, responses, { maxBytes: Infinity });
        fc.pre(full.ok);
        if (!full.ok) return;
        const size = bytes(full.value);
        expect(resolveReferences(v, responses, { maxBytes: size })).toEqual(full);
        expect(resolveReferences(v, responses, { maxBytes: size - 1 }).ok).toBe(false);
      }),
      { seed: 7, numRuns: 60 },
    );
  });

  it('jsonStringBytes counts what JSON.stringify writes, in UTF-8', () => {
    for (const s of ['', 'a', '"\\', '\n\t\u0001\u001f\u007f', 'é€😀', '\ud800x', 'x\udc00', '\u2028']) {
      expect(jsonStringBytes(s), JSON.stringify(s)).toBe(bytes(s));
    }
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(jsonStringBytes(s)).toBe(bytes(s));
      }), { seed: 3, numRuns: 300 });
  });
});

describe('checkExpectation', () => {
  const denied = {
    __type: 'AccessDeniedException',
    message: `User: arn:aws:iam::111122223333:role/App is not authorized to perform: kms:Encrypt on resource: ${KEY_ARN} because no identity-based policy allows the kms:Encrypt action`,
  };

  it('passes when every stated member matches, and an empty expectation always passes', () => {
    expect(checkExpectation({}, 500, undefined)).toEqual({ ok: true, failures: [], details: [] });
    expect(checkExpectation({ status: 400, error: 'AccessDeniedException' }, 400, denied)).toEqual({ ok: true, failures: [], details: [] });
    expect(checkExpectation({ error: 'com.amazon.coral.service#AccessDeniedException' }, 400, denied).ok).toBe(true);
    expect(checkExpectation({ status: 200, match: { 'Grants.length': 1, 'Grants.0': { Operations: ['Encrypt', 'Decrypt'], Name: 'app' } } }, 200, responses.get('list')).ok).toBe(true);
  });

  it('explains a wrong status in plain English, with the error the response carried', () => {
    const r = checkExpectation({ status: 200 }, 400, denied);
    expect(r.ok).toBe(false);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatch(/^expected status 200, got 400 \(AccessDeniedException: User: arn:aws:iam::111122223333:role\/App is not authorized/);
    expect(checkExpectation({ status: 400 }, 200, { GrantId: 'x' }).failures).toEqual(['expected status 400, got 200']);
  });

  it('explains a wrong or missing error type', () => {
    expect(checkExpectation({ error: 'DisabledException' }, 400, denied).failures).toEqual([expect.stringMatching(/^expected error DisabledException, got AccessDeniedException: User: /)]);
    expect(checkExpectation({ error: 'DisabledException' }, 200, undefined).failures).toEqual(['expected error DisabledException, got 200 with no error']);
    expect(checkExpectation({ error: 'InvalidCiphertextException' }, 400, { __type: 'IncorrectKeyException' }).failures).toEqual([
      'expected error InvalidCiphertextException, got IncorrectKeyException',
    ]);
  });

  it('explains each value that differs or is missing', () => {
    const r = checkExpectation({ status: 200, match: { 'Grants.length': 2, 'Grants.0.Name': 'app', 'Grants.1.Name': 'other', Truncated: false } }, 200, responses.get('list'));
    expect(r).toEqual({
      ok: false,
      failures: ['expected Grants.length to be 2, got 1', 'expected Grants.1.Name to be "other", but the response has no Grants.1.Name'],
      // the same, as data, index for index (a lesson words them for learners)
      details: [
        { kind: 'match', path: 'Grants.length', want: 2, got: 1, missing: false },
        { kind: 'match', path: 'Grants.1.Name', want: 'other', missing: true },
      ],
    });
    expect(checkExpectation({ match: { 'Grants.length': 0 } }, 400, denied).failures).toEqual([
      expect.stringMatching(/^expected Grants\.length to be 0, but the response has no Grants\.length \(it is 400 \(AccessDeniedException: /),
    ]);
  });

  it('compares with JSON types: 1 is not "1", and arrays keep their order', () => {
    expect(checkExpectation({ match: { 'Grants.length': '1' } }, 200, responses.get('list')).ok).toBe(false);
    expect(checkExpectation({ match: { 'Grants.0.Operations': ['Decrypt', 'Encrypt'] } }, 200, responses.get('list')).ok).toBe(false);
    expect(checkExpectation({ match: { Truncated: null } }, 200, { Truncated: null }).ok).toBe(true);
  });
});

describe('helpers', () => {
  it('reads error types as the SDKs do', () => {
    expect(bareErrorType('com.amazon.coral.validate#ValidationException')).toBe('ValidationException');
    expect(bareErrorType('AccessDeniedException:http://internal.amazon.com/coral/')).toBe('AccessDeniedException');
  });

  it('compares JSON deeply, member order aside', () => {
    expect(jsonEqual({ a: [1, { b: 2, c: 3 }] }, { a: [1, { c: 3, b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });
});
