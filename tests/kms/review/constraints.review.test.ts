/**
 * Independent review (docs/sources.md, Validation messages, Grants and Authorization): several
 * Coral failures in one message, constraint semantics at use time, and the grant condition keys at
 * CreateGrant, with SigV4-signed requests.
 */
import { describe, expect, it } from 'vitest';
import { ACCOUNT, APP, AUDITOR, OTHER, REGION, ROOT, b64, err, review } from './harness';

describe('several model failures are counted in one message', () => {
  it('ListGrants with Limit 0 and a 129-character GrantId: "2 validation errors detected: <a>; <b>" in model member order', async () => {
    const r = review();
    const k = await r.key();
    const id = 'a'.repeat(129);
    expect(err(await r.call('ListGrants', { KeyId: k.KeyId, Limit: 0, GrantId: id }))).toEqual([
      400,
      'ValidationException',
      `2 validation errors detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; Value '${id}' at 'grantId' failed to satisfy constraint: Member must have length less than or equal to 128`,
    ]);
  });
});

describe('encryption-context constraints at use time', () => {
  const slow = { propagation: { minMs: 0, maxMs: 0 } };

  it('EncryptionContextEquals: the exact pairs in any order are allowed; an extra or a missing pair is denied', async () => {
    const r = review(slow);
    const k = await r.key();
    await r.ok('CreateGrant', { KeyId: k.KeyId, GranteePrincipal: APP, Operations: ['Encrypt'], Constraints: { EncryptionContextEquals: { a: '1', b: '2' } } });
    const enc = (EncryptionContext: Record<string, string>) => r.call('Encrypt', { KeyId: k.KeyId, Plaintext: b64('x'), EncryptionContext }, { as: APP });
    expect((await enc({ b: '2', a: '1' })).status).toBe(200);
    expect((await enc({ a: '1', b: '2', c: '3' })).type).toBe('AccessDeniedException');
    expect((await enc({ a: '1' })).type).toBe('AccessDeniedException');
    expect((await enc({ a: '1', b: 'X' })).type).toBe('AccessDeniedException');
  });

  it('EncryptionContextSubset: every constraint pair must be present, more pairs are fine, values are case-sensitive', async () => {
    const r = review(slow);
    const k = await r.key();
    await r.ok('CreateGrant', { KeyId: k.KeyId, GranteePrincipal: APP, Operations: ['GenerateDataKey'], Constraints: { EncryptionContextSubset: { app: 'orders' } } });
    const gdk = (EncryptionContext?: Record<string, string>) => r.call('GenerateDataKey', { KeyId: k.KeyId, KeySpec: 'AES_128', ...(EncryptionContext ? { EncryptionContext } : {}) }, { as: APP });
    expect((await gdk({ app: 'orders', env: 'prod' })).status).toBe(200);
    expect((await gdk({ app: 'Orders' })).type).toBe('AccessDeniedException');
    expect((await gdk()).type).toBe('AccessDeniedException');
  });

  it('the constraint is ignored for DescribeKey and RetireGrant, which the grant may include', async () => {
    const r = review(slow);
    const k = await r.key();
    const g = await r.ok('CreateGrant', { KeyId: k.KeyId, GranteePrincipal: APP, Operations: ['Decrypt', 'DescribeKey', 'RetireGrant'], Constraints: { EncryptionContextEquals: { a: '1' } } });
    expect((await r.call('DescribeKey', { KeyId: k.KeyId }, { as: APP })).status).toBe(200);
    expect((await r.call('RetireGrant', { KeyId: k.KeyId, GrantId: g.GrantId }, { as: APP })).status).toBe(200);
  });

  it('a grant with a constraint lists it; one without lists no Constraints member', async () => {
    const r = review(slow);
    const k = await r.key();
    await r.ok('CreateGrant', { KeyId: k.KeyId, GranteePrincipal: APP, Operations: ['Decrypt'], Constraints: { EncryptionContextSubset: { a: '1' } } });
    await r.ok('CreateGrant', { KeyId: k.KeyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'] });
    const byGrantee = Object.fromEntries((await r.ok('ListGrants', { KeyId: k.KeyId })).Grants.map((g: { GranteePrincipal: string }) => [g.GranteePrincipal, g]));
    expect(byGrantee[APP].Constraints).toEqual({ EncryptionContextSubset: { a: '1' } });
    expect('Constraints' in byGrantee[AUDITOR]).toBe(false);
  });
});

describe('grant condition keys at CreateGrant (key policy conditions)', () => {
  const policyWith = (condition: Record<string, unknown>) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: APP }, Action: 'kms:CreateGrant', Resource: '*', Condition: condition },
      ],
    });

  it('kms:GrantConstraintType allows only grants with the named constraint', async () => {
    const r = review();
    const k = await r.key({ Policy: policyWith({ StringEquals: { 'kms:GrantConstraintType': 'EncryptionContextEquals' } }) });
    const base = { KeyId: k.KeyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'] };
    expect((await r.call('CreateGrant', { ...base, Constraints: { EncryptionContextEquals: { a: '1' } } }, { as: APP })).status).toBe(200);
    expect((await r.call('CreateGrant', { ...base, Constraints: { EncryptionContextSubset: { a: '1' } } }, { as: APP })).type).toBe('AccessDeniedException');
    expect((await r.call('CreateGrant', base, { as: APP })).type).toBe('AccessDeniedException');
  });

  it('kms:RetiringPrincipal allows only grants naming that retiring principal', async () => {
    const r = review();
    const k = await r.key({ Policy: policyWith({ StringEquals: { 'kms:RetiringPrincipal': AUDITOR } }) });
    const base = { KeyId: k.KeyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'] };
    expect((await r.call('CreateGrant', { ...base, RetiringPrincipal: AUDITOR }, { as: APP })).status).toBe(200);
    expect((await r.call('CreateGrant', { ...base, RetiringPrincipal: APP }, { as: APP })).type).toBe('AccessDeniedException');
  });

  it('kms:GrantConstraintSourceArn with ArnLike allows only grants whose SourceArn matches', async () => {
    const r = review();
    const k = await r.key({ Policy: policyWith({ ArnLike: { 'kms:GrantConstraintSourceArn': `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/*` } }) });
    const base = { KeyId: k.KeyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'] };
    expect((await r.call('CreateGrant', { ...base, Constraints: { SourceArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Orders` } }, { as: APP })).status).toBe(200);
    expect((await r.call('CreateGrant', { ...base, Constraints: { SourceArn: `arn:aws:s3:${REGION}:${OTHER}:bucket/x` } }, { as: APP })).type).toBe('AccessDeniedException');
  });

  it('kms:CallerAccount matches the account of the caller', async () => {
    const r = review();
    const k = await r.key({ Policy: policyWith({ StringEquals: { 'kms:CallerAccount': ACCOUNT } }) });
    expect((await r.call('CreateGrant', { KeyId: k.KeyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'] }, { as: APP })).status).toBe(200);
    const k2 = await r.key({ Policy: policyWith({ StringEquals: { 'kms:CallerAccount': OTHER } }) });
    expect((await r.call('CreateGrant', { KeyId: k2.KeyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'] }, { as: APP })).type).toBe('AccessDeniedException');
  });
});
