import { describe, expect, it } from 'vitest';
import { stepsTaken } from '../../../src/kms/auth/glob';
import { evaluatePolicy, parsePolicy, type ParsedPolicy, type RequestContext } from '../../../src/kms/auth/policy';

const ACCT = '111122223333';
const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** a fresh parse each time (a different text), so each has its own compiled statements */
function parsed(statement: object): ParsedPolicy {
  const r = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [statement] }), 'resource');
  if (!r.ok) throw new Error(r.detail);
  return r.policy;
}
/** a condition with a variable */
const policy = (sid: string) => parsed({ Sid: sid, Effect: 'Allow', Principal: '*', Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:owner': '${aws:username}' } } });
/** a Resource with a variable */
const resourcePolicy = (sid: string) => parsed({ Sid: sid, Effect: 'Allow', Principal: '*', Action: 'kms:Encrypt', Resource: `arn:aws:kms:*:\${aws:PrincipalAccount}:key/*` });

/** a plain context (no conditionName): every evaluation reads the conditions again */
const ctx = (user: string, owner = user, account = ACCT): RequestContext => ({
  action: 'kms:Encrypt',
  resource: KEY,
  principal: { arn: `arn:aws:iam::${account}:user/u`, account },
  conditions: { 'aws:PrincipalAccount': account, 'aws:username': user, 'kms:EncryptionContext:owner': owner },
});

function measured(p: ParsedPolicy, c: RequestContext) {
  const before = stepsTaken();
  const ev = evaluatePolicy(p, c);
  return { ev, steps: stepsTaken() - before };
}

describe('expanded policy variables kept with the statement', () => {
  it('charge the same steps as the memo of expanded text would, also once that memo let the expansion go', () => {
    const p = policy('P');
    const user = 'alice';
    const first = measured(p, ctx(user));
    expect(first.ev.allows.map((s) => s.sid)).toEqual(['P']);
    // the same expansion again: found compiled, its compiling not charged again
    const again = measured(p, ctx(user));
    expect(again.ev).toEqual(first.ev);
    expect(again.steps).toBeLessThan(first.steps);
    // another policy with the same text to expand fills the shared memo until it lets this expansion go
    const q = policy('Q');
    for (let i = 0; i < 600; i++) evaluatePolicy(q, ctx(`churn-${i}`));
    // P still remembers its last expansion, but the memo of expanded text does not: compiled (and charged) again
    const after = measured(p, ctx(user));
    expect(after.ev).toEqual(first.ev);
    expect(after.steps).toBe(first.steps);
    expect(measured(p, ctx(user)).steps).toBe(again.steps);
  });

  it('the same for a Resource with a variable', () => {
    const r = resourcePolicy('R');
    const first = measured(r, ctx('u'));
    expect(first.ev.allows.map((s) => s.sid)).toEqual(['R']);
    const again = measured(r, ctx('u'));
    expect(again.ev).toEqual(first.ev);
    expect(again.steps).toBeLessThan(first.steps);
    const s = resourcePolicy('S');
    for (let i = 0; i < 600; i++) evaluatePolicy(s, ctx('u', 'u', String(100000000000 + i)));
    const after = measured(r, ctx('u'));
    expect(after.ev).toEqual(first.ev);
    expect(after.steps).toBe(first.steps);
    expect(measured(r, ctx('u')).steps).toBe(again.steps);
  });

  it('a different value is expanded again, and the answer follows it', () => {
    const p = policy('P2');
    expect(evaluatePolicy(p, ctx('bob')).allows.map((s) => s.sid)).toEqual(['P2']);
    const miss = evaluatePolicy(p, ctx('carol', 'bob'));
    expect(miss.allows).toEqual([]);
    expect(miss.misses[0].reason).toContain("value 'bob' not in ['carol']");
    expect(evaluatePolicy(p, ctx('bob')).allows.map((s) => s.sid)).toEqual(['P2']);
  });
});
