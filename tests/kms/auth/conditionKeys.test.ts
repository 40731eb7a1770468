/**
 * Condition keys, policy variables and key policy validation, replayed through sim.fetch with
 * signed requests: the examples of the AWS KMS Developer Guide ("AWS KMS condition keys") and of
 * the IAM User Guide ("IAM policy elements: Variables and tags"), each with the answer AWS gives.
 */
import { describe, expect, it } from 'vitest';
import { ACCOUNT, ROOT, makeSim } from '../helpers';
import { CONDITION_KEYS, KEY_RESOURCE_OPERATIONS, requestConditionKeys, uniqueIdFor } from '../../../src/kms/auth/conditionKeys';
import { authorize } from '../../../src/kms/auth/authorize';
import { makeCaller } from '../../../src/kms/auth/caller';
import { parsePolicy, evaluatePolicy, type ParsedPolicy } from '../../../src/kms/auth/policy';
import { World, type KeyRecord } from '../../../src/kms/world';

const ALICE = `arn:aws:iam::${ACCOUNT}:user/Alice`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ExampleRole`;
const msg = btoa('hello');

function policy(...statements: object[]) {
  return { Version: '2012-10-17', Statement: statements };
}

function simWith(principals: { arn: string; policy?: object }[]) {
  const list = [{ arn: ROOT, accessKeyId: 'AKIAROOT0000000000000' }, ...principals.map((p, i) => ({ ...p, accessKeyId: `AKIATEST${String(i).padStart(12, '0')}` }))];
  return makeSim({ principals: list });
}

/** the decision header of a response, decoded */
function decision(r: { headers: Headers }): { allowed: boolean; summary: string; notes: string[] } {
  return JSON.parse(decodeURIComponent(r.headers.get('x-playground-decision')!));
}

describe('the condition-key table', () => {
  const documented = [
    'kms:BypassPolicyLockoutSafetyCheck',
    'kms:CallerAccount',
    'kms:CustomerMasterKeySpec',
    'kms:CustomerMasterKeyUsage',
    'kms:DataKeyPairSpec',
    'kms:EncryptionAlgorithm',
    'kms:EncryptionContext:<k>',
    'kms:EncryptionContextKeys',
    'kms:ExpirationModel',
    'kms:GrantConstraintType',
    'kms:GrantIsForAWSResource',
    'kms:GrantOperations',
    'kms:GranteePrincipal',
    'kms:KeyAgreementAlgorithm',
    'kms:KeyOrigin',
    'kms:KeySpec',
    'kms:KeyUsage',
    'kms:MacAlgorithm',
    'kms:MessageType',
    'kms:MultiRegion',
    'kms:MultiRegionKeyType',
    'kms:PrimaryRegion',
    'kms:ReEncryptOnSameKey',
    'kms:RequestAlias',
    'kms:ResourceAliases',
    'kms:ReplicaRegion',
    'kms:RetiringPrincipal',
    'kms:RotationPeriodInDays',
    'kms:ScheduleKeyDeletionPendingWindowInDays',
    'kms:SigningAlgorithm',
    'kms:ValidTo',
    'kms:ViaService',
    'kms:WrappingAlgorithm',
    'kms:WrappingKeySpec',
    'aws:PrincipalArn',
    'aws:PrincipalAccount',
    'aws:PrincipalType',
    'aws:userid',
    'aws:username',
    'aws:PrincipalTag/<k>',
    'aws:PrincipalOrgID',
    'aws:PrincipalIsAWSService',
    'aws:PrincipalServiceName',
    'aws:CalledVia',
    'aws:CalledViaFirst',
    'aws:CalledViaLast',
    'aws:ViaAWSService',
    'aws:SourceArn',
    'aws:SourceAccount',
    'aws:CurrentTime',
    'aws:EpochTime',
    'aws:SecureTransport',
    'aws:RequestedRegion',
    'aws:ResourceTag/<k>',
    'aws:RequestTag/<k>',
    'aws:TagKeys',
    'aws:SourceIp',
    'aws:SourceVpc',
  ];
  it('lists every documented key once, with a type, its operations and where its value comes from', () => {
    const keys = CONDITION_KEYS.map((k) => k.key);
    for (const k of documented) expect(keys, k).toContain(k);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of CONDITION_KEYS) {
      expect(k.operations.length, k.key).toBeGreaterThan(0);
      expect(k.from.length, k.key).toBeGreaterThan(5);
    }
  });
  it('says which keys belong to operations the simulator does not offer', () => {
    const not = CONDITION_KEYS.filter((k) => k.notSimulated).map((k) => k.key);
    expect(not).toEqual(expect.arrayContaining(['kms:ExpirationModel', 'kms:PrimaryRegion', 'kms:ReplicaRegion', 'kms:RotationPeriodInDays', 'kms:ValidTo', 'kms:WrappingAlgorithm', 'kms:WrappingKeySpec']));
    expect(not).not.toContain('kms:EncryptionAlgorithm');
    expect(KEY_RESOURCE_OPERATIONS).toContain('TagResource');
  });
});

describe('kms: keys from the key and the request, with their documented defaults', () => {
  it('kms:KeyUsage: an IAM policy that allows CreateGrant and DescribeKey only on SIGN_VERIFY keys', async () => {
    const { call, createKey } = simWith([
      { arn: ROLE, policy: policy({ Effect: 'Allow', Action: ['kms:CreateGrant', 'kms:DescribeKey'], Resource: '*', Condition: { StringEquals: { 'kms:KeyUsage': 'SIGN_VERIFY' } } }) },
    ]);
    const sign = await createKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    const enc = await createKey({});
    expect((await call('DescribeKey', { KeyId: sign.Arn }, { as: ROLE })).status).toBe(200);
    const denied = await call('DescribeKey', { KeyId: enc.Arn }, { as: ROLE });
    expect(denied.type).toBe('AccessDeniedException');
    expect(decision(denied).notes.join('\n')).toContain("value 'ENCRYPT_DECRYPT' not in ['SIGN_VERIFY'] (kms:KeyUsage = ENCRYPT_DECRYPT, from the key)");
    const g = await call('CreateGrant', { KeyId: sign.Arn, GranteePrincipal: ROLE, Operations: ['Sign'] }, { as: ROLE });
    expect(g.status).toBe(200);
  });

  it('kms:KeySpec: Encrypt only with SYMMETRIC_DEFAULT keys', async () => {
    const { call, createKey } = simWith([{ arn: ROLE, policy: policy({ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT' } } }) }]);
    const sym = await createKey({});
    const rsa = await createKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    const ok = await call('Encrypt', { KeyId: sym.KeyId, Plaintext: msg }, { as: ROLE });
    expect(ok.status).toBe(200);
    expect(decision(ok).summary).toContain('kms:KeySpec = SYMMETRIC_DEFAULT, from the key');
    const no = await call('Encrypt', { KeyId: rsa.KeyId, Plaintext: msg, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }, { as: ROLE });
    expect(no.type).toBe('AccessDeniedException');
  });

  it('kms:KeySpec on CreateKey is SYMMETRIC_DEFAULT when the request names none ("works even when the parameter doesn\'t appear")', async () => {
    const { call } = simWith([{ arn: ROLE, policy: policy({ Effect: 'Allow', Action: 'kms:CreateKey', Resource: '*', Condition: { StringEquals: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT', 'kms:KeyOrigin': 'AWS_KMS', 'kms:KeyUsage': 'ENCRYPT_DECRYPT' } } }) }]);
    expect((await call('CreateKey', {}, { as: ROLE })).status).toBe(200);
    expect((await call('CreateKey', { KeySpec: 'SYMMETRIC_DEFAULT' }, { as: ROLE })).status).toBe(200);
    expect((await call('CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' }, { as: ROLE })).type).toBe('AccessDeniedException');
  });

  describe('kms:EncryptionAlgorithm: the documented Deny StringNotEquals SYMMETRIC_DEFAULT ("AllowOnlySymmetricAlgorithm")', () => {
    const deny = {
      Sid: 'AllowOnlySymmetricAlgorithm',
      Effect: 'Deny',
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
      Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/*`,
      Condition: { StringNotEquals: { 'kms:EncryptionAlgorithm': 'SYMMETRIC_DEFAULT' } },
    };
    const setup = () => simWith([{ arn: ROLE, policy: policy({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }, deny) }]);

    it('does not deny an Encrypt that names no algorithm: the value is SYMMETRIC_DEFAULT, the default', async () => {
      const { call, createKey } = setup();
      const k = await createKey({});
      const r = await call('Encrypt', { KeyId: k.KeyId, Plaintext: msg }, { as: ROLE });
      expect(r.status).toBe(200);
      expect(decision(r).notes.join('\n')).toContain('kms:EncryptionAlgorithm = SYMMETRIC_DEFAULT, the default: the request named no EncryptionAlgorithm');
      // and it round-trips through Decrypt and ReEncrypt
      const d = await call('Decrypt', { CiphertextBlob: r.json.CiphertextBlob }, { as: ROLE });
      expect(d.status).toBe(200);
      expect((await call('ReEncrypt', { CiphertextBlob: r.json.CiphertextBlob, DestinationKeyId: k.KeyId }, { as: ROLE })).status).toBe(200);
    });
    it('does not deny an Encrypt that names SYMMETRIC_DEFAULT, nor GenerateDataKey', async () => {
      const { call, createKey } = setup();
      const k = await createKey({});
      expect((await call('Encrypt', { KeyId: k.KeyId, Plaintext: msg, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }, { as: ROLE })).status).toBe(200);
      expect((await call('GenerateDataKey', { KeyId: k.KeyId, KeySpec: 'AES_256' }, { as: ROLE })).status).toBe(200);
    });
    it('denies an RSA encryption, naming the value', async () => {
      const { call, createKey } = setup();
      const k = await createKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
      const r = await call('Encrypt', { KeyId: k.KeyId, Plaintext: msg, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }, { as: ROLE });
      expect(r.type).toBe('AccessDeniedException');
      expect(r.message).toContain('with an explicit deny in an identity-based policy');
      expect(decision(r).summary).toContain('"AllowOnlySymmetricAlgorithm" (kms:EncryptionAlgorithm = RSAES_OAEP_SHA_256, from the request (EncryptionAlgorithm))');
    });
  });

  it('kms:MessageType: the documented Allow Sign when RAW allows a Sign that names no MessageType, not a DIGEST one', async () => {
    const { call, createKey } = simWith([{ arn: ALICE }]);
    const k = await createKey({
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      Policy: JSON.stringify(
        policy(
          { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
          { Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Sign', Resource: '*', Condition: { StringEquals: { 'kms:MessageType': 'RAW' } } },
        ),
      ),
    });
    const raw = await call('Sign', { KeyId: k.KeyId, Message: msg, SigningAlgorithm: 'ECDSA_SHA_256' }, { as: ALICE });
    expect(raw.status).toBe(200);
    expect(decision(raw).summary).toContain('kms:MessageType = RAW, the default: the request named no MessageType');
    const digest = btoa(String.fromCharCode(...new Uint8Array(32)));
    expect((await call('Sign', { KeyId: k.KeyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }, { as: ALICE })).type).toBe('AccessDeniedException');
  });

  it('kms:SigningAlgorithm with kms:MessageType in an IAM policy', async () => {
    const { call, createKey } = simWith([
      { arn: ROLE, policy: policy({ Effect: 'Allow', Action: 'kms:Sign', Resource: '*', Condition: { StringEquals: { 'kms:SigningAlgorithm': 'ECDSA_SHA_256', 'kms:MessageType': 'RAW' } } }) },
    ]);
    const k = await createKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect((await call('Sign', { KeyId: k.KeyId, Message: msg, SigningAlgorithm: 'ECDSA_SHA_256' }, { as: ROLE })).status).toBe(200);
    expect((await call('Sign', { KeyId: k.KeyId, Message: msg, SigningAlgorithm: 'ECDSA_SHA_256', MessageType: 'RAW' }, { as: ROLE })).status).toBe(200);
  });

  it('kms:BypassPolicyLockoutSafetyCheck: the documented Deny on true; false when the request names none', async () => {
    const { call } = simWith([
      {
        arn: ROLE,
        policy: policy({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }, { Effect: 'Deny', Action: ['kms:CreateKey', 'kms:PutKeyPolicy'], Resource: '*', Condition: { Bool: { 'kms:BypassPolicyLockoutSafetyCheck': true } } }),
      },
    ]);
    expect((await call('CreateKey', {}, { as: ROLE })).status).toBe(200);
    expect((await call('CreateKey', { BypassPolicyLockoutSafetyCheck: true }, { as: ROLE })).type).toBe('AccessDeniedException');
  });

  it('kms:ScheduleKeyDeletionPendingWindowInDays is 30 when the request names none', async () => {
    const { call, createKey } = simWith([
      { arn: ROLE, policy: policy({ Effect: 'Allow', Action: 'kms:ScheduleKeyDeletion', Resource: '*', Condition: { NumericGreaterThanEquals: { 'kms:ScheduleKeyDeletionPendingWindowInDays': 30 } } }) },
    ]);
    const a = await createKey({});
    const b = await createKey({});
    expect((await call('ScheduleKeyDeletion', { KeyId: a.KeyId, PendingWindowInDays: 7 }, { as: ROLE })).type).toBe('AccessDeniedException');
    expect((await call('ScheduleKeyDeletion', { KeyId: b.KeyId }, { as: ROLE })).status).toBe(200);
  });

  it('kms:RequestAlias and kms:ResourceAliases', async () => {
    const { call, createKey } = simWith([
      {
        arn: ROLE,
        policy: policy(
          { Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'kms:RequestAlias': 'alias/app' } } },
          { Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*', Condition: { 'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/team-*' } } },
        ),
      },
    ]);
    const k = await createKey({});
    const other = await createKey({});
    expect((await call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: k.KeyId })).status).toBe(200);
    expect((await call('CreateAlias', { AliasName: 'alias/team-blue', TargetKeyId: k.KeyId })).status).toBe(200);
    expect((await call('Encrypt', { KeyId: 'alias/app', Plaintext: msg }, { as: ROLE })).status).toBe(200);
    expect((await call('Encrypt', { KeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/app`, Plaintext: msg }, { as: ROLE })).status).toBe(200);
    expect((await call('Encrypt', { KeyId: k.KeyId, Plaintext: msg }, { as: ROLE })).type).toBe('AccessDeniedException');
    expect((await call('DescribeKey', { KeyId: k.KeyId }, { as: ROLE })).status).toBe(200);
    expect((await call('DescribeKey', { KeyId: other.KeyId }, { as: ROLE })).type).toBe('AccessDeniedException');
  });

  it('kms:ReEncryptOnSameKey', async () => {
    const { call, createKey } = simWith([{ arn: ROLE, policy: policy({ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:ReEncrypt*'], Resource: '*' }, { Effect: 'Deny', Action: 'kms:ReEncrypt*', Resource: '*', Condition: { Bool: { 'kms:ReEncryptOnSameKey': true } } }) }]);
    const a = await createKey({});
    const b = await createKey({});
    const ct = (await call('Encrypt', { KeyId: a.KeyId, Plaintext: msg }, { as: ROLE })).json.CiphertextBlob;
    expect((await call('ReEncrypt', { CiphertextBlob: ct, DestinationKeyId: a.KeyId }, { as: ROLE })).type).toBe('AccessDeniedException');
    expect((await call('ReEncrypt', { CiphertextBlob: ct, DestinationKeyId: b.KeyId }, { as: ROLE })).status).toBe(200);
  });

  it('kms:EncryptionContext:<k> on CreateGrant is the grant\'s constraint', async () => {
    const { call, createKey } = simWith([{ arn: ROLE, policy: policy({ Effect: 'Allow', Action: 'kms:CreateGrant', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:Department': 'IT' } } }) }]);
    const k = await createKey({});
    const base = { KeyId: k.KeyId, GranteePrincipal: ROLE, Operations: ['Decrypt'] };
    expect((await call('CreateGrant', { ...base, Constraints: { EncryptionContextSubset: { Department: 'IT' } } }, { as: ROLE })).status).toBe(200);
    expect((await call('CreateGrant', { ...base, Constraints: { EncryptionContextSubset: { Department: 'HR' } } }, { as: ROLE })).type).toBe('AccessDeniedException');
    expect((await call('CreateGrant', base, { as: ROLE })).type).toBe('AccessDeniedException');
  });
});

describe('global keys from the simulated world', () => {
  it('aws:CurrentTime and aws:EpochTime follow the virtual clock', async () => {
    const { sim, call, createKey } = simWith([{ arn: ROLE, policy: policy({ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*', Condition: { DateLessThan: { 'aws:CurrentTime': '2026-01-02T00:00:00Z' }, NumericLessThan: { 'aws:EpochTime': Date.UTC(2026, 0, 2) / 1000 } } }) }]);
    const k = await createKey({});
    expect((await call('DescribeKey', { KeyId: k.KeyId }, { as: ROLE })).status).toBe(200);
    sim.clock.advance(2 * 86_400_000);
    expect((await call('DescribeKey', { KeyId: k.KeyId }, { as: ROLE })).type).toBe('AccessDeniedException');
  });

  it('aws:PrincipalType, aws:username, aws:RequestedRegion, aws:SecureTransport, aws:PrincipalIsAWSService', async () => {
    const { call, createKey } = simWith([
      {
        arn: ALICE,
        policy: policy({
          Effect: 'Allow',
          Action: 'kms:DescribeKey',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalType': 'User', 'aws:username': 'Alice', 'aws:RequestedRegion': 'us-east-1', 'aws:PrincipalAccount': ACCOUNT }, Bool: { 'aws:SecureTransport': true, 'aws:PrincipalIsAWSService': false } },
        }),
      },
      { arn: ROLE, policy: policy({ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalType': 'User' } } }) },
    ]);
    const k = await createKey({});
    expect((await call('DescribeKey', { KeyId: k.KeyId }, { as: ALICE })).status).toBe(200);
    expect((await call('DescribeKey', { KeyId: k.KeyId }, { as: ROLE })).type).toBe('AccessDeniedException');
  });

  it('aws:ResourceTag from TagResource; aws:RequestTag and aws:TagKeys on CreateKey and TagResource; ListResourceTags', async () => {
    const { call, createKey } = simWith([
      {
        arn: ROLE,
        policy: policy(
          { Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/Project': 'Alpha' } } },
          { Effect: 'Allow', Action: ['kms:CreateKey', 'kms:TagResource'], Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/Project': 'Alpha' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['Project'] } } },
        ),
      },
    ]);
    const k = await createKey({});
    expect((await call('Encrypt', { KeyId: k.KeyId, Plaintext: msg }, { as: ROLE })).type).toBe('AccessDeniedException');
    expect((await call('TagResource', { KeyId: k.KeyId, Tags: [{ TagKey: 'Project', TagValue: 'Alpha' }, { TagKey: 'Owner', TagValue: 'me' }] }, { as: ROLE })).type).toBe('AccessDeniedException');
    expect((await call('TagResource', { KeyId: k.KeyId, Tags: [{ TagKey: 'Project', TagValue: 'Alpha' }] }, { as: ROLE })).status).toBe(200);
    const tags = await call('ListResourceTags', { KeyId: k.KeyId });
    expect(tags.json).toEqual({ Tags: [{ TagKey: 'Project', TagValue: 'Alpha' }], Truncated: false });
    const enc = await call('Encrypt', { KeyId: k.KeyId, Plaintext: msg }, { as: ROLE });
    expect(enc.status).toBe(200);
    expect(decision(enc).summary).toContain("aws:ResourceTag/Project = Alpha, the key's tags");
    expect((await call('UntagResource', { KeyId: k.KeyId, TagKeys: ['Project'] })).status).toBe(200);
    expect((await call('Encrypt', { KeyId: k.KeyId, Plaintext: msg }, { as: ROLE })).type).toBe('AccessDeniedException');
    expect((await call('CreateKey', { Tags: [{ TagKey: 'Project', TagValue: 'Alpha' }] }, { as: ROLE })).status).toBe(200);
    expect((await call('CreateKey', { Tags: [{ TagKey: 'Project', TagValue: 'Beta' }] }, { as: ROLE })).type).toBe('AccessDeniedException');
    expect((await call('CreateKey', {}, { as: ROLE })).type).toBe('AccessDeniedException');
  });

  it('TagResource refuses keys beginning with aws: and more than 50 tags', async () => {
    const { call, createKey } = simWith([]);
    const k = await createKey({});
    expect((await call('TagResource', { KeyId: k.KeyId, Tags: [{ TagKey: 'aws:x', TagValue: '' }] })).type).toBe('TagException');
    const many = Array.from({ length: 51 }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' }));
    expect((await call('TagResource', { KeyId: k.KeyId, Tags: many })).type).toBe('LimitExceededException');
  });

  it('aws:PrincipalTag and aws:PrincipalOrgID from the caller (authorize with a tagged caller)', () => {
    const world = new World({ hosts: 1 }, { seed: 1, counter: 0 });
    const key = { keyId: 'k1', arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k1`, account: ACCOUNT, region: 'us-east-1', keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', origin: 'AWS_KMS', multiRegion: false, tags: [] } as unknown as KeyRecord;
    const kp = (parsePolicy(
      JSON.stringify(policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue', 'aws:PrincipalOrgID': 'o-abc123' } } })),
      'resource',
    ) as { ok: true; policy: ParsedPolicy }).policy;
    const base = makeCaller(ROLE);
    const run = (caller: typeof base) => authorize(world, { action: 'kms:Encrypt', caller, key, keyPolicy: kp, host: 0, now: 0, op: 'Encrypt', input: {} });
    expect(run({ ...base, tags: { team: 'blue' }, orgId: 'o-abc123' }).ok).toBe(true);
    expect(run({ ...base, tags: { team: 'red' }, orgId: 'o-abc123' }).ok).toBe(false);
    expect(run({ ...base, tags: { team: 'blue' } }).ok).toBe(false);
  });

  it('aws:userid: the account for the root, a made-up unique id for users and roles', () => {
    const root = requestConditionKeys({ caller: makeCaller(ROOT) }).values;
    expect(root['aws:userid']).toBe(ACCOUNT);
    expect(root['aws:PrincipalType']).toBe('Account');
    const user = requestConditionKeys({ caller: makeCaller(ALICE) }).values;
    expect(user['aws:userid']).toBe(uniqueIdFor('AIDA', ALICE));
    expect(user['aws:userid']).toMatch(/^AIDA[A-Z2-7]{17}$/);
    const session = requestConditionKeys({ caller: makeCaller(`arn:aws:sts::${ACCOUNT}:assumed-role/ExampleRole/sess-1`) }).values;
    expect(session['aws:userid']).toBe(`${uniqueIdFor('AROA', ROLE)}:sess-1`);
    expect(session['aws:PrincipalArn']).toBe(ROLE);
    expect(session['aws:username']).toBeUndefined();
  });

  it('aws:ViaAWSService and aws:CalledVia from the via-service header', async () => {
    const { sim } = simWith([]);
    void sim;
    const viaDynamo = requestConditionKeys({ caller: { ...makeCaller(ROLE), source: { viaService: 'dynamodb.us-east-1.amazonaws.com' } } }).values;
    expect(viaDynamo['aws:ViaAWSService']).toBe(true);
    expect(viaDynamo['aws:CalledVia']).toEqual(['dynamodb.amazonaws.com']);
    const viaEc2 = requestConditionKeys({ caller: { ...makeCaller(ROLE), source: { viaService: 'ec2.us-east-1.amazonaws.com' } } }).values;
    expect(viaEc2['aws:ViaAWSService']).toBe(true);
    expect(viaEc2['aws:CalledVia']).toBeUndefined();
    expect(requestConditionKeys({ caller: makeCaller(ROLE) }).values['aws:ViaAWSService']).toBe(false);
  });
});

describe('policy variables (IAM User Guide, "IAM policy elements: Variables and tags")', () => {
  const ecPolicy = (version?: string) => ({
    ...(version ? { Version: version } : {}),
    Statement: [
      { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
      { Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:user': '${aws:username}' } } },
    ],
  });

  it('"kms:EncryptionContext:user": "${aws:username}" compares with the caller\'s user name', async () => {
    const { call, createKey } = simWith([{ arn: ALICE }]);
    const k = await createKey({ Policy: JSON.stringify(ecPolicy('2012-10-17')) });
    const ok = await call('Encrypt', { KeyId: k.KeyId, Plaintext: msg, EncryptionContext: { user: 'Alice' } }, { as: ALICE });
    expect(ok.status).toBe(200);
    expect(decision(ok).summary).toContain("${aws:username} expanded to 'Alice'");
    expect((await call('Encrypt', { KeyId: k.KeyId, Plaintext: msg, EncryptionContext: { user: 'Bob' } }, { as: ALICE })).type).toBe('AccessDeniedException');
    expect((await call('Encrypt', { KeyId: k.KeyId, Plaintext: msg, EncryptionContext: { user: '${aws:username}' } }, { as: ALICE })).type).toBe('AccessDeniedException');
  });

  it('a 2008-10-17 key policy (or one without Version) takes the variable literally', async () => {
    for (const v of ['2008-10-17', undefined]) {
      const { call, createKey } = simWith([{ arn: ALICE }]);
      const k = await createKey({ Policy: JSON.stringify(ecPolicy(v)) });
      expect((await call('Encrypt', { KeyId: k.KeyId, Plaintext: msg, EncryptionContext: { user: 'Alice' } }, { as: ALICE })).type).toBe('AccessDeniedException');
      expect((await call('Encrypt', { KeyId: k.KeyId, Plaintext: msg, EncryptionContext: { user: '${aws:username}' } }, { as: ALICE })).status).toBe(200);
    }
  });

  it('in Resource, with a default value, and an absent key makes the statement not match (Allow and Deny alike)', async () => {
    const { call, createKey } = simWith([
      {
        arn: ROLE,
        policy: policy(
          { Effect: 'Allow', Action: 'kms:DescribeKey', Resource: 'arn:aws:kms:${aws:RequestedRegion}:${aws:PrincipalAccount}:key/*' },
          { Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:owner': "${aws:username, 'nobody'}" } } },
          { Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:owner': '${aws:username}' } } },
          { Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*', Condition: { StringNotEquals: { 'kms:EncryptionContext:owner': '${aws:username}' } } },
          { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' },
        ),
      },
    ]);
    const k = await createKey({});
    expect((await call('DescribeKey', { KeyId: k.KeyId }, { as: ROLE })).status).toBe(200);
    const enc = await call('Encrypt', { KeyId: k.KeyId, Plaintext: msg, EncryptionContext: { owner: 'nobody' } }, { as: ROLE });
    expect(enc.status).toBe(200);
    expect(decision(enc).summary).toContain('the default the policy gives: the request has no aws:username');
    expect((await call('Encrypt', { KeyId: k.KeyId, Plaintext: msg, EncryptionContext: { owner: 'x' } }, { as: ROLE })).type).toBe('AccessDeniedException');
    const gdk = await call('GenerateDataKey', { KeyId: k.KeyId, KeySpec: 'AES_256', EncryptionContext: { owner: '' } }, { as: ROLE });
    expect(gdk.type).toBe('AccessDeniedException');
    expect(decision(gdk).notes.join('\n')).toContain('uses the policy variable ${aws:username}, which this request has no value for, so the statement does not match');
    // the Deny has no value for ${aws:username} either: it does not apply
    expect((await call('Decrypt', { CiphertextBlob: enc.json.CiphertextBlob, EncryptionContext: { owner: 'nobody' } }, { as: ROLE })).status).toBe(200);
  });

  it('${*}, ${?} and ${$} stand for the characters themselves', () => {
    const p = parsePolicy(
      JSON.stringify(policy({ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:k': 'a${*}b${?}c${$}d' } } })),
      'identity',
    );
    expect(p.ok).toBe(true);
    const ev = (v: string) => evaluatePolicy((p as { ok: true; policy: ParsedPolicy }).policy, { action: 'kms:Encrypt', resource: 'r', principal: { arn: ROLE, account: ACCOUNT }, conditions: { 'kms:EncryptionContext:k': v } }).allows.length;
    expect(ev('a*b?c$d')).toBe(1);
    expect(ev('axbycd')).toBe(0);
  });
});

describe('key policy validation', () => {
  const forAll = (op: string) =>
    JSON.stringify(
      policy(
        { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*', Condition: { [op]: { 'kms:EncryptionContext:Department': 'IT' } } },
      ),
    );
  const TEXT = 'OverlyPermissiveCondition:EncryptionContext: Using the ForAllValues set operator with a single-valued condition key matches requests without the specified encryption context or with an unspecified encryption context. To fix, remove ForAllValues.';

  it('CreateKey and PutKeyPolicy refuse ForAllValues with kms:EncryptionContext:<k>, with the documented text', async () => {
    const { call, createKey } = simWith([{ arn: ROLE }]);
    const r = await call('CreateKey', { Policy: forAll('ForAllValues:StringEquals') });
    expect(r.status).toBe(400);
    expect(r.type).toBe('MalformedPolicyDocumentException');
    expect(r.message).toBe(TEXT);
    const k = await createKey({});
    const p = await call('PutKeyPolicy', { KeyId: k.KeyId, PolicyName: 'default', Policy: forAll('ForAllValues:StringLike') });
    expect(p.type).toBe('MalformedPolicyDocumentException');
    expect(p.message).toBe(TEXT);
  });

  it('accepts the same condition without a set operator, and with ForAnyValue (which the docs warn about but KMS does not refuse)', async () => {
    const { call } = simWith([{ arn: ROLE }]);
    expect((await call('CreateKey', { Policy: forAll('StringEquals') })).status).toBe(200);
    expect((await call('CreateKey', { Policy: forAll('ForAnyValue:StringEquals') })).status).toBe(200);
  });

  it('refuses ForAllValues with aws:RequestTag/<k> in a key policy, and accepts it on aws:TagKeys', () => {
    const doc = (key: string) =>
      JSON.stringify(policy({ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*', Condition: { 'ForAllValues:StringEquals': { [key]: 'x' } } }));
    const r = parsePolicy(doc('aws:RequestTag/Project'), 'resource');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/^OverlyPermissiveCondition:RequestTag: /);
    expect(parsePolicy(doc('aws:TagKeys'), 'resource').ok).toBe(true);
    // IAM does not refuse it in an identity policy
    expect(parsePolicy(JSON.stringify(policy({ Effect: 'Allow', Action: 'kms:*', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContext:a': 'x' } } })), 'identity').ok).toBe(true);
  });
});

describe('policy variables within the step budget', () => {
  it('a variable that stands for a 1 MiB request value in a StringLike pattern is matched in bounded time (or fails closed)', () => {
    const p = parsePolicy(
      JSON.stringify(policy(
        { Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:a': '*${kms:EncryptionContext:b}*x' } } },
        { Effect: 'Deny', Action: 'kms:Encrypt', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:a': '*${kms:EncryptionContext:b}?*' } } },
      )),
      'identity',
    ) as { ok: true; policy: ParsedPolicy };
    const big = 'a?'.repeat(250_000);
    const t0 = performance.now();
    const ev = evaluatePolicy(p.policy, { action: 'kms:Encrypt', resource: 'r', principal: { arn: ROLE, account: ACCOUNT }, conditions: { 'kms:EncryptionContext:a': big + big, 'kms:EncryptionContext:b': big } });
    expect(performance.now() - t0).toBeLessThan(5_000);
    // the Allow's pattern cannot match (the value does not end in x); the Deny either matched or the budget made it apply
    expect(ev.allows).toEqual([]);
    expect(ev.denies.length).toBe(1);
  });
});

describe('aws:SourceIp and aws:SourceVpc from the request source', () => {
  it('are set from the source the wire layer gives withSource, and aws:SourceIp is absent through a service', async () => {
    const { withSource } = await import('../../../src/kms/auth/caller');
    const p = (parsePolicy(JSON.stringify(policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' }, StringEquals: { 'aws:SourceVpc': 'vpc-1a2b3c4d' } } })), 'identity') as { ok: true; policy: ParsedPolicy }).policy;
    const ev = (caller: ReturnType<typeof makeCaller>) => evaluatePolicy(p, { action: 'kms:Decrypt', resource: 'r', principal: { arn: ROLE, account: ACCOUNT }, conditions: requestConditionKeys({ caller }).values }).allows.length;
    expect(ev(withSource(makeCaller(ROLE), { sourceIp: '203.0.113.7', sourceVpc: 'vpc-1a2b3c4d' }))).toBe(1);
    expect(ev(withSource(makeCaller(ROLE), { sourceIp: '198.51.100.7', sourceVpc: 'vpc-1a2b3c4d' }))).toBe(0);
    expect(ev(withSource(makeCaller(ROLE), { sourceIp: '203.0.113.7', sourceVpc: 'vpc-1a2b3c4d', viaService: 'ec2.us-east-1.amazonaws.com' }))).toBe(0);
  });
});
