import { describe, expect, it } from 'vitest';
import { ACCOUNT, ADMIN, APP_ROLE, AUDITOR, OTHER_ACCOUNT, OTHER_ROLE, OTHER_ROOT, ROOT, makeSim } from './helpers';

const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const rootStatement = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' };
const decisionOf = (h: Headers) => JSON.parse(decodeURIComponent(h.get('x-playground-decision')!));

describe('key policy and IAM', () => {
  it('gives a new key the default key policy, readable with GetKeyPolicy', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const r = await call('GetKeyPolicy', { KeyId: key.KeyId });
    expect(r.json.PolicyName).toBe('default');
    const doc = JSON.parse(r.json.Policy);
    expect(doc).toMatchObject({ Id: 'key-default-1', Statement: [{ Sid: 'Enable IAM User Permissions', Principal: { AWS: ROOT }, Action: 'kms:*' }] });
  });

  it('lets an IAM principal act when the key policy delegates to IAM and its identity policy allows', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const r = await call('DescribeKey', { KeyId: key.KeyId }, { as: ADMIN });
    expect(r.status).toBe(200);
    expect(decisionOf(r.headers).via.kind).toBe('identity-policy');
  });

  it('denies an IAM principal without an identity policy, with the no-identity-based-policy message', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const r = await call('DescribeKey', { KeyId: key.KeyId }, { as: AUDITOR });
    expect(r.message).toBe(`User: ${AUDITOR} is not authorized to perform: kms:DescribeKey on resource: ${key.Arn} because no identity-based policy allows the kms:DescribeKey action`);
  });

  it('lets a key policy name a principal directly, without IAM', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey({ Policy: policy(rootStatement, { Effect: 'Allow', Principal: { AWS: AUDITOR }, Action: 'kms:DescribeKey', Resource: '*' }) });
    expect((await call('DescribeKey', { KeyId: key.KeyId }, { as: AUDITOR })).status).toBe(200);
  });

  it('answers the no-resource-based-policy message when the key policy does not trust the account', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey({ Policy: policy(rootStatement) });
    expect((await call('PutKeyPolicy', { KeyId: key.KeyId, BypassPolicyLockoutSafetyCheck: true, Policy: policy({ Effect: 'Allow', Principal: { AWS: ADMIN }, Action: 'kms:*', Resource: '*' }) })).status).toBe(200);
    const r = await call('DescribeKey', { KeyId: key.KeyId }, { as: AUDITOR });
    expect(r.message).toBe(`User: ${AUDITOR} is not authorized to perform: kms:DescribeKey on resource: ${key.Arn} because no resource-based policy allows the kms:DescribeKey action`);
  });

  it('lets an explicit Deny in the key policy win over every Allow', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey({ Policy: policy(rootStatement, { Sid: 'NoGrants', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:CreateGrant', Resource: '*' }) });
    const r = await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] }, { as: ADMIN });
    expect(r.message).toBe(`User: ${ADMIN} is not authorized to perform: kms:CreateGrant on resource: ${key.Arn} with an explicit deny in a resource-based policy`);
    expect(decisionOf(r.headers).via).toMatchObject({ kind: 'explicit-deny', policy: 'key-policy', sid: 'NoGrants' });
  });

  it('enforces kms:GrantIsForAWSResource on CreateGrant', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey({
      Policy: policy(rootStatement, { Effect: 'Allow', Principal: { AWS: AUDITOR }, Action: 'kms:CreateGrant', Resource: '*', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }),
    });
    const r = await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] }, { as: AUDITOR });
    expect(r.type).toBe('AccessDeniedException');
  });

  it('enforces ForAllValues:StringEquals kms:GrantOperations on CreateGrant', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey({
      Policy: policy(rootStatement, {
        Effect: 'Allow',
        Principal: { AWS: AUDITOR },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt', 'DescribeKey'] } },
      }),
    });
    expect((await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] }, { as: AUDITOR })).status).toBe(200);
    expect((await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt', 'Encrypt'] }, { as: AUDITOR })).type).toBe('AccessDeniedException');
  });

  it('enforces kms:GranteePrincipal on CreateGrant', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey({
      Policy: policy(rootStatement, { Effect: 'Allow', Principal: { AWS: AUDITOR }, Action: 'kms:CreateGrant', Resource: '*', Condition: { StringEquals: { 'kms:GranteePrincipal': APP_ROLE } } }),
    });
    expect((await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] }, { as: AUDITOR })).status).toBe(200);
    expect((await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: ADMIN, Operations: ['Decrypt'] }, { as: AUDITOR })).type).toBe('AccessDeniedException');
  });

  it('rejects a malformed key policy with MalformedPolicyDocumentException', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const r = await call('PutKeyPolicy', { KeyId: key.KeyId, Policy: '{"Statement": [' });
    expect(r.type).toBe('MalformedPolicyDocumentException');
    expect((await call('CreateKey', { Policy: 'not json' })).type).toBe('MalformedPolicyDocumentException');
  });

  it('refuses a key policy that would lock the caller out, unless the check is bypassed', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const lockout = policy({ Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Decrypt', Resource: '*' });
    const r = await call('PutKeyPolicy', { KeyId: key.KeyId, Policy: lockout });
    expect([r.type, r.message]).toEqual(['MalformedPolicyDocumentException', 'The new key policy will not allow you to update the key policy in the future.']);
    expect((await call('PutKeyPolicy', { KeyId: key.KeyId, Policy: lockout, BypassPolicyLockoutSafetyCheck: true })).status).toBe(200);
  });
});

describe('grants as permissions', () => {
  it('allows exactly the operations a grant lists, for its grantee only', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['DescribeKey'] });
    expect((await call('DescribeKey', { KeyId: key.KeyId }, { as: APP_ROLE })).status).toBe(200);
    expect((await call('DescribeKey', { KeyId: key.KeyId }, { as: AUDITOR })).type).toBe('AccessDeniedException');
    expect((await call('ListGrants', { KeyId: key.KeyId }, { as: APP_ROLE })).type).toBe('AccessDeniedException');
  });

  it('lets a grantee with CreateGrant pass on a subset of its operations, never more', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['CreateGrant', 'DescribeKey', 'Decrypt'] });
    expect((await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: AUDITOR, Operations: ['DescribeKey'] }, { as: APP_ROLE })).status).toBe(200);
    const more = await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: AUDITOR, Operations: ['Encrypt'] }, { as: APP_ROLE });
    expect(more.type).toBe('AccessDeniedException');
    expect(decisionOf(more.headers).summary).toMatch(/does not allow Encrypt/);
  });

  it('makes a child grant keep its parent encryption-context constraint or a stricter one', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['CreateGrant', 'Decrypt'], Constraints: { EncryptionContextSubset: { Dept: 'IT' } } });
    const loose = await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'] }, { as: APP_ROLE });
    expect(loose.type).toBe('AccessDeniedException');
    const stricter = await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'], Constraints: { EncryptionContextEquals: { Dept: 'IT', App: 'x' } } }, { as: APP_ROLE });
    expect(stricter.status).toBe(200);
  });

  it('lets a principal of another account use a grant on the key ARN', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: OTHER_ROLE, Operations: ['DescribeKey'] });
    const byArn = await call('DescribeKey', { KeyId: key.Arn }, { as: OTHER_ROLE });
    expect(byArn.status).toBe(200);
    const byId = await call('DescribeKey', { KeyId: key.KeyId }, { as: OTHER_ROLE });
    expect(byId.message).toBe(`Key 'arn:aws:kms:us-east-1:${OTHER_ACCOUNT}:key/${key.KeyId}' does not exist`);
  });

  it('lets another account use a key when the key policy trusts that account and its IAM allows', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey({ Policy: policy(rootStatement, { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: 'kms:DescribeKey', Resource: '*' }) });
    expect((await call('DescribeKey', { KeyId: key.Arn }, { as: OTHER_ROOT })).status).toBe(200);
    expect((await call('DescribeKey', { KeyId: key.Arn }, { as: OTHER_ROLE })).type).toBe('AccessDeniedException');
  });

  it('records the issuing account of a grant created by another account', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey({ Policy: policy(rootStatement, { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: 'kms:CreateGrant', Resource: '*' }) });
    expect((await call('CreateGrant', { KeyId: key.Arn, GranteePrincipal: OTHER_ROLE, Operations: ['DescribeKey'] }, { as: OTHER_ROOT })).status).toBe(200);
    const g = (await call('ListGrants', { KeyId: key.KeyId })).json.Grants[0];
    expect(g.IssuingAccount).toBe(OTHER_ROOT);
  });

  it('answers UnrecognizedClientException for an unknown access key', async () => {
    const { sim } = makeSim();
    const r = await sim.fetch(
      new Request('https://kms.us-east-1.amazonaws.com/', {
        method: 'POST',
        headers: { 'X-Amz-Target': 'TrentService.ListKeys', 'X-Amz-Date': '20260101T000000Z', Authorization: 'AWS4-HMAC-SHA256 Credential=AKIANOBODY/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=00' },
        body: '{}',
      }),
    );
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
  });

  it('treats an unsigned request as the account root', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const r = await call('DescribeKey', { KeyId: key.KeyId });
    expect(decisionOf(r.headers).summary).toContain(ROOT);
    expect(r.json.KeyMetadata.AWSAccountId).toBe(ACCOUNT);
  });
});
