/**
 * Independent review of CreateGrant (docs/sources.md, Grants): validation rules and their order,
 * semantics (Name idempotency, DryRun, IssuingAccount, child grants), operations per key type
 * and constraints, with SigV4-signed requests through sim.fetch.
 */
import { describe, expect, it } from 'vitest';
import { ACCOUNT, ADMIN, APP, AUDITOR, DRY_RUN, OTHER, OTHER_ROOT, PARTNER, REGION, ROOT, b64, err, review } from './harness';

const grant = (KeyId: string, extra: Record<string, unknown> = {}) => ({ KeyId, GranteePrincipal: APP, Operations: ['Decrypt'], ...extra });
const SERVICE = 'dynamodb.amazonaws.com';
const SOURCE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Orders`;

describe('CreateGrant response', () => {
  it('answers a 64-hex GrantId and a URL-safe base64 GrantToken, and only CreateGrant returns the token (ListGrants does not)', async () => {
    const r = review();
    const k = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId));
    expect(Object.keys(g).sort()).toEqual(['GrantId', 'GrantToken']);
    expect(g.GrantId).toMatch(/^[0-9a-f]{64}$/);
    expect(g.GrantToken).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(g.GrantToken.length).toBeLessThanOrEqual(8192);
    const l = await r.ok('ListGrants', { KeyId: k.KeyId });
    expect(JSON.stringify(l)).not.toContain(g.GrantToken);
  });
});

describe('CreateGrant validation rules', () => {
  it('rule 1: neither grantee, or both grantees, is a ValidationException', async () => {
    const r = review();
    const k = await r.key();
    const neither = await r.call('CreateGrant', { KeyId: k.KeyId, Operations: ['Decrypt'] });
    const both = await r.call('CreateGrant', grant(k.KeyId, { GranteeServicePrincipal: SERVICE, RetiringPrincipal: ADMIN, Constraints: { SourceArn: SOURCE_ARN } }));
    expect([neither.status, neither.type, both.status, both.type]).toEqual([400, 'ValidationException', 400, 'ValidationException']);
  });

  it('rules 2 and 3: a service grantee needs a SourceArn constraint and a retiring principal; with both it is accepted', async () => {
    const r = review();
    const k = await r.key();
    const base = { KeyId: k.KeyId, GranteeServicePrincipal: SERVICE, Operations: ['Decrypt'] };
    expect((await r.call('CreateGrant', { ...base, RetiringPrincipal: ADMIN })).type).toBe('ValidationException');
    expect((await r.call('CreateGrant', { ...base, Constraints: { SourceArn: SOURCE_ARN } })).type).toBe('ValidationException');
    const okay = await r.call('CreateGrant', { ...base, RetiringServicePrincipal: SERVICE, Constraints: { SourceArn: SOURCE_ARN } });
    expect(okay.status).toBe(200);
    const e = (await r.ok('ListGrants', { KeyId: k.KeyId })).Grants[0];
    expect(e.GranteeServicePrincipal).toBe(SERVICE);
    expect(e.RetiringServicePrincipal).toBe(SERVICE);
    expect(e.GranteePrincipal).toBeUndefined();
    expect(e.Constraints).toEqual({ SourceArn: SOURCE_ARN });
  });

  it('rule 4: RetiringPrincipal together with RetiringServicePrincipal is a ValidationException', async () => {
    const r = review();
    const k = await r.key();
    const x = await r.call('CreateGrant', grant(k.KeyId, { RetiringPrincipal: ADMIN, RetiringServicePrincipal: SERVICE }));
    expect([x.status, x.type]).toEqual([400, 'ValidationException']);
  });

  it('rule 5: an operation the key cannot perform is a ValidationException (Sign on a symmetric key, GenerateDataKey on an asymmetric key)', async () => {
    const r = review();
    const sym = await r.key();
    const rsa = await r.key({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    expect((await r.call('CreateGrant', grant(sym.KeyId, { Operations: ['Decrypt', 'Sign'] }))).type).toBe('ValidationException');
    expect((await r.call('CreateGrant', grant(rsa.KeyId, { Operations: ['GenerateDataKey'] }))).type).toBe('ValidationException');
    expect((await r.ok('ListGrants', { KeyId: sym.KeyId })).Grants).toEqual([]);
  });

  it('rule 6: only CreateGrant (even repeated) is refused with the recorded text; CreateGrant with RetireGrant is allowed', async () => {
    const r = review();
    const k = await r.key();
    for (const ops of [['CreateGrant'], ['CreateGrant', 'CreateGrant']]) {
      expect(err(await r.call('CreateGrant', grant(k.KeyId, { Operations: ops })))).toEqual([400, 'ValidationException', 'Grants must not contain only the CreateGrant operation.']);
    }
    expect((await r.call('CreateGrant', grant(k.KeyId, { Operations: ['CreateGrant', 'RetireGrant'] }))).status).toBe(200);
  });

  it('rule 7: an encryption-context constraint on an HMAC or asymmetric key is a ValidationException; on a symmetric key it is stored', async () => {
    const r = review();
    const hmac = await r.key({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    const rsa = await r.key({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    const sym = await r.key();
    const c = { EncryptionContextSubset: { app: 'orders' } };
    expect((await r.call('CreateGrant', grant(hmac.KeyId, { Operations: ['GenerateMac'], Constraints: c }))).type).toBe('ValidationException');
    expect((await r.call('CreateGrant', grant(rsa.KeyId, { Operations: ['Decrypt'], Constraints: c }))).type).toBe('ValidationException');
    await r.ok('CreateGrant', grant(sym.KeyId, { Constraints: c }));
    expect((await r.ok('ListGrants', { KeyId: sym.KeyId })).Grants[0].Constraints).toEqual(c);
  });

  it('rule 7: a SourceArn constraint is supported on every key type', async () => {
    const r = review();
    const hmac = await r.key({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    const x = await r.call('CreateGrant', grant(hmac.KeyId, { Operations: ['GenerateMac'], Constraints: { SourceArn: SOURCE_ARN } }));
    expect(x.status).toBe(200);
  });

  it('rule 8: EncryptionContextEquals with EncryptionContextSubset is refused; either one with SourceArn is accepted', async () => {
    const r = review();
    const k = await r.key();
    const both = await r.call('CreateGrant', grant(k.KeyId, { Constraints: { EncryptionContextEquals: { a: '1' }, EncryptionContextSubset: { a: '1' } } }));
    expect(err(both)).toEqual([400, 'ValidationException', 'More than one constraint supplied']);
    for (const c of [{ EncryptionContextEquals: { a: '1' }, SourceArn: SOURCE_ARN }, { EncryptionContextSubset: { a: '1' }, SourceArn: SOURCE_ARN }]) {
      expect((await r.call('CreateGrant', grant(k.KeyId, { Constraints: c }))).status).toBe(200);
    }
  });

  it('rule 9: up to 8 encryption-context pairs are accepted, 9 are refused', async () => {
    const r = review();
    const k = await r.key();
    const pairs = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));
    expect((await r.call('CreateGrant', grant(k.KeyId, { Constraints: { EncryptionContextSubset: pairs(8) } }))).status).toBe(200);
    expect((await r.call('CreateGrant', grant(k.KeyId, { Constraints: { EncryptionContextEquals: pairs(9) } }))).type).toBe('ValidationException');
  });

  it('rule 10: model constraints give Coral messages (Name pattern, GranteePrincipal pattern, SourceArn pattern)', async () => {
    const r = review();
    const k = await r.key();
    expect(err(await r.call('CreateGrant', grant(k.KeyId, { Name: 'has space' })))).toEqual([
      400,
      'ValidationException',
      "1 validation error detected: Value 'has space' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
    ]);
    expect(err(await r.call('CreateGrant', grant(k.KeyId, { GranteePrincipal: 'bad principal!' })))).toEqual([
      400,
      'ValidationException',
      "1 validation error detected: Value 'bad principal!' at 'granteePrincipal' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\w+=,.@:/-]+$",
    ]);
    const s = await r.call('CreateGrant', grant(k.KeyId, { Constraints: { SourceArn: 'not-an-arn-at-all-xx' } }));
    expect([s.status, s.type]).toEqual([400, 'ValidationException']);
    expect(s.message).toMatch(/^1 validation error detected: Value 'not-an-arn-at-all-xx' at 'constraints.sourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: /);
  });

  it('rule 10: a missing Operations member, an unknown operation, and a 257-character Name are Coral errors', async () => {
    const r = review();
    const k = await r.key();
    expect(err(await r.call('CreateGrant', { KeyId: k.KeyId, GranteePrincipal: APP }))).toEqual([
      400,
      'ValidationException',
      "1 validation error detected: Value null at 'operations' failed to satisfy constraint: Member must not be null",
    ]);
    const e = await r.call('CreateGrant', grant(k.KeyId, { Operations: ['ReEncrypt'] }));
    expect([e.status, e.type]).toEqual([400, 'ValidationException']);
    expect(e.message).toMatch(/^1 validation error detected: Value '\[ReEncrypt\]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: \[Member must satisfy enum value set: \[/);
    const n = await r.call('CreateGrant', grant(k.KeyId, { Name: 'n'.repeat(257) }));
    expect(n.message).toBe(`1 validation error detected: Value '${'n'.repeat(257)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 256`);
  });

  it('rule 12: a malformed or unknown key id fails with NotFoundException even for an otherwise valid grant', async () => {
    const r = review();
    expect((await r.call('CreateGrant', grant('invalid'))).type).toBe('NotFoundException');
    expect((await r.call('CreateGrant', grant('11111111-2222-3333-4444-555555555555'))).type).toBe('NotFoundException');
  });

  it('rule 12: the key state is checked for an otherwise valid grant (DisabledException before nothing is stored)', async () => {
    const r = review();
    const k = await r.key();
    await r.ok('DisableKey', { KeyId: k.KeyId });
    expect(err(await r.call('CreateGrant', grant(k.KeyId)))).toEqual([400, 'DisabledException', `${k.Arn} is disabled.`]);
    await r.ok('EnableKey', { KeyId: k.KeyId });
    expect((await r.ok('ListGrants', { KeyId: k.KeyId })).Grants).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

const KEY_TYPES: Record<string, Record<string, unknown>> = {
  SYMMETRIC_DEFAULT: {},
  HMAC_256: { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' },
  'RSA ENCRYPT_DECRYPT': { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' },
  'RSA SIGN_VERIFY': { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' },
  'ECC SIGN_VERIFY': { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' },
  'ECC KEY_AGREEMENT': { KeySpec: 'ECC_NIST_P384', KeyUsage: 'KEY_AGREEMENT' },
  'SM2 ENCRYPT_DECRYPT': { KeySpec: 'SM2', KeyUsage: 'ENCRYPT_DECRYPT' },
  'SM2 SIGN_VERIFY': { KeySpec: 'SM2', KeyUsage: 'SIGN_VERIFY' },
  'SM2 KEY_AGREEMENT': { KeySpec: 'SM2', KeyUsage: 'KEY_AGREEMENT' },
  'ML-DSA SIGN_VERIFY': { KeySpec: 'ML_DSA_65', KeyUsage: 'SIGN_VERIFY' },
  'Ed25519 SIGN_VERIFY': { KeySpec: 'ECC_NIST_EDWARDS25519', KeyUsage: 'SIGN_VERIFY' },
};
const ENCRYPTING = ['SYMMETRIC_DEFAULT', 'RSA ENCRYPT_DECRYPT', 'SM2 ENCRYPT_DECRYPT'];
const SIGNING = ['RSA SIGN_VERIFY', 'ECC SIGN_VERIFY', 'SM2 SIGN_VERIFY', 'ML-DSA SIGN_VERIFY', 'Ed25519 SIGN_VERIFY'];
const AGREEING = ['ECC KEY_AGREEMENT', 'SM2 KEY_AGREEMENT'];
/** docs/sources.md, Grants, the table, row by row */
const TABLE: Record<string, string[]> = {
  Encrypt: ENCRYPTING,
  Decrypt: ENCRYPTING,
  ReEncryptFrom: ENCRYPTING,
  ReEncryptTo: ENCRYPTING,
  GenerateDataKey: ['SYMMETRIC_DEFAULT'],
  GenerateDataKeyWithoutPlaintext: ['SYMMETRIC_DEFAULT'],
  GenerateDataKeyPair: ['SYMMETRIC_DEFAULT'],
  GenerateDataKeyPairWithoutPlaintext: ['SYMMETRIC_DEFAULT'],
  GenerateMac: ['HMAC_256'],
  VerifyMac: ['HMAC_256'],
  Sign: SIGNING,
  Verify: SIGNING,
  GetPublicKey: [...ENCRYPTING.slice(1), ...SIGNING, ...AGREEING],
  DeriveSharedSecret: AGREEING,
  DescribeKey: Object.keys(KEY_TYPES),
  RetireGrant: Object.keys(KEY_TYPES),
};

describe('grant operations by key type', () => {
  for (const [type, spec] of Object.entries(KEY_TYPES)) {
    it(`${type}: exactly the operations of the table are accepted, each alone and with CreateGrant`, async () => {
      const r = review();
      const k = await r.key(spec);
      const accepted: string[] = [];
      for (const op of Object.keys(TABLE)) {
        const a = await r.call('CreateGrant', grant(k.KeyId, { Operations: [op] }));
        if (a.status === 200) accepted.push(op);
        else expect([a.status, a.type], `${type} ${op}`).toEqual([400, 'ValidationException']);
      }
      expect(accepted).toEqual(Object.keys(TABLE).filter((op) => TABLE[op].includes(type)));
      // CreateGrant is valid on every key type alongside another operation
      expect((await r.call('CreateGrant', grant(k.KeyId, { Operations: ['CreateGrant', 'DescribeKey'] }))).status).toBe(200);
    });
  }

  it('a list with one invalid operation among valid ones is refused as a whole', async () => {
    const r = review();
    const k = await r.key({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect((await r.call('CreateGrant', grant(k.KeyId, { Operations: ['Sign', 'Verify', 'Decrypt'] }))).type).toBe('ValidationException');
    expect((await r.ok('ListGrants', { KeyId: k.KeyId })).Grants).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('Name idempotency', () => {
  it('identical parameters and Name return the original GrantId with a new token; both tokens work interchangeably', async () => {
    const r = review({ propagation: { minMs: 60_000, maxMs: 60_000 } });
    const k = await r.key();
    const a = await r.ok('CreateGrant', grant(k.KeyId, { Operations: ['Encrypt', 'Decrypt'], Name: 'app' }));
    const b = await r.ok('CreateGrant', grant(k.KeyId, { Operations: ['Decrypt', 'Encrypt'], Name: 'app' }));
    expect(b.GrantId).toBe(a.GrantId);
    expect(b.GrantToken).not.toBe(a.GrantToken);
    expect((await r.ok('ListGrants', { KeyId: k.KeyId })).Grants).toHaveLength(1);
    for (const t of [a.GrantToken, b.GrantToken]) {
      expect((await r.call('Encrypt', { KeyId: k.KeyId, Plaintext: b64('x'), GrantTokens: [t] }, { as: APP })).status).toBe(200);
    }
  });

  it('the same Name with a different grantee, operations, retiring principal or constraint makes a new grant', async () => {
    const r = review();
    const k = await r.key();
    const first = await r.ok('CreateGrant', grant(k.KeyId, { Name: 'n' }));
    const variants = [
      { GranteePrincipal: AUDITOR },
      { Operations: ['Encrypt'] },
      { RetiringPrincipal: ADMIN },
      { Constraints: { EncryptionContextSubset: { a: '1' } } },
      { Constraints: { EncryptionContextEquals: { a: '1' } } },
    ];
    const ids = new Set([first.GrantId]);
    for (const v of variants) ids.add((await r.ok('CreateGrant', grant(k.KeyId, { Name: 'n', ...v }))).GrantId);
    expect(ids.size).toBe(variants.length + 1);
    expect((await r.ok('ListGrants', { KeyId: k.KeyId })).Grants.every((g: { Name: string }) => g.Name === 'n')).toBe(true);
  });

  it('the same Name and parameters after the grant was retired make a new grant', async () => {
    const r = review();
    const k = await r.key();
    const a = await r.ok('CreateGrant', grant(k.KeyId, { Name: 'n' }));
    await r.ok('RevokeGrant', { KeyId: k.KeyId, GrantId: a.GrantId });
    const b = await r.ok('CreateGrant', grant(k.KeyId, { Name: 'n' }));
    expect(b.GrantId).not.toBe(a.GrantId);
  });

  it('a DryRun retry of a named grant answers DryRunOperationException and changes nothing', async () => {
    const r = review();
    const k = await r.key();
    await r.ok('CreateGrant', grant(k.KeyId, { Name: 'n' }));
    expect(err(await r.call('CreateGrant', grant(k.KeyId, { Name: 'n', DryRun: true })))).toEqual([400, 'DryRunOperationException', DRY_RUN]);
    expect((await r.ok('ListGrants', { KeyId: k.KeyId })).Grants).toHaveLength(1);
  });
});

describe('DryRun', () => {
  it('answers the normal error when the call would fail: validation, key state, authorization', async () => {
    const r = review();
    const k = await r.key();
    expect((await r.call('CreateGrant', grant(k.KeyId, { Operations: ['CreateGrant'], DryRun: true }))).type).toBe('ValidationException');
    expect((await r.call('CreateGrant', grant(k.KeyId, { DryRun: true }), { as: APP })).type).toBe('AccessDeniedException');
    await r.ok('DisableKey', { KeyId: k.KeyId });
    expect((await r.call('CreateGrant', grant(k.KeyId, { DryRun: true }))).type).toBe('DisabledException');
  });

  it('DryRun false behaves as no DryRun', async () => {
    const r = review();
    const k = await r.key();
    expect((await r.call('CreateGrant', grant(k.KeyId, { DryRun: false }))).status).toBe(200);
  });
});

describe('IssuingAccount and cross-account grants', () => {
  it('a grant created by another account on the key ARN lists that account as IssuingAccount (API-LRG example)', async () => {
    const r = review();
    const k = await r.key({}, undefined);
    await r.ok('PutKeyPolicy', {
      KeyId: k.KeyId,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: 'kms:CreateGrant', Resource: '*' },
        ],
      }),
    });
    await r.ok('CreateGrant', { KeyId: k.Arn, GranteePrincipal: PARTNER, Operations: ['Decrypt'] }, { as: PARTNER });
    const e = (await r.ok('ListGrants', { KeyId: k.KeyId })).Grants[0];
    expect([e.KeyId, e.IssuingAccount, e.GranteePrincipal]).toEqual([k.Arn, OTHER_ROOT, PARTNER]);
  });

  it('a grant can allow a principal of another account to use the key by its ARN', async () => {
    const r = review();
    const k = await r.key();
    const g = await r.ok('CreateGrant', { KeyId: k.KeyId, GranteePrincipal: PARTNER, Operations: ['Encrypt', 'DescribeKey'] });
    expect((await r.call('Encrypt', { KeyId: k.Arn, Plaintext: b64('x'), GrantTokens: [g.GrantToken] }, { as: PARTNER })).status).toBe(200);
    expect((await r.call('Encrypt', { KeyId: k.Arn, Plaintext: b64('x') }, { as: PARTNER })).status).toBe(200);
  });
});

describe('CreateGrant permission from a parent grant', () => {
  it('a child may carry a subset of the parent operations, with the parent constraint or a stricter one', async () => {
    const r = review();
    const k = await r.key();
    await r.ok('CreateGrant', grant(k.KeyId, { Operations: ['CreateGrant', 'Encrypt', 'Decrypt'], Constraints: { EncryptionContextSubset: { app: 'a' } } }));
    const child = (extra: Record<string, unknown>) => r.call('CreateGrant', { KeyId: k.KeyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'], ...extra }, { as: APP });
    expect((await child({ Constraints: { EncryptionContextSubset: { app: 'a', env: 'p' } } })).status).toBe(200);
    expect((await child({ Constraints: { EncryptionContextEquals: { app: 'a' } } })).status).toBe(200);
    expect((await child({})).type).toBe('AccessDeniedException');
    expect((await child({ Operations: ['Decrypt', 'GenerateDataKey'], Constraints: { EncryptionContextSubset: { app: 'a' } } })).type).toBe('AccessDeniedException');
  });

  it('an Equals parent cannot be loosened to a Subset child', async () => {
    const r = review();
    const k = await r.key();
    await r.ok('CreateGrant', grant(k.KeyId, { Operations: ['CreateGrant', 'Decrypt'], Constraints: { EncryptionContextEquals: { app: 'a' } } }));
    const loose = await r.call('CreateGrant', { KeyId: k.KeyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'], Constraints: { EncryptionContextSubset: { app: 'a' } } }, { as: APP });
    expect(loose.type).toBe('AccessDeniedException');
  });

  it('a principal with kms:CreateGrant from a policy need not hold the operations it grants', async () => {
    const r = review();
    const k = await r.key();
    expect((await r.call('CreateGrant', grant(k.KeyId, { Operations: ['GenerateDataKey', 'ReEncryptFrom'] }), { as: ADMIN })).status).toBe(200);
  });
});
