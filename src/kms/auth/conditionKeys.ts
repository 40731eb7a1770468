/**
 * Every condition key a KMS request carries, in one table: its type, the operations that set it,
 * where its value comes from, and its value when the request leaves the member out. The table
 * (CONDITION_KEYS) documents; requestConditionKeys() derives the values of one request from it,
 * together with a sentence per key saying where each value came from (for the decision).
 *
 * Sources:
 * - AWS KMS Developer Guide, "AWS KMS condition keys" (the kms: keys, their types and
 *   operations; "This type of condition works even when the parameter doesn't appear in the
 *   request, such as when you use the parameter's default value").
 * - IAM User Guide, "AWS global condition context keys" (the aws: keys a request carries).
 * - AWS KMS API Reference, each operation's request parameters (the defaults).
 *
 * Pure: the clock is the request's virtual time, nothing else is read.
 */
import type { KeyRecord, World } from '../world';
import type { Caller } from './caller';
import type { ContextValue } from './policy';
import { startsWith } from './glob';

export type ConditionKeyType = 'String' | 'Boolean' | 'Numeric' | 'Date' | 'ArrayOfString' | 'ARN' | 'IPAddress';

/** the KMS operations that act on one KMS key ("KMS key resource operations") this simulator offers */
export const KEY_RESOURCE_OPERATIONS: readonly string[] = [
  'CancelKeyDeletion',
  'CreateAlias',
  'CreateGrant',
  'Decrypt',
  'DeleteAlias',
  'DeriveSharedSecret',
  'DescribeKey',
  'DisableKey',
  'EnableKey',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'GetKeyPolicy',
  'GetPublicKey',
  'ListGrants',
  'ListKeyPolicies',
  'ListResourceTags',
  'PutKeyPolicy',
  'ReEncrypt',
  'RetireGrant',
  'RevokeGrant',
  'ScheduleKeyDeletion',
  'Sign',
  'TagResource',
  'UntagResource',
  'UpdateAlias',
  'UpdateKeyDescription',
  'Verify',
  'VerifyMac',
];

const ENCRYPTION_OPS = ['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateDataKeyWithoutPlaintext', 'ReEncrypt'];
const CRYPTO_OPS = [...ENCRYPTION_OPS, 'DeriveSharedSecret', 'GenerateMac', 'GetPublicKey', 'Sign', 'Verify', 'VerifyMac'];

/** in ConditionKeyInfo.operations: every KMS key resource operation (KEY_RESOURCE_OPERATIONS) */
export const KEY = 'KMS key resource operations';
/** in ConditionKeyInfo.operations: every request */
export const ALL = 'every request';

export interface ConditionKeyInfo {
  /** as the documentation writes it; `<k>` stands for a name chosen in the policy */
  key: string;
  type: ConditionKeyType;
  /** the operations that set it; KEY stands for every KMS key resource operation, ALL for every request */
  operations: readonly string[];
  /** where the value comes from */
  from: string;
  /** the value when the request leaves the member out (absent when it then has none) */
  default?: string;
  /** set when the playground never sets the key: why */
  notSimulated?: string;
}

/** The table. docs/fidelity.md §7 is written from it. */
export const CONDITION_KEYS: readonly ConditionKeyInfo[] = [
  // ---- AWS KMS Developer Guide, "AWS KMS condition keys" ----------------------------------
  { key: 'kms:BypassPolicyLockoutSafetyCheck', type: 'Boolean', operations: ['CreateKey', 'PutKeyPolicy'], from: 'the BypassPolicyLockoutSafetyCheck parameter', default: 'false' },
  { key: 'kms:CallerAccount', type: 'String', operations: [KEY], from: "the caller's account (also on CreateKey)" },
  { key: 'kms:CustomerMasterKeySpec', type: 'String', operations: ['CreateKey', KEY], from: 'CreateKey: the KeySpec (or CustomerMasterKeySpec) parameter; other operations: the key\'s KeySpec (deprecated name of kms:KeySpec)', default: 'SYMMETRIC_DEFAULT' },
  { key: 'kms:CustomerMasterKeyUsage', type: 'String', operations: ['CreateKey', KEY], from: "CreateKey: the KeyUsage parameter; other operations: the key's KeyUsage (deprecated name of kms:KeyUsage)", default: 'ENCRYPT_DECRYPT' },
  { key: 'kms:DataKeyPairSpec', type: 'String', operations: ['GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext'], from: 'the KeyPairSpec parameter' },
  {
    key: 'kms:EncryptionAlgorithm',
    type: 'String',
    operations: ENCRYPTION_OPS,
    from: 'Encrypt, Decrypt: the EncryptionAlgorithm parameter; ReEncrypt: SourceEncryptionAlgorithm for the source key, DestinationEncryptionAlgorithm for the destination key; GenerateDataKey*: the algorithm the operation uses',
    default: 'SYMMETRIC_DEFAULT',
  },
  {
    key: 'kms:EncryptionContext:<k>',
    type: 'String',
    operations: ['CreateGrant', ...ENCRYPTION_OPS, 'RetireGrant'],
    from: "the request's encryption context pair with key <k> (the key is matched case-insensitively); CreateGrant: the grant's EncryptionContextEquals/Subset constraint",
  },
  { key: 'kms:EncryptionContextKeys', type: 'ArrayOfString', operations: ['CreateGrant', ...ENCRYPTION_OPS, 'RetireGrant'], from: "the keys of the request's encryption context (CreateGrant: of the grant's constraint); absent when there is none" },
  { key: 'kms:ExpirationModel', type: 'String', operations: ['ImportKeyMaterial'], from: 'the ExpirationModel parameter', default: 'KEY_MATERIAL_EXPIRES', notSimulated: 'ImportKeyMaterial is not offered' },
  { key: 'kms:GrantConstraintType', type: 'String', operations: ['CreateGrant'], from: 'EncryptionContextEquals or EncryptionContextSubset, the constraint the grant has; absent without one' },
  { key: 'kms:GrantIsForAWSResource', type: 'Boolean', operations: ['CreateGrant', 'ListGrants', 'RevokeGrant'], from: 'true when the request came through an AWS service (the x-playground-via-service header), else false' },
  { key: 'kms:GrantOperations', type: 'ArrayOfString', operations: ['CreateGrant'], from: 'the Operations parameter' },
  { key: 'kms:GranteePrincipal', type: 'String', operations: ['CreateGrant'], from: 'the GranteePrincipal parameter' },
  { key: 'kms:KeyAgreementAlgorithm', type: 'String', operations: ['DeriveSharedSecret'], from: 'the KeyAgreementAlgorithm parameter' },
  { key: 'kms:KeyOrigin', type: 'String', operations: ['CreateKey', KEY], from: "CreateKey: the Origin parameter; other operations: the key's Origin", default: 'AWS_KMS' },
  { key: 'kms:KeySpec', type: 'String', operations: ['CreateKey', KEY], from: "CreateKey: the KeySpec parameter; other operations: the key's KeySpec", default: 'SYMMETRIC_DEFAULT' },
  { key: 'kms:KeyUsage', type: 'String', operations: ['CreateKey', KEY], from: "CreateKey: the KeyUsage parameter; other operations: the key's KeyUsage", default: 'ENCRYPT_DECRYPT' },
  { key: 'kms:MacAlgorithm', type: 'String', operations: ['GenerateMac', 'VerifyMac'], from: 'the MacAlgorithm parameter' },
  { key: 'kms:MessageType', type: 'String', operations: ['Sign', 'Verify'], from: 'the MessageType parameter', default: 'RAW' },
  { key: 'kms:MultiRegion', type: 'Boolean', operations: ['CreateKey', KEY], from: "CreateKey: the MultiRegion parameter; other operations: whether the key is multi-Region", default: 'false' },
  { key: 'kms:MultiRegionKeyType', type: 'String', operations: ['CreateKey', KEY], from: 'PRIMARY for a multi-Region key (replicas are not simulated); absent for a single-Region key' },
  { key: 'kms:PrimaryRegion', type: 'String', operations: ['UpdatePrimaryRegion'], from: 'the PrimaryRegion parameter', notSimulated: 'UpdatePrimaryRegion is not offered' },
  { key: 'kms:ReEncryptOnSameKey', type: 'Boolean', operations: ['ReEncrypt'], from: 'whether the source and destination keys are the same key' },
  { key: 'kms:RequestAlias', type: 'String', operations: [...CRYPTO_OPS, 'DescribeKey'], from: 'the alias name (alias/...) when the request names the key by an alias name or alias ARN; absent otherwise' },
  { key: 'kms:ResourceAliases', type: 'ArrayOfString', operations: [KEY], from: 'the names of the aliases of the key (in its account and Region); absent when it has none' },
  { key: 'kms:ReplicaRegion', type: 'String', operations: ['ReplicateKey'], from: 'the ReplicaRegion parameter', notSimulated: 'ReplicateKey is not offered' },
  { key: 'kms:RetiringPrincipal', type: 'String', operations: ['CreateGrant'], from: 'the RetiringPrincipal parameter; absent without one' },
  { key: 'kms:RotationPeriodInDays', type: 'Numeric', operations: ['EnableKeyRotation'], from: 'the RotationPeriodInDays parameter', default: '365', notSimulated: 'EnableKeyRotation is not offered' },
  { key: 'kms:ScheduleKeyDeletionPendingWindowInDays', type: 'Numeric', operations: ['ScheduleKeyDeletion'], from: 'the PendingWindowInDays parameter', default: '30' },
  { key: 'kms:SigningAlgorithm', type: 'String', operations: ['Sign', 'Verify'], from: 'the SigningAlgorithm parameter' },
  { key: 'kms:ValidTo', type: 'Date', operations: ['ImportKeyMaterial'], from: 'the ValidTo parameter', notSimulated: 'ImportKeyMaterial is not offered' },
  { key: 'kms:ViaService', type: 'String', operations: [KEY], from: 'the x-playground-via-service request header (the service the request came through); absent without it' },
  { key: 'kms:WrappingAlgorithm', type: 'String', operations: ['GetParametersForImport'], from: 'the WrappingAlgorithm parameter', notSimulated: 'GetParametersForImport is not offered' },
  { key: 'kms:WrappingKeySpec', type: 'String', operations: ['GetParametersForImport'], from: 'the WrappingKeySpec parameter', notSimulated: 'GetParametersForImport is not offered' },
  // grant keys the service-principal grants added (AWS KMS Developer Guide, "Grant condition keys")
  { key: 'kms:GranteeServicePrincipal', type: 'String', operations: ['CreateGrant'], from: 'the GranteeServicePrincipal parameter' },
  { key: 'kms:RetiringServicePrincipal', type: 'String', operations: ['CreateGrant'], from: 'the RetiringServicePrincipal parameter' },
  { key: 'kms:GrantConstraintSourceArn', type: 'ARN', operations: ['CreateGrant'], from: "the grant's SourceArn constraint" },

  // ---- IAM User Guide, "AWS global condition context keys" --------------------------------
  { key: 'aws:PrincipalArn', type: 'ARN', operations: [ALL], from: "the caller's ARN; for a role session, the role's ARN (IAM callers only)" },
  { key: 'aws:PrincipalAccount', type: 'String', operations: [ALL], from: "the caller's account (IAM callers only)" },
  { key: 'aws:PrincipalType', type: 'String', operations: [ALL], from: 'Account (root), User, AssumedRole (a role or role session), FederatedUser (IAM callers only)' },
  { key: 'aws:userid', type: 'String', operations: [ALL], from: "root: the account id; user: a unique id AIDA…; role: AROA…:<session name> (the ids are made up from the ARN: the simulator has no IAM)" },
  { key: 'aws:username', type: 'String', operations: [ALL], from: "the IAM user's name; absent for roles, the root and services" },
  { key: 'aws:PrincipalTag/<k>', type: 'String', operations: [ALL], from: "the caller's tags (Caller.tags; PrincipalConfig.tags)" },
  { key: 'aws:PrincipalOrgID', type: 'String', operations: [ALL], from: "the organization of the caller's account (Caller.orgId; SimulatorOptions.organizations); absent when none is configured" },
  { key: 'aws:PrincipalIsAWSService', type: 'Boolean', operations: [ALL], from: 'true for an AWS service principal caller, else false' },
  { key: 'aws:PrincipalServiceName', type: 'String', operations: [ALL], from: 'the service principal name of a service caller; absent otherwise' },
  { key: 'aws:CalledVia', type: 'ArrayOfString', operations: [ALL], from: 'the x-playground-via-service service, for the services AWS records there (athena, cloudformation, dynamodb, kms); absent otherwise' },
  { key: 'aws:CalledViaFirst', type: 'String', operations: [ALL], from: 'the first value of aws:CalledVia' },
  { key: 'aws:CalledViaLast', type: 'String', operations: [ALL], from: 'the last value of aws:CalledVia' },
  { key: 'aws:ViaAWSService', type: 'Boolean', operations: [ALL], from: 'true when the request came through an AWS service (x-playground-via-service), else false' },
  { key: 'aws:SourceArn', type: 'ARN', operations: [ALL], from: 'the x-playground-source-arn header of a service caller' },
  { key: 'aws:SourceAccount', type: 'String', operations: [ALL], from: 'the x-playground-source-account header of a service caller (default: the account in its source ARN)' },
  { key: 'aws:CurrentTime', type: 'Date', operations: [ALL], from: 'the virtual clock, ISO 8601' },
  { key: 'aws:EpochTime', type: 'Numeric', operations: [ALL], from: 'the virtual clock, seconds since 1970' },
  { key: 'aws:SecureTransport', type: 'Boolean', operations: [ALL], from: 'always true: KMS endpoints accept only TLS' },
  { key: 'aws:RequestedRegion', type: 'String', operations: [ALL], from: 'the Region the request was sent to' },
  { key: 'aws:ResourceTag/<k>', type: 'String', operations: [KEY], from: "the key's tags" },
  { key: 'aws:RequestTag/<k>', type: 'String', operations: ['CreateKey', 'TagResource'], from: 'the Tags parameter' },
  { key: 'aws:TagKeys', type: 'ArrayOfString', operations: ['CreateKey', 'TagResource', 'UntagResource'], from: 'the tag keys of the Tags parameter (UntagResource: the TagKeys parameter)' },
  { key: 'aws:SourceIp', type: 'IPAddress', operations: [ALL], from: "the request's x-playground-source-ip header (RequestSource.sourceIp); absent without it or when the request came through a service" },
  { key: 'aws:SourceVpc', type: 'String', operations: [ALL], from: "the request's x-playground-source-vpc header (RequestSource.sourceVpc); absent without it" },
];

/** what a request is, for deriving its condition keys */
export interface KeyRequest {
  /** the operation, e.g. 'ReEncrypt' */
  op?: string;
  /** the IAM action, e.g. 'kms:ReEncryptFrom' */
  action?: string;
  /** the request body as the handler got it */
  input?: unknown;
  /** the key it acts on (absent for CreateKey and operations on no key) */
  key?: KeyRecord;
  caller: Caller;
  /** virtual time, epoch ms */
  now?: number;
  /** the Region the request was sent to */
  region?: string;
  /** for kms:ResourceAliases */
  world?: World;
}

/**
 * condition keys (on a null prototype: a key named `__proto__` is an ordinary key) with the
 * sentence saying where each value came from, by the key as set
 */
export interface DerivedKeys {
  values: Record<string, ContextValue>;
  sources: Record<string, string>;
}

const FROM_REQUEST = 'from the request';
const FROM_KEY = 'from the key';
const defaulted = (member: string) => `the default: the request named no ${member}`;

/** alias/name from an alias name or alias ARN, else undefined */
function aliasNameOf(keyId: unknown): string | undefined {
  if (typeof keyId !== 'string') return undefined;
  if (startsWith(keyId, 'alias/')) return keyId;
  const m = /^arn:aws[a-z-]*:kms:[^:]*:\d{12}:(alias\/.+)$/.exec(keyId);
  return m ? m[1] : undefined;
}

/** A made-up IAM unique id (IAM has them, the simulator has no IAM): a prefix and 17 characters from the ARN */
export function uniqueIdFor(prefix: 'AIDA' | 'AROA', arn: string): string {
  // FNV-1a, twice with different seeds, written in base 32 (A-Z, 2-7), as IAM ids look
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ arn.length;
  for (let i = 0; i < arn.length; i++) {
    const c = arn.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = prefix;
  let a = h1;
  let b = h2;
  for (let i = 0; i < 17; i++) {
    const src = i < 6 ? a : b;
    out += ALPHA[src & 31];
    if (i < 6) a >>>= 5;
    else b = i === 11 ? (b ^ h1) >>> 0 : b >>> 5;
  }
  return out;
}

const ASSUMED_ROLE = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/;
const FEDERATED = /^arn:aws[a-z-]*:sts::\d{12}:federated-user\/(.+)$/;
const IAM_USER = /^arn:aws[a-z-]*:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/;
const IAM_ROLE = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/;

/** services whose forward-access requests AWS lists in aws:CalledVia (IAM User Guide, aws:CalledVia) */
const CALLED_VIA = new Set(['athena', 'cloudformation', 'dynamodb', 'kms']);

/**
 * The condition keys of one request: the global keys of the caller and the world, and the kms:
 * keys the operation sets from its parameters (with their documented defaults) and its key.
 */
export function requestConditionKeys(r: KeyRequest): DerivedKeys {
  return recordsOf(requestConditionKeyMaps(r));
}

/**
 * requestConditionKeys as two Maps by the key as set, in the order set (a Map keeps a key's place
 * when it is set again and forgets it when deleted, as an object's own properties do): what the
 * authorizer builds for every request, cheaper to fill and to read than objects.
 */
export interface DerivedKeyMaps {
  values: Map<string, ContextValue>;
  sources: Map<string, string>;
}

/** the Maps as objects on a null prototype, in the same order */
export function recordsOf(m: DerivedKeyMaps): DerivedKeys {
  const values: Record<string, ContextValue> = Object.create(null) as Record<string, ContextValue>;
  const sources: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of m.values) values[k] = v;
  for (const [k, v] of m.sources) sources[k] = v;
  return { values, sources };
}

export function requestConditionKeyMaps(r: KeyRequest): DerivedKeyMaps {
  const values = new Map<string, ContextValue>();
  const sources = new Map<string, string>();
  const set = (k: string, v: ContextValue, source: string) => {
    if (v === undefined) return;
    values.set(k, v);
    sources.set(k, source);
  };
  collectConditionKeys(r, { set, put: (e) => set(e.name, e.value, e.source) });
  return { values, sources };
}

/** one condition key of a request: its name as set and lower-cased, its value, where it came from */
export interface KeyEntry {
  readonly name: string;
  readonly lc: string;
  readonly value: ContextValue;
  readonly source: string;
  /** describeValue of the entry, once asked for (it never changes) */
  shown?: string;
}

/** where collectConditionKeys writes the keys, in the order set */
export interface KeySink {
  /** a key (left out when its value is undefined) */
  set(name: string, value: ContextValue, source: string): void;
  /** a key already made into an entry (the caller's and the key's are kept per record) */
  put(e: KeyEntry): void;
}

/** the keys of requestConditionKeyMaps, each handed to `sink` as it is set */
export function collectConditionKeys(r: KeyRequest, sink: KeySink): void {
  const set = (k: string, v: ContextValue, source: string) => sink.set(k, v, source);
  const { caller } = r;
  const op = r.op;
  const input = (typeof r.input === 'object' && r.input !== null ? r.input : {}) as Record<string, unknown>;

  // ---- the caller (the same for each of its requests: kept per caller) ------------------------
  for (const e of callerEntries(caller)) sink.put(e);
  if (caller.service !== undefined) {
    set('aws:SourceArn', caller.source?.sourceArn, 'the x-playground-source-arn header');
    set('aws:SourceAccount', caller.source?.sourceAccount, 'the x-playground-source-account header (or the source ARN)');
  }

  // ---- the request's context ------------------------------------------------------------------
  const via = caller.source?.viaService;
  set('aws:ViaAWSService', via !== undefined, via !== undefined ? 'the x-playground-via-service header' : 'the request came through no service');
  if (via !== undefined) {
    const svc = via.split('.')[0];
    if (CALLED_VIA.has(svc)) {
      const p = `${svc}.amazonaws.com`;
      set('aws:CalledVia', [p], 'the x-playground-via-service header');
      set('aws:CalledViaFirst', p, 'the x-playground-via-service header');
      set('aws:CalledViaLast', p, 'the x-playground-via-service header');
    }
  } else {
    set('aws:SourceIp', caller.source?.sourceIp, "the request's source IP");
  }
  set('aws:SourceVpc', caller.source?.sourceVpc, "the request's source VPC");
  if (r.now !== undefined) {
    set('aws:CurrentTime', isoSeconds(r.now), 'the virtual clock');
    set('aws:EpochTime', Math.floor(r.now / 1000), 'the virtual clock');
  }
  set('aws:SecureTransport', true, 'KMS accepts only TLS');
  set('aws:RequestedRegion', r.region, 'the Region the request was sent to');

  // ---- the key (a key record is replaced, never changed: kept per record) --------------------------
  const key = r.key;
  if (key) {
    for (const e of keyEntries(key)) sink.put(e);
    if (r.world) {
      const names: string[] = [];
      for (const a of r.world.aliases.values()) if (a.targetKeyId === key.keyId && a.account === key.account && a.region === key.region) names.push(a.aliasName);
      if (names.length) set('kms:ResourceAliases', names, "the key's aliases");
    }
  }

  // ---- the operation's parameters -------------------------------------------------------------
  const param = (k: string, member: string, dflt?: string | number | boolean) => {
    const v = input[member];
    if (v !== undefined && v !== null) set(k, v as ContextValue, `${FROM_REQUEST} (${member})`);
    else if (dflt !== undefined) set(k, dflt, defaulted(member));
  };
  switch (op) {
    case 'CreateKey': {
      const spec = input.KeySpec !== undefined ? 'KeySpec' : input.CustomerMasterKeySpec !== undefined ? 'CustomerMasterKeySpec' : 'KeySpec';
      param('kms:KeySpec', spec, 'SYMMETRIC_DEFAULT');
      param('kms:CustomerMasterKeySpec', spec, 'SYMMETRIC_DEFAULT');
      param('kms:KeyUsage', 'KeyUsage', 'ENCRYPT_DECRYPT');
      param('kms:CustomerMasterKeyUsage', 'KeyUsage', 'ENCRYPT_DECRYPT');
      param('kms:KeyOrigin', 'Origin', 'AWS_KMS');
      param('kms:MultiRegion', 'MultiRegion', false);
      if (input.MultiRegion === true) set('kms:MultiRegionKeyType', 'PRIMARY', `${FROM_REQUEST} (MultiRegion)`);
      param('kms:BypassPolicyLockoutSafetyCheck', 'BypassPolicyLockoutSafetyCheck', false);
      requestTags(input.Tags, set);
      break;
    }
    case 'PutKeyPolicy':
      param('kms:BypassPolicyLockoutSafetyCheck', 'BypassPolicyLockoutSafetyCheck', false);
      break;
    case 'TagResource':
      requestTags(input.Tags, set);
      break;
    case 'UntagResource':
      if (Array.isArray(input.TagKeys)) set('aws:TagKeys', (input.TagKeys as unknown[]).filter((k): k is string => typeof k === 'string'), `${FROM_REQUEST} (TagKeys)`);
      break;
    case 'ScheduleKeyDeletion':
      param('kms:ScheduleKeyDeletionPendingWindowInDays', 'PendingWindowInDays', 30);
      break;
    case 'Encrypt':
    case 'Decrypt':
      param('kms:EncryptionAlgorithm', 'EncryptionAlgorithm', 'SYMMETRIC_DEFAULT');
      break;
    case 'ReEncrypt':
      if (r.action === 'kms:ReEncryptTo') param('kms:EncryptionAlgorithm', 'DestinationEncryptionAlgorithm', 'SYMMETRIC_DEFAULT');
      else param('kms:EncryptionAlgorithm', 'SourceEncryptionAlgorithm', 'SYMMETRIC_DEFAULT');
      break;
    case 'GenerateDataKey':
    case 'GenerateDataKeyWithoutPlaintext':
      set('kms:EncryptionAlgorithm', 'SYMMETRIC_DEFAULT', 'the algorithm the operation uses to encrypt the data key');
      break;
    case 'GenerateDataKeyPair':
    case 'GenerateDataKeyPairWithoutPlaintext':
      set('kms:EncryptionAlgorithm', 'SYMMETRIC_DEFAULT', 'the algorithm the operation uses to encrypt the private key');
      param('kms:DataKeyPairSpec', 'KeyPairSpec');
      break;
    case 'Sign':
    case 'Verify':
      param('kms:SigningAlgorithm', 'SigningAlgorithm');
      param('kms:MessageType', 'MessageType', 'RAW');
      break;
    case 'GenerateMac':
    case 'VerifyMac':
      param('kms:MacAlgorithm', 'MacAlgorithm');
      break;
    case 'DeriveSharedSecret':
      param('kms:KeyAgreementAlgorithm', 'KeyAgreementAlgorithm');
      break;
  }
  if (op !== undefined && REQUEST_ALIAS_OPS.has(op)) {
    const member = op === 'ReEncrypt' ? (r.action === 'kms:ReEncryptTo' ? 'DestinationKeyId' : 'SourceKeyId') : 'KeyId';
    const alias = aliasNameOf(input[member]);
    if (alias !== undefined) set('kms:RequestAlias', alias, `${FROM_REQUEST} (${member} names the key by its alias)`);
  }
}

const REQUEST_ALIAS_OPS = new Set([...CRYPTO_OPS, 'DescribeKey']);

type Entry = KeyEntry;

function entry(name: string, value: ContextValue, source: string): KeyEntry {
  return { name, lc: name.toLowerCase(), value, source, shown: undefined };
}

/**
 * the last time written, to the second (requests come in bursts at one virtual time): module
 * state, but a memo of a pure function of the second
 */
let lastIso: { second: number; text: string } = { second: NaN, text: '' };
function isoSeconds(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastIso.second) lastIso = { second, text: new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  return lastIso.text;
}

/** memos by caller and by key record: neither is changed once made (a changed key is a new record) */
const callerCache = new WeakMap<Caller, readonly Entry[]>();

/** the keys that describe the caller itself: principal, type, ids, tags, organization */
function callerEntries(caller: Caller): readonly Entry[] {
  let out = callerCache.get(caller);
  if (out !== undefined) return out;
  const e: Entry[] = [];
  const put = (k: string, v: ContextValue, source: string) => {
    if (v !== undefined) e.push(entry(k, v, source));
  };
  if (caller.service !== undefined) {
    put('aws:PrincipalServiceName', caller.service, 'the calling service');
    put('aws:PrincipalIsAWSService', true, 'the caller is an AWS service');
  } else {
    const who = 'the caller';
    put('aws:PrincipalArn', caller.principalArn, who);
    put('aws:PrincipalAccount', caller.account, who);
    put('kms:CallerAccount', caller.account, who);
    put('aws:PrincipalIsAWSService', false, 'the caller is not an AWS service');
    const arn = caller.arn;
    let m: RegExpExecArray | null;
    if (caller.isRoot) {
      put('aws:PrincipalType', 'Account', who);
      put('aws:userid', caller.account, "the caller (the root's id is its account)");
    } else if ((m = ASSUMED_ROLE.exec(arn))) {
      put('aws:PrincipalType', 'AssumedRole', who);
      put('aws:userid', `${uniqueIdFor('AROA', caller.principalArn)}:${m[3]}`, 'the caller (role id made up by the playground, then the session name)');
    } else if ((m = IAM_ROLE.exec(arn))) {
      put('aws:PrincipalType', 'AssumedRole', who);
      put('aws:userid', `${uniqueIdFor('AROA', arn)}:${m[1]}`, 'the caller (role id made up by the playground; the session is named after the role)');
    } else if ((m = IAM_USER.exec(arn))) {
      put('aws:PrincipalType', 'User', who);
      put('aws:username', m[1], "the caller's user name");
      put('aws:userid', uniqueIdFor('AIDA', arn), 'the caller (user id made up by the playground)');
    } else if ((m = FEDERATED.exec(arn))) {
      put('aws:PrincipalType', 'FederatedUser', who);
      put('aws:userid', `${caller.account}:${m[1]}`, who);
    }
    const tags = caller.tags;
    if (tags) for (const k of Object.keys(tags)) put(`aws:PrincipalTag/${k}`, tags[k], "the principal's tags");
    put('aws:PrincipalOrgID', caller.orgId, "the caller's organization");
  }
  callerCache.set(caller, (out = e));
  return out;
}

const keyCache = new WeakMap<KeyRecord, readonly Entry[]>();

/** the keys that describe a KMS key: its spec, usage, origin, Region type, tags */
function keyEntries(key: KeyRecord): readonly Entry[] {
  let out = keyCache.get(key);
  if (out !== undefined) return out;
  const e: Entry[] = [
    entry('kms:KeySpec', key.keySpec, FROM_KEY),
    entry('kms:CustomerMasterKeySpec', key.keySpec, FROM_KEY),
    entry('kms:KeyUsage', key.keyUsage, FROM_KEY),
    entry('kms:CustomerMasterKeyUsage', key.keyUsage, FROM_KEY),
    entry('kms:KeyOrigin', key.origin, FROM_KEY),
    entry('kms:MultiRegion', key.multiRegion, FROM_KEY),
  ];
  if (key.multiRegion) e.push(entry('kms:MultiRegionKeyType', 'PRIMARY', FROM_KEY));
  for (const t of key.tags) e.push(entry(`aws:ResourceTag/${t.TagKey}`, t.TagValue, "the key's tags"));
  keyCache.set(key, (out = e));
  return out;
}

function requestTags(tags: unknown, set: (k: string, v: ContextValue, source: string) => void): void {
  if (!Array.isArray(tags)) return;
  const keys: string[] = [];
  for (const t of tags as { TagKey?: unknown; TagValue?: unknown }[]) {
    if (typeof t !== 'object' || t === null || typeof t.TagKey !== 'string') continue;
    keys.push(t.TagKey);
    set(`aws:RequestTag/${t.TagKey}`, typeof t.TagValue === 'string' ? t.TagValue : '', `${FROM_REQUEST} (Tags)`);
  }
  set('aws:TagKeys', keys, `${FROM_REQUEST} (Tags)`);
}

/**
 * Condition key names lower-cased, and the names of encryption-context keys, remembered: the same
 * few dozen names come with every request, and a remembered string is the same string object each
 * time, which a Map finds without hashing it again. Module state, but a pure memo of immutable
 * strings, bounded (cleared when full; long names are not kept).
 */
const lowered = new Map<string, string>();
const contextNames = new Map<string, string>();
const NAMES_KEPT = 4096;
const NAME_KEPT_CHARS = 256;

export function lowerName(name: string): string {
  let lc = lowered.get(name);
  if (lc === undefined) {
    lc = name.toLowerCase();
    if (name.length <= NAME_KEPT_CHARS) {
      if (lowered.size >= NAMES_KEPT) lowered.clear();
      lowered.set(name, lc);
    }
  }
  return lc;
}

/** `kms:EncryptionContext:<k>` */
export function encryptionContextName(k: string): string {
  let name = contextNames.get(k);
  if (name === undefined) {
    name = `kms:EncryptionContext:${k}`;
    if (k.length <= NAME_KEPT_CHARS) {
      if (contextNames.size >= NAMES_KEPT) contextNames.clear();
      contextNames.set(k, name);
    }
  }
  return name;
}

/** "kms:EncryptionAlgorithm = SYMMETRIC_DEFAULT, the default: the request named no EncryptionAlgorithm" */
export function describeValue(key: string, value: ContextValue, source: string | undefined): string {
  const shown = Array.isArray(value) ? `[${value.slice(0, 10).join(', ')}${value.length > 10 ? ', …' : ''}]` : typeof value === 'string' && value.length > 200 ? `${value.slice(0, 200)}…` : String(value);
  return `${key} = ${shown}${source ? `, ${source}` : ''}`;
}
