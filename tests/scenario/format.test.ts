import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  LIMITS,
  MIGRATIONS,
  migrate,
  parseScenario,
  resolveSettings,
  rootArn,
  SCENARIO_VERSION,
  simulatorOptions,
  stripDefaults,
  validateScenario,
  type Migration,
  type Scenario,
  type ScenarioV0,
} from '../../src/scenario/format';
import { APP_ROLE, KEY_ARN, LESSON_20, MINIMAL } from './fixtures';

function expectShapeError(x: unknown, detail: RegExp) {
  const r = validateScenario(x);
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.error).toBe('bad-shape');
    expect(r.detail).toMatch(detail);
  }
}

describe('validateScenario', () => {
  it('accepts the 20-step lesson and returns an equal copy, not the same objects', () => {
    const r = validateScenario(LESSON_20);
    expect(r).toEqual({ ok: true, scenario: LESSON_20 });
    if (r.ok) {
      expect(r.scenario).not.toBe(LESSON_20);
      expect(r.scenario.steps[1]).not.toBe(LESSON_20.steps[1]);
      expect((r.scenario.steps[1] as { body: unknown }).body).not.toBe((LESSON_20.steps[1] as { body: unknown }).body);
    }
  });

  it('drops members it does not know, at every level but inside request bodies', () => {
    const r = validateScenario({
      v: 2,
      seed: 1,
      extra: 'x',
      settings: { hosts: 2, evil: true, propagation: { minMs: 1, maxMs: 2, other: 3 } },
      steps: [{ kind: 'request', target: 'CreateKey', body: { Description: 'kept', Custom: 1 }, onclick: 'alert(1)' }],
    });
    expect(r).toEqual({
      ok: true,
      scenario: {
        v: 2,
        seed: 1,
        settings: { hosts: 2, propagation: { minMs: 1, maxMs: 2 } },
        steps: [{ kind: 'request', target: 'CreateKey', body: { Description: 'kept', Custom: 1 } }],
      },
    });
  });

  it('keeps a "__proto__" key in a body as plain data without touching any prototype', () => {
    const input = JSON.parse('{"v":2,"seed":1,"steps":[{"kind":"request","target":"Encrypt","body":{"EncryptionContext":{"__proto__":{"polluted":true}}}}]}');
    const r = validateScenario(input);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const body = (r.scenario.steps[0] as { body: Record<string, Record<string, unknown>> }).body;
    expect(Object.keys(body.EncryptionContext)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(body.EncryptionContext)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(body)).toBe('{"EncryptionContext":{"__proto__":{"polluted":true}}}');
  });

  it.each([
    ['not an object', 'nope', /^scenario must be an object of named members, not text/],
    ['no version', { seed: 1, steps: [] }, /^v is missing \(this is not a scenario\)/],
    ['a string version', { v: '2', seed: 1, steps: [] }, /^v must be a version number, not text/],
    ['no seed', { v: 2, steps: [] }, /^seed is missing/],
    ['a negative seed', { v: 2, seed: -1, steps: [] }, /^seed -1 is not a whole number from 0 to 4,294,967,295/],
    ['a fractional seed', { v: 2, seed: 1.5, steps: [] }, /^seed 1\.5 is not a whole number from 0 to/],
    ['a seed above uint32', { v: 2, seed: 2 ** 32, steps: [] }, /^seed 4294967296 is not a whole number from 0 to 4,294,967,295/],
    ['steps not an array', { v: 2, seed: 1, steps: {} }, /^steps must be a list of steps, not an object/],
    ['an unknown step kind', { v: 2, seed: 1, steps: [{ kind: 'wait' }] }, /^steps\[0\]\.kind/],
    ['a request without body', { v: 2, seed: 1, steps: [{ kind: 'request', target: 'CreateKey' }] }, /^steps\[0\]\.body is missing/],
    ['a body that is an array', { v: 2, seed: 1, steps: [{ kind: 'request', target: 'CreateKey', body: [] }] }, /^steps\[0\]\.body must be an object of named members, not a list/],
    ['a target with a dot', { v: 2, seed: 1, steps: [{ kind: 'request', target: 'TrentService.CreateKey', body: {} }] }, /^steps\[0\]\.target 'TrentService\.CreateKey' is not an operation name/],
    ['a negative at', { v: 2, seed: 1, steps: [{ kind: 'request', at: -5, target: 'CreateKey', body: {} }] }, /^steps\[0\]\.at/],
    ['a negative advance', { v: 2, seed: 1, steps: [{ kind: 'advance', ms: -1 }] }, /^steps\[0\]\.ms/],
    ['an infinite advance', { v: 2, seed: 1, steps: [{ kind: 'advance', ms: Infinity }] }, /^steps\[0\]\.ms Infinity is not a whole number of milliseconds/],
    ['a note without text', { v: 2, seed: 1, steps: [{ kind: 'note' }] }, /^steps\[0\]\.text is missing/],
    ['a host beyond hosts', { v: 2, seed: 1, steps: [{ kind: 'request', target: 'CreateKey', body: {}, host: 3 }] }, /^steps\[0\]\.host 3 is not a whole number of a host \(counting from 0\) from 0 to 2/],
    ['a pinned host beyond hosts', { v: 2, seed: 1, settings: { hosts: 2, routing: { pinned: 2 } }, steps: [] }, /^settings\.routing\.pinned/],
    ['an unknown routing', { v: 2, seed: 1, settings: { routing: 'nearest' }, steps: [] }, /^settings\.routing 'nearest' is not 'random', 'round-robin'/],
    ['minMs above maxMs', { v: 2, seed: 1, settings: { propagation: { minMs: 10, maxMs: 5 } }, steps: [] }, /^settings\.propagation says changes arrive at the earliest 10 ms and at the latest 5 ms/],
    ['zero hosts', { v: 2, seed: 1, settings: { hosts: 0 }, steps: [] }, /^settings\.hosts/],
    ['a bad region', { v: 2, seed: 1, settings: { region: 'evil.com/x' }, steps: [] }, /^settings\.region 'evil\.com\/x' is not an AWS region name/],
    ['a bad account', { v: 2, seed: 1, settings: { accountId: '12' }, steps: [] }, /^settings\.accountId/],
    ['an access key id with a header break', { v: 2, seed: 1, settings: { principals: [{ arn: APP_ROLE, accessKeyId: 'AKIA\r\nX-Evil: 1' }] }, steps: [] }, /accessKeyId 'AKIA\\r\\nX-Evil: 1' is not an access key id/],
    ['a principal twice', { v: 2, seed: 1, settings: { principals: [{ arn: APP_ROLE, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, { arn: APP_ROLE, accessKeyId: 'AKIAI44QH8DHBEXAMPLE' }] }, steps: [] }, /^settings\.principals\[1\] lists arn:aws:iam::\S+ a second time \(it is already settings\.principals\[0\]\)/],
    ['an unknown caller', { v: 2, seed: 1, steps: [{ kind: 'request', caller: APP_ROLE, target: 'Decrypt', body: {} }] }, /^steps\[0\]\.caller '.*' is neither the account root nor a principal in settings\.principals/],
    ['a NaN in a body', { v: 2, seed: 1, steps: [{ kind: 'request', target: 'Encrypt', body: { x: NaN } }] }, /body\.x NaN is not a finite number/],
    ['a function in a body', { v: 2, seed: 1, steps: [{ kind: 'request', target: 'Encrypt', body: { x: () => 1 } }] }, /body\.x must be JSON .*not a function/],
    ['a Date in a body', { v: 2, seed: 1, steps: [{ kind: 'request', target: 'Encrypt', body: { x: new Date(0) } }] }, /body\.x must be JSON/],
  ])('refuses %s', (_name, input, detail) => {
    expectShapeError(input, detail);
  });

  it('bounds the number of steps and the length of strings', () => {
    const steps = Array.from({ length: LIMITS.steps + 1 }, () => ({ kind: 'settle' }));
    expectShapeError({ v: 2, seed: 1, steps }, /^steps holds 501 steps; at most 500 are allowed/);
    expect(validateScenario({ v: 2, seed: 1, steps: steps.slice(1) }).ok).toBe(true);
    expectShapeError({ v: 2, seed: 1, title: 'x'.repeat(LIMITS.titleLength + 1), steps: [] }, /^title is 201 characters long; at most 200 are allowed/);
    expectShapeError({ v: 2, seed: 1, steps: [{ kind: 'note', text: 'x'.repeat(LIMITS.textLength + 1) }] }, /text is 4,001 characters long; at most 4,000/);
    expectShapeError(
      { v: 2, seed: 1, steps: [{ kind: 'request', target: 'Encrypt', body: { Plaintext: 'x'.repeat(LIMITS.jsonStringLength + 1) } }] },
      /body\.Plaintext is 65,537 characters long; at most 65,536/,
    );
  });

  it('bounds the depth and the size of bodies, cycles included', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < LIMITS.jsonDepth + 2; i++) deep = { a: deep };
    expectShapeError({ v: 2, seed: 1, steps: [{ kind: 'request', target: 'Encrypt', body: deep }] }, /nests deeper than 16 levels/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expectShapeError({ v: 2, seed: 1, steps: [{ kind: 'request', target: 'Encrypt', body: cyclic }] }, /nests deeper/);
    const wide = { list: Array.from({ length: LIMITS.jsonNodes }, (_, i) => i) };
    expectShapeError({ v: 2, seed: 1, steps: [{ kind: 'request', target: 'Encrypt', body: wide }] }, /holds more than 10,000 values/);
  });

  it('answers instead of throwing when reading the input throws', () => {
    const hostile = new Proxy({}, { get: () => { throw new Error('boom'); }, ownKeys: () => { throw new Error('boom'); } });
    const r = validateScenario({ v: 2, seed: 1, steps: [{ kind: 'request', target: 'X', body: hostile }] });
    expect(r.ok).toBe(false);
    const getter = { v: 2, seed: 1, get steps(): never { throw new Error('boom'); } };
    expect(validateScenario(getter)).toMatchObject({ ok: false, error: 'bad-shape' });
  });

  it('accepts the account root as caller, by its ARN for the configured account', () => {
    const s = { v: 2, seed: 1, settings: { accountId: '444455556666' }, steps: [{ kind: 'request', caller: rootArn('444455556666'), target: 'ListKeys', body: {} }] };
    expect(validateScenario(s).ok).toBe(true);
    expectShapeError({ ...s, settings: {} }, /caller/);
  });

  it('refuses other versions with unknown-version, pointing older ones to parseScenario', () => {
    expect(validateScenario({ v: 3, seed: 1, steps: [] })).toEqual({
      ok: false,
      error: 'unknown-version',
      detail: 'format v3 is not supported (this playground reads up to v2)',
    });
    expect(validateScenario({ v: 0, seed: 1, requests: [] })).toMatchObject({ ok: false, error: 'unknown-version', detail: expect.stringMatching(/parseScenario/) });
    expect(validateScenario({ v: 1, seed: 1, steps: [] })).toMatchObject({ ok: false, error: 'unknown-version', detail: expect.stringMatching(/v1 is older than v2/) });
  });
});

describe('settings and defaults', () => {
  it('resolves every setting, with the defaults of the format', () => {
    expect(resolveSettings(undefined)).toEqual({
      region: 'us-east-1',
      accountId: '111122223333',
      startTime: Date.UTC(2026, 0, 1),
      hosts: 3,
      routing: 'random',
      propagation: { minMs: 500, maxMs: 300_000, distribution: 'realistic' },
      principals: [],
    });
    expect(resolveSettings({ hosts: 5, propagation: { minMs: 0, maxMs: 10 } })).toMatchObject({
      hosts: 5,
      propagation: { minMs: 0, maxMs: 10, distribution: 'realistic' },
    });
  });

  it('passes every setting and the seed to the simulator', () => {
    expect(simulatorOptions(MINIMAL)).toEqual({ seed: 42, ...resolveSettings(undefined) });
  });

  it('strips the settings that equal their defaults', () => {
    const s: Scenario = {
      v: 2,
      seed: 3,
      settings: {
        region: 'us-east-1',
        accountId: DEFAULT_SETTINGS.accountId,
        hosts: 3,
        routing: 'random',
        propagation: { minMs: 500, maxMs: 300_000 },
        principals: [],
      },
      steps: [],
    };
    expect(stripDefaults(s)).toEqual({ v: 2, seed: 3, steps: [] });
    expect(stripDefaults({ ...s, settings: { routing: { pinned: 1 }, propagation: { minMs: 500, maxMs: 300_000, distribution: 'uniform' } } })).toEqual({
      v: 2,
      seed: 3,
      settings: { routing: { pinned: 1 }, propagation: { minMs: 500, maxMs: 300_000, distribution: 'uniform' } },
      steps: [],
    });
    expect(stripDefaults({ ...s, settings: { propagation: { minMs: 5, maxMs: 300_000, distribution: 'realistic' } } }).settings).toEqual({
      propagation: { minMs: 5, maxMs: 300_000 },
    });
  });

  it('keeps the defaults frozen', () => {
    expect(Object.isFrozen(DEFAULT_SETTINGS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SETTINGS.propagation)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SETTINGS.principals)).toBe(true);
  });
});

describe('migrations', () => {
  const v0: ScenarioV0 = {
    v: 0,
    seed: 9,
    region: 'eu-west-1',
    requests: [
      { op: 'TrentService.CreateKey', input: { Description: 'from v0' } },
      { t: 1_500, op: 'CreateGrant', input: { KeyId: KEY_ARN, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] } },
      { t: 3_000, op: 'ListGrants' },
    ],
  };

  it('has one migration per old version, each moving forward to the next', () => {
    for (const [from, m] of Object.entries(MIGRATIONS)) expect(m.to).toBe(Number(from) + 1);
    expect(Math.max(...Object.values(MIGRATIONS).map((m) => m.to))).toBe(SCENARIO_VERSION);
  });

  it('migrates the v0 pre-release format to the latest version, through v1', () => {
    expect(parseScenario(v0)).toEqual({
      ok: true,
      scenario: {
        v: 2,
        seed: 9,
        settings: { region: 'eu-west-1' },
        steps: [
          { kind: 'request', target: 'CreateKey', body: { Description: 'from v0' } },
          { kind: 'request', at: 1_500, target: 'CreateGrant', body: { KeyId: KEY_ARN, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] } },
          { kind: 'request', at: 3_000, target: 'ListGrants', body: {} },
        ],
      },
    });
  });

  it('reports a v0 document that is not of the v0 shape as bad-shape', () => {
    expect(parseScenario({ v: 0, seed: 1, steps: [] })).toEqual({ ok: false, error: 'bad-shape', detail: 'requests must be a list of requests, not nothing' });
    expect(parseScenario({ v: 0, seed: 1, requests: [{ input: {} }] })).toEqual({ ok: false, error: 'bad-shape', detail: 'requests[0].op must be an operation name (text), not nothing' });
    // the migrated document still goes through validation
    expect(parseScenario({ v: 0, seed: -1, requests: [] })).toMatchObject({ ok: false, error: 'bad-shape', detail: expect.stringMatching(/^seed/) });
  });

  it('leaves the latest version alone and refuses newer or unknown ones', () => {
    expect(migrate({ v: 2 })).toEqual({ ok: true, doc: { v: 2 } });
    expect(migrate({ v: 3 })).toMatchObject({ ok: false, error: 'unknown-version' });
    expect(migrate({ v: -1 })).toMatchObject({ ok: false, error: 'unknown-version' });
    expect(migrate({ v: 0.5 })).toMatchObject({ ok: false, error: 'bad-shape' });
  });

  it('chains the migrations of a table in order (synthetic v0 → v1 → v2)', () => {
    const seen: number[] = [];
    const table: Record<number, Migration> = {
      0: { to: 1, summary: 'rename requests', up: (d) => (seen.push(0), { v: 1, steps: d.requests }) },
      1: { to: 2, summary: 'wrap steps', up: (d) => (seen.push(1), { v: 2, script: { steps: d.steps } }) },
    };
    expect(migrate({ v: 0, requests: ['a'] } as { v: number }, table, 2)).toEqual({ ok: true, doc: { v: 2, script: { steps: ['a'] } } });
    expect(seen).toEqual([0, 1]);
    expect(migrate({ v: 1, steps: [] } as { v: number }, table, 2)).toEqual({ ok: true, doc: { v: 2, script: { steps: [] } } });
  });

  it('refuses a table with a gap, a migration that lies about its output, or one that throws', () => {
    const gap: Record<number, Migration> = { 0: { to: 1, summary: '', up: () => ({ v: 1 }) } };
    expect(migrate({ v: 0 }, gap, 2)).toMatchObject({ ok: false, error: 'unknown-version', detail: expect.stringMatching(/no migration from it/) });
    const liar: Record<number, Migration> = { 0: { to: 1, summary: '', up: () => ({ v: 0 }) } };
    expect(migrate({ v: 0 }, liar, 1)).toMatchObject({ ok: false, error: 'bad-shape' });
    const thrower: Record<number, Migration> = { 0: { to: 1, summary: '', up: () => { throw new TypeError('oops'); } } };
    expect(migrate({ v: 0 }, thrower, 1)).toMatchObject({ ok: false, error: 'bad-shape', detail: expect.stringMatching(/oops/) });
  });
});

describe('v2: ids, titles, notes, expectations and references', () => {
  const base = { v: 2, seed: 1, settings: { principals: [{ arn: APP_ROLE, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }] } };
  const full: Scenario = {
    v: 2,
    title: 'T',
    description: 'What it is about.\n\nSecond paragraph with `code`.',
    seed: 1,
    settings: { principals: [{ arn: APP_ROLE, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }] },
    steps: [
      { kind: 'note', id: 'intro', title: 'Intro', text: 'Hello', note: 'n' },
      { kind: 'request', id: 'key', title: 'Create', target: 'CreateKey', body: {}, expect: { status: 200, match: { 'KeyMetadata.KeyState': 'Enabled' } }, note: 'k' },
      {
        kind: 'request',
        id: 'grant',
        title: 'Grant',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] },
        expect: { status: 200 },
      },
      { kind: 'advance', id: 'wait', title: 'Wait', ms: 1_000, note: 'w' },
      { kind: 'settle', id: 'settle', title: 'Settle', note: 's' },
      {
        kind: 'request',
        title: 'Use the token',
        caller: APP_ROLE,
        target: 'Decrypt',
        body: { CiphertextBlob: 'x', GrantTokens: ['{{grant.GrantToken}}'], Note: 'key {{key.KeyMetadata.KeyId}}' },
        expect: { status: 400, error: 'AccessDeniedException', match: { 'x.y': '{{grant.GrantId}}', n: [1, { a: null }] } },
      },
    ],
  };

  it('accepts every new member and keeps them in canonical order', () => {
    const r = validateScenario(full);
    expect(r).toEqual({ ok: true, scenario: full });
    if (!r.ok) return;
    expect(Object.keys(r.scenario)).toEqual(['v', 'title', 'description', 'seed', 'settings', 'steps']);
    expect(Object.keys(r.scenario.steps[5])).toEqual(['kind', 'title', 'caller', 'target', 'body', 'expect', 'note'].filter((k) => k in full.steps[5]));
    expect(Object.keys(r.scenario.steps[1])).toEqual(['kind', 'id', 'title', 'target', 'body', 'expect', 'note']);
    expect(stripDefaults(r.scenario)).toEqual(full);
  });

  it.each([
    ['an id that starts with a digit', [{ kind: 'settle', id: '1a' }], /^steps\[0\]\.id '1a' is not a step id/],
    ['an id of 33 characters', [{ kind: 'settle', id: 'a'.repeat(33) }], /^steps\[0\]\.id is 33 characters long; at most 32/],
    ['the same id twice', [{ kind: 'settle', id: 'a' }, { kind: 'advance', id: 'a', ms: 1 }], /^steps\[1\]\.id 'a' is already the id of an earlier step/],
    ['a title of 121 characters', [{ kind: 'settle', title: 'x'.repeat(121) }], /^steps\[0\]\.title is 121 characters long; at most 120/],
    ['a note that is not a string', [{ kind: 'advance', ms: 1, note: 5 }], /^steps\[0\]\.note must be text, not a number/],
    ['a status of 99', [{ kind: 'request', target: 'ListKeys', body: {}, expect: { status: 99 } }], /^steps\[0\]\.expect\.status 99 is not a whole number from 100 to 599/],
    ['an error with a space', [{ kind: 'request', target: 'ListKeys', body: {}, expect: { error: 'Access Denied' } }], /^steps\[0\]\.expect\.error 'Access Denied' is not an error type/],
    ['a match that is an array', [{ kind: 'request', target: 'ListKeys', body: {}, expect: { match: [] } }], /^steps\[0\]\.expect\.match must be an object of named members, not a list/],
    ['a match path with a space', [{ kind: 'request', target: 'ListKeys', body: {}, expect: { match: { 'a b': 1 } } }], /^steps\[0\]\.expect\.match 'a b' is not a dotted path/],
    ['a match path with an empty segment', [{ kind: 'request', target: 'ListKeys', body: {}, expect: { match: { 'a..b': 1 } } }], /^steps\[0\]\.expect\.match 'a\.\.b' is not a dotted path/],
    ['a NaN to match', [{ kind: 'request', target: 'ListKeys', body: {}, expect: { match: { a: NaN } } }], /^steps\[0\]\.expect\.match\.a NaN is not a finite number/],
    ['too many match entries', [{ kind: 'request', target: 'ListKeys', body: {}, expect: { match: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])) } }], /holds 33 entries; at most 32 are allowed/],
    ['a reference to an unknown step', [{ kind: 'request', target: 'Encrypt', body: { KeyId: '{{key.KeyMetadata.Arn}}' } }], /^steps\[0\]\.body\.KeyId refers to step 'key', but no earlier request step has that id/],
    [
      'a reference to a later step',
      [
        { kind: 'request', target: 'Encrypt', body: { K: ['{{key.Arn}}'] } },
        { kind: 'request', id: 'key', target: 'CreateKey', body: {} },
      ],
      /^steps\[0\]\.body\.K\[0\] refers to step 'key', but no earlier request step has that id/,
    ],
    ['a reference to the step itself', [{ kind: 'request', id: 'me', target: 'Encrypt', body: { K: '{{me.X}}' } }], /refers to step 'me'/],
    ['a reference to a step that is not a request', [{ kind: 'settle', id: 's' }, { kind: 'request', target: 'Encrypt', body: { K: '{{s.X}}' } }], /refers to step 's'/],
    ['a reference in expect.match to an unknown step', [{ kind: 'request', target: 'ListKeys', body: {}, expect: { match: { a: 'x {{k.Y}}' } } }], /^steps\[0\]\.expect\.match\.a refers to step 'k'/],
    ['a caller reference to an unknown step', [{ kind: 'request', caller: '{{who.Arn}}', target: 'ListKeys', body: {} }], /^steps\[0\]\.caller refers to step 'who'/],
  ])('refuses %s', (_name, steps, detail) => {
    expectShapeError({ ...base, steps }, detail);
  });

  it('leaves text between braces that is not a reference alone', () => {
    const steps = [{ kind: 'request', target: 'Encrypt', body: { EncryptionContext: { a: '{{ spaced }}', b: '{{1x}}', c: '{x}', d: '{{}}' } } }];
    expect(validateScenario({ ...base, steps }).ok).toBe(true);
  });

  it('accepts a caller that is a reference, and leaves its check to replay', () => {
    const steps = [
      { kind: 'request', id: 'k', target: 'CreateKey', body: {} },
      { kind: 'request', caller: 'arn:aws:iam::{{k.KeyMetadata.AWSAccountId}}:root', target: 'ListKeys', body: {} },
    ];
    expect(validateScenario({ ...base, steps }).ok).toBe(true);
  });

  it('migrates a v1 document to v2 by changing nothing but v', () => {
    const v1 = { ...LESSON_20, v: 1 };
    expect(parseScenario(v1)).toEqual({ ok: true, scenario: LESSON_20 });
    expect(MIGRATIONS[1].to).toBe(2);
    expect(MIGRATIONS[1].up({ v: 1, seed: 3, steps: [] })).toEqual({ v: 2, seed: 3, steps: [] });
  });

  it('refuses a v1 document whose body happens to look like a reference (it would now mean one)', () => {
    expect(parseScenario({ v: 1, seed: 1, steps: [{ kind: 'request', target: 'Encrypt', body: { x: '{{a.b}}' } }] })).toMatchObject({ ok: false, error: 'bad-shape' });
  });
});
