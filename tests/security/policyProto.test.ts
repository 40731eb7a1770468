/**
 * Prototype names as keys in policies. `__proto__` is a legal encryption-context key in KMS, and
 * a policy can name it (`{"StringEquals": {"kms:EncryptionContext:__proto__": "x"}}`); a
 * condition operator, a principal type, a statement or top-level element can be spelled
 * `constructor` or `toString`. Each must behave as any other name: not lost when the policy is
 * parsed, never honoured as the prototype, and never looked up where Object.prototype answers
 * (an operator named "constructor" is an unknown operator, not a function).
 *
 * The property tests take a policy (and request) with an ordinary name in some position, put a
 * prototype name there instead, and expect the same parse result and the same decision. The
 * ordinary name is the prototype name's "twin": its letters replaced by x / X, so that rules on
 * characters (Sids are letters and digits only) treat both alike.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conditionContext } from '../../src/kms/auth/authorize';
import type { Caller } from '../../src/kms/auth/caller';
import { evaluatePolicy, parsePolicy, type PolicyKind } from '../../src/kms/auth/policy';
import { APP_ROLE, ROOT, makeSim } from '../kms/helpers';

const HOSTILE = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
  '__PROTO__',
];
const twin = (name: string) => name.replace(/[a-z]/g, 'x').replace(/[A-Z]/g, 'X');
const hostileArb = fc.constantFrom(...HOSTILE);

const ACCT = '111122223333';
const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const PLACEHOLDER = '@NAME@';

/** `template` (JSON with @NAME@ where the name goes) parsed with `name` in place */
const parseWith = (template: string, name: string, kind: PolicyKind) => parsePolicy(template.split(PLACEHOLDER).join(name), kind);
/** a result as text, with every spelling of `name` put back to the twin's */
const asTwin = (x: unknown, name: string) =>
  JSON.stringify(x)
    .split(name)
    .join(twin(name))
    .split(name.toLowerCase())
    .join(twin(name).toLowerCase())
    .split(name.toUpperCase())
    .join(twin(name).toUpperCase());

// ---- parsing: a prototype name anywhere in the document is an ordinary name ------------------

/** documents with the name in every position a key can take */
const POSITIONS: { where: string; doc: (n: string) => object }[] = [
  { where: 'top-level element', doc: (n) => ({ Version: '2012-10-17', [n]: 'x', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] }) },
  { where: 'statement element', doc: (n) => ({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', [n]: 'x' }] }) },
  { where: 'principal type', doc: (n) => ({ Statement: [{ Effect: 'Allow', Principal: { [n]: APP_ROLE }, Action: 'kms:*', Resource: '*' }] }) },
  { where: 'principal type beside AWS', doc: (n) => ({ Statement: [{ Effect: 'Allow', Principal: { AWS: APP_ROLE, [n]: [] }, Action: 'kms:*', Resource: '*' }] }) },
  { where: 'NotPrincipal type', doc: (n) => ({ Statement: [{ Effect: 'Deny', NotPrincipal: { [n]: APP_ROLE }, Action: 'kms:*', Resource: '*' }] }) },
  { where: 'condition operator', doc: (n) => ({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { [n]: { 'kms:CallerAccount': ACCT } } }] }) },
  { where: 'condition operator, empty block', doc: (n) => ({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { [n]: {} } }] }) },
  { where: 'condition operator, not a block', doc: (n) => ({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { [n]: 'x' } }] }) },
  { where: 'condition operator with IfExists', doc: (n) => ({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { [`${n}IfExists`]: { 'kms:CallerAccount': ACCT } } }] }) },
  { where: 'condition operator after ForAnyValue:', doc: (n) => ({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { [`ForAnyValue:${n}`]: { 'kms:CallerAccount': ACCT } } }] }) },
  { where: 'condition operator beside a known one', doc: (n) => ({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': ACCT }, [n]: {} } }] }) },
  { where: 'condition key without a prefix', doc: (n) => ({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { [n]: 'x' } } }] }) },
  { where: 'condition key', doc: (n) => ({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringLike: { [`kms:EncryptionContext:${n}`]: ['x*', n] } } }] }) },
  { where: 'condition value', doc: (n) => ({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { Null: { [`aws:${n}`]: n } } }] }) },
  { where: 'Sid', doc: (n) => ({ Version: '2012-10-17', Statement: [{ Sid: n, Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] }) },
  { where: 'action', doc: (n) => ({ Statement: [{ Effect: 'Allow', Principal: '*', Action: `kms:${n}`, Resource: '*' }] }) },
  { where: 'resource', doc: (n) => ({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: `arn:aws:kms:us-east-1:${ACCT}:key/${n}` }] }) },
];

/** the same document for an identity policy: no Principal */
function identity(doc: object): object {
  const d = JSON.parse(JSON.stringify(doc)) as { Version?: string; Statement: Record<string, unknown>[] };
  d.Version = '2012-10-17';
  for (const s of d.Statement) {
    delete s.Principal;
    delete s.NotPrincipal;
  }
  return d;
}

describe('prototype names in a policy document parse like any other name', () => {
  it('in every position, for both kinds of policy (property)', () => {
    fc.assert(
      fc.property(hostileArb, fc.constantFrom(...POSITIONS), fc.constantFrom<PolicyKind>('resource', 'identity'), (name, pos, kind) => {
        const doc = kind === 'resource' ? pos.doc(PLACEHOLDER) : identity(pos.doc(PLACEHOLDER));
        const template = JSON.stringify(doc);
        const hostile = parseWith(template, name, kind);
        const ordinary = parseWith(template, twin(name), kind);
        expect(asTwin(hostile, name), pos.where).toBe(JSON.stringify(ordinary));
      }),
      { numRuns: 1_000 },
    );
  });

  it('a known operator renamed to a prototype name is an unknown operator, like any misspelling', () => {
    fc.assert(
      fc.property(hostileArb, fc.constantFrom('', 'ForAnyValue:', 'ForAllValues:'), fc.constantFrom('', 'IfExists'), (name, set, suffix) => {
        const template = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { [`${set}${PLACEHOLDER}${suffix}`]: { 'kms:CallerAccount': ACCT } } }] });
        const r = parseWith(template, name, 'resource');
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.error).toBe('MalformedPolicyDocumentException');
        expect(r.message).toBe('Syntax errors in policy.');
        expect(r.detail).toContain(`unknown condition operator "${set}${name}${suffix}"`);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a condition on kms:EncryptionContext:__proto__ and the values it lists', () => {
    const r = parsePolicy('{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:EncryptionContext:__proto__":"x","__proto__":"y"}}}]}', 'resource');
    // the bare "__proto__" key has no service prefix: rejected, as "foo" would be
    expect(r.ok).toBe(false);
    const ok = parsePolicy('{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:EncryptionContext:__proto__":["x","__proto__"]}}}]}', 'resource');
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.policy.statements[0].conditions).toEqual([
      { operator: 'StringEquals', base: 'StringEquals', ifExists: false, key: 'kms:EncryptionContext:__proto__', values: ['x', '__proto__'] },
    ]);
    expect(Object.getPrototypeOf(ok.policy.statements[0])).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

// ---- evaluation: a condition on a prototype-named context key decides like any other ----------

const caller: Caller = { arn: APP_ROLE, account: ACCT, isRoot: false, principalArn: APP_ROLE };

const OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringLike',
  'StringNotLike',
  'StringEqualsIgnoreCase',
  'StringEqualsIfExists',
  'StringNotEqualsIfExists',
  'StringLikeIfExists',
  'Null',
  'ForAnyValue:StringEquals',
  'ForAllValues:StringEquals',
  'ForAnyValue:StringLike',
  'ForAllValues:StringNotLike',
] as const;

const conditionArb = fc.record({
  op: fc.constantFrom(...OPERATORS),
  upper: fc.boolean(),
  // (no literal pattern that a name and its twin would answer differently, such as 'v*' for valueOf)
  values: fc.array(fc.constantFrom('q', 'w', 'Q', '*', 'q*', '?', '*?*', PLACEHOLDER, `${PLACEHOLDER}*`, `*${PLACEHOLDER}`, 'other'), { minLength: 1, maxLength: 3 }),
  nullWant: fc.constantFrom('true', 'false'),
});
const statementArb = fc.record({
  effect: fc.constantFrom('Allow', 'Deny'),
  conditions: fc.array(conditionArb, { minLength: 1, maxLength: 3 }),
});
/** the request's encryption context: pairs keyed by the name (in some case), or others */
const contextArb = fc.option(
  fc.array(fc.tuple(fc.constantFrom(PLACEHOLDER, `${PLACEHOLDER}:upper`, 'other', 'k2'), fc.constantFrom('q', 'w', 'Q', PLACEHOLDER, '')), { maxLength: 4 }),
  { nil: undefined },
);

type Stmt = { effect: string; conditions: { op: string; upper: boolean; values: string[]; nullWant: string }[] };

function policyTemplate(statements: Stmt[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s, i) => {
      const condition: Record<string, Record<string, string | string[]>> = {};
      for (const c of s.conditions) {
        const set = c.op.startsWith('For');
        const key = set ? 'kms:EncryptionContextKeys' : `kms:EncryptionContext:${c.upper ? '@UPPER@' : PLACEHOLDER}`;
        (condition[c.op] ??= {})[key] = c.op === 'Null' ? c.nullWant : c.values;
      }
      return { Sid: `S${i}`, Effect: s.effect, Principal: { AWS: APP_ROLE }, Action: 'kms:Encrypt', Resource: '*', Condition: condition };
    }),
  });
}

function decide(template: string, pairs: [string, string][] | undefined, name: string) {
  const put = (s: string) => s.split('@UPPER@').join(name.toUpperCase()).split(PLACEHOLDER).join(name);
  const parsed = parsePolicy(put(template), 'resource');
  if (!parsed.ok) return parsed;
  const encryptionContext = pairs && Object.fromEntries(pairs.map(([k, v]) => [k === `${PLACEHOLDER}:upper` ? name.toUpperCase() : put(k), put(v)]));
  const conditions = conditionContext({ caller, encryptionContext });
  return evaluatePolicy(parsed.policy, { action: 'kms:Encrypt', resource: KEY, principal: { arn: APP_ROLE, account: ACCT }, conditions });
}

describe('prototype names as encryption-context keys in conditions decide like any other key', () => {
  it('evaluatePolicy, with the context keys built the way authorize builds them (property)', () => {
    fc.assert(
      fc.property(hostileArb, fc.array(statementArb, { minLength: 1, maxLength: 3 }), contextArb, (name, statements, pairs) => {
        const template = policyTemplate(statements);
        const hostile = decide(template, pairs, name);
        const ordinary = decide(template, pairs, twin(name));
        expect(asTwin(hostile, name)).toBe(JSON.stringify(ordinary));
      }),
      { numRuns: 2_000 },
    );
  });

  it('a condition naming __proto__ reads the request\'s __proto__ pair, not the prototype', () => {
    const parsed = parsePolicy(
      JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:__proto__': 'x' }, Null: { 'kms:EncryptionContext:constructor': 'true' } } }] }),
      'resource',
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const ev = (ec: Record<string, string> | undefined) =>
      evaluatePolicy(parsed.policy, { action: 'kms:Encrypt', resource: KEY, principal: { arn: APP_ROLE, account: ACCT }, conditions: conditionContext({ caller, encryptionContext: ec }) }).allows.length;
    expect(ev(JSON.parse('{"__proto__":"x"}'))).toBe(1);
    expect(ev(JSON.parse('{"__proto__":"y"}'))).toBe(0);
    expect(ev({})).toBe(0);
    expect(ev(undefined)).toBe(0);
    // "constructor" is absent unless the request names it, whatever Object.prototype holds
    expect(ev(JSON.parse('{"__proto__":"x","constructor":"c"}'))).toBe(0);
  });
});

describe('conditionContext (the request\'s condition keys)', () => {
  it('keeps prototype-named keys of the extra conditions as keys, never as the prototype', () => {
    for (const name of HOSTILE) {
      const conditions = JSON.parse(`{"${name}": ["x"], "kms:GrantIsForAWSResource": false}`) as Record<string, string[] | boolean>;
      const c = conditionContext({ caller, conditions, encryptionContext: JSON.parse(`{"${name}": "v"}`) });
      expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
      expect(Object.hasOwn(c, name)).toBe(true);
      expect(c[name]).toEqual(['x']);
      expect(c[`kms:EncryptionContext:${name}`]).toBe('v');
      expect(c['kms:EncryptionContextKeys']).toEqual([name]);
    }
  });
});

// ---- end to end: Encrypt through sim.fetch ---------------------------------------------------------

describe('through sim.fetch', () => {
  const answer = async (name: string, operator: string, value: string, context: [string, string][]) => {
    const t = makeSim();
    const key = await t.createKey({
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
          { Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Encrypt', Resource: '*', Condition: { [operator]: { [`kms:EncryptionContext:${name}`]: value } } },
        ],
      }),
    });
    const r = await t.call('Encrypt', { KeyId: key.KeyId, Plaintext: 'aGVsbG8=', EncryptionContext: Object.fromEntries(context) }, { as: APP_ROLE });
    return { status: r.status, type: r.type };
  };

  it('Encrypt under a key policy conditioned on a prototype-named context key: the same answers as for an ordinary key', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileArb,
        fc.constantFrom('StringEquals', 'StringNotEquals', 'StringLike', 'Null', 'StringEqualsIfExists'),
        fc.constantFrom('x', 'x*', 'true', 'false'),
        fc.array(fc.tuple(fc.constantFrom(PLACEHOLDER, 'other'), fc.constantFrom('x', 'xy', 'true')), { maxLength: 2 }),
        async (name, operator, value, context) => {
          const put = (n: string) => context.map(([k, v]): [string, string] => [k === PLACEHOLDER ? n : k, v]);
          const v = operator === 'Null' ? (value === 'false' ? 'false' : 'true') : value;
          expect(await answer(name, operator, v, put(name))).toEqual(await answer(twin(name), operator, v, put(twin(name))));
        },
      ),
      { numRuns: 60 },
    );
  });
});
