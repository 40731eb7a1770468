/**
 * Independent review (docs/sources.md, Key identifiers and Key states): key resolution, and key
 * states against operations, through
 * the public contract with SigV4-signed requests.
 */
import { describe, expect, it } from 'vitest';
import { ACCOUNT, ADMIN, APP, OTHER, PARTNER, REGION, b64, err, review } from './harness';

const MISSING = '0d6a8b4e-1c2f-4e5a-9b7c-3d2e1f0a9b8c';
const missingArn = (account = ACCOUNT) => `arn:aws:kms:${REGION}:${account}:key/${MISSING}`;

describe('key resolution for the grant operations', () => {
  const GRANT_OPS: [string, (keyId: string) => Record<string, unknown>][] = [
    ['CreateGrant', (KeyId) => ({ KeyId, GranteePrincipal: APP, Operations: ['Decrypt'] })],
    ['ListGrants', (KeyId) => ({ KeyId })],
    ['RevokeGrant', (KeyId) => ({ KeyId, GrantId: 'a'.repeat(64) })],
    ['RetireGrant', (KeyId) => ({ KeyId, GrantId: 'a'.repeat(64) })],
  ];

  for (const [op, body] of GRANT_OPS) {
    it(`${op}: a malformed key id is NotFoundException "Invalid keyId '<v>'" (recorded form)`, async () => {
      const { call } = review();
      for (const v of ['invalid', '134f2428cec14b25a1ae9048164dba47', 'mrk-fake-key-id']) {
        expect(err(await call(op, body(v)))).toEqual([400, 'NotFoundException', `Invalid keyId '${v}'`]);
      }
    });

    it(`${op}: a well-formed id of no key is "Key '<ARN in the caller's account and region>' does not exist"`, async () => {
      const { call } = review();
      expect(err(await call(op, body(MISSING)))).toEqual([400, 'NotFoundException', `Key '${missingArn()}' does not exist`]);
      expect(err(await call(op, body(missingArn())))).toEqual([400, 'NotFoundException', `Key '${missingArn()}' does not exist`]);
    });

    it(`${op}: a key ARN of another region is "Invalid arn <region>"`, async () => {
      const { call, key } = review();
      const k = await key();
      expect(err(await call(op, body(k.Arn.replace(REGION, 'eu-west-1'))))).toEqual([400, 'NotFoundException', 'Invalid arn eu-west-1']);
    });
  }

  it('CreateGrant: an alias name or alias ARN is InvalidArnException "Key Aliases are not supported for this operation." (recorded)', async () => {
    const { call, ok, key } = review();
    const k = await key();
    await ok('CreateAlias', { AliasName: 'alias/app', TargetKeyId: k.KeyId });
    for (const v of ['alias/app', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/app`]) {
      expect(err(await call('CreateGrant', { KeyId: v, GranteePrincipal: APP, Operations: ['Decrypt'] }))).toEqual([
        400,
        'InvalidArnException',
        'Key Aliases are not supported for this operation.',
      ]);
    }
  });

  it('another account\'s key is found only by its key ARN: a bare key id is looked up in the caller\'s account', async () => {
    const { call, ok, key } = review();
    const k = await key({
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:DescribeKey'], Resource: '*' },
        ],
      }),
    });
    const byId = await call('ListGrants', { KeyId: k.KeyId }, { as: PARTNER });
    expect(err(byId)).toEqual([400, 'NotFoundException', `Key 'arn:aws:kms:${REGION}:${OTHER}:key/${k.KeyId}' does not exist`]);
    const byArn = await ok('ListGrants', { KeyId: k.Arn }, { as: PARTNER });
    expect(byArn).toEqual({ Grants: [], Truncated: false });
    expect((await ok('DescribeKey', { KeyId: k.Arn }, { as: PARTNER })).KeyMetadata.Arn).toBe(k.Arn);
  });

  it('the operations that are "Cross-account use: No" do not take another account\'s key ARN, even when its key policy trusts that account', async () => {
    const { call, ok, key } = review();
    const k = await key({
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: 'kms:*', Resource: '*' },
        ],
      }),
    });
    const requests: [string, Record<string, unknown>][] = [
      ['DisableKey', { KeyId: k.Arn }],
      ['EnableKey', { KeyId: k.Arn }],
      ['UpdateKeyDescription', { KeyId: k.Arn, Description: 'theirs now' }],
      ['GetKeyPolicy', { KeyId: k.Arn }],
      ['ListKeyPolicies', { KeyId: k.Arn }],
      ['PutKeyPolicy', { KeyId: k.Arn, Policy: '{"Version":"2012-10-17","Statement":[]}', BypassPolicyLockoutSafetyCheck: true }],
      ['ScheduleKeyDeletion', { KeyId: k.Arn, PendingWindowInDays: 7 }],
      ['CancelKeyDeletion', { KeyId: k.Arn }],
      ['CreateAlias', { AliasName: 'alias/borrowed', TargetKeyId: k.Arn }],
    ];
    for (const [op, body] of requests) {
      expect(err(await call(op, body, { as: PARTNER })), op).toEqual([400, 'NotFoundException', `Key '${k.Arn}' does not exist`]);
    }
    const meta = (await ok('DescribeKey', { KeyId: k.Arn }, { as: PARTNER })).KeyMetadata;
    expect([meta.KeyState, meta.Description]).toEqual(['Enabled', '']);
    // the cross-account operations still work
    expect((await call('Encrypt', { KeyId: k.Arn, Plaintext: b64('x') }, { as: PARTNER })).status).toBe(200);
    expect((await call('CreateGrant', { KeyId: k.Arn, GranteePrincipal: PARTNER, Operations: ['Decrypt'] }, { as: PARTNER })).status).toBe(200);
  });

  it('a malformed id fails before existence, and both before the key state', async () => {
    const { call, ok, key } = review();
    const k = await key();
    await ok('DisableKey', { KeyId: k.KeyId });
    expect(err(await call('Encrypt', { KeyId: 'nope', Plaintext: b64('x') }))).toEqual([400, 'NotFoundException', "Invalid keyId 'nope'"]);
    expect((await call('Encrypt', { KeyId: k.KeyId, Plaintext: b64('x') })).type).toBe('DisabledException');
  });

  it('DescribeKey and Encrypt take alias names and alias ARNs; an alias ARN of another region is "Invalid arn <region>"', async () => {
    const { call, ok, key } = review();
    const k = await key();
    await ok('CreateAlias', { AliasName: 'alias/data', TargetKeyId: k.KeyId });
    for (const v of ['alias/data', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/data`]) {
      expect((await ok('DescribeKey', { KeyId: v })).KeyMetadata.KeyId).toBe(k.KeyId);
      expect((await ok('Encrypt', { KeyId: v, Plaintext: b64('x') })).KeyId).toBe(k.Arn);
    }
    expect(err(await call('DescribeKey', { KeyId: `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/data` }))).toEqual([400, 'NotFoundException', 'Invalid arn eu-west-1']);
  });
});

// ---------------------------------------------------------------------------------------------

type State = 'Disabled' | 'PendingDeletion' | 'PendingImport';

async function keyIn(r: ReturnType<typeof review>, state: State | 'Enabled', spec: Record<string, unknown> = {}) {
  const k = await r.key(state === 'PendingImport' ? { ...spec, Origin: 'EXTERNAL' } : spec);
  if (state === 'Disabled') await r.ok('DisableKey', { KeyId: k.KeyId });
  if (state === 'PendingDeletion') await r.ok('ScheduleKeyDeletion', { KeyId: k.KeyId, PendingWindowInDays: 7 });
  return k;
}

const expectedStateError = (state: State, arn: string) =>
  state === 'Disabled'
    ? [400, 'DisabledException', `${arn} is disabled.`]
    : state === 'PendingDeletion'
      ? [400, 'KMSInvalidStateException', `${arn} is pending deletion.`]
      : [400, 'KMSInvalidStateException', `${arn} is pending import.`];

const SYM = {};
const HMAC = { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' };
const SIGN = { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' };
const AGREE = { KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' };

/** each operation the key-state table [DG-KS] makes "usable only while Enabled", with a request that would otherwise succeed */
const USE_OPS: { op: string; spec: Record<string, unknown>; body: (keyId: string, peerPublicKey: string) => Record<string, unknown> }[] = [
  { op: 'Encrypt', spec: SYM, body: (KeyId) => ({ KeyId, Plaintext: b64('hello') }) },
  { op: 'GenerateDataKey', spec: SYM, body: (KeyId) => ({ KeyId, KeySpec: 'AES_256' }) },
  { op: 'GenerateDataKeyWithoutPlaintext', spec: SYM, body: (KeyId) => ({ KeyId, KeySpec: 'AES_256' }) },
  { op: 'GenerateDataKeyPair', spec: SYM, body: (KeyId) => ({ KeyId, KeyPairSpec: 'ECC_NIST_P256' }) },
  { op: 'GenerateDataKeyPairWithoutPlaintext', spec: SYM, body: (KeyId) => ({ KeyId, KeyPairSpec: 'ECC_NIST_P256' }) },
  { op: 'Sign', spec: SIGN, body: (KeyId) => ({ KeyId, Message: b64('m'), SigningAlgorithm: 'ECDSA_SHA_256' }) },
  { op: 'Verify', spec: SIGN, body: (KeyId) => ({ KeyId, Message: b64('m'), Signature: b64('not a signature'), SigningAlgorithm: 'ECDSA_SHA_256' }) },
  { op: 'GenerateMac', spec: HMAC, body: (KeyId) => ({ KeyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' }) },
  { op: 'VerifyMac', spec: HMAC, body: (KeyId) => ({ KeyId, Message: b64('m'), Mac: b64('not a mac'), MacAlgorithm: 'HMAC_SHA_256' }) },
  { op: 'GetPublicKey', spec: SIGN, body: (KeyId) => ({ KeyId }) },
  { op: 'DeriveSharedSecret', spec: AGREE, body: (KeyId, PublicKey) => ({ KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey }) },
  { op: 'CreateGrant', spec: SYM, body: (KeyId) => ({ KeyId, GranteePrincipal: APP, Operations: ['Decrypt'] }) },
];

describe('key states: operations usable only on an Enabled key', () => {
  for (const { op, spec, body } of USE_OPS) {
    for (const state of ['Disabled', 'PendingDeletion', 'PendingImport'] as const) {
      it(`${op} on a ${state} key answers the key-state error with the documented text`, async () => {
        const r = review();
        const peer = await r.key(AGREE);
        const peerKey = (await r.ok('GetPublicKey', { KeyId: peer.KeyId })).PublicKey;
        const k = await keyIn(r, state, spec);
        expect(err(await r.call(op, body(k.KeyId, peerKey)))).toEqual(expectedStateError(state, k.Arn));
      });
    }
  }

  for (const op of ['Decrypt', 'ReEncrypt'] as const) {
    for (const state of ['Disabled', 'PendingDeletion'] as const) {
      it(`${op} of a ciphertext whose key became ${state} answers the key-state error`, async () => {
        const r = review();
        const k = await r.key();
        const dest = await r.key();
        const { CiphertextBlob } = await r.ok('Encrypt', { KeyId: k.KeyId, Plaintext: b64('secret') });
        if (state === 'Disabled') await r.ok('DisableKey', { KeyId: k.KeyId });
        else await r.ok('ScheduleKeyDeletion', { KeyId: k.KeyId, PendingWindowInDays: 7 });
        const body = op === 'Decrypt' ? { CiphertextBlob } : { CiphertextBlob, DestinationKeyId: dest.KeyId };
        expect(err(await r.call(op, body))).toEqual(expectedStateError(state, k.Arn));
      });
    }
  }

  it('ReEncrypt to a disabled destination key answers DisabledException for the destination', async () => {
    const r = review();
    const k = await r.key();
    const dest = await keyIn(r, 'Disabled');
    const { CiphertextBlob } = await r.ok('Encrypt', { KeyId: k.KeyId, Plaintext: b64('secret') });
    expect(err(await r.call('ReEncrypt', { CiphertextBlob, DestinationKeyId: dest.KeyId }))).toEqual(expectedStateError('Disabled', dest.Arn));
  });
});

describe('key states: operations that work in every state', () => {
  for (const state of ['Disabled', 'PendingDeletion', 'PendingImport'] as const) {
    it(`DescribeKey, ListGrants, RetireGrant, RevokeGrant and GetKeyPolicy work on a ${state} key`, async () => {
      const r = review();
      const k = await r.key(state === 'PendingImport' ? { Origin: 'EXTERNAL' } : {});
      // grants made while the key could take them (an imported key can never be Enabled here)
      const ids: string[] = [];
      if (state !== 'PendingImport') {
        for (let i = 0; i < 2; i++) ids.push((await r.ok('CreateGrant', { KeyId: k.KeyId, GranteePrincipal: APP, Operations: ['Decrypt'], RetiringPrincipal: ADMIN })).GrantId);
        if (state === 'Disabled') await r.ok('DisableKey', { KeyId: k.KeyId });
        else await r.ok('ScheduleKeyDeletion', { KeyId: k.KeyId, PendingWindowInDays: 7 });
      }
      expect((await r.ok('DescribeKey', { KeyId: k.KeyId })).KeyMetadata.KeyState).toBe(state);
      expect((await r.ok('ListGrants', { KeyId: k.KeyId })).Grants).toHaveLength(ids.length);
      expect((await r.ok('GetKeyPolicy', { KeyId: k.KeyId, PolicyName: 'default' })).Policy).toContain('kms:*');
      if (ids.length) {
        expect((await r.call('RetireGrant', { KeyId: k.Arn, GrantId: ids[0] }, { as: ADMIN })).status).toBe(200);
        expect((await r.call('RevokeGrant', { KeyId: k.KeyId, GrantId: ids[1] })).status).toBe(200);
        expect((await r.ok('ListGrants', { KeyId: k.KeyId })).Grants).toEqual([]);
      }
    });
  }
});

describe('key states: key management', () => {
  it('EnableKey and DisableKey on a key pending deletion or pending import answer KMSInvalidStateException', async () => {
    const r = review();
    for (const state of ['PendingDeletion', 'PendingImport'] as const) {
      const k = await keyIn(r, state);
      for (const op of ['EnableKey', 'DisableKey']) expect(err(await r.call(op, { KeyId: k.KeyId }))).toEqual(expectedStateError(state, k.Arn));
    }
  });

  it('ScheduleKeyDeletion accepts a key pending import and refuses one already pending deletion (validated)', async () => {
    const r = review();
    const k = await keyIn(r, 'PendingImport');
    const s = await r.ok('ScheduleKeyDeletion', { KeyId: k.KeyId, PendingWindowInDays: 7 });
    expect([s.KeyId, s.KeyState, s.PendingWindowInDays, typeof s.DeletionDate]).toEqual([k.Arn, 'PendingDeletion', 7, 'number']);
    expect(err(await r.call('ScheduleKeyDeletion', { KeyId: k.KeyId }))).toEqual([400, 'KMSInvalidStateException', `${k.Arn} is pending deletion.`]);
  });

  it('CancelKeyDeletion on an Enabled, Disabled or PendingImport key answers "is not pending deletion (or pending replica deletion)."', async () => {
    const r = review();
    for (const state of ['Enabled', 'Disabled', 'PendingImport'] as const) {
      const k = await keyIn(r, state);
      expect(err(await r.call('CancelKeyDeletion', { KeyId: k.KeyId }))).toEqual([400, 'KMSInvalidStateException', `${k.Arn} is not pending deletion (or pending replica deletion).`]);
    }
  });

  it('ScheduleKeyDeletion defaults to a 30-day window and answers KeyId as the key ARN', async () => {
    const r = review();
    const k = await r.key();
    const s = await r.ok('ScheduleKeyDeletion', { KeyId: k.KeyId });
    expect([s.KeyId, s.KeyState, s.PendingWindowInDays]).toEqual([k.Arn, 'PendingDeletion', 30]);
    expect(s.DeletionDate).toBe(r.sim.clock.now() / 1000 + 30 * 86400);
    const d = (await r.ok('DescribeKey', { KeyId: k.KeyId })).KeyMetadata;
    expect([d.Enabled, d.KeyState, d.DeletionDate]).toEqual([false, 'PendingDeletion', s.DeletionDate]);
  });

  it('the key-management operations refuse an alias (key id or key ARN only)', async () => {
    const r = review();
    const k = await r.key();
    await r.ok('CreateAlias', { AliasName: 'alias/m', TargetKeyId: k.KeyId });
    for (const op of ['EnableKey', 'DisableKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion', 'GetKeyPolicy']) {
      const a = await r.call(op, { KeyId: 'alias/m' });
      expect([a.status, a.type], op).toEqual([400, 'InvalidArnException']);
    }
  });
});

describe('GetKeyPolicy and PutKeyPolicy', () => {
  it('PutKeyPolicy rejects a document that does not parse with MalformedPolicyDocumentException, and keeps the old policy', async () => {
    const r = review();
    const k = await r.key();
    const before = (await r.ok('GetKeyPolicy', { KeyId: k.KeyId })).Policy;
    const bad = await r.call('PutKeyPolicy', { KeyId: k.KeyId, PolicyName: 'default', Policy: '{"Version":' });
    expect([bad.status, bad.type]).toEqual([400, 'MalformedPolicyDocumentException']);
    expect((await r.ok('GetKeyPolicy', { KeyId: k.KeyId })).Policy).toBe(before);
  });

  it('GetKeyPolicy answers the recorded NotFoundException forms for bad key ids', async () => {
    const r = review();
    expect(err(await r.call('GetKeyPolicy', { KeyId: 'nope' }))).toEqual([400, 'NotFoundException', "Invalid keyId 'nope'"]);
    expect(err(await r.call('GetKeyPolicy', { KeyId: MISSING }))).toEqual([400, 'NotFoundException', `Key '${missingArn()}' does not exist`]);
  });

  it('GetKeyPolicy and PutKeyPolicy need kms:GetKeyPolicy / kms:PutKeyPolicy: a principal without IAM permission is denied', async () => {
    const r = review();
    const k = await r.key();
    const g = await r.call('GetKeyPolicy', { KeyId: k.KeyId }, { as: APP });
    expect([g.status, g.type, g.message]).toEqual([
      400,
      'AccessDeniedException',
      `User: ${APP} is not authorized to perform: kms:GetKeyPolicy on resource: ${k.Arn} because no identity-based policy allows the kms:GetKeyPolicy action`,
    ]);
    const p = await r.call('PutKeyPolicy', { KeyId: k.KeyId, Policy: '{}' }, { as: APP });
    expect(p.type).toBe('AccessDeniedException');
  });

  it('PutKeyPolicy answers 200 with an empty body and GetKeyPolicy then returns the new document', async () => {
    const r = review();
    const k = await r.key();
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] });
    const p = await r.call('PutKeyPolicy', { KeyId: k.KeyId, Policy: policy });
    expect([p.status, p.text]).toEqual([200, '']);
    expect(await r.ok('GetKeyPolicy', { KeyId: k.Arn })).toEqual({ Policy: policy, PolicyName: 'default' });
  });
});
