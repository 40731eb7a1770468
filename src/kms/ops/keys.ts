/**
 * Key lifecycle operations: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey,
 * ScheduleKeyDeletion, CancelKeyDeletion, UpdateKeyDescription, GetKeyPolicy, PutKeyPolicy,
 * ListKeyPolicies, GenerateRandom.
 */
import { KmsError, validation } from '../errors';
import { keyArn } from '../keys';
import { generateKeyMaterial, type KeySpec } from '../crypto/material';
import { encryptionAlgorithmsFor, keyAgreementAlgorithmsFor, macAlgorithmsFor, signingAlgorithmsFor } from '../crypto/algorithms';
import { evaluatePolicy } from '../auth/policy';
import type { KeyRecord } from '../world';
import type { Ctx } from './context';
import type { CancelKeyDeletionRequest, CreateKeyRequest, DescribeKeyRequest, DisableKeyRequest, EnableKeyRequest, GenerateRandomRequest, GetKeyPolicyRequest, ListKeyPoliciesRequest, ListKeysRequest, PutKeyPolicyRequest, ScheduleKeyDeletionRequest, UpdateKeyDescriptionRequest } from '../model/shapes.generated';

/** KeyUsage values each KeySpec accepts (CreateKey reference, KeyUsage) */
export const USAGES_BY_SPEC: Readonly<Record<string, readonly string[]>> = {
  SYMMETRIC_DEFAULT: ['ENCRYPT_DECRYPT'],
  RSA_2048: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  RSA_3072: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  RSA_4096: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  ECC_NIST_P256: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  ECC_NIST_P384: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  ECC_NIST_P521: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  ECC_SECG_P256K1: ['SIGN_VERIFY'],
  ECC_NIST_EDWARDS25519: ['SIGN_VERIFY'],
  ML_DSA_44: ['SIGN_VERIFY'],
  ML_DSA_65: ['SIGN_VERIFY'],
  ML_DSA_87: ['SIGN_VERIFY'],
  ML_KEM_512: ['ENCAPSULATE_DECAPSULATE'],
  ML_KEM_768: ['ENCAPSULATE_DECAPSULATE'],
  ML_KEM_1024: ['ENCAPSULATE_DECAPSULATE'],
  SM2: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT'],
  HMAC_224: ['GENERATE_VERIFY_MAC'],
  HMAC_256: ['GENERATE_VERIFY_MAC'],
  HMAC_384: ['GENERATE_VERIFY_MAC'],
  HMAC_512: ['GENERATE_VERIFY_MAC'],
};

/** KeyMetadata as DescribeKey/CreateKey return it (members in the order of the recording in docs/sources.md, Key operations) */
export function keyMetadata(k: KeyRecord): Record<string, unknown> {
  const m: Record<string, unknown> = {
    AWSAccountId: k.account,
    Arn: k.arn,
    CreationDate: k.created / 1000,
  };
  if (k.origin === 'AWS_KMS') m.CurrentKeyMaterialId = k.keyMaterialId;
  if (!k.keySpec.startsWith('ML_') && k.keySpec !== 'ECC_NIST_EDWARDS25519') m.CustomerMasterKeySpec = k.keySpec;
  if (k.deletionDate !== undefined) m.DeletionDate = k.deletionDate / 1000;
  m.Description = k.description;
  m.Enabled = k.state === 'Enabled';
  const spec = k.keySpec as KeySpec;
  if (k.keyUsage === 'ENCRYPT_DECRYPT') m.EncryptionAlgorithms = encryptionAlgorithmsFor(spec, k.keyUsage);
  // absent until key material is imported (recorded: docs/sources.md, Key operations)
  if (k.origin === 'EXTERNAL' && k.state !== 'PendingImport') m.ExpirationModel = 'KEY_MATERIAL_DOES_NOT_EXPIRE';
  if (k.keyUsage === 'KEY_AGREEMENT') m.KeyAgreementAlgorithms = keyAgreementAlgorithmsFor(spec);
  m.KeyId = k.keyId;
  m.KeyManager = 'CUSTOMER';
  m.KeySpec = k.keySpec;
  m.KeyState = k.state;
  m.KeyUsage = k.keyUsage;
  if (k.keyUsage === 'GENERATE_VERIFY_MAC') m.MacAlgorithms = macAlgorithmsFor(spec);
  m.MultiRegion = k.multiRegion;
  if (k.multiRegion) {
    m.MultiRegionConfiguration = { MultiRegionKeyType: 'PRIMARY', PrimaryKey: { Arn: k.arn, Region: k.region }, ReplicaKeys: [] };
  }
  m.Origin = k.origin;
  if (k.pendingWindowInDays !== undefined) m.PendingDeletionWindowInDays = k.pendingWindowInDays;
  if (k.keyUsage === 'SIGN_VERIFY') m.SigningAlgorithms = signingAlgorithmsFor(spec);
  return m;
}

function identityAllows(ctx: Ctx, action: string): boolean {
  const c = ctx.caller;
  if (c.isRoot) {
    ctx.decide({ allowed: true, summary: `Allowed: ${c.arn} is the account root.`, via: { kind: 'not-required' }, notes: [] });
    return true;
  }
  const ev = c.identityPolicy ? evaluatePolicy(c.identityPolicy, ctx.policyContext(action, '*')) : undefined;
  if (ev && !ev.denies.length && ev.allows.length) {
    ctx.decide({ allowed: true, summary: `Allowed by ${c.arn}'s IAM policy.`, via: { kind: 'identity-policy', statement: ev.allows[0].index, sid: ev.allows[0].sid }, notes: [] });
    return true;
  }
  ctx.decide({ allowed: false, summary: `Denied: no IAM policy of ${c.arn} allows ${action}.`, via: ev?.denies.length ? { kind: 'explicit-deny', policy: 'identity-policy', statement: ev.denies[0].index } : { kind: 'none' }, notes: [] });
  throw new KmsError(
    'AccessDeniedException',
    ev?.denies.length
      ? `User: ${c.arn} is not authorized to perform: ${action} on resource: * with an explicit deny in an identity-based policy`
      : `User: ${c.arn} is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ${action} action`,
  );
}

export async function createKey(ctx: Ctx, input: CreateKeyRequest) {
  identityAllows(ctx, 'kms:CreateKey');
  if (input.KeySpec !== undefined && input.CustomerMasterKeySpec !== undefined) {
    throw validation('You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.');
  }
  const spec = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
  if (input.KeyUsage === undefined && spec !== 'SYMMETRIC_DEFAULT') {
    throw validation('You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.');
  }
  const usage = input.KeyUsage ?? 'ENCRYPT_DECRYPT';
  if (!USAGES_BY_SPEC[spec]?.includes(usage)) throw validation(`KeyUsage ${usage} is not compatible with KeySpec ${spec}`);
  const origin = input.Origin ?? 'AWS_KMS';
  if (origin === 'AWS_CLOUDHSM' || origin === 'EXTERNAL_KEY_STORE' || input.CustomKeyStoreId !== undefined) {
    throw new KmsError('UnsupportedOperationException', 'Custom key stores are not simulated by the KMS Grant Playground.');
  }
  if (origin === 'EXTERNAL' && spec !== 'SYMMETRIC_DEFAULT' && !spec.startsWith('HMAC') && !spec.startsWith('RSA') && !spec.startsWith('ECC')) {
    throw new KmsError('UnsupportedOperationException', `KeySpec ${spec} is not supported with Origin EXTERNAL.`);
  }
  const account = ctx.caller.account;
  const policy = input.Policy ?? ctx.svc.defaultKeyPolicy(account);
  const parsed = ctx.svc.parseKeyPolicy(policy);
  if (input.Policy !== undefined && input.BypassPolicyLockoutSafetyCheck !== true) {
    lockoutCheck(ctx, parsed, keyArn(ctx.region, account, '*'));
  }
  const keyId = input.MultiRegion ? `mrk-${ctx.rng.hex(32)}` : ctx.rng.uuid();
  const material = origin === 'EXTERNAL' ? undefined : await generateKeyMaterial(spec as KeySpec, (n) => ctx.rng.bytes(n));
  const k: KeyRecord = {
    keyId,
    arn: keyArn(ctx.region, account, keyId),
    account,
    region: ctx.region,
    created: ctx.now,
    description: input.Description ?? '',
    keySpec: spec,
    keyUsage: usage,
    origin,
    state: origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
    policy,
    keyMaterialId: origin === 'EXTERNAL' ? '' : ctx.rng.hex(64),
    material,
    multiRegion: input.MultiRegion === true,
    // a copy of each pair: the key keeps nothing of the request's objects but the strings
    tags: (input.Tags ?? []).map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue })),
  };
  ctx.world.putKey(k);
  ctx.svc.emit({ type: '@kms.key.changed', at: ctx.now, keyArn: k.arn, keyState: k.state, change: 'create' });
  return { KeyMetadata: keyMetadata(k) };
}

/**
 * The policy lockout safety check: "The new key policy will not allow you to update the key
 * policy in the future." unless BypassPolicyLockoutSafetyCheck (CreateKey/PutKeyPolicy reference).
 */
function lockoutCheck(ctx: Ctx, policy: ReturnType<Ctx['svc']['parseKeyPolicy']>, resource: string): void {
  const c = ctx.caller;
  const ev = evaluatePolicy(policy, ctx.policyContext('kms:PutKeyPolicy', resource));
  const ok = ev.allows.some((s) => s.principalMatch === 'direct' || (s.principalMatch === 'account' && c.account === ctx.caller.account));
  if (!ok) throw new KmsError('MalformedPolicyDocumentException', 'The new key policy will not allow you to update the key policy in the future.');
}

export function describeKey(ctx: Ctx, input: DescribeKeyRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key, { grantOperation: 'DescribeKey', tokens: input.GrantTokens });
  return { KeyMetadata: keyMetadata(key) };
}

export function listKeys(ctx: Ctx, input: ListKeysRequest) {
  identityAllows(ctx, 'kms:ListKeys');
  const all = [...ctx.world.keys.values()].filter((k) => k.account === ctx.caller.account && k.region === ctx.region);
  const limit = Math.min(input.Limit ?? 100, 1000);
  let start = 0;
  if (input.Marker !== undefined) {
    const i = all.findIndex((k) => k.keyId === input.Marker);
    if (i < 0) throw new KmsError('InvalidMarkerException', 'The marker is not valid.');
    start = i + 1;
  }
  const page = all.slice(start, start + limit);
  const Keys = page.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn }));
  return start + limit < all.length ? { Keys, NextMarker: page[page.length - 1].keyId, Truncated: true } : { Keys, Truncated: false };
}

export function enableKey(ctx: Ctx, input: EnableKeyRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key);
  ctx.keyState(key);
  setState(ctx, key, 'Enabled', 'enable');
}

export function disableKey(ctx: Ctx, input: DisableKeyRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key);
  ctx.keyState(key);
  setState(ctx, key, 'Disabled', 'disable');
}

function setState(ctx: Ctx, key: KeyRecord, state: KeyRecord['state'], change: 'enable' | 'disable' | 'schedule-deletion' | 'cancel-deletion'): void {
  const next = { ...key, state };
  if (state !== 'PendingDeletion') {
    delete next.deletionDate;
    delete next.pendingWindowInDays;
  }
  ctx.world.putKey(next);
  ctx.svc.emit({ type: '@kms.key.changed', at: ctx.now, keyArn: key.arn, keyState: state, change });
}

const DAY_MS = 86_400_000;

export function scheduleKeyDeletion(ctx: Ctx, input: ScheduleKeyDeletionRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key);
  ctx.keyState(key);
  const days = input.PendingWindowInDays ?? 30;
  // The documented window is 7..30 days; the model allows 1..365 (docs/fidelity.md).
  if (days < 7 || days > 30) {
    throw validation(`1 validation error detected: Value '${days}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value ${days < 7 ? 'greater than or equal to 7' : 'less than or equal to 30'}`);
  }
  const deletionDate = ctx.now + days * DAY_MS;
  const next: KeyRecord = { ...key, state: 'PendingDeletion', deletionDate, pendingWindowInDays: days };
  ctx.world.putKey(next);
  ctx.svc.deletionScheduled(deletionDate);
  ctx.svc.emit({ type: '@kms.key.changed', at: ctx.now, keyArn: key.arn, keyState: next.state, change: 'schedule-deletion' });
  return { KeyId: key.arn, DeletionDate: deletionDate / 1000, KeyState: 'PendingDeletion', PendingWindowInDays: days };
}

export function cancelKeyDeletion(ctx: Ctx, input: CancelKeyDeletionRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key);
  ctx.keyState(key);
  // "the key state of the KMS key is Disabled" after cancelling (validated, docs/sources.md, Key states)
  setState(ctx, key, 'Disabled', 'cancel-deletion');
  return { KeyId: key.arn };
}

export function updateKeyDescription(ctx: Ctx, input: UpdateKeyDescriptionRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key);
  ctx.keyState(key);
  ctx.world.putKey({ ...key, description: input.Description });
}

export function getKeyPolicy(ctx: Ctx, input: GetKeyPolicyRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key);
  if (input.PolicyName !== undefined && input.PolicyName !== 'default') throw new KmsError('NotFoundException', 'No such policy exists');
  return { Policy: key.policy, PolicyName: 'default' };
}

export function listKeyPolicies(ctx: Ctx, input: ListKeyPoliciesRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key);
  return { PolicyNames: ['default'], Truncated: false };
}

export function putKeyPolicy(ctx: Ctx, input: PutKeyPolicyRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key);
  ctx.keyState(key);
  if (input.PolicyName !== undefined && input.PolicyName !== 'default') throw new KmsError('NotFoundException', 'No such policy exists');
  const parsed = ctx.svc.parseKeyPolicy(input.Policy);
  if (input.BypassPolicyLockoutSafetyCheck !== true) lockoutCheck(ctx, parsed, key.arn);
  ctx.world.putKey({ ...key, policy: input.Policy });
  ctx.svc.emit({ type: '@kms.key.changed', at: ctx.now, keyArn: key.arn, keyState: key.state, change: 'policy' });
}

export function generateRandom(ctx: Ctx, input: GenerateRandomRequest) {
  // recorded: GenerateRandom {"NumberOfBytes": null} -> "NumberOfBytes is required." (docs/sources.md, Validation messages)
  if (input.NumberOfBytes === undefined) throw validation('NumberOfBytes is required.');
  identityAllows(ctx, 'kms:GenerateRandom');
  return { Plaintext: ctx.rng.bytes(input.NumberOfBytes) };
}
