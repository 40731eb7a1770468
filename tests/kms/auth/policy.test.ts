import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  KEY_POLICY_MAX_SIZE,
  POLICY_MESSAGES,
  defaultKeyPolicy,
  evaluatePolicy,
  parsePolicy,
  type ContextValue,
  type ParsedPolicy,
  type PolicyEvaluation,
  type PolicyKind,
  type RequestContext,
} from '../../../src/kms/auth/policy';
import {
  KEY_POLICY_LOCKOUT_MESSAGE,
  accessDeniedExplicitIdentity,
  accessDeniedExplicitResource,
  accessDeniedMessage,
  accessDeniedNoIdentity,
  accessDeniedNoResource,
} from '../../../src/kms/auth/messages';

const ACCT = '111122223333';
const OTHER = '444455556666';
const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ROLE = `arn:aws:iam::${ACCT}:role/App`;

function parsed(doc: unknown, kind: PolicyKind = 'resource'): ParsedPolicy {
  const r = parsePolicy(typeof doc === 'string' ? doc : JSON.stringify(doc), kind);
  if (!r.ok) throw new Error(`expected a valid policy, got ${r.error}: ${r.message} (${r.detail})`);
  return r.policy;
}

function fails(doc: unknown, kind: PolicyKind = 'resource') {
  const r = parsePolicy(typeof doc === 'string' ? doc : JSON.stringify(doc), kind);
  if (r.ok) throw new Error('expected the policy to be rejected');
  return r;
}

function ctx(over: Partial<RequestContext> & { conditions?: Record<string, ContextValue> } = {}): RequestContext {
  return {
    action: 'kms:Decrypt',
    resource: KEY,
    principal: { arn: ROLE, account: ACCT },
    conditions: {},
    ...over,
  };
}

/** an identity policy with one Allow statement carrying `condition` */
function withCondition(condition: unknown): ParsedPolicy {
  return parsed({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'kms:*', Resource: '*', Condition: condition } }, 'identity');
}

function applies(condition: unknown, conditions: Record<string, ContextValue>): boolean {
  return evaluatePolicy(withCondition(condition), ctx({ conditions })).allows.length === 1;
}

function reasonOf(ev: PolicyEvaluation): string {
  expect(ev.misses).toHaveLength(1);
  return ev.misses[0].reason;
}

const keyPolicy = (statement: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*', ...statement }] });

// -------------------------------------------------------------------------------------------
describe('default key policy', () => {
  it('is the exact text GetKeyPolicy returns for a key created without a policy', () => {
    expect(defaultKeyPolicy(ACCT)).toBe(
      '{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n    "Sid" : "Enable IAM User Permissions",\n    "Effect" : "Allow",\n    "Principal" : {\n      "AWS" : "arn:aws:iam::111122223333:root"\n    },\n    "Action" : "kms:*",\n    "Resource" : "*"\n  } ]\n}',
    );
  });

  it('parses into one Allow statement for the account root', () => {
    const p = parsed(defaultKeyPolicy(ACCT));
    expect(p).toMatchObject({ kind: 'resource', version: '2012-10-17', id: 'key-default-1' });
    expect(p.statements).toEqual([
      {
        index: 0,
        sid: 'Enable IAM User Permissions',
        effect: 'Allow',
        principal: { any: false, aws: [`arn:aws:iam::${ACCT}:root`], service: [] },
        action: ['kms:*'],
        resource: ['*'],
        conditions: [],
      },
    ]);
  });

  it('delegates every kms action of an account principal to IAM (principalMatch account)', () => {
    const p = parsed(defaultKeyPolicy(ACCT));
    for (const action of ['kms:Decrypt', 'kms:CreateGrant', 'kms:RevokeGrant', 'KMS:listgrants', 'kms:PutKeyPolicy']) {
      const ev = evaluatePolicy(p, ctx({ action }));
      expect(ev.allows).toEqual([{ index: 0, sid: 'Enable IAM User Permissions', effect: 'Allow', principalMatch: 'account' }]);
      expect(ev.denies).toEqual([]);
    }
  });

  it('names the root user itself directly', () => {
    const ev = evaluatePolicy(parsed(defaultKeyPolicy(ACCT)), ctx({ principal: { arn: `arn:aws:iam::${ACCT}:root`, account: ACCT } }));
    expect(ev.allows[0].principalMatch).toBe('direct');
  });

  it('does not apply to callers from another account or to non-kms actions', () => {
    const p = parsed(defaultKeyPolicy(ACCT));
    const other = evaluatePolicy(p, ctx({ principal: { arn: `arn:aws:iam::${OTHER}:role/X`, account: OTHER } }));
    expect(other.allows).toEqual([]);
    expect(reasonOf(other)).toBe(`Principal arn:aws:iam::${OTHER}:role/X is not in [arn:aws:iam::${ACCT}:root]`);
    expect(reasonOf(evaluatePolicy(p, ctx({ action: 's3:GetObject' })))).toBe('Action s3:GetObject is not in [kms:*]');
  });

  it('takes the partition as an option', () => {
    expect(defaultKeyPolicy(ACCT, 'aws-cn')).toContain('"AWS" : "arn:aws-cn:iam::111122223333:root"');
  });
});

// -------------------------------------------------------------------------------------------
describe('AccessDeniedException messages', () => {
  const caller = `arn:aws:sts::${ACCT}:assumed-role/App/session`;
  it('builds the four forms SPEC §2 quotes', () => {
    expect(accessDeniedNoIdentity(caller, 'kms:Decrypt', KEY)).toBe(
      `User: ${caller} is not authorized to perform: kms:Decrypt on resource: ${KEY} because no identity-based policy allows the kms:Decrypt action`,
    );
    expect(accessDeniedNoResource(caller, 'kms:CreateGrant', KEY)).toBe(
      `User: ${caller} is not authorized to perform: kms:CreateGrant on resource: ${KEY} because no resource-based policy allows the kms:CreateGrant action`,
    );
    expect(accessDeniedExplicitResource(caller, 'kms:Decrypt', KEY)).toBe(
      `User: ${caller} is not authorized to perform: kms:Decrypt on resource: ${KEY} with an explicit deny in a resource-based policy`,
    );
    expect(accessDeniedExplicitIdentity(caller, 'kms:Decrypt', KEY)).toBe(
      `User: ${caller} is not authorized to perform: kms:Decrypt on resource: ${KEY} with an explicit deny in an identity-based policy`,
    );
  });

  it('adds the kms: prefix when the action comes without it', () => {
    expect(accessDeniedNoIdentity(caller, 'RevokeGrant', KEY)).toBe(accessDeniedNoIdentity(caller, 'kms:RevokeGrant', KEY));
  });

  it('has one entry point for all reasons', () => {
    expect(accessDeniedMessage(caller, 'Decrypt', KEY, 'no-identity-policy')).toBe(accessDeniedNoIdentity(caller, 'kms:Decrypt', KEY));
    expect(accessDeniedMessage(caller, 'Decrypt', KEY, 'no-resource-policy')).toBe(accessDeniedNoResource(caller, 'kms:Decrypt', KEY));
    expect(accessDeniedMessage(caller, 'Decrypt', KEY, 'explicit-deny-resource-policy')).toBe(accessDeniedExplicitResource(caller, 'kms:Decrypt', KEY));
    expect(accessDeniedMessage(caller, 'Decrypt', KEY, 'explicit-deny-identity-policy')).toBe(accessDeniedExplicitIdentity(caller, 'kms:Decrypt', KEY));
  });

  it('exports the key policy lockout text', () => {
    expect(KEY_POLICY_LOCKOUT_MESSAGE).toBe('The new key policy will not allow you to update the key policy in the future.');
  });
});

// -------------------------------------------------------------------------------------------
describe('parsing: grammar', () => {
  it('accepts Statement as a single object', () => {
    const p = parsed({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' } });
    expect(p.statements).toHaveLength(1);
    expect(p.statements[0].principal).toEqual({ any: true, aws: [], service: [] });
  });

  it('normalises strings and arrays, keeps values as written', () => {
    const p = parsed({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'A',
          Effect: 'Deny',
          Principal: { AWS: ['*', ACCT, ROLE], Service: 'dynamodb.amazonaws.com' },
          NotAction: ['kms:Encrypt', 'kms:Get*'],
          NotResource: 'arn:aws:kms:*:111122223333:key/*',
          Condition: {
            'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt', 'Encrypt'] },
            BoolIfExists: { 'kms:GrantIsForAWSResource': true },
            NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 },
          },
        },
      ],
    });
    expect(p.version).toBe('2012-10-17');
    expect(p.id).toBeUndefined();
    expect(p.statements[0]).toEqual({
      index: 0,
      sid: 'A',
      effect: 'Deny',
      principal: { any: true, aws: [ACCT, ROLE], service: ['dynamodb.amazonaws.com'] },
      notAction: ['kms:Encrypt', 'kms:Get*'],
      notResource: ['arn:aws:kms:*:111122223333:key/*'],
      conditions: [
        { operator: 'ForAllValues:StringEquals', base: 'StringEquals', set: 'ForAllValues', ifExists: false, key: 'kms:GrantOperations', values: ['Decrypt', 'Encrypt'] },
        { operator: 'BoolIfExists', base: 'Bool', ifExists: true, key: 'kms:GrantIsForAWSResource', values: ['true'] },
        { operator: 'NumericLessThan', base: 'NumericLessThan', ifExists: false, key: 'aws:MultiFactorAuthAge', values: ['3600'] },
      ],
    });
  });

  it('produces a plain, cloneable result that still evaluates after structuredClone', () => {
    const p = structuredClone(parsed(defaultKeyPolicy(ACCT)));
    expect(evaluatePolicy(p, ctx()).allows).toHaveLength(1);
  });

  it('ignores an unknown condition operator with an empty block, as IAM does', () => {
    const p = parsed(keyPolicy({ Principal: '*', Condition: { StringEqualz: {} } }));
    expect(p.statements[0].conditions).toEqual([]);
  });

  it('accepts a key policy Sid with spaces and both policy versions', () => {
    expect(parsed(keyPolicy({ Sid: 'Allow use of the key', Principal: '*' })).statements[0].sid).toBe('Allow use of the key');
    expect(parsed({ ...keyPolicy({ Principal: '*' }), Version: '2008-10-17' }).version).toBe('2008-10-17');
    expect(parsed({ Statement: keyPolicy({ Principal: '*' }).Statement }).version).toBeUndefined();
  });
});

// -------------------------------------------------------------------------------------------
describe('parsing: malformed documents', () => {
  const S = POLICY_MESSAGES;

  it('rejects text that is not JSON (KMS: empty message, IAM: Syntax errors in policy.)', () => {
    expect(fails('not a real policy statement', 'resource')).toMatchObject({ error: 'MalformedPolicyDocumentException', message: '' });
    expect(fails('{"Version": "2012-10-17",', 'identity')).toMatchObject({ error: 'MalformedPolicyDocument', message: 'Syntax errors in policy.' });
    expect(fails('nope').detail).toMatch(/not valid JSON/);
  });

  it.each([
    ['a JSON array', []],
    ['a JSON string', '"policy"'],
    ['an unknown top-level element', { ...keyPolicy({ Principal: '*' }), Extra: 1 }],
    ['a missing Statement', { Version: '2012-10-17' }],
    ['an empty Statement array', { Version: '2012-10-17', Statement: [] }],
    ['a Statement that is a string', { Version: '2012-10-17', Statement: 'x' }],
    ['a statement that is an array', { Version: '2012-10-17', Statement: [[]] }],
    ['an unknown Version', { ...keyPolicy({ Principal: '*' }), Version: '2013-10-17' }],
    ['a non-string Id', { ...keyPolicy({ Principal: '*' }), Id: {} }],
    ['a non-string Sid', keyPolicy({ Principal: '*', Sid: [] })],
    ['an unknown Effect', keyPolicy({ Principal: '*', Effect: 'Maybe' })],
    ['a missing Effect', { Version: '2012-10-17', Statement: { Principal: '*', Action: 'kms:*', Resource: '*' } }],
    ['an unknown statement element', keyPolicy({ Principal: '*', Resources: '*' })],
    ['Action and NotAction together', keyPolicy({ Principal: '*', NotAction: 'kms:Encrypt' })],
    ['Resource and NotResource together', keyPolicy({ Principal: '*', NotResource: '*' })],
    ['Principal and NotPrincipal together', keyPolicy({ Principal: '*', NotPrincipal: { AWS: ACCT } })],
    ['an Action that is a number', keyPolicy({ Principal: '*', Action: 5 })],
    ['a Resource that is an object', keyPolicy({ Principal: '*', Resource: { a: '*' } })],
    ['a Condition that is an array', keyPolicy({ Principal: '*', Condition: [] })],
    ['a Condition that is a string', keyPolicy({ Principal: '*', Condition: 'a' })],
    ['a condition operator mapped to a string', keyPolicy({ Principal: '*', Condition: { StringEquals: 'b' } })],
    ['a condition value that is an object', keyPolicy({ Principal: '*', Condition: { StringEquals: { 'kms:CallerAccount': {} } } })],
    ['an unknown condition operator', keyPolicy({ Principal: '*', Condition: { StringEqualz: { 'kms:CallerAccount': ACCT } } })],
    ['IfExists on Null', keyPolicy({ Principal: '*', Condition: { NullIfExists: { 'kms:CallerAccount': 'true' } } })],
    ['an unknown set operator', keyPolicy({ Principal: '*', Condition: { 'ForSomeValues:StringEquals': { 'kms:GrantOperations': 'Decrypt' } } })],
  ])('rejects %s with Syntax errors in policy.', (_what, doc) => {
    const r = fails(doc);
    expect(r).toMatchObject({ error: 'MalformedPolicyDocumentException', message: S.syntax });
    expect(r.detail.length).toBeGreaterThan(0);
  });

  it('rejects Effect with the wrong case as legacy parsing, like IAM', () => {
    expect(fails(keyPolicy({ Principal: '*', Effect: 'allow' })).message).toBe('The policy failed legacy parsing');
  });

  it('rejects an unparseable date condition value as legacy parsing', () => {
    expect(fails(keyPolicy({ Principal: '*', Condition: { DateLessThan: { 'aws:CurrentTime': 'tomorrow' } } })).message).toBe(S.legacy);
  });

  it('requires a principal in every key policy statement', () => {
    expect(fails({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'kms:*', Resource: '*' } }).message).toBe(
      'Policy contains a statement with no principal.',
    );
    expect(fails(keyPolicy({ Principal: { AWS: [] } })).message).toBe('Policy contains a statement with no principal.');
  });

  it.each([
    ['a wildcard inside an ARN', { AWS: `arn:aws:iam::${ACCT}:role/*` }],
    ['a unique id left by a deleted user', { AWS: 'AIDACKCEVSQ6C2EXAMPLE' }],
    ['a bare name', { AWS: 'Bob' }],
    ['a malformed service principal', { Service: 'not a service' }],
    ['a Federated principal', { Federated: 'cognito-identity.amazonaws.com' }],
    ['a principal string other than *', `arn:aws:iam::${ACCT}:root`],
  ])('rejects %s as invalid principals', (_what, principal) => {
    expect(fails(keyPolicy({ Principal: principal }))).toMatchObject({
      error: 'MalformedPolicyDocumentException',
      message: 'Policy contains a statement with one or more invalid principals.',
    });
  });

  it('forbids principals in identity policies', () => {
    expect(fails(keyPolicy({ Principal: '*' }), 'identity')).toMatchObject({ error: 'MalformedPolicyDocument', message: 'Policy document should not specify a principal.' });
    expect(fails(keyPolicy({ NotPrincipal: { AWS: ACCT } }), 'identity').message).toBe(S.identityPrincipal);
  });

  it('requires Version 2012-10-17 in identity policies', () => {
    const st = { Effect: 'Allow', Action: 'kms:*', Resource: '*' };
    expect(fails({ Statement: st }, 'identity').message).toBe('Policy document must be version 2012-10-17 or greater.');
    expect(fails({ Version: '2008-10-17', Statement: st }, 'identity').message).toBe(S.version);
  });

  it('requires Action and Resource in identity policies', () => {
    expect(fails({ Version: '2012-10-17', Statement: { Effect: 'Allow', Resource: '*' } }, 'identity').message).toBe('Policy statement must contain actions.');
    expect(fails({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: [], Resource: '*' } }, 'identity').message).toBe(S.noActions);
    expect(fails({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'kms:*' } }, 'identity').message).toBe('Policy statement must contain resources.');
  });

  it('accepts a key policy statement without Action or Resource but gives it no effect', () => {
    const noAction = parsed({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: '*', Resource: '*' } });
    expect(reasonOf(evaluatePolicy(noAction, ctx()))).toBe('Statement has no Action or NotAction element, so it has no effect');
    const noResource = parsed({ Version: '2012-10-17', Statement: { Effect: 'Deny', Principal: '*', Action: 'kms:*' } });
    const ev = evaluatePolicy(noResource, ctx());
    expect(ev.denies).toEqual([]);
    expect(reasonOf(ev)).toBe('Statement has no Resource or NotResource element, so it has no effect');
  });

  it('requires unique Sids, and alphanumeric Sids in identity policies', () => {
    const dup = { Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }, { Sid: 'A', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*' }] };
    expect(fails(dup).message).toBe('Statement IDs (SID) in a single policy must be unique.');
    expect(fails({ Version: '2012-10-17', Statement: { Sid: 'Allow_use', Effect: 'Allow', Action: 'kms:*', Resource: '*' } }, 'identity').message).toBe(
      'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
    );
  });

  it('checks action, condition key and resource formats with IAM texts', () => {
    const id = (st: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'kms:*', Resource: '*', ...st } });
    expect(fails(id({ Action: 'Decrypt' }), 'identity').message).toBe('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
    expect(fails(id({ Action: 'kms:Decrypt:x' }), 'identity').message).toBe('Actions/Condition can contain only one colon.');
    expect(fails(id({ Action: 'k_ms:Decrypt' }), 'identity').message).toBe('Vendor k_ms is not valid');
    expect(fails(id({ Condition: { StringEquals: { CallerAccount: ACCT } } }), 'identity').message).toBe(S.actionVendor);
    expect(fails(id({ Resource: 'invalid resource' }), 'identity').message).toBe('Resource invalid resource must be in ARN format or "*".');
    expect(fails(id({ Resource: 'arn:aws' }), 'identity').message).toBe('Resource vendor must be fully qualified and cannot contain regexes.');
    expect(fails(id({ Resource: 'arn:aws:s3::example_bucket' }), 'identity').message).toBe('The policy failed legacy parsing');
    expect(fails(id({ Resource: 'arn:foo:kms:us-east-1:111122223333:key/x' }), 'identity').message).toBe(
      'Partition "foo" is not valid for resource "arn:foo:kms:us-east-1:111122223333:key/x".',
    );
    expect(fails(keyPolicy({ Principal: '*', Action: 'Decrypt' })).message).toBe(S.actionVendor);
  });

  it('rejects a key policy over 32768 characters with LimitExceededException', () => {
    const base = JSON.stringify(keyPolicy({ Principal: '*' }));
    const atLimit = base.slice(0, -1) + ' '.repeat(KEY_POLICY_MAX_SIZE - base.length) + '}';
    expect(atLimit.length).toBe(32768);
    expect(parsePolicy(atLimit, 'resource').ok).toBe(true);
    const over = atLimit.slice(0, -1) + ' }';
    const r = fails(over);
    expect(r.error).toBe('LimitExceededException');
    expect(r.message).toBe(S.keyPolicyTooLarge(32769));
    // identity policies have no such check here
    const identity = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'kms:*', Resource: '*' } });
    expect(parsePolicy(identity.slice(0, -1) + ' '.repeat(40000) + '}', 'identity').ok).toBe(true);
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ Version: '2012-10-17', Statement: v }))), fc.constantFrom<PolicyKind>('resource', 'identity'), (text, kind) => {
        const r = parsePolicy(text, kind);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});

// -------------------------------------------------------------------------------------------
describe('evaluation: principals', () => {
  const p = (principal: unknown, extra: Record<string, unknown> = {}) => parsed(keyPolicy({ Principal: principal, ...extra }));
  const svc = { arn: '', account: '', service: 'dynamodb.amazonaws.com' };

  it('"*" and {"AWS": "*"} match every caller directly, services included', () => {
    for (const principal of ['*', { AWS: '*' }]) {
      expect(evaluatePolicy(p(principal), ctx()).allows[0].principalMatch).toBe('direct');
      expect(evaluatePolicy(p(principal), ctx({ principal: svc })).allows[0].principalMatch).toBe('direct');
    }
  });

  it('an ARN matches that principal only, directly', () => {
    expect(evaluatePolicy(p({ AWS: ROLE }), ctx()).allows[0].principalMatch).toBe('direct');
    expect(evaluatePolicy(p({ AWS: ROLE }), ctx({ principal: { arn: `arn:aws:iam::${ACCT}:role/Other`, account: ACCT } })).allows).toEqual([]);
  });

  it('a bare account id or the root ARN matches the account (delegation to IAM)', () => {
    expect(evaluatePolicy(p({ AWS: ACCT }), ctx()).allows[0].principalMatch).toBe('account');
    expect(evaluatePolicy(p({ AWS: [`arn:aws:iam::${OTHER}:root`, ACCT] }), ctx()).allows[0].principalMatch).toBe('account');
    expect(evaluatePolicy(p({ AWS: ACCT }), ctx({ principal: { arn: `arn:aws:iam::${OTHER}:user/u`, account: OTHER } })).allows).toEqual([]);
  });

  it('prefers direct when a statement names both the caller and its account', () => {
    expect(evaluatePolicy(p({ AWS: [ACCT, ROLE] }), ctx()).allows[0].principalMatch).toBe('direct');
  });

  it('a Service principal matches that service (case-insensitively) and nobody else', () => {
    expect(evaluatePolicy(p({ Service: 'DynamoDB.amazonaws.com' }), ctx({ principal: svc })).allows[0].principalMatch).toBe('direct');
    expect(evaluatePolicy(p({ Service: 'dynamodb.amazonaws.com' }), ctx()).allows).toEqual([]);
    expect(evaluatePolicy(p({ Service: 'logs.amazonaws.com' }), ctx({ principal: svc })).allows).toEqual([]);
  });

  it('NotPrincipal applies to everyone it does not list (an account entry covers its principals)', () => {
    const np = parsed(keyPolicy({ Effect: 'Deny', NotPrincipal: { AWS: ROLE } }));
    expect(evaluatePolicy(np, ctx()).denies).toEqual([]);
    expect(reasonOf(evaluatePolicy(np, ctx()))).toBe(`Principal ${ROLE} is excluded by NotPrincipal [${ROLE}]`);
    const other = evaluatePolicy(np, ctx({ principal: { arn: `arn:aws:iam::${ACCT}:user/Mallory`, account: ACCT } }));
    expect(other.denies).toEqual([{ index: 0, effect: 'Deny', principalMatch: 'direct' }]);
    const byAccount = parsed(keyPolicy({ Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${ACCT}:root` } }));
    expect(evaluatePolicy(byAccount, ctx()).denies).toEqual([]);
    expect(evaluatePolicy(byAccount, ctx({ principal: { arn: `arn:aws:iam::${OTHER}:role/X`, account: OTHER } })).denies).toHaveLength(1);
  });

  it('identity policies have no principal and report no principalMatch', () => {
    const ev = evaluatePolicy(parsed({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'kms:*', Resource: '*' } }, 'identity'), ctx());
    expect(ev.allows).toEqual([{ index: 0, effect: 'Allow' }]);
  });
});

// -------------------------------------------------------------------------------------------
describe('evaluation: actions and resources', () => {
  const id = (st: Record<string, unknown>) => parsed({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'kms:*', Resource: '*', ...st } }, 'identity');

  it('matches actions case-insensitively with * and ?', () => {
    expect(evaluatePolicy(id({ Action: 'kms:decrypt' }), ctx({ action: 'kms:Decrypt' })).allows).toHaveLength(1);
    expect(evaluatePolicy(id({ Action: 'KMS:*Grant*' }), ctx({ action: 'kms:ListRetirableGrants' })).allows).toHaveLength(1);
    expect(evaluatePolicy(id({ Action: 'kms:ReEncrypt*' }), ctx({ action: 'kms:ReEncryptFrom' })).allows).toHaveLength(1);
    expect(evaluatePolicy(id({ Action: 'kms:?ecrypt' }), ctx({ action: 'kms:Decrypt' })).allows).toHaveLength(1);
    expect(evaluatePolicy(id({ Action: 'kms:?ecrypt' }), ctx({ action: 'kms:Encrypt' })).allows).toHaveLength(0);
    expect(evaluatePolicy(id({ Action: '*' }), ctx({ action: 'kms:Sign' })).allows).toHaveLength(1);
    expect(reasonOf(evaluatePolicy(id({ Action: ['kms:Decrypt'] }), ctx({ action: 'kms:Encrypt' })))).toBe('Action kms:Encrypt is not in [kms:Decrypt]');
  });

  it('NotAction applies to every action it does not list', () => {
    const p = id({ Action: undefined, NotAction: ['kms:ScheduleKeyDeletion', 'kms:Disable*'] });
    expect(evaluatePolicy(p, ctx({ action: 'kms:Decrypt' })).allows).toHaveLength(1);
    expect(reasonOf(evaluatePolicy(p, ctx({ action: 'kms:DisableKey' })))).toBe('Action kms:DisableKey is excluded by NotAction [kms:ScheduleKeyDeletion, kms:Disable*]');
  });

  it('matches resources case-sensitively with wildcards', () => {
    expect(evaluatePolicy(id({ Resource: 'arn:aws:kms:*:111122223333:key/*' }), ctx()).allows).toHaveLength(1);
    expect(evaluatePolicy(id({ Resource: KEY }), ctx()).allows).toHaveLength(1);
    expect(evaluatePolicy(id({ Resource: KEY.toUpperCase().replace('ARN:AWS:KMS', 'arn:aws:kms') }), ctx()).allows).toHaveLength(0);
    expect(reasonOf(evaluatePolicy(id({ Resource: 'arn:aws:kms:us-west-2:111122223333:key/*' }), ctx()))).toBe(
      `Resource ${KEY} is not in [arn:aws:kms:us-west-2:111122223333:key/*]`,
    );
  });

  it('"*" in a key policy means this key', () => {
    expect(evaluatePolicy(parsed(keyPolicy({ Principal: '*' })), ctx()).allows).toHaveLength(1);
  });

  it('NotResource applies to every resource it does not list', () => {
    const p = id({ Resource: undefined, NotResource: KEY });
    expect(evaluatePolicy(p, ctx()).allows).toHaveLength(0);
    expect(evaluatePolicy(p, ctx({ resource: KEY.replace('1234abcd', '9999abcd') })).allows).toHaveLength(1);
    expect(reasonOf(evaluatePolicy(p, ctx()))).toBe(`Resource ${KEY} is excluded by NotResource [${KEY}]`);
  });

  it('sorts statements into allows, denies and misses, in order', () => {
    const p = parsed({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Deny1', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' },
        { Sid: 'Allow1', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:*', Resource: '*' },
        { Sid: 'Miss1', Effect: 'Allow', Principal: '*', Action: 'kms:Encrypt', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: ACCT }, Action: 'kms:Decrypt', Resource: '*' },
      ],
    });
    expect(evaluatePolicy(p, ctx())).toEqual({
      denies: [{ index: 0, sid: 'Deny1', effect: 'Deny', principalMatch: 'direct' }],
      allows: [
        { index: 1, sid: 'Allow1', effect: 'Allow', principalMatch: 'direct' },
        { index: 3, effect: 'Allow', principalMatch: 'account' },
      ],
      misses: [{ index: 2, sid: 'Miss1', effect: 'Allow', reason: 'Action kms:Decrypt is not in [kms:Encrypt]' }],
    });
  });
});

// -------------------------------------------------------------------------------------------
describe('evaluation: condition operators', () => {
  it('StringEquals: exact, case-sensitive values, case-insensitive key names, values OR-ed', () => {
    const c = { StringEquals: { 'kms:GranteePrincipal': ['arn:aws:iam::111122223333:role/A', 'arn:aws:iam::111122223333:role/B'] } };
    expect(applies(c, { 'kms:GranteePrincipal': 'arn:aws:iam::111122223333:role/B' })).toBe(true);
    expect(applies(c, { 'KMS:granteeprincipal': 'arn:aws:iam::111122223333:role/A' })).toBe(true);
    expect(applies(c, { 'kms:GranteePrincipal': 'arn:aws:iam::111122223333:role/a' })).toBe(false);
    expect(applies({ StringEquals: { 'kms:CallerAccount': '1111*' } }, { 'kms:CallerAccount': ACCT })).toBe(false);
    const ev = evaluatePolicy(withCondition({ StringEquals: { 'kms:GranteePrincipal': 'y' } }), ctx({ conditions: { 'kms:GranteePrincipal': 'x' } }));
    expect(reasonOf(ev)).toBe("Condition StringEquals kms:GranteePrincipal: value 'x' not in ['y']");
  });

  it('StringNotEquals: true when the value is none of the listed values (NOR)', () => {
    const c = { StringNotEquals: { 'kms:CallerAccount': [ACCT, OTHER] } };
    expect(applies(c, { 'kms:CallerAccount': '999999999999' })).toBe(true);
    expect(applies(c, { 'kms:CallerAccount': OTHER })).toBe(false);
    expect(reasonOf(evaluatePolicy(withCondition(c), ctx({ conditions: { 'kms:CallerAccount': ACCT } })))).toBe(
      `Condition StringNotEquals kms:CallerAccount: value '${ACCT}' matches ['${ACCT}', '${OTHER}']`,
    );
  });

  it('StringEqualsIgnoreCase and StringNotEqualsIgnoreCase ignore case', () => {
    expect(applies({ StringEqualsIgnoreCase: { 'kms:EncryptionContext:Dept': 'IT' } }, { 'kms:EncryptionContext:Dept': 'it' })).toBe(true);
    expect(applies({ StringEqualsIgnoreCase: { 'kms:EncryptionContext:Dept': 'IT' } }, { 'kms:EncryptionContext:Dept': 'HR' })).toBe(false);
    expect(applies({ StringNotEqualsIgnoreCase: { 'kms:EncryptionContext:Dept': 'IT' } }, { 'kms:EncryptionContext:Dept': 'it' })).toBe(false);
    expect(applies({ StringNotEqualsIgnoreCase: { 'kms:EncryptionContext:Dept': 'IT' } }, { 'kms:EncryptionContext:Dept': 'HR' })).toBe(true);
  });

  it('StringLike and StringNotLike use * and ? anywhere, case-sensitively', () => {
    const like = { StringLike: { 'kms:ViaService': ['ec2.*.amazonaws.com', 's3.us-east-?.amazonaws.com'] } };
    expect(applies(like, { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' })).toBe(true);
    expect(applies(like, { 'kms:ViaService': 's3.us-east-1.amazonaws.com' })).toBe(true);
    expect(applies(like, { 'kms:ViaService': 's3.us-east-10.amazonaws.com' })).toBe(false);
    expect(applies(like, { 'kms:ViaService': 'EC2.us-west-2.amazonaws.com' })).toBe(false);
    expect(applies({ StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/(a)+' } }, { 'aws:PrincipalArn': 'arn:aws:iam::1:role/(a)+' })).toBe(true);
    const notLike = { StringNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/Admin*', 'arn:aws:iam::*:root'] } };
    expect(applies(notLike, { 'aws:PrincipalArn': ROLE })).toBe(true);
    expect(applies(notLike, { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/AdminRole` })).toBe(false);
  });

  it('Numeric operators compare numbers', () => {
    const ok = (op: string, policy: number | string, value: ContextValue) => applies({ [op]: { 'aws:MultiFactorAuthAge': policy } }, { 'aws:MultiFactorAuthAge': value });
    expect(ok('NumericEquals', 10, 10)).toBe(true);
    expect(ok('NumericEquals', '10', '10.0')).toBe(true);
    expect(ok('NumericEquals', 10, 11)).toBe(false);
    expect(ok('NumericNotEquals', 10, 11)).toBe(true);
    expect(ok('NumericNotEquals', 10, 10)).toBe(false);
    expect(ok('NumericLessThan', 10, 9)).toBe(true);
    expect(ok('NumericLessThan', 10, 10)).toBe(false);
    expect(ok('NumericLessThanEquals', 10, 10)).toBe(true);
    expect(ok('NumericGreaterThan', 10, 11)).toBe(true);
    expect(ok('NumericGreaterThan', 10, 10)).toBe(false);
    expect(ok('NumericGreaterThanEquals', 10, 10)).toBe(true);
    expect(ok('NumericLessThan', 10, 'abc')).toBe(false);
  });

  it('Date operators compare ISO 8601 dates and epoch seconds', () => {
    const ok = (op: string, policy: string, value: ContextValue) => applies({ [op]: { 'aws:CurrentTime': policy } }, { 'aws:CurrentTime': value });
    expect(ok('DateLessThan', '2026-12-01T00:00:00Z', '2026-11-22T10:00:00Z')).toBe(true);
    expect(ok('DateLessThan', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z')).toBe(false);
    expect(ok('DateLessThanEquals', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z')).toBe(true);
    expect(ok('DateGreaterThan', '2026-12-01', '2026-12-02T00:00:00Z')).toBe(true);
    expect(ok('DateGreaterThanEquals', '2026-12-01T00:00:00Z', 1796083200)).toBe(true);
    expect(ok('DateEquals', '1796083200', '2026-12-01T00:00:00Z')).toBe(true);
    expect(ok('DateNotEquals', '1796083200', '2026-12-01T00:00:01Z')).toBe(true);
    expect(ok('DateNotEquals', '1796083200', '2026-12-01T00:00:00Z')).toBe(false);
  });

  it('Bool compares true/false, given as JSON booleans or strings', () => {
    expect(applies({ Bool: { 'kms:GrantIsForAWSResource': true } }, { 'kms:GrantIsForAWSResource': true })).toBe(true);
    expect(applies({ Bool: { 'kms:GrantIsForAWSResource': 'true' } }, { 'kms:GrantIsForAWSResource': 'TRUE' })).toBe(true);
    expect(applies({ Bool: { 'kms:GrantIsForAWSResource': 'true' } }, { 'kms:GrantIsForAWSResource': false })).toBe(false);
    expect(applies({ Bool: { 'kms:GrantIsForAWSResource': false } }, { 'kms:GrantIsForAWSResource': false })).toBe(true);
  });

  it('BinaryEquals compares base64 text', () => {
    expect(applies({ BinaryEquals: { 'x:Blob': 'QmluYXJ5' } }, { 'x:Blob': 'QmluYXJ5' })).toBe(true);
    expect(applies({ BinaryEquals: { 'x:Blob': 'QmluYXJ5' } }, { 'x:Blob': 'QmluYXJ6' })).toBe(false);
  });

  it('IpAddress and NotIpAddress match IPv4 and IPv6 CIDR ranges', () => {
    const c = { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8:1234:5678::/64', '198.51.100.7'] } };
    expect(applies(c, { 'aws:SourceIp': '203.0.113.200' })).toBe(true);
    expect(applies(c, { 'aws:SourceIp': '203.0.114.1' })).toBe(false);
    expect(applies(c, { 'aws:SourceIp': '198.51.100.7' })).toBe(true);
    expect(applies(c, { 'aws:SourceIp': '198.51.100.8' })).toBe(false);
    expect(applies(c, { 'aws:SourceIp': '2001:db8:1234:5678:abcd::1' })).toBe(true);
    expect(applies(c, { 'aws:SourceIp': '2001:db8:1234:5679::1' })).toBe(false);
    expect(applies({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '10.1.2.3' })).toBe(false);
    expect(applies({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '11.1.2.3' })).toBe(true);
  });

  it('ArnEquals/ArnLike match each of the six ARN parts separately', () => {
    const pattern = 'arn:aws:someservice:*:111122223333:finance/*';
    const value = 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt';
    // the IAM User Guide's own example: StringLike matches, ArnLike does not
    expect(applies({ StringLike: { 'aws:SourceArn': pattern } }, { 'aws:SourceArn': value })).toBe(true);
    expect(applies({ ArnLike: { 'aws:SourceArn': pattern } }, { 'aws:SourceArn': value })).toBe(false);
    expect(applies({ ArnLike: { 'aws:SourceArn': pattern } }, { 'aws:SourceArn': 'arn:aws:someservice:us-east-2:111122223333:finance/a:b' })).toBe(true);
    expect(applies({ ArnEquals: { 'kms:GrantConstraintSourceArn': 'arn:aws:supportauthz:us-east-1:111122223333:supportpermit/*' } }, { 'kms:GrantConstraintSourceArn': 'arn:aws:supportauthz:us-east-1:111122223333:supportpermit/p-1' })).toBe(true);
    expect(applies({ ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:111122223333:Topic' } }, { 'aws:SourceArn': 'arn:aws:sns:us-east-1:111122223333:topic' })).toBe(false);
    expect(applies({ ArnLike: { 'aws:SourceArn': pattern } }, { 'aws:SourceArn': 'not-an-arn' })).toBe(false);
    expect(applies({ ArnLike: { 'aws:SourceArn': '*' } }, { 'aws:SourceArn': 'anything' })).toBe(true);
  });

  it('ArnNotEquals/ArnNotLike are true when no pattern matches', () => {
    expect(applies({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Admin*' } }, { 'aws:PrincipalArn': ROLE })).toBe(true);
    expect(applies({ ArnNotEquals: { 'aws:PrincipalArn': ROLE } }, { 'aws:PrincipalArn': ROLE })).toBe(false);
  });

  it('Null tests presence: true = absent, false = present', () => {
    expect(applies({ Null: { 'kms:EncryptionContextKeys': 'false' } }, { 'kms:EncryptionContextKeys': ['Dept'] })).toBe(true);
    expect(applies({ Null: { 'kms:EncryptionContextKeys': false } }, {})).toBe(false);
    expect(applies({ Null: { 'kms:EncryptionContextKeys': true } }, {})).toBe(true);
    expect(applies({ Null: { 'kms:EncryptionContextKeys': 'true' } }, { 'kms:EncryptionContextKeys': ['Dept'] })).toBe(false);
    expect(applies({ Null: { 'kms:EncryptionContextKeys': 'true' } }, { 'kms:EncryptionContextKeys': [] })).toBe(true);
    expect(applies({ Null: { 'kms:EncryptionContextKeys': 'true' } }, { 'kms:EncryptionContextKeys': undefined })).toBe(true);
  });
});

// -------------------------------------------------------------------------------------------
describe('evaluation: missing keys and IfExists', () => {
  it('a positive operator on a missing key is false, a negated one is true', () => {
    expect(applies({ StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } }, {})).toBe(false);
    expect(applies({ ArnLike: { 'aws:SourceArn': 'arn:*' } }, {})).toBe(false);
    expect(applies({ NumericLessThan: { 'x:n': 1 } }, {})).toBe(false);
    expect(applies({ Bool: { 'kms:GrantIsForAWSResource': true } }, {})).toBe(false);
    for (const op of ['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'ArnNotEquals', 'ArnNotLike', 'NumericNotEquals', 'DateNotEquals', 'NotIpAddress']) {
      const v = op.startsWith('Date') ? '2026-01-01T00:00:00Z' : op === 'NotIpAddress' ? '10.0.0.0/8' : op.startsWith('Numeric') ? '1' : 'x';
      expect(applies({ [op]: { 'x:missing': v } }, {}), op).toBe(true);
    }
    const ev = evaluatePolicy(withCondition({ StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } }), ctx());
    expect(reasonOf(ev)).toBe('Condition StringEquals kms:ViaService: the key is not present in the request');
  });

  it('IfExists makes a missing key pass and leaves present keys to the operator', () => {
    const c = { StringEqualsIfExists: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } };
    expect(applies(c, {})).toBe(true);
    expect(applies(c, { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' })).toBe(true);
    expect(applies(c, { 'kms:ViaService': 's3.us-east-1.amazonaws.com' })).toBe(false);
    expect(applies({ StringNotEqualsIfExists: { 'x:tag': 'a' } }, {})).toBe(true);
    expect(applies({ StringNotEqualsIfExists: { 'x:tag': 'a' } }, { 'x:tag': 'a' })).toBe(false);
    expect(applies({ ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:s3:::b/*' } }, {})).toBe(true);
    expect(applies({ NumericGreaterThanIfExists: { 'x:n': 5 } }, { 'x:n': 3 })).toBe(false);
    expect(applies({ BoolIfExists: { 'x:b': 'true' } }, {})).toBe(true);
  });

  it('keys AND, operators AND', () => {
    const c = {
      StringEquals: { 'kms:CallerAccount': ACCT, 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' },
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    };
    const all = { 'kms:CallerAccount': ACCT, 'kms:ViaService': 'ec2.us-east-1.amazonaws.com', 'kms:GrantIsForAWSResource': true };
    expect(applies(c, all)).toBe(true);
    expect(applies(c, { ...all, 'kms:CallerAccount': OTHER })).toBe(false);
    expect(applies(c, { ...all, 'kms:ViaService': undefined })).toBe(false);
    expect(applies(c, { ...all, 'kms:GrantIsForAWSResource': false })).toBe(false);
  });
});

// -------------------------------------------------------------------------------------------
describe('evaluation: ForAllValues / ForAnyValue and multivalued keys', () => {
  const allOps = { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Encrypt', 'ReEncryptTo'] } };
  const anyOps = { 'ForAnyValue:StringEquals': { 'kms:GrantOperations': ['Decrypt', 'ReEncryptFrom'] } };

  it('ForAllValues: every request value must match a policy value', () => {
    expect(applies(allOps, { 'kms:GrantOperations': ['Encrypt'] })).toBe(true);
    expect(applies(allOps, { 'kms:GrantOperations': ['ReEncryptTo', 'Encrypt'] })).toBe(true);
    expect(applies(allOps, { 'kms:GrantOperations': ['Encrypt', 'Decrypt'] })).toBe(false);
    expect(reasonOf(evaluatePolicy(withCondition(allOps), ctx({ conditions: { 'kms:GrantOperations': ['Encrypt', 'Decrypt'] } })))).toBe(
      "Condition ForAllValues:StringEquals kms:GrantOperations: value 'Decrypt' not in ['Encrypt', 'ReEncryptTo']",
    );
  });

  it('ForAllValues is true for a missing key or an empty set', () => {
    expect(applies(allOps, {})).toBe(true);
    expect(applies(allOps, { 'kms:GrantOperations': [] })).toBe(true);
    expect(applies({ 'ForAllValues:StringEqualsIfExists': { 'kms:GrantOperations': 'Encrypt' } }, {})).toBe(true);
  });

  it('ForAnyValue: at least one request value must match; missing or empty is false', () => {
    expect(applies(anyOps, { 'kms:GrantOperations': ['Encrypt', 'Decrypt'] })).toBe(true);
    expect(applies(anyOps, { 'kms:GrantOperations': ['Encrypt', 'Sign'] })).toBe(false);
    expect(applies(anyOps, {})).toBe(false);
    expect(applies(anyOps, { 'kms:GrantOperations': [] })).toBe(false);
    expect(applies({ 'ForAnyValue:StringEqualsIfExists': { 'kms:GrantOperations': 'Decrypt' } }, {})).toBe(false);
    expect(reasonOf(evaluatePolicy(withCondition(anyOps), ctx({ conditions: { 'kms:GrantOperations': ['Encrypt', 'Sign'] } })))).toBe(
      "Condition ForAnyValue:StringEquals kms:GrantOperations: no value of ['Encrypt', 'Sign'] in ['Decrypt', 'ReEncryptFrom']",
    );
  });

  it('negated operators under set qualifiers', () => {
    const allNot = { 'ForAllValues:StringNotEquals': { 'kms:EncryptionContextKeys': ['Secret', 'Internal'] } };
    expect(applies(allNot, { 'kms:EncryptionContextKeys': ['Dept', 'Project'] })).toBe(true);
    expect(applies(allNot, { 'kms:EncryptionContextKeys': ['Dept', 'Secret'] })).toBe(false);
    expect(applies(allNot, {})).toBe(true);
    const anyNot = { 'ForAnyValue:StringNotEquals': { 'kms:EncryptionContextKeys': ['Dept', 'Project'] } };
    expect(applies(anyNot, { 'kms:EncryptionContextKeys': ['Dept', 'Other'] })).toBe(true);
    expect(applies(anyNot, { 'kms:EncryptionContextKeys': ['Dept', 'Project'] })).toBe(false);
    expect(applies(anyNot, {})).toBe(false);
  });

  it('other operators and wildcards work under set qualifiers', () => {
    expect(applies({ 'ForAllValues:StringLike': { 'kms:EncryptionContextKeys': 'aws:*' } }, { 'kms:EncryptionContextKeys': ['aws:s3:arn', 'aws:ebs:id'] })).toBe(true);
    expect(applies({ 'ForAnyValue:StringEqualsIgnoreCase': { 'kms:GrantOperations': 'decrypt' } }, { 'kms:GrantOperations': ['Encrypt', 'Decrypt'] })).toBe(true);
  });

  it('a single-valued key counts as a one-element set under a set qualifier', () => {
    expect(applies({ 'ForAnyValue:StringEquals': { 'kms:CallerAccount': ACCT } }, { 'kms:CallerAccount': ACCT })).toBe(true);
    expect(applies({ 'ForAllValues:StringEquals': { 'kms:CallerAccount': OTHER } }, { 'kms:CallerAccount': ACCT })).toBe(false);
  });

  it('an operator without a qualifier never matches a key with several values, negated or not', () => {
    const many = { 'kms:GrantOperations': ['Decrypt', 'Encrypt'] };
    expect(applies({ StringEquals: { 'kms:GrantOperations': ['Decrypt', 'Encrypt'] } }, many)).toBe(false);
    expect(applies({ StringNotEquals: { 'kms:GrantOperations': 'Sign' } }, many)).toBe(false);
    expect(applies({ StringEqualsIfExists: { 'kms:GrantOperations': 'Decrypt' } }, many)).toBe(false);
    expect(reasonOf(evaluatePolicy(withCondition({ StringEquals: { 'kms:GrantOperations': 'Decrypt' } }), ctx({ conditions: many })))).toBe(
      "Condition StringEquals kms:GrantOperations: the request has several values ['Decrypt', 'Encrypt']; a multivalued key needs ForAnyValue: or ForAllValues:",
    );
  });

  it('an operator without a qualifier treats a one-element list as its single value, an empty list as missing', () => {
    expect(applies({ StringEquals: { 'kms:EncryptionContextKeys': 'AppName' } }, { 'kms:EncryptionContextKeys': ['AppName'] })).toBe(true);
    expect(applies({ StringEquals: { 'kms:EncryptionContextKeys': 'AppName' } }, { 'kms:EncryptionContextKeys': [] })).toBe(false);
    expect(applies({ StringNotEquals: { 'kms:EncryptionContextKeys': 'AppName' } }, { 'kms:EncryptionContextKeys': [] })).toBe(true);
  });
});

// -------------------------------------------------------------------------------------------
describe('properties', () => {
  const opName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,30}$/);

  it('an Allow statement with Action "kms:*" and no condition matches every kms action', () => {
    const p = parsed({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:*', Resource: '*' } });
    fc.assert(
      fc.property(opName, fc.boolean(), (name, upper) => {
        const action = `${upper ? 'KMS' : 'kms'}:${name}`;
        const ev = evaluatePolicy(p, ctx({ action }));
        expect(ev.allows).toEqual([{ index: 0, effect: 'Allow', principalMatch: 'direct' }]);
        expect(ev.misses).toEqual([]);
      }),
    );
  });

  it('an exact action pattern matches exactly that action, in any case', () => {
    fc.assert(
      fc.property(opName, opName, (a, b) => {
        const p = parsed({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: `kms:${a}`, Resource: '*' } }, 'identity');
        const hit = evaluatePolicy(p, ctx({ action: `kms:${b}` })).allows.length === 1;
        expect(hit).toBe(a.toLowerCase() === b.toLowerCase());
      }),
    );
  });

  const OPS = ['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'Sign', 'Verify', 'GetPublicKey', 'CreateGrant', 'RetireGrant', 'DescribeKey'];

  it('ForAllValues:StringEquals holds exactly when the request operations are a subset of the policy list', () => {
    fc.assert(
      fc.property(fc.subarray(OPS), fc.subarray(OPS), (allowed, requested) => {
        const c = { 'ForAllValues:StringEquals': { 'kms:GrantOperations': allowed } };
        const expected = requested.every((o) => allowed.includes(o));
        expect(applies(c, { 'kms:GrantOperations': requested })).toBe(expected);
      }),
    );
  });

  it('ForAnyValue:StringEquals holds exactly when the two lists intersect', () => {
    fc.assert(
      fc.property(fc.subarray(OPS), fc.subarray(OPS), (listed, requested) => {
        const c = { 'ForAnyValue:StringEquals': { 'kms:GrantOperations': listed } };
        expect(applies(c, { 'kms:GrantOperations': requested })).toBe(requested.some((o) => listed.includes(o)));
      }),
    );
  });

  it('a negated operator is the complement of its positive form when the key is present', () => {
    const pairs = [
      ['StringEquals', 'StringNotEquals'],
      ['StringLike', 'StringNotLike'],
      ['StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase'],
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...pairs), fc.array(fc.stringMatching(/^[ab*?]{0,4}$/), { maxLength: 3 }), fc.stringMatching(/^[abAB]{0,4}$/), ([pos, neg], values, v) => {
        expect(applies({ [neg]: { 'x:k': values } }, { 'x:k': v })).toBe(!applies({ [pos]: { 'x:k': values } }, { 'x:k': v }));
      }),
    );
  });

  it('StringLike without wildcards behaves like StringEquals', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[^*?]{0,6}$/), { maxLength: 3 }), fc.string({ maxLength: 6 }), (values, v) => {
        expect(applies({ StringLike: { 'x:k': values } }, { 'x:k': v })).toBe(applies({ StringEquals: { 'x:k': values } }, { 'x:k': v }));
      }),
    );
  });
});
