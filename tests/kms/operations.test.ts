import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPERATION_DESCRIPTORS, PEEK_OPERATIONS, operationDescriptor, operationsWhere, HANDLERS, SUPPORTED_OPERATIONS } from '../../src/kms/index';
import { CROSS_ACCOUNT_OPERATIONS } from '../../src/kms/keys';
import { KEY_STATE_RULES } from '../../src/kms/keystate';
import { OPERATION_NAMES, OPERATIONS, SHAPES, type OperationName } from '../../src/kms/model/shapes.generated';
// the UI's own lists, read only: the descriptors must reproduce each exactly before the UI switches to them
import { TAKES_GRANT_TOKENS } from '../../src/ui/templates';
import { changesAccountByName as changesAccount } from '../../src/ui/session/mutating';
import { matrixRequest } from '../../src/kms/index';
import { ACCOUNT, ROOT, makeSim } from './helpers';

const names = (test: Parameters<typeof operationsWhere>[0]) => [...operationsWhere(test)].sort();
const sorted = (xs: Iterable<string>) => [...xs].sort();

/** what the UI's own lists held before it read the descriptors (frozen here: the facts the descriptors must keep) */
const GRANT_TOKENS = ['CreateGrant', 'Decrypt', 'DeriveSharedSecret', 'DescribeKey', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateDataKeyWithoutPlaintext', 'GenerateMac', 'GetPublicKey', 'ReEncrypt', 'Sign', 'Verify', 'VerifyMac'];
const ALIAS_OK = ['DescribeKey', 'Encrypt', 'Decrypt', 'ReEncrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'Sign', 'Verify', 'GetPublicKey', 'DeriveSharedSecret', 'GenerateMac', 'VerifyMac'];

describe('operation descriptors', () => {
  it('describe every operation of the model, once, under its own name', () => {
    expect(Object.keys(OPERATION_DESCRIPTORS).sort()).toEqual([...OPERATION_NAMES].sort());
    for (const op of OPERATION_NAMES) expect(OPERATION_DESCRIPTORS[op].name).toBe(op);
    for (const op of SUPPORTED_OPERATIONS) expect(operationDescriptor(op)).toBeDefined();
    expect(operationDescriptor('toString')).toBeUndefined();
    expect(operationDescriptor('NoSuchOperation')).toBeUndefined();
  });

  it('grantTokens names the operations whose requests take GrantTokens, and the UI templates read it', () => {
    expect(names((d) => d.grantTokens)).toEqual(sorted(GRANT_TOKENS));
    expect(sorted(TAKES_GRANT_TOKENS)).toEqual(sorted(GRANT_TOKENS));
  });

  it('aliases names the operations that take an alias for their key', () => {
    expect(names((d) => d.aliases)).toEqual(sorted(ALIAS_OK));
  });

  it('mutating equals the session\u2019s changesAccount for every operation of the model', () => {
    for (const op of OPERATION_NAMES) expect([op, OPERATION_DESCRIPTORS[op].mutating]).toEqual([op, changesAccount(op)]);
  });

  it('readOnly is the set peek() served before the descriptors, and only operations the simulator answers', () => {
    expect(sorted(PEEK_OPERATIONS)).toEqual(['DescribeKey', 'GetKeyPolicy', 'GetPublicKey', 'ListAliases', 'ListGrants', 'ListKeyPolicies', 'ListKeys', 'ListRetirableGrants']);
    for (const op of PEEK_OPERATIONS) expect(HANDLERS[op as OperationName]).toBeDefined();
    for (const op of PEEK_OPERATIONS) expect(OPERATION_DESCRIPTORS[op as OperationName].mutating).toBe(false);
  });

  it('crossAccount is the list keys.ts held (the reference pages\u2019 "Cross-account use: Yes")', () => {
    expect(sorted(CROSS_ACCOUNT_OPERATIONS)).toEqual([
      'CreateGrant', 'Decrypt', 'DeriveSharedSecret', 'DescribeKey', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext',
      'GenerateDataKeyWithoutPlaintext', 'GenerateMac', 'GetKeyRotationStatus', 'GetPublicKey', 'ListGrants', 'ReEncrypt', 'RetireGrant', 'RevokeGrant', 'Sign', 'Verify', 'VerifyMac',
    ]);
  });

  it('keyStates is the key-state table keystate.ts held', () => {
    const USE = { Enabled: 'ok', Disabled: 'disabled', PendingDeletion: 'invalid', PendingImport: 'invalid' };
    const ANY = { Enabled: 'ok', Disabled: 'ok', PendingDeletion: 'ok', PendingImport: 'ok' };
    const MANAGE = { Enabled: 'ok', Disabled: 'ok', PendingDeletion: 'invalid', PendingImport: 'invalid' };
    const before: Record<string, object> = {
      CreateGrant: USE, Encrypt: USE, Decrypt: USE, ReEncrypt: USE, GenerateDataKey: USE, GenerateDataKeyWithoutPlaintext: USE, GenerateDataKeyPair: USE,
      GenerateDataKeyPairWithoutPlaintext: USE, Sign: USE, Verify: USE, GenerateMac: USE, VerifyMac: USE, DeriveSharedSecret: USE, GetPublicKey: USE,
      DescribeKey: ANY, ListGrants: ANY, ListRetirableGrants: ANY, RetireGrant: ANY, RevokeGrant: ANY, GetKeyPolicy: ANY, PutKeyPolicy: ANY, ListKeyPolicies: ANY, ListResourceTags: ANY,
      EnableKey: MANAGE, DisableKey: MANAGE, CreateAlias: MANAGE, UpdateAlias: MANAGE, UpdateKeyDescription: MANAGE, TagResource: MANAGE, UntagResource: MANAGE,
      ScheduleKeyDeletion: { Enabled: 'ok', Disabled: 'ok', PendingDeletion: 'invalid', PendingImport: 'ok' },
      CancelKeyDeletion: { PendingDeletion: 'ok' },
    };
    expect({ ...KEY_STATE_RULES }).toEqual(before);
  });

  it('keyMembers and grantTokens are what the model says of each request', () => {
    for (const op of OPERATION_NAMES) {
      const input = OPERATIONS[op].input;
      const shape = input === null ? undefined : SHAPES[input];
      const members = shape?.type === 'structure' ? shape.members : {};
      const d = OPERATION_DESCRIPTORS[op];
      expect([op, [...d.keyMembers]]).toEqual([op, Object.keys(members).filter((m) => members[m] === 'KeyIdType')]);
      expect([op, d.grantTokens]).toEqual([op, Object.hasOwn(members, 'GrantTokens')]);
    }
    expect(OPERATION_DESCRIPTORS.ReEncrypt.keyMembers).toEqual(['SourceKeyId', 'DestinationKeyId']);
  });

  it('import no module at run time (only types), so reading them does not load the API model', () => {
    const text = readFileSync(new URL('../../src/kms/operations.ts', import.meta.url), 'utf8');
    const imports = [...text.matchAll(/^import\s+(type\s+)?[^;]*;/gm)];
    expect(imports.length).toBeGreaterThan(0);
    for (const m of imports) expect(m[1], m[0]).toBe('type ');
  });

  it('are frozen', () => {
    expect(Object.isFrozen(OPERATION_DESCRIPTORS)).toBe(true);
    expect(Object.isFrozen(OPERATION_DESCRIPTORS.Decrypt)).toBe(true);
  });
});

describe('the descriptors drive the engine', () => {
  /** a body each operation accepts but for its key, from the access matrix's own (matrixRequest) */
  const EXTRA: Record<string, Record<string, unknown>> = {
    CreateAlias: { AliasName: 'alias/new-one' },
    UpdateAlias: { AliasName: 'alias/existing' },
    TagResource: { Tags: [{ TagKey: 'team', TagValue: 'blue' }] },
    UntagResource: { TagKeys: ['team'] },
    RetireGrant: { GrantId: '0'.repeat(64) },
    RevokeGrant: { GrantId: '0'.repeat(64) },
  };

  it('every supported operation resolves an alias name exactly where its descriptor says `aliases`', async () => {
    const { sim, call, createKey } = makeSim();
    const made = await createKey();
    expect((await call('CreateAlias', { AliasName: 'alias/existing', TargetKeyId: made.KeyId })).status).toBe(200);
    const key = sim.engine.world.keys.get(made.KeyId)!;
    const seen: string[] = [];
    for (const op of SUPPORTED_OPERATIONS) {
      const d = OPERATION_DESCRIPTORS[op];
      if (d.keyMembers.length === 0) continue;
      const body: Record<string, unknown> = { ...matrixRequest(op, key, { arn: ROOT, account: ACCOUNT }, ROOT), ...EXTRA[op] };
      for (const m of Object.keys(body)) if (body[m] === key.keyId) delete body[m];
      for (const m of d.keyMembers) body[m] = 'alias/no-such-alias';
      const out = await sim.decide(
        new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${op}` }, body: JSON.stringify(body) }),
      );
      const answer = `${out.errorType} ${out.message}`;
      if (d.aliases) expect([op, answer]).toEqual([op, 'NotFoundException Alias arn:aws:kms:us-east-1:111122223333:alias/no-such-alias is not found.']);
      else expect([op, answer]).toEqual([op, 'InvalidArnException Key Aliases are not supported for this operation.']);
      seen.push(op);
    }
    expect(seen.length).toBeGreaterThan(25);
  });
});
