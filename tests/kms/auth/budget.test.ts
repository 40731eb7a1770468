import { describe, expect, it } from 'vitest';
import { stepsTaken } from '../../../src/kms/auth/glob';
import { POLICY_STEP_BUDGET, evaluatePolicy, parsePolicy, type ParsedPolicy, type RequestContext } from '../../../src/kms/auth/policy';

const ACCT = '111122223333';
const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ROLE = `arn:aws:iam::${ACCT}:role/App`;

function parsed(statements: object[]): ParsedPolicy {
  const r = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'resource');
  if (!r.ok) throw new Error(r.detail);
  return r.policy;
}
const ctx = (conditions: RequestContext['conditions']): RequestContext => ({ action: 'kms:Encrypt', resource: KEY, principal: { arn: ROLE, account: ACCT }, conditions });
const stmt = (sid: string, effect: string, condition?: object) => ({ Sid: sid, Effect: effect, Principal: { AWS: ROLE }, Action: 'kms:Encrypt', Resource: '*', ...(condition ? { Condition: condition } : {}) });
/** thousands of patterns that each scan the whole value */
const costly = Array.from({ length: 300 }, (_, i) => `*q${i.toString(36)}?*`);

describe('the matching budget of one evaluation', () => {
  const policy = parsed([
    stmt('Plain', 'Allow'),
    stmt('CostlyAllow', 'Allow', { StringLike: { 'kms:EncryptionContext:app': costly } }),
    stmt('CostlyDeny', 'Deny', { StringLike: { 'kms:EncryptionContext:app': costly } }),
    stmt('CheapDeny', 'Deny', { StringEquals: { 'kms:EncryptionContext:other': 'x' } }),
    { ...stmt('OtherAction', 'Deny', { StringLike: { 'kms:EncryptionContext:app': costly } }), Action: 'kms:Decrypt' },
  ]);

  it('is not reached by a value of ordinary length, whose answer is exact', () => {
    const ev = evaluatePolicy(policy, ctx({ 'kms:EncryptionContext:app': 'zzz' }));
    expect(ev.exhausted).toBeUndefined();
    expect(ev.allows.map((s) => s.sid)).toEqual(['Plain']);
    expect(ev.denies).toEqual([]);
    expect(ev.misses.map((s) => s.sid)).toEqual(['CostlyAllow', 'CostlyDeny', 'CheapDeny', 'OtherAction']);
  });

  it('past it: statements with conditions fail closed (an Allow misses, a Deny applies), the others are evaluated as ever', () => {
    const value = 'z'.repeat(40_000);
    const before = stepsTaken();
    const ev = evaluatePolicy(policy, ctx({ 'kms:EncryptionContext:app': value }));
    const steps = stepsTaken() - before;
    expect(ev.exhausted).toMatch(/failed closed/);
    expect(ev.allows.map((s) => s.sid)).toEqual(['Plain']);
    // CheapDeny's condition would not hold, but it is not evaluated either: it fails closed
    expect(ev.denies.map((s) => s.sid)).toEqual(['CostlyDeny', 'CheapDeny']);
    const misses = Object.fromEntries(ev.misses.map((m) => [m.sid, m.reason]));
    expect(misses.CostlyAllow).toMatch(/not evaluated/);
    // the action decides before any condition is read
    expect(misses.OtherAction).toMatch(/Action kms:Encrypt is not in/);
    expect(steps).toBeGreaterThan(POLICY_STEP_BUDGET);
    expect(steps).toBeLessThan(POLICY_STEP_BUDGET + 2 * 4096 + 20_000);
    // deterministic: the same request, the same answer
    expect(evaluatePolicy(policy, ctx({ 'kms:EncryptionContext:app': value }))).toEqual(ev);
  });

  it('a single condition on a 1,000,000-character value still fits', () => {
    const p = parsed([stmt('Big', 'Allow', { StringLike: { 'kms:EncryptionContext:app': '*needle*' } })]);
    const hay = 'z'.repeat(999_000) + 'needle' + 'z'.repeat(994);
    const ev = evaluatePolicy(p, ctx({ 'kms:EncryptionContext:app': hay }));
    expect(ev.exhausted).toBeUndefined();
    expect(ev.allows.map((s) => s.sid)).toEqual(['Big']);
  });
});

describe('decision reasons', () => {
  it('cut long request values and long lists', () => {
    const p = parsed([stmt('S', 'Allow', { StringEquals: { 'kms:EncryptionContext:app': 'x' } }), stmt('K', 'Allow', { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': 'x' } })]);
    const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
    const ev = evaluatePolicy(p, ctx({ 'kms:EncryptionContext:app': 'a'.repeat(100_000), 'kms:EncryptionContextKeys': keys }));
    const [s, k] = ev.misses;
    expect(s.reason).toContain(`'${'a'.repeat(200)}…' (100000 characters)`);
    expect(s.reason.length).toBeLessThan(400);
    expect(k.reason).toContain("'k19', … 80 more]");
    expect(k.reason).not.toContain("'k20'");
  });
});

describe('parsePolicy', () => {
  it('gives the same result object for the same text and kind, so compiled patterns are reused', () => {
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [stmt('A', 'Allow', { StringLike: { 'kms:EncryptionContext:app': '*a*' } })] });
    const a = parsePolicy(text, 'resource');
    expect(parsePolicy(`${text}`, 'resource')).toBe(a);
    expect(parsePolicy(text, 'identity')).not.toBe(a);
    expect(parsePolicy(text, 'identity').ok).toBe(false);
  });
});
