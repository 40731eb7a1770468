import { describe, expect, it } from 'vitest';
import { ACCOUNT, ADMIN, APP_ROLE, AUDITOR, OTHER_ROLE, OTHER_ROOT, ROOT, makeSim } from './helpers';

const grant = (KeyId: string, extra: Record<string, unknown> = {}) => ({ KeyId, GranteePrincipal: APP_ROLE, Operations: ['Encrypt', 'Decrypt'], ...extra });

describe('CreateGrant', () => {
  it('returns a 64-hex GrantId and a URL-safe base64 GrantToken', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const r = await call('CreateGrant', grant(key.KeyId));
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(['GrantId', 'GrantToken']);
    expect(r.json.GrantId).toMatch(/^[0-9a-f]{64}$/);
    expect(r.json.GrantToken).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('accepts the key ARN as KeyId', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    expect((await call('CreateGrant', grant(key.Arn))).status).toBe(200);
  });

  it('rejects an alias with InvalidArnException', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    await call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: key.KeyId });
    const r = await call('CreateGrant', grant('alias/app'));
    expect([r.status, r.type, r.message]).toEqual([400, 'InvalidArnException', 'Key Aliases are not supported for this operation.']);
  });

  it('answers NotFoundException for a malformed key id and for a missing key', async () => {
    const { call } = makeSim();
    const bad = await call('CreateGrant', grant('invalid'));
    expect([bad.status, bad.type, bad.message]).toEqual([400, 'NotFoundException', "Invalid keyId 'invalid'"]);
    const id = '1234abcd-12ab-34cd-56ef-1234567890ab';
    const missing = await call('CreateGrant', grant(id));
    expect(missing.message).toBe(`Key 'arn:aws:kms:us-east-1:${ACCOUNT}:key/${id}' does not exist`);
  });

  it('names the ARN region when the key ARN is for another region', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const r = await call('DescribeKey', { KeyId: key.Arn.replace('us-east-1', 'eu-west-1') });
    expect([r.type, r.message]).toEqual(['NotFoundException', 'Invalid arn eu-west-1']);
  });

  it('rejects a grant of only CreateGrant', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const r = await call('CreateGrant', grant(key.KeyId, { Operations: ['CreateGrant'] }));
    expect([r.type, r.message]).toEqual(['ValidationException', 'Grants must not contain only the CreateGrant operation.']);
    expect((await call('CreateGrant', grant(key.KeyId, { Operations: ['CreateGrant', 'RetireGrant'] }))).status).toBe(200);
  });

  it('requires exactly one of GranteePrincipal and GranteeServicePrincipal', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const neither = await call('CreateGrant', { KeyId: key.KeyId, Operations: ['Decrypt'] });
    expect(neither.type).toBe('ValidationException');
    const both = await call('CreateGrant', grant(key.KeyId, { GranteeServicePrincipal: 'dynamodb.amazonaws.com' }));
    expect(both.type).toBe('ValidationException');
  });

  it('requires SourceArn and a retiring principal for a service grantee', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const base = { KeyId: key.KeyId, GranteeServicePrincipal: 'dynamodb.amazonaws.com', Operations: ['Decrypt'] };
    expect((await call('CreateGrant', base)).message).toMatch(/SourceArn/);
    const withArn = { ...base, Constraints: { SourceArn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Orders` } };
    expect((await call('CreateGrant', withArn)).message).toMatch(/RetiringPrincipal or RetiringServicePrincipal/);
    const ok = await call('CreateGrant', { ...withArn, RetiringServicePrincipal: 'dynamodb.amazonaws.com' });
    expect(ok.status).toBe(200);
    const list = await call('ListGrants', { KeyId: key.KeyId });
    expect(list.json.Grants[0]).toMatchObject({ GranteeServicePrincipal: 'dynamodb.amazonaws.com', RetiringServicePrincipal: 'dynamodb.amazonaws.com' });
    expect(list.json.Grants[0].GranteePrincipal).toBeUndefined();
  });

  it('rejects operations the key cannot perform', async () => {
    const { call, createKey } = makeSim();
    const sym = await createKey();
    expect((await call('CreateGrant', grant(sym.KeyId, { Operations: ['Sign'] }))).type).toBe('ValidationException');
    const hmac = await createKey({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    expect((await call('CreateGrant', grant(hmac.KeyId, { Operations: ['GenerateMac', 'VerifyMac'] }))).status).toBe(200);
    expect((await call('CreateGrant', grant(hmac.KeyId, { Operations: ['GenerateDataKey'] }))).type).toBe('ValidationException');
  });

  it('rejects an unknown grant operation with the Coral enum message', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const r = await call('CreateGrant', grant(key.KeyId, { Operations: ['ReEncrypt'] }));
    expect(r.type).toBe('ValidationException');
    expect(r.message).toMatch(/^1 validation error detected: Value '\[ReEncrypt\]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: \[Member must satisfy enum value set: \[Decrypt, Encrypt, /);
  });

  it('rejects EncryptionContextEquals together with EncryptionContextSubset', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const r = await call('CreateGrant', grant(key.KeyId, { Constraints: { EncryptionContextEquals: { a: '1' }, EncryptionContextSubset: { b: '2' } } }));
    expect(r.type).toBe('ValidationException');
  });

  it('rejects more than 8 encryption context pairs in a constraint', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, 'v']));
    expect((await call('CreateGrant', grant(key.KeyId, { Constraints: { EncryptionContextSubset: nine } }))).type).toBe('ValidationException');
  });

  it('returns the existing grant when Name is reused on the same key, with a fresh token each time', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const a = await call('CreateGrant', grant(key.KeyId, { Name: 'app-grant' }));
    const b = await call('CreateGrant', grant(key.KeyId, { Name: 'app-grant', Operations: ['Decrypt', 'Encrypt'] }));
    expect(b.json.GrantId).toBe(a.json.GrantId);
    expect(b.json.GrantToken).not.toBe(a.json.GrantToken);
    expect((await call('ListGrants', { KeyId: key.KeyId })).json.Grants).toHaveLength(1);
  });

  it('creates one grant per key when the same Name is used on two keys', async () => {
    const { call, createKey } = makeSim();
    const k1 = await createKey();
    const k2 = await createKey();
    const a = await call('CreateGrant', grant(k1.KeyId, { Name: 'same' }));
    const b = await call('CreateGrant', grant(k2.KeyId, { Name: 'same' }));
    expect(a.json.GrantId).not.toBe(b.json.GrantId);
  });

  it('creates a new grant when Name is reused with different parameters', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const a = await call('CreateGrant', grant(key.KeyId, { Name: 'n' }));
    const b = await call('CreateGrant', grant(key.KeyId, { Name: 'n', Operations: ['Decrypt'] }));
    expect(b.json.GrantId).not.toBe(a.json.GrantId);
  });

  it('creates a new grant on every call without Name', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const a = await call('CreateGrant', grant(key.KeyId));
    const b = await call('CreateGrant', grant(key.KeyId));
    expect(a.json.GrantId).not.toBe(b.json.GrantId);
  });

  it('answers DryRunOperationException and creates nothing when DryRun is set', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const r = await call('CreateGrant', grant(key.KeyId, { DryRun: true }));
    expect([r.status, r.type, r.message]).toEqual([400, 'DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.']);
    expect((await call('ListGrants', { KeyId: key.KeyId })).json.Grants).toHaveLength(0);
  });

  it('returns the real error, not DryRunOperationException, when a DryRun would fail', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const r = await call('CreateGrant', grant(key.KeyId, { DryRun: true }), { as: APP_ROLE });
    expect(r.type).toBe('AccessDeniedException');
  });

  it('refuses a disabled key and a key pending deletion', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    await call('DisableKey', { KeyId: key.KeyId });
    const d = await call('CreateGrant', grant(key.KeyId));
    expect([d.type, d.message]).toEqual(['DisabledException', `${key.Arn} is disabled.`]);
    await call('ScheduleKeyDeletion', { KeyId: key.KeyId, PendingWindowInDays: 7 });
    const p = await call('CreateGrant', grant(key.KeyId));
    expect([p.type, p.message]).toEqual(['KMSInvalidStateException', `${key.Arn} is pending deletion.`]);
  });

  it('rejects a token it did not issue with InvalidGrantTokenException', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const r = await call('CreateGrant', grant(key.KeyId, { GrantTokens: ['AQIDAAB4forged'] }));
    expect(r.type).toBe('InvalidGrantTokenException');
  });

  it('rejects more than 10 grant tokens by model validation', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const r = await call('DescribeKey', { KeyId: key.KeyId, GrantTokens: Array(11).fill('x') });
    expect(r.type).toBe('ValidationException');
    expect(r.message).toMatch(/'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10/);
  });

  it('records the caller account as IssuingAccount', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey({}, ADMIN);
    await call('CreateGrant', grant(key.KeyId), { as: ADMIN });
    const g = (await call('ListGrants', { KeyId: key.KeyId })).json.Grants[0];
    expect(g.IssuingAccount).toBe(ROOT);
  });
});

describe('ListGrants', () => {
  it('lists entries with the key ARN, empty Name, CreationDate in epoch seconds and no Constraints when none', async () => {
    const { call, createKey, sim } = makeSim();
    const key = await createKey();
    const { json } = await call('CreateGrant', grant(key.KeyId, { RetiringPrincipal: AUDITOR }));
    const l = await call('ListGrants', { KeyId: key.KeyId });
    expect(l.json).toEqual({
      Grants: [
        {
          KeyId: key.Arn,
          GrantId: json.GrantId,
          Name: '',
          CreationDate: sim.clock.now() / 1000,
          GranteePrincipal: APP_ROLE,
          RetiringPrincipal: AUDITOR,
          IssuingAccount: ROOT,
          // the GrantOperation enum's order, not the request's (the next test)
          Operations: ['Decrypt', 'Encrypt'],
        },
      ],
      Truncated: false,
    });
  });

  it("keeps Operations in the GrantOperation enum's order without repeats, whatever the request's order (AWS's CreateGrant and ListRetirableGrants examples show grant 0c237476… made with [Encrypt, Decrypt] listed as [Decrypt, Encrypt])", async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    await call('CreateGrant', grant(key.KeyId, { Operations: ['ReEncryptTo', 'Encrypt', 'ReEncryptFrom', 'Encrypt'], RetiringPrincipal: AUDITOR }));
    const l = await call('ListGrants', { KeyId: key.KeyId });
    expect(l.json.Grants[0].Operations).toEqual(['Encrypt', 'ReEncryptFrom', 'ReEncryptTo']);
    const r = await call('ListRetirableGrants', { RetiringPrincipal: AUDITOR });
    expect(r.json.Grants[0].Operations).toEqual(['Encrypt', 'ReEncryptFrom', 'ReEncryptTo']);
    // the same set in another order is the same grant for Name idempotency
    const a = await call('CreateGrant', grant(key.KeyId, { Name: 'n', Operations: ['GenerateDataKey', 'Decrypt'] }));
    const b = await call('CreateGrant', grant(key.KeyId, { Name: 'n', Operations: ['Decrypt', 'GenerateDataKey'] }));
    expect(b.json.GrantId).toBe(a.json.GrantId);
  });

  it('pages with Limit and NextMarker, defaulting to 50, in ascending GrantId order', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) ids.push((await call('CreateGrant', grant(key.KeyId))).json.GrantId);
    ids.sort();
    const first = await call('ListGrants', { KeyId: key.KeyId });
    expect(first.json.Grants).toHaveLength(50);
    expect(first.json.Truncated).toBe(true);
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const p = await call('ListGrants', { KeyId: key.KeyId, Limit: 7, ...(marker ? { Marker: marker } : {}) });
      expect(p.json.Grants.length).toBeLessThanOrEqual(7);
      seen.push(...p.json.Grants.map((g: { GrantId: string }) => g.GrantId));
      marker = p.json.NextMarker;
      if (!p.json.Truncated) expect(p.json.NextMarker).toBeUndefined();
    } while (marker);
    expect(seen).toEqual(ids);
  });

  it('rejects Limit 0 with the Coral range message', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const r = await call('ListGrants', { KeyId: key.KeyId, Limit: 0 });
    expect(r.message).toBe("1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
  });

  it('rejects a marker it did not issue with InvalidMarkerException', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    expect((await call('ListGrants', { KeyId: key.KeyId, Marker: 'garbage' })).type).toBe('InvalidMarkerException');
  });

  it('filters by GrantId and by GranteePrincipal', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const a = await call('CreateGrant', grant(key.KeyId));
    await call('CreateGrant', grant(key.KeyId, { GranteePrincipal: AUDITOR }));
    expect((await call('ListGrants', { KeyId: key.KeyId, GrantId: a.json.GrantId })).json.Grants.map((g: { GrantId: string }) => g.GrantId)).toEqual([a.json.GrantId]);
    const byGrantee = await call('ListGrants', { KeyId: key.KeyId, GranteePrincipal: AUDITOR });
    expect(byGrantee.json.Grants.map((g: { GranteePrincipal: string }) => g.GranteePrincipal)).toEqual([AUDITOR]);
  });

  it('shows a new grant at once and drops a revoked one at once, whatever the propagation delay', async () => {
    const { call, createKey } = makeSim({ propagation: { minMs: 60_000, maxMs: 120_000 } });
    const key = await createKey();
    const g = await call('CreateGrant', grant(key.KeyId));
    expect((await call('ListGrants', { KeyId: key.KeyId })).json.Grants).toHaveLength(1);
    await call('RevokeGrant', { KeyId: key.KeyId, GrantId: g.json.GrantId });
    expect((await call('ListGrants', { KeyId: key.KeyId })).json.Grants).toHaveLength(0);
  });

  it('needs kms:ListGrants on the key', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const r = await call('ListGrants', { KeyId: key.KeyId }, { as: APP_ROLE });
    expect(r.type).toBe('AccessDeniedException');
    expect(r.message).toBe(`User: ${APP_ROLE} is not authorized to perform: kms:ListGrants on resource: ${key.Arn} because no identity-based policy allows the kms:ListGrants action`);
  });
});

describe('ListRetirableGrants', () => {
  it('lists the grants whose retiring principal is given', async () => {
    const { call, createKey } = makeSim();
    const k1 = await createKey();
    const k2 = await createKey();
    await call('CreateGrant', grant(k1.KeyId, { RetiringPrincipal: AUDITOR }));
    await call('CreateGrant', grant(k2.KeyId, { RetiringPrincipal: AUDITOR }));
    await call('CreateGrant', grant(k2.KeyId));
    const r = await call('ListRetirableGrants', { RetiringPrincipal: AUDITOR });
    expect(r.json.Grants).toHaveLength(2);
    expect(r.json.Truncated).toBe(false);
  });
});

describe('RetireGrant', () => {
  it('lets the retiring principal retire by token and answers with an empty body', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const g = await call('CreateGrant', grant(key.KeyId, { RetiringPrincipal: AUDITOR }));
    const r = await call('RetireGrant', { GrantToken: g.json.GrantToken }, { as: AUDITOR });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect((await call('ListGrants', { KeyId: key.KeyId })).json.Grants).toHaveLength(0);
  });

  it('lets the grantee retire only when the grant includes RetireGrant', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const without = await call('CreateGrant', grant(key.KeyId));
    expect((await call('RetireGrant', { KeyId: key.KeyId, GrantId: without.json.GrantId }, { as: APP_ROLE })).type).toBe('AccessDeniedException');
    const withRetire = await call('CreateGrant', grant(key.KeyId, { Operations: ['Decrypt', 'RetireGrant'] }));
    expect((await call('RetireGrant', { KeyId: key.KeyId, GrantId: withRetire.json.GrantId }, { as: APP_ROLE })).status).toBe(200);
  });

  it('lets the issuing account retire', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const g = await call('CreateGrant', grant(key.KeyId));
    expect((await call('RetireGrant', { GrantToken: g.json.GrantToken }, { as: ROOT })).status).toBe(200);
  });

  it("lets the root of the retiring principal's account retire: IAM decides kms:RetireGrant there, and a root holds every IAM permission", async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const g = await call('CreateGrant', grant(key.KeyId, { RetiringPrincipal: OTHER_ROLE }));
    const dry = await call('RetireGrant', { GrantToken: g.json.GrantToken, DryRun: true }, { as: OTHER_ROOT });
    expect(dry.type).toBe('DryRunOperationException');
    expect((await call('RetireGrant', { GrantToken: g.json.GrantToken }, { as: OTHER_ROOT })).status).toBe(200);
  });

  it('refuses an unrelated principal', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const g = await call('CreateGrant', grant(key.KeyId, { RetiringPrincipal: AUDITOR }));
    const r = await call('RetireGrant', { GrantToken: g.json.GrantToken }, { as: OTHER_ROOT });
    expect(r.type).toBe('AccessDeniedException');
  });

  it('requires a token or a key id and grant id', async () => {
    const { call } = makeSim();
    expect((await call('RetireGrant', {})).type).toBe('ValidationException');
  });

  it('answers NotFoundException for a grant that is already gone', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const g = await call('CreateGrant', grant(key.KeyId));
    await call('RetireGrant', { GrantToken: g.json.GrantToken });
    expect((await call('RetireGrant', { GrantToken: g.json.GrantToken })).type).toBe('NotFoundException');
  });

  it('leaves the grant in place on DryRun', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const g = await call('CreateGrant', grant(key.KeyId));
    expect((await call('RetireGrant', { GrantToken: g.json.GrantToken, DryRun: true })).type).toBe('DryRunOperationException');
    expect((await call('ListGrants', { KeyId: key.KeyId })).json.Grants).toHaveLength(1);
  });
});

describe('RevokeGrant', () => {
  it('revokes with kms:RevokeGrant and answers with an empty body', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const g = await call('CreateGrant', grant(key.KeyId));
    const r = await call('RevokeGrant', { KeyId: key.KeyId, GrantId: g.json.GrantId }, { as: ADMIN });
    expect([r.status, r.text]).toEqual([200, '']);
  });

  it('does not let a grantee revoke', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const g = await call('CreateGrant', grant(key.KeyId, { Operations: ['Decrypt', 'RetireGrant'] }));
    expect((await call('RevokeGrant', { KeyId: key.KeyId, GrantId: g.json.GrantId }, { as: APP_ROLE })).type).toBe('AccessDeniedException');
  });

  it('answers NotFoundException for an unknown grant id and InvalidGrantIdException for a malformed one', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    expect((await call('RevokeGrant', { KeyId: key.KeyId, GrantId: 'f'.repeat(64) })).type).toBe('NotFoundException');
    expect((await call('RevokeGrant', { KeyId: key.KeyId, GrantId: 'nope' })).type).toBe('InvalidGrantIdException');
  });

  it('requires KeyId and GrantId', async () => {
    const { call } = makeSim();
    const r = await call('RevokeGrant', {});
    expect(r.message).toBe("2 validation errors detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null; Value null at 'grantId' failed to satisfy constraint: Member must not be null");
  });
});

describe('the grants quota', () => {
  it('answers LimitExceededException at 50,000 grants on a key', async () => {
    const { sim, createKey } = makeSim();
    const key = await createKey();
    for (let i = 0; i < 50_000; i++) {
      const r = sim.engine.run('CreateGrant', grant(key.KeyId)) as { ok: boolean };
      if (!r.ok) throw new Error(`grant ${i} failed`);
    }
    const r = sim.engine.run('CreateGrant', grant(key.KeyId)) as { ok: false; error: { code: string } };
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('LimitExceededException');
  });
});
