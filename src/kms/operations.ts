/**
 * One descriptor per KMS operation of the API model: what the engine and the UI need to know of
 * an operation beside its handler, in one place instead of lists scattered over the layers.
 *
 * - `crossAccount`: its reference page says "Cross-account use: Yes" (docs/sources.md, Key
 *   identifiers): a key of another account may be named by its ARN. Every other operation on a
 *   key says "You cannot perform this operation on a KMS key in a different AWS account."
 * - `readOnly`: it has no effect on the world and draws nothing, so sim.peek() may serve it.
 * - `grantTokens`: its request takes a GrantTokens list (read from the model).
 * - `aliases`: its key members (KeyId, SourceKeyId, DestinationKeyId) accept an alias name or
 *   alias ARN.
 * - `mutating`: a successful call may change keys, aliases, grants, policies or tags (the state
 *   browser reads the world again after one).
 * - `keyStates`: the key states it accepts and the error otherwise (keystate.ts reads it; the
 *   AWS KMS Developer Guide, "Key states of AWS KMS keys"); undefined for operations on no key.
 * - `keyMembers`: the input members that name a KMS key (from the model).
 *
 * Pure data over the generated model: it imports nothing else, so any module may read it.
 */
import { OPERATION_NAMES, OPERATIONS, SHAPES, type OperationInput, type OperationName, type OperationOutput } from './model/shapes.generated';
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

type Flags = Partial<Pick<OperationDescriptor, 'crossAccount' | 'readOnly' | 'aliases' | 'mutating' | 'keyStates'>>;

/** the operations' own facts; unset flags are false, an unset keyStates is "no key state rule" */
const FLAGS: { readonly [O in OperationName]: Flags } = {
  CancelKeyDeletion: { mutating: true, keyStates: { PendingDeletion: 'ok' } },
  ConnectCustomKeyStore: { mutating: true },
  CreateAlias: { mutating: true, keyStates: MANAGE },
  CreateCustomKeyStore: { mutating: true },
  CreateGrant: { crossAccount: true, mutating: true, keyStates: USE },
  CreateKey: { mutating: true },
  Decrypt: { crossAccount: true, aliases: true, keyStates: USE },
  DeleteAlias: { mutating: true },
  DeleteCustomKeyStore: { mutating: true },
  DeleteImportedKeyMaterial: { mutating: true },
  DeriveSharedSecret: { crossAccount: true, aliases: true, keyStates: USE },
  DescribeCustomKeyStores: {},
  DescribeKey: { crossAccount: true, readOnly: true, aliases: true, keyStates: ANY },
  DisableKey: { mutating: true, keyStates: MANAGE },
  DisableKeyRotation: { mutating: true },
  DisconnectCustomKeyStore: { mutating: true },
  EnableKey: { mutating: true, keyStates: MANAGE },
  EnableKeyRotation: { mutating: true },
  Encrypt: { crossAccount: true, aliases: true, keyStates: USE },
  GenerateDataKey: { crossAccount: true, aliases: true, keyStates: USE },
  GenerateDataKeyPair: { crossAccount: true, aliases: true, keyStates: USE },
  GenerateDataKeyPairWithoutPlaintext: { crossAccount: true, aliases: true, keyStates: USE },
  GenerateDataKeyWithoutPlaintext: { crossAccount: true, aliases: true, keyStates: USE },
  GenerateMac: { crossAccount: true, aliases: true, keyStates: USE },
  GenerateRandom: {},
  GetKeyLastUsage: {},
  GetKeyPolicy: { readOnly: true, keyStates: ANY },
  GetKeyRotationStatus: { crossAccount: true },
  GetParametersForImport: {},
  GetPublicKey: { crossAccount: true, readOnly: true, aliases: true, keyStates: USE },
  ImportKeyMaterial: { mutating: true },
  ListAliases: { readOnly: true },
  ListGrants: { crossAccount: true, readOnly: true, keyStates: ANY },
  ListKeyPolicies: { readOnly: true, keyStates: ANY },
  ListKeyRotations: {},
  ListKeys: { readOnly: true },
  ListResourceTags: { keyStates: ANY },
  ListRetirableGrants: { readOnly: true, keyStates: ANY },
  PutKeyPolicy: { mutating: true, keyStates: ANY },
  ReEncrypt: { crossAccount: true, aliases: true, keyStates: USE },
  ReplicateKey: { mutating: true },
  RetireGrant: { crossAccount: true, mutating: true, keyStates: ANY },
  RevokeGrant: { crossAccount: true, mutating: true, keyStates: ANY },
  RotateKeyOnDemand: { mutating: true },
  ScheduleKeyDeletion: { mutating: true, keyStates: { Enabled: 'ok', Disabled: 'ok', PendingDeletion: 'invalid', PendingImport: 'ok' } },
  Sign: { crossAccount: true, aliases: true, keyStates: USE },
  TagResource: { mutating: true, keyStates: MANAGE },
  UntagResource: { mutating: true, keyStates: MANAGE },
  UpdateAlias: { mutating: true, keyStates: MANAGE },
  UpdateCustomKeyStore: { mutating: true },
  UpdateKeyDescription: { mutating: true, keyStates: MANAGE },
  UpdatePrimaryRegion: { mutating: true },
  Verify: { crossAccount: true, aliases: true, keyStates: USE },
  VerifyMac: { crossAccount: true, aliases: true, keyStates: USE },
};

/** the members of an operation's request structure whose shape is a key id */
function membersOf(op: OperationName): Readonly<Record<string, string>> {
  const input = OPERATIONS[op].input;
  const shape = input === null ? undefined : SHAPES[input];
  return shape?.type === 'structure' ? shape.members : {};
}

function describe<O extends OperationName>(name: O): OperationDescriptor<O> {
  const f = FLAGS[name];
  const members = membersOf(name);
  return Object.freeze({
    name,
    crossAccount: f.crossAccount ?? false,
    readOnly: f.readOnly ?? false,
    grantTokens: Object.hasOwn(members, 'GrantTokens'),
    aliases: f.aliases ?? false,
    mutating: f.mutating ?? false,
    keyStates: f.keyStates,
    keyMembers: Object.freeze(Object.keys(members).filter((m) => members[m] === 'KeyIdType')) as InputMember<O>[],
  });
}

/** every operation of the model, by name (on a null prototype: `toString` is no operation) */
export const OPERATION_DESCRIPTORS: { readonly [O in OperationName]: OperationDescriptor<O> } = Object.freeze(
  Object.assign(Object.create(null) as object, Object.fromEntries(OPERATION_NAMES.map((op) => [op, describe(op)]))),
) as { readonly [O in OperationName]: OperationDescriptor<O> };

/** the descriptor of an operation name, undefined for a name that is no operation of the model */
export function operationDescriptor(op: string): OperationDescriptor | undefined {
  return Object.hasOwn(OPERATION_DESCRIPTORS, op) ? OPERATION_DESCRIPTORS[op as OperationName] : undefined;
}

/** the names of the operations whose descriptor passes `test`, as a set (in the model's order) */
export function operationsWhere(test: (d: OperationDescriptor) => boolean): ReadonlySet<OperationName> {
  return new Set(OPERATION_NAMES.filter((op) => test(OPERATION_DESCRIPTORS[op])));
}

/** operations with no effect on the world, which peek() may serve */
export const PEEK_OPERATIONS: ReadonlySet<string> = operationsWhere((d) => d.readOnly);

export function isPeekable(op: string): boolean {
  return PEEK_OPERATIONS.has(op);
}
