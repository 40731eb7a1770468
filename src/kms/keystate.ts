/**
 * Which key states each operation accepts, as a table (docs/architecture.md, The engine), with the error
 * KMS answers otherwise. Source: AWS KMS Developer Guide, "Key states of AWS KMS keys"
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html) and its footnotes;
 * validated behaviour from docs/sources.md, Key states (GenerateDataKey on a pending-deletion key answers
 * KMSInvalidStateException, on a disabled key DisabledException).
 */
import { KmsError } from './errors';
import type { KeyRecord } from './world';
import { ANY, OPERATION_DESCRIPTORS, type KeyStateRow } from './operations';

type Row = KeyStateRow;

/**
 * The table, one row per operation on a key, as the operation descriptors carry it
 * (operations.ts, `keyStates`); an operation with no row accepts every state.
 */
export const KEY_STATE_RULES: Readonly<Record<string, Row>> = Object.fromEntries(
  Object.values(OPERATION_DESCRIPTORS).flatMap((d) => (d.keyStates ? [[d.name, d.keyStates]] : [])),
);

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
