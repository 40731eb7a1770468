/** The operation table: one handler per operation, keyed by its AWS name (docs/architecture.md, The engine). */
import type { OperationName } from '../model/shapes.generated';
import type { Handler, OperationHandler } from './context';
import { createGrant } from './grants/createGrant';
import { listGrants, listRetirableGrants } from './grants/listGrants';
import { retireGrant, revokeGrant } from './grants/retireRevoke';
import { createAlias, deleteAlias, listAliases, updateAlias } from './aliases';
import {
  cancelKeyDeletion,
  createKey,
  describeKey,
  disableKey,
  enableKey,
  generateRandom,
  getKeyPolicy,
  listKeyPolicies,
  listKeys,
  putKeyPolicy,
  scheduleKeyDeletion,
  updateKeyDescription,
} from './keys';
import { CRYPTO_HANDLERS } from './cryptoHandlers';
import { listResourceTags, tagResource, untagResource } from './tags';

/**
 * On a null prototype, so that looking an operation name up (engine.execute, HANDLERS[op]) never
 * finds Object.prototype's `constructor` or `toString` for a name that is no operation.
 */
const TABLE: { readonly [O in OperationName]?: OperationHandler<O> } = {
  CreateKey: createKey,
  DescribeKey: describeKey,
  ListKeys: listKeys,
  EnableKey: enableKey,
  DisableKey: disableKey,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  CancelKeyDeletion: cancelKeyDeletion,
  UpdateKeyDescription: updateKeyDescription,
  GetKeyPolicy: getKeyPolicy,
  PutKeyPolicy: putKeyPolicy,
  ListKeyPolicies: listKeyPolicies,
  CreateAlias: createAlias,
  UpdateAlias: updateAlias,
  DeleteAlias: deleteAlias,
  ListAliases: listAliases,
  CreateGrant: createGrant,
  ListGrants: listGrants,
  ListRetirableGrants: listRetirableGrants,
  RetireGrant: retireGrant,
  RevokeGrant: revokeGrant,
  GenerateRandom: generateRandom,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListResourceTags: listResourceTags,
  ...CRYPTO_HANDLERS,
};

/**
 * Each handler gets the request body on its Ctx too (ctx.input): the condition keys an
 * operation's parameters set are read from it when a policy has conditions.
 */
export const HANDLERS: Partial<Record<OperationName, Handler>> = Object.create(null) as Partial<Record<OperationName, Handler>>;
for (const op of Object.keys(TABLE) as OperationName[]) {
  const h = TABLE[op]!;
  HANDLERS[op] = (ctx, input) => {
    ctx.input = input;
    return h(ctx, input);
  };
}

/** the operations this simulator answers, in the groups the request editor shows */
export const OPERATION_GROUPS: Readonly<Record<string, readonly OperationName[]>> = {
  Keys: ['CreateKey', 'DescribeKey', 'ListKeys', 'EnableKey', 'DisableKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion', 'UpdateKeyDescription', 'CreateAlias', 'UpdateAlias', 'DeleteAlias', 'ListAliases'],
  Tags: ['TagResource', 'UntagResource', 'ListResourceTags'],
  Grants: ['CreateGrant', 'ListGrants', 'ListRetirableGrants', 'RetireGrant', 'RevokeGrant'],
  Cryptography: (
    [
      'Encrypt',
      'Decrypt',
      'ReEncrypt',
      'GenerateDataKey',
      'GenerateDataKeyWithoutPlaintext',
      'GenerateDataKeyPair',
      'GenerateDataKeyPairWithoutPlaintext',
      'Sign',
      'Verify',
      'GetPublicKey',
      'GenerateMac',
      'VerifyMac',
      'DeriveSharedSecret',
      'GenerateRandom',
    ] as OperationName[]
  ).filter((op) => op === 'GenerateRandom' || Object.hasOwn(CRYPTO_HANDLERS, op)),
  Policies: ['GetKeyPolicy', 'PutKeyPolicy', 'ListKeyPolicies'],
};

export const SUPPORTED_OPERATIONS: readonly OperationName[] = Object.values(OPERATION_GROUPS).flat();
