/**
 * Which key states each operation accepts, as a table (docs/architecture.md, The engine), with the error
 * KMS answers otherwise. Source: AWS KMS Developer Guide, "Key states of AWS KMS keys"
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html) and its footnotes;
 * validated behaviour from docs/sources.md, Key states (GenerateDataKey on a pending-deletion key answers
 * KMSInvalidStateException, on a disabled key DisabledException).
 */
import { KmsError } from './errors';
import type { KeyRecord, KeyState } from './world';

type Cell = 'ok' | 'disabled' | 'invalid';
type Row = Partial<Record<KeyState, Cell>>;

/** crypto operations and CreateGrant: usable only while Enabled */
const USE: Row = { Enabled: 'ok', Disabled: 'disabled', PendingDeletion: 'invalid', PendingImport: 'invalid' };
/** metadata and grant management: every state */
const ANY: Row = { Enabled: 'ok', Disabled: 'ok', PendingDeletion: 'ok', PendingImport: 'ok' };
/** management that a pending deletion blocks */
const MANAGE: Row = { Enabled: 'ok', Disabled: 'ok', PendingDeletion: 'invalid', PendingImport: 'invalid' };

export const KEY_STATE_RULES: Readonly<Record<string, Row>> = {
  CreateGrant: USE,
  Encrypt: USE,
  Decrypt: USE,
  ReEncrypt: USE,
  GenerateDataKey: USE,
  GenerateDataKeyWithoutPlaintext: USE,
  GenerateDataKeyPair: USE,
  GenerateDataKeyPairWithoutPlaintext: USE,
  Sign: USE,
  Verify: USE,
  GenerateMac: USE,
  VerifyMac: USE,
  DeriveSharedSecret: USE,
  GetPublicKey: USE,
  DescribeKey: ANY,
  ListGrants: ANY,
  ListRetirableGrants: ANY,
  RetireGrant: ANY,
  RevokeGrant: ANY,
  GetKeyPolicy: ANY,
  PutKeyPolicy: ANY,
  ListKeyPolicies: ANY,
  ListResourceTags: ANY,
  EnableKey: MANAGE,
  DisableKey: MANAGE,
  CreateAlias: MANAGE,
  UpdateAlias: MANAGE,
  UpdateKeyDescription: MANAGE,
  TagResource: MANAGE,
  UntagResource: MANAGE,
  ScheduleKeyDeletion: { Enabled: 'ok', Disabled: 'ok', PendingDeletion: 'invalid', PendingImport: 'ok' },
  CancelKeyDeletion: { PendingDeletion: 'ok' },
};

export function checkKeyState(op: string, key: KeyRecord): KmsError | null {
  const row = KEY_STATE_RULES[op] ?? ANY;
  const cell = row[key.state];
  if (cell === 'ok') return null;
  if (op === 'CancelKeyDeletion') {
    return new KmsError('KMSInvalidStateException', `${key.arn} is not pending deletion (or pending replica deletion).`);
  }
  if (cell === 'disabled') return new KmsError('DisabledException', `${key.arn} is disabled.`);
  switch (key.state) {
    case 'PendingDeletion':
      return new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    case 'PendingImport':
      return new KmsError('KMSInvalidStateException', `${key.arn} is pending import.`);
    default:
      return new KmsError('KMSInvalidStateException', `${key.arn} is ${key.state}.`);
  }
}
