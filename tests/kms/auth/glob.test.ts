import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CALL_STEPS, compileGlob, globMatchSteps, matchGlob, stepsTaken, withStepBudget } from '../../../src/kms/auth/glob';
import { evaluatePolicy, parsePolicy, type ParsedPolicy } from '../../../src/kms/auth/policy';

// ---- the reference oracle: policy.ts's pattern compiler before glob.ts, kept verbatim -------

type OraclePattern = { k: 0 } | { k: 1; s: string } | { k: 2; s: string } | { k: 3; re: RegExp };

function globSource(p: string): string {
  let out = '';
  for (const ch of p) {
    if (ch === '*') out += '[\\s\\S]*';
    else if (ch === '?') out += '[\\s\\S]';
    else out += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return out;
}

function oracleCompile(p: string): OraclePattern {
  if (p === '*') return { k: 0 };
  const star = p.indexOf('*');
  const q = p.indexOf('?');
  if (star < 0 && q < 0) return { k: 1, s: p };
  if (q < 0 && star === p.length - 1) return { k: 2, s: p.slice(0, -1) };
  return { k: 3, re: new RegExp(`^${globSource(p)}$`) };
}

function oracleTest(p: OraclePattern, s: string): boolean {
  switch (p.k) {
    case 0:
      return true;
    case 1:
      return p.s === s;
    case 2:
      return s.startsWith(p.s);
    case 3:
      return p.re.test(s);
  }
}

const oracle = (p: string, s: string) => oracleTest(oracleCompile(p), s);

/** the old ArnLike: six colon-separated parts matched one by one, else the whole value */
function oracleArnParts(s: string): string[] | null {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const c = s.indexOf(':', from);
    if (c < 0) return null;
    out.push(s.slice(from, c));
    from = c + 1;
  }
  out.push(s.slice(from));
  return out;
}
function oracleArnLike(pattern: string, v: string): boolean {
  const pp = oracleArnParts(pattern);
  if (!pp) return oracle(pattern, v);
  const vp = oracleArnParts(v);
  return vp !== null && pp.every((p, i) => oracle(p, vp[i]));
}

// ---- generators -------------------------------------------------------------------------------

const SMALL = ['a', 'b', '*', '?', ':', '/'];
const patternArb = (chars: string[], max = 10) => fc.array(fc.constantFrom(...chars), { maxLength: max }).map((xs) => xs.join(''));
const valueArb = (chars: string[], max = 14) => fc.array(fc.constantFrom(...chars), { maxLength: max }).map((xs) => xs.join(''));
/** wider: regex metacharacters, case, a non-BMP character (two code units), a newline */
const WIDE = ['a', 'b', 'A', '*', '?', ':', '/', '.', '+', '(', ')', '[', ']', '^', '$', '\\', '|', '{', '}', '\n', '😀', 'é'];
const WIDE_VALUES = ['a', 'b', 'A', ':', '/', '.', '+', '(', ')', '[', ']', '^', '$', '\\', '|', '{', '}', '\n', '😀', 'é', '\ud83d', '*', '?'];

describe('glob.ts matches exactly like the RegExp compiler it replaced', () => {
  it('on random small patterns and values (a, b, *, ?, :, /)', () => {
    fc.assert(
      fc.property(patternArb(SMALL), valueArb(['a', 'b', ':', '/']), (p, s) => {
        expect(matchGlob(compileGlob(p), s)).toBe(oracle(p, s));
      }),
      { numRuns: 10_000 },
    );
  });

  it('on values that the pattern itself spells out, so that matches are common', () => {
    fc.assert(
      fc.property(patternArb(SMALL, 12), fc.array(fc.constantFrom('', 'a', 'b', 'ab', ':', '/'), { minLength: 12, maxLength: 12 }), (p, fill) => {
        // replace every wildcard by a few characters: the value then often matches
        let i = 0;
        const s = p.replace(/[*?]/g, (w) => (w === '?' ? fill[i++ % 12].slice(0, 1) || 'a' : fill[i++ % 12]));
        expect(matchGlob(compileGlob(p), s)).toBe(oracle(p, s));
        expect(oracle(p, s)).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it('with regex metacharacters, case, newlines and surrogate pairs (one ? is one UTF-16 unit)', () => {
    fc.assert(
      fc.property(patternArb(WIDE, 8), valueArb(WIDE_VALUES, 10), (p, s) => {
        expect(matchGlob(compileGlob(p), s)).toBe(oracle(p, s));
      }),
      { numRuns: 10_000 },
    );
    expect(matchGlob(compileGlob('?'), '😀')).toBe(false);
    expect(matchGlob(compileGlob('??'), '😀')).toBe(true);
    expect(matchGlob(compileGlob('a*'), 'A')).toBe(false);
    expect(matchGlob(compileGlob('a.c'), 'abc')).toBe(false);
  });

  it('with segments longer than 32 characters (the multi-word shift-and)', () => {
    const long = (chars: string[]) => fc.array(fc.constantFrom(...chars), { minLength: 30, maxLength: 80 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(long(['a', 'b', '?']), long(['a', 'b']), fc.boolean(), (seg, s, embed) => {
        const p = `*${seg}*`;
        const v = embed ? `${s}${seg.replace(/\?/g, 'b')}${s}` : s;
        expect(matchGlob(compileGlob(p), v)).toBe(oracle(p, v));
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('glob.ts steps', () => {
  it('never exceed c·(n+1)·(m+1) on random patterns and values (CALL_STEPS per call, 3·(n+1)·(m+1) for the rest)', () => {
    fc.assert(
      fc.property(patternArb(SMALL, 40), valueArb(['a', 'b', ':', '/'], 200), (p, s) => {
        const { steps } = globMatchSteps(p, s);
        expect(steps).toBeLessThanOrEqual(CALL_STEPS + 3 * (s.length + 1) * (p.length + 1));
        expect(steps).toBeLessThanOrEqual((CALL_STEPS + 3) * (s.length + 1) * (p.length + 1));
      }),
      { numRuns: 3_000 },
    );
  });

  it('grow linearly, not exponentially, on the patterns that froze the RegExp', () => {
    for (const stars of [6, 12, 30]) {
      for (const n of [60, 1_000, 10_000]) {
        const value = 'a'.repeat(n);
        for (const p of [`${'*a'.repeat(stars)}*b`, `${'*a'.repeat(stars)}*b*`, `${'*a?'.repeat(stars)}*b*`, `*${'a'.repeat(stars)}b*`, `*${'a?'.repeat(stars)}b*`]) {
          const r = globMatchSteps(p, value);
          expect(r.matched).toBe(false);
          // linear: a few steps per character of the value, plus the pattern's length
          expect(r.steps, `${p} against ${n} a's`).toBeLessThanOrEqual(CALL_STEPS + 3 * (n + p.length + 1));
        }
      }
    }
  });

  it('are counted by stepsTaken() and stopped by a budget', () => {
    const before = stepsTaken();
    const g = compileGlob('*a?b*');
    const value = 'a'.repeat(100_000);
    expect(matchGlob(g, value)).toBe(false);
    expect(stepsTaken() - before).toBeGreaterThan(100_000);
    const capped = withStepBudget(1_000, () => matchGlob(g, value));
    expect(capped.ok).toBe(false);
    // stopped soon after the budget ran out: one chunk of a scan (4,096 characters) at most
    expect(capped.steps).toBeLessThan(1_000 + 4_100);
    const wide = compileGlob(`*${'a?'.repeat(40)}b*`);
    const cappedWide = withStepBudget(10_000, () => matchGlob(wide, value));
    expect(cappedWide.ok).toBe(false);
    expect(cappedWide.steps).toBeLessThan(10_000 + 4_100 * 3);
    const literal = withStepBudget(1_000, () => matchGlob(compileGlob('*ab*'), value));
    expect(literal.ok).toBe(false);
    expect(literal.steps).toBeLessThan(1_000 + 4_100 * 2);
    expect(withStepBudget(1_000_000, () => matchGlob(g, value))).toMatchObject({ ok: true, value: false });
  });
});

// ---- the policy elements that use patterns -------------------------------------------------------

const ACCT = '111122223333';
const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ROLE = `arn:aws:iam::${ACCT}:role/App`;

function policyOf(statement: Record<string, unknown>): ParsedPolicy | null {
  const r = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:*', Resource: '*', ...statement }] }), 'resource');
  return r.ok ? r.policy : null;
}
function allows(policy: ParsedPolicy, over: { action?: string; resource?: string; conditions?: Record<string, string> } = {}): boolean {
  const ev = evaluatePolicy(policy, {
    action: over.action ?? 'kms:Encrypt',
    resource: over.resource ?? KEY,
    principal: { arn: ROLE, account: ACCT },
    conditions: over.conditions ?? {},
  });
  return ev.allows.length > 0;
}

describe('policy patterns keep their meaning', () => {
  const cond = (op: string, p: string, v: string) => {
    const policy = policyOf({ Condition: { [op]: { 'kms:EncryptionContext:app': p } } });
    return allows(policy!, { conditions: { 'kms:EncryptionContext:app': v } });
  };

  it('StringLike / StringNotLike are case-sensitive globs over the whole value', () => {
    fc.assert(
      fc.property(patternArb(['a', 'B', '*', '?', ':', '/'], 8), valueArb(['a', 'b', 'B', ':', '/'], 10), (p, v) => {
        expect(cond('StringLike', p, v)).toBe(oracle(p, v));
        expect(cond('StringNotLike', p, v)).toBe(!oracle(p, v));
      }),
      { numRuns: 1_500 },
    );
  });

  it('ArnLike / ArnNotLike / ArnEquals match the six ARN parts one by one (a wildcard does not cross a colon before the resource part)', () => {
    const arnish = fc.array(fc.constantFrom('arn', 'aws', 'kms', 'a', 'b', ':', '*', '?', '/'), { maxLength: 12 }).map((xs) => xs.join(''));
    const value = fc.array(fc.constantFrom('arn', 'aws', 'kms', 'a', 'b', ':', '/'), { maxLength: 12 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(arnish, value, (p, v) => {
        expect(cond('ArnLike', p, v)).toBe(oracleArnLike(p, v));
        expect(cond('ArnEquals', p, v)).toBe(oracleArnLike(p, v));
        expect(cond('ArnNotLike', p, v)).toBe(!oracleArnLike(p, v));
      }),
      { numRuns: 1_500 },
    );
    expect(cond('ArnLike', 'arn:aws:kms:*:111122223333:key/*', KEY)).toBe(true);
    // a star in the region part cannot swallow the account part
    expect(cond('ArnLike', `arn:aws:kms:us-*:${ACCT}:key/*`, `arn:aws:kms:us-east-1:x:y:${ACCT}:key/1`)).toBe(false);
    expect(cond('StringLike', `arn:aws:kms:us-*:${ACCT}:key/*`, `arn:aws:kms:us-east-1:x:y:${ACCT}:key/1`)).toBe(true);
    // in the resource part (the sixth) it can
    expect(cond('ArnLike', `arn:aws:kms:us-east-1:${ACCT}:key/*`, `arn:aws:kms:us-east-1:${ACCT}:key/1:2:3`)).toBe(true);
    // a pattern with fewer than five colons is not an ARN: it is matched against the whole value
    expect(cond('ArnLike', 'arn:aws:kms:*', KEY)).toBe(true);
  });

  it('Action / NotAction ignore case; Resource / NotResource do not', () => {
    const actions = ['kms:Encrypt', 'kms:CreateGrant', 'kms:ReEncryptFrom', 'KMS:encrypt'];
    const actionPatterns = fc.array(fc.constantFrom('kms:', 'KMS:', 'Encrypt', 'encrypt', 'Re', '*', '?', 'Grant', 'Create'), { minLength: 1, maxLength: 4 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(actionPatterns, fc.constantFrom(...actions), (p, a) => {
        const want = oracle(p.toLowerCase(), a.toLowerCase());
        const withAction = policyOf({ Action: p });
        const withNot = policyOf({ Action: undefined, NotAction: p });
        if (withAction) expect(allows(withAction, { action: a })).toBe(want);
        if (withNot) expect(allows(withNot, { action: a })).toBe(!want);
      }),
      { numRuns: 1_000 },
    );
    const resourcePatterns = fc.array(fc.constantFrom('arn:aws:kms:', 'us-east-1', 'US-EAST-1', `:${ACCT}:`, 'key/', '*', '?', 'alias/'), { minLength: 1, maxLength: 5 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(resourcePatterns, (p) => {
        const withResource = policyOf({ Resource: p });
        const withNot = policyOf({ Resource: undefined, NotResource: p });
        if (withResource) expect(allows(withResource)).toBe(oracle(p, KEY));
        if (withNot) expect(allows(withNot)).toBe(!oracle(p, KEY));
      }),
      { numRuns: 1_000 },
    );
  });
});
