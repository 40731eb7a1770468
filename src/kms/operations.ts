/**
 * One descriptor per KMS operation of the API model: what the engine and the UI need to know of
 * an operation beside its handler, in one place instead of lists scattered over the layers.
 *
 * - `crossAccount`: its reference page says "Cross-account use: Yes" (docs/sources.md, Key
 *   identifiers): a key of another account may be named by its ARN. Every other operation on a
 *   key says "You cannot perform this operation on a KMS key in a different AWS account."
 * - `readOnly`: it has no effect on the world and draws nothing, so sim.peek() may serve it.
 * - `grantTokens`: its request takes a GrantTokens list (as the model's request structure says).
 * - `aliases`: its key members (KeyId, SourceKeyId, DestinationKeyId) accept an alias name or
 *   alias ARN.
 * - `mutating`: a successful call may change keys, aliases, grants, policies or tags (the state
 *   browser reads the world again after one).
 * - `keyStates`: the key states it accepts and the error otherwise (keystate.ts reads it; the
 *   AWS KMS Developer Guide, "Key states of AWS KMS keys"); undefined for operations on no key.
 * - `keyMembers`: the request members that name a KMS key (members of shape KeyIdType in the model).
 *
 * Pure data: it imports types only (the generated model's, typing each descriptor by its
 * operation's request and response), so any module may read it, the page's first load included,
 * without loading the API model.
 */
import type { OperationInput, OperationName, OperationOutput } from './model/shapes.generated';
import type { KeyState } from './api';

/** what a key state means for an operation: allowed, DisabledException, or KMSInvalidStateException */
export type KeyStateCell = 'ok' | 'disabled' | 'invalid';
export type KeyStateRow = Readonly<Partial<Record<KeyState, KeyStateCell>>>;

/** crypto operations and CreateGrant: usable only while Enabled */
export const USE: KeyStateRow = { Enabled: 'ok', Disabled: 'disabled', PendingDeletion: 'invalid', PendingImport: 'invalid' };
/** metadata and grant management: every state */
export const ANY: KeyStateRow = { Enabled: 'ok', Disabled: 'ok', PendingDeletion: 'ok', PendingImport: 'ok' };
/** management that a pending deletion blocks */
export const MANAGE: KeyStateRow = { Enabled: 'ok', Disabled: 'ok', PendingDeletion: 'invalid', PendingImport: 'invalid' };

/** the members of an operation's request (of any of the operations, for a union) */
export type InputMember<O extends OperationName> = O extends OperationName ? keyof OperationInput<O> & string : never;

export interface OperationDescriptor<O extends OperationName = OperationName> {
  readonly name: O;
  readonly crossAccount: boolean;
  readonly readOnly: boolean;
  readonly grantTokens: boolean;
  readonly aliases: boolean;
  readonly mutating: boolean;
  readonly keyStates: KeyStateRow | undefined;
  readonly keyMembers: readonly InputMember<O>[];
  /** types only, never set: the generated request and response types of the operation */
  readonly input?: OperationInput<O>;
  readonly output?: OperationOutput<O>;
}

/** an operation's own facts as written below; unset flags are false, unset keyMembers none */
type Facts<O extends OperationName> = Partial<Pick<OperationDescriptor<O>, 'crossAccount' | 'readOnly' | 'grantTokens' | 'aliases' | 'mutating' | 'keyStates' | 'keyMembers'>>;

/**
 * The table. `keyMembers` and `grantTokens` repeat what the model says of the request (the types
 * check every member named here is one of its request's; tests/kms/operations.test.ts checks the
 * lists are the model's), so that reading descriptors does not load the model itself.
 */
const FACTS: { readonly [O in OperationName]: Facts<O> } = {
  CancelKeyDeletion: { keyMembers: ['KeyId'], mutating: true, keyStates: { PendingDeletion: 'ok' } },
  ConnectCustomKeyStore: { mutating: true },
  CreateAlias: { keyMembers: ['TargetKeyId'], mutating: true, keyStates: MANAGE },
  CreateCustomKeyStore: { mutating: true },
  CreateGrant: { keyMembers: ['KeyId'], grantTokens: true, crossAccount: true, mutating: true, keyStates: USE },
  CreateKey: { mutating: true },
  Decrypt: { keyMembers: ['KeyId'], grantTokens: true, crossAccount: true, aliases: true, keyStates: USE },
  DeleteAlias: { mutating: true },
  DeleteCustomKeyStore: { mutating: true },
  DeleteImportedKeyMaterial: { keyMembers: ['KeyId'], mutating: true },
  DeriveSharedSecret: { keyMembers: ['KeyId'], grantTokens: true, crossAccount: true, aliases: true, keyStates: USE },
  DescribeCustomKeyStores: {},
  DescribeKey: { keyMembers: ['KeyId'], grantTokens: true, crossAccount: true, readOnly: true, aliases: true, keyStates: ANY },
  DisableKey: { keyMembers: ['KeyId'], mutating: true, keyStates: MANAGE },
  DisableKeyRotation: { keyMembers: ['KeyId'], mutating: true },
  DisconnectCustomKeyStore: { mutating: true },
  EnableKey: { keyMembers: ['KeyId'], mutating: true, keyStates: MANAGE },
  EnableKeyRotation: { keyMembers: ['KeyId'], mutating: true },
  Encrypt: { keyMembers: ['KeyId'], grantTokens: true, crossAccount: true, aliases: true, keyStates: USE },
  GenerateDataKey: { keyMembers: ['KeyId'], grantTokens: true, crossAccount: true, aliases: true, keyStates: USE },
  GenerateDataKeyPair: { keyMembers: ['KeyId'], grantTokens: true, crossAccount: true, aliases: true, keyStates: USE },
  GenerateDataKeyPairWithoutPlaintext: { keyMembers: ['KeyId'], grantTokens: true, crossAccount: true, aliases: true, keyStates: USE },
  GenerateDataKeyWithoutPlaintext: { keyMembers: ['KeyId'], grantTokens: true, crossAccount: true, aliases: true, keyStates: USE },
  GenerateMac: { keyMembers: ['KeyId'], grantTokens: true, crossAccount: true, aliases: true, keyStates: USE },
  GenerateRandom: {},
  GetKeyLastUsage: { keyMembers: ['KeyId'] },
  GetKeyPolicy: { keyMembers: ['KeyId'], readOnly: true, keyStates: ANY },
  GetKeyRotationStatus: { keyMembers: ['KeyId'], crossAccount: true },
  GetParametersForImport: { keyMembers: ['KeyId'] },
  GetPublicKey: { keyMembers: ['KeyId'], grantTokens: true, crossAccount: true, readOnly: true, aliases: true, keyStates: USE },
  ImportKeyMaterial: { keyMembers: ['KeyId'], mutating: true },
  ListAliases: { keyMembers: ['KeyId'], readOnly: true },
  ListGrants: { keyMembers: ['KeyId'], crossAccount: true, readOnly: true, keyStates: ANY },
  ListKeyPolicies: { keyMembers: ['KeyId'], readOnly: true, keyStates: ANY },
  ListKeyRotations: { keyMembers: ['KeyId'] },
  ListKeys: { readOnly: true },
  ListResourceTags: { keyMembers: ['KeyId'], keyStates: ANY },
  ListRetirableGrants: { readOnly: true, keyStates: ANY },
  PutKeyPolicy: { keyMembers: ['KeyId'], mutating: true, keyStates: ANY },
  ReEncrypt: { keyMembers: ['SourceKeyId', 'DestinationKeyId'], grantTokens: true, crossAccount: true, aliases: true, keyStates: USE },
  ReplicateKey: { keyMembers: ['KeyId'], mutating: true },
  RetireGrant: { keyMembers: ['KeyId'], crossAccount: true, mutating: true, keyStates: ANY },
  RevokeGrant: { keyMembers: ['KeyId'], crossAccount: true, mutating: true, keyStates: ANY },
  RotateKeyOnDemand: { keyMembers: ['KeyId'], mutating: true },
  ScheduleKeyDeletion: { keyMembers: ['KeyId'], mutating: true, keyStates: { Enabled: 'ok', Disabled: 'ok', PendingDeletion: 'invalid', PendingImport: 'ok' } },
  Sign: { keyMembers: ['KeyId'], grantTokens: true, crossAccount: true, aliases: true, keyStates: USE },
  TagResource: { keyMembers: ['KeyId'], mutating: true, keyStates: MANAGE },
  UntagResource: { keyMembers: ['KeyId'], mutating: true, keyStates: MANAGE },
  UpdateAlias: { keyMembers: ['TargetKeyId'], mutating: true, keyStates: MANAGE },
  UpdateCustomKeyStore: { mutating: true },
  UpdateKeyDescription: { keyMembers: ['KeyId'], mutating: true, keyStates: MANAGE },
  UpdatePrimaryRegion: { keyMembers: ['KeyId'], mutating: true },
  Verify: { keyMembers: ['KeyId'], grantTokens: true, crossAccount: true, aliases: true, keyStates: USE },
  VerifyMac: { keyMembers: ['KeyId'], grantTokens: true, crossAccount: true, aliases: true, keyStates: USE },
};

function describe<O extends OperationName>(name: O): OperationDescriptor<O> {
  const f: Facts<O> = FACTS[name];
  return Object.freeze({
    name,
    crossAccount: f.crossAccount ?? false,
    readOnly: f.readOnly ?? false,
    grantTokens: f.grantTokens ?? false,
    aliases: f.aliases ?? false,
    mutating: f.mutating ?? false,
    keyStates: f.keyStates,
    keyMembers: Object.freeze([...(f.keyMembers ?? [])]),
  });
}

/** the model's operation names, in its (alphabetical) order */
const NAMES = Object.keys(FACTS) as OperationName[];

/** every operation of the model, by name (on a null prototype: `toString` is no operation) */
export const OPERATION_DESCRIPTORS: { readonly [O in OperationName]: OperationDescriptor<O> } = Object.freeze(
  Object.assign(Object.create(null) as object, Object.fromEntries(NAMES.map((op) => [op, describe(op)]))),
) as { readonly [O in OperationName]: OperationDescriptor<O> };

/** the descriptor of an operation name, undefined for a name that is no operation of the model */
export function operationDescriptor(op: string): OperationDescriptor | undefined {
  return Object.hasOwn(OPERATION_DESCRIPTORS, op) ? OPERATION_DESCRIPTORS[op as OperationName] : undefined;
}

/** the names of the operations whose descriptor passes `test`, as a set (in the model's order) */
export function operationsWhere(test: (d: OperationDescriptor) => boolean): ReadonlySet<OperationName> {
  return new Set(NAMES.filter((op) => test(OPERATION_DESCRIPTORS[op])));
}

/** operations with no effect on the world, which peek() may serve */
export const PEEK_OPERATIONS: ReadonlySet<string> = operationsWhere((d) => d.readOnly);

export function isPeekable(op: string): boolean {
  return PEEK_OPERATIONS.has(op);
}
