/**
 * A starting body for each operation, filled in from the current world: the key a learner most
 * likely means, the configured principals, the last grant token and ciphertext. Plain data in,
 * JSON text out.
 */
import { encodeBase64 } from '../kms/util/base64Encode';
import { operationsWhere } from '../kms/operations';
import type { KeyView, WorldView } from './world';

export interface Recent {
  keyId?: string;
  grantId?: string;
  grantKeyId?: string;
  grantToken?: string;
  ciphertext?: string;
  signature?: string;
  signedMessage?: string;
  mac?: string;
  macMessage?: string;
}

export interface TemplateContext {
  world: WorldView;
  /** ARNs of the configured principals, account root excluded */
  principals: readonly string[];
  rootArn: string;
  recent: Recent;
  /** required member names per operation, for operations without a hand-written template */
  required?: (operation: string) => readonly string[] | undefined;
}

const SAMPLE_TEXT = 'Hello, grants!';
/** the tag TagResource's template adds and UntagResource's removes (aws:ResourceTag/team in a policy) */
export const SAMPLE_TAG = Object.freeze({ TagKey: 'team', TagValue: 'blue' });
export const SAMPLE_PLAINTEXT_B64 = toBase64(SAMPLE_TEXT);

/** the UTF-8 bytes of `text`, in standard base64 (as a Plaintext or Message member takes them) */
export function toBase64(text: string): string {
  return encodeBase64(new TextEncoder().encode(text));
}

const USAGE_FOR: Record<string, string> = {
  Encrypt: 'ENCRYPT_DECRYPT',
  Decrypt: 'ENCRYPT_DECRYPT',
  ReEncrypt: 'ENCRYPT_DECRYPT',
  GenerateDataKey: 'ENCRYPT_DECRYPT',
  GenerateDataKeyWithoutPlaintext: 'ENCRYPT_DECRYPT',
  GenerateDataKeyPair: 'ENCRYPT_DECRYPT',
  GenerateDataKeyPairWithoutPlaintext: 'ENCRYPT_DECRYPT',
  CreateGrant: 'ENCRYPT_DECRYPT',
  Sign: 'SIGN_VERIFY',
  Verify: 'SIGN_VERIFY',
  GetPublicKey: 'SIGN_VERIFY',
  GenerateMac: 'GENERATE_VERIFY_MAC',
  VerifyMac: 'GENERATE_VERIFY_MAC',
  DeriveSharedSecret: 'KEY_AGREEMENT',
};

/** The key a template should name: the last one used if it suits the operation, else the newest suitable one. */
function pickKey(world: WorldView, operation: string, recent: Recent): KeyView | undefined {
  const usage = USAGE_FOR[operation];
  const usable = (k: KeyView) => k.state !== 'PendingDeletion' && (!usage || k.usage === usage);
  const last = world.keys.find((k) => k.keyId === recent.keyId || k.arn === recent.keyId);
  if (last && usable(last)) return last;
  const candidates = world.keys.filter(usable);
  const pool = candidates.length ? candidates : usage === 'ENCRYPT_DECRYPT' || !usage ? [] : world.keys.filter((k) => k.state !== 'PendingDeletion');
  return [...pool].sort((a, b) => (b.creationDate ?? 0) - (a.creationDate ?? 0))[0] ?? world.keys[world.keys.length - 1];
}

function signingAlgorithm(spec: string): string {
  if (spec.startsWith('RSA')) return 'RSASSA_PSS_SHA_256';
  if (spec === 'ECC_NIST_P384') return 'ECDSA_SHA_384';
  if (spec === 'ECC_NIST_P521') return 'ECDSA_SHA_512';
  if (spec === 'ECC_NIST_EDWARDS25519') return 'ED25519_SHA_512';
  if (spec.startsWith('ML_DSA')) return 'ML_DSA_SHAKE_256';
  if (spec === 'SM2') return 'SM2DSA';
  return 'ECDSA_SHA_256';
}

function macAlgorithm(spec: string): string {
  return spec.startsWith('HMAC_') ? spec.replace('HMAC_', 'HMAC_SHA_') : 'HMAC_SHA_256';
}

/** The template as an object (undefined members are dropped when printed). */
export function templateObject(operation: string, ctx: TemplateContext): Record<string, unknown> {
  const { world, recent } = ctx;
  const key = pickKey(world, operation, recent);
  const keyId = key?.keyId ?? '';
  const grantee = ctx.principals[0] ?? ctx.rootArn;
  const lastGrantKey = world.keys.find((k) => k.grants.some((g) => g.grantId === recent.grantId));
  const grant =
    (lastGrantKey && lastGrantKey.grants.find((g) => g.grantId === recent.grantId)) ??
    key?.grants[key.grants.length - 1] ??
    world.keys.flatMap((k) => k.grants).at(-1);
  const grantKeyId = grant ? (world.keys.find((k) => k.arn === grant.keyArn)?.keyId ?? grant.keyArn) : keyId;

  switch (operation) {
    case 'CreateKey':
      return { Description: 'Playground key', KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT' };
    case 'ListKeys':
    case 'ListAliases':
      return {};
    case 'DescribeKey':
    case 'EnableKey':
    case 'DisableKey':
    case 'CancelKeyDeletion':
    case 'GetPublicKey':
    case 'GetKeyRotationStatus':
    case 'EnableKeyRotation':
    case 'DisableKeyRotation':
    case 'ListKeyPolicies':
    case 'ListResourceTags':
      return { KeyId: keyId };
    case 'GetKeyPolicy':
      return { KeyId: keyId, PolicyName: 'default' };
    case 'ScheduleKeyDeletion':
      return { KeyId: keyId, PendingWindowInDays: 7 };
    case 'CreateAlias':
      return { AliasName: `alias/playground-${world.aliases.length + 1}`, TargetKeyId: keyId };
    case 'UpdateAlias':
      return { AliasName: world.aliases[0]?.name ?? 'alias/playground-1', TargetKeyId: keyId };
    case 'DeleteAlias':
      return { AliasName: world.aliases[0]?.name ?? 'alias/playground-1' };
    case 'UpdateKeyDescription':
      return { KeyId: keyId, Description: 'Updated in the playground' };
    case 'CreateGrant':
      return { KeyId: keyId, GranteePrincipal: grantee, Operations: ['Encrypt', 'Decrypt', 'GenerateDataKey'] };
    case 'ListGrants':
      return { KeyId: keyId };
    case 'ListRetirableGrants':
      return { RetiringPrincipal: grantee };
    case 'RetireGrant':
      return recent.grantToken ? { GrantToken: recent.grantToken } : { KeyId: grantKeyId, GrantId: grant?.grantId ?? '' };
    case 'RevokeGrant':
      return { KeyId: grantKeyId, GrantId: grant?.grantId ?? recent.grantId ?? '' };
    case 'Encrypt':
      return { KeyId: keyId, Plaintext: SAMPLE_PLAINTEXT_B64 };
    case 'Decrypt':
      return { CiphertextBlob: recent.ciphertext ?? '', KeyId: keyId };
    case 'ReEncrypt':
      return { CiphertextBlob: recent.ciphertext ?? '', DestinationKeyId: keyId };
    case 'GenerateDataKey':
    case 'GenerateDataKeyWithoutPlaintext':
      return { KeyId: keyId, KeySpec: 'AES_256' };
    case 'GenerateDataKeyPair':
    case 'GenerateDataKeyPairWithoutPlaintext':
      return { KeyId: keyId, KeyPairSpec: 'ECC_NIST_P256' };
    case 'GenerateRandom':
      return { NumberOfBytes: 32 };
    case 'Sign':
      return { KeyId: keyId, Message: SAMPLE_PLAINTEXT_B64, MessageType: 'RAW', SigningAlgorithm: signingAlgorithm(key?.spec ?? '') };
    case 'Verify':
      return {
        KeyId: keyId,
        Message: recent.signedMessage ?? SAMPLE_PLAINTEXT_B64,
        MessageType: 'RAW',
        Signature: recent.signature ?? '',
        SigningAlgorithm: signingAlgorithm(key?.spec ?? ''),
      };
    case 'GenerateMac':
      return { KeyId: keyId, Message: SAMPLE_PLAINTEXT_B64, MacAlgorithm: macAlgorithm(key?.spec ?? '') };
    case 'VerifyMac':
      return {
        KeyId: keyId,
        Message: recent.macMessage ?? SAMPLE_PLAINTEXT_B64,
        MacAlgorithm: macAlgorithm(key?.spec ?? ''),
        Mac: recent.mac ?? '',
      };
    case 'DeriveSharedSecret':
      return { KeyId: keyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: '' };
    case 'TagResource':
      return { KeyId: keyId, Tags: [{ TagKey: SAMPLE_TAG.TagKey, TagValue: SAMPLE_TAG.TagValue }] };
    case 'UntagResource':
      return { KeyId: keyId, TagKeys: [SAMPLE_TAG.TagKey] };
    case 'PutKeyPolicy':
      return { KeyId: keyId, PolicyName: 'default', Policy: defaultKeyPolicy(ctx.rootArn) };
    default: {
      const out: Record<string, unknown> = {};
      for (const m of ctx.required?.(operation) ?? []) out[m] = /KeyId$/.test(m) ? keyId : '';
      return out;
    }
  }
}

export function templateBody(operation: string, ctx: TemplateContext): string {
  return JSON.stringify(templateObject(operation, ctx), null, 2);
}

function defaultKeyPolicy(rootArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: rootArn }, Action: 'kms:*', Resource: '*' }],
  });
}

/** Operations whose requests accept a GrantTokens list (the engine's operation descriptors say which). */
export const TAKES_GRANT_TOKENS: ReadonlySet<string> = operationsWhere((d) => d.grantTokens);

/**
 * Adds `token` to the body's GrantTokens (creating the list), keeping the other members.
 * Returns undefined when the body is not a JSON object (the user is mid-edit: leave it alone).
 */
export function withGrantToken(body: string, token: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body || '{}');
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const obj = parsed as Record<string, unknown>;
  const list = Array.isArray(obj.GrantTokens) ? obj.GrantTokens.filter((t) => t !== token) : [];
  obj.GrantTokens = [...list, token];
  return JSON.stringify(obj, null, 2);
}
