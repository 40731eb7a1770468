/**
 * Turning a KeyId member into a key (docs/sources.md, Key identifiers): key id, key ARN, alias name or alias ARN,
 * each where the operation allows it, with the NotFoundException texts recorded from real KMS:
 *   malformed id            -> "Invalid keyId '<value>'"
 *   well-formed, no key     -> "Key '<key ARN>' does not exist" (ARN built from caller account + region)
 *   key ARN of other region -> "Invalid arn <region of the ARN>"
 * A malformed id fails before existence, and both before key-state checks.
 */
import { KmsError, notFound } from './errors';
import { World, type KeyRecord } from './world';
import { operationsWhere } from './operations';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MRK = /^mrk-[0-9a-f]{32}$/;
const KEY_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]*):([0-9]*):key\/(.*)$/;
const ALIAS_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]*):([0-9]*):(alias\/.*)$/;

export interface Scope {
  account: string;
  region: string;
}

export const keyArn = (region: string, account: string, keyId: string) => `arn:aws:kms:${region}:${account}:key/${keyId}`;
export const aliasArn = (region: string, account: string, aliasName: string) => `arn:aws:kms:${region}:${account}:${aliasName}`;
/**
 * The last id found well formed (most calls name the same key again); starts as a well-formed id.
 * A pure memo shared by every simulator on the page: whether an id is well formed depends on the
 * id alone, so it remembers no simulator's state.
 */
let lastWellFormed = '00000000-0000-4000-8000-000000000000';
const isWellFormedKeyId = (id: string): boolean => {
  if (id === lastWellFormed) return true;
  if (!(UUID.test(id) || MRK.test(id))) return false;
  lastWellFormed = id;
  return true;
};

/**
 * The operations whose reference page says "Cross-account use: Yes" (docs/sources.md, Key identifiers, from the
 * model's operation docs): the descriptors' `crossAccount` (operations.ts). Every other operation on a
 * key says "Cross-account use: No. You cannot perform this operation on a KMS key in a different
 * AWS account." Which error real KMS answers then is not recorded: the playground answers as for a
 * key the caller's account does not have (docs/fidelity.md).
 */
export const CROSS_ACCOUNT_OPERATIONS: ReadonlySet<string> = operationsWhere((d) => d.crossAccount);

/** a key of another account, named by its ARN in an operation that is not cross-account */
export const notInCallerAccount = (key: KeyRecord) => notFound(`Key '${key.arn}' does not exist`);

/** `aliases`: whether the operation accepts alias names and alias ARNs */
export function resolveKey(world: World, keyId: string, scope: Scope, aliases: boolean): KeyRecord | KmsError {
  if (keyId.startsWith('arn:')) {
    const a = ALIAS_ARN.exec(keyId);
    if (a) {
      if (!aliases) return aliasNotSupported();
      if (a[2] !== scope.region) return notFound(`Invalid arn ${a[2]}`);
      return byAlias(world, a[4], a[3], a[2]);
    }
    const m = KEY_ARN.exec(keyId);
    if (!m) return notFound(`Invalid keyId '${keyId}'`);
    const [, , region, account, id] = m;
    if (region !== scope.region) return notFound(`Invalid arn ${region}`);
    if (!isWellFormedKeyId(id)) return notFound(`Invalid keyId '${keyId}'`);
    const k = world.keys.get(id);
    if (!k || k.account !== account || k.region !== region) return notFound(`Key '${keyArn(region, account, id)}' does not exist`);
    return k;
  }
  if (keyId.startsWith('alias/')) {
    if (!aliases) return aliasNotSupported();
    return byAlias(world, keyId, scope.account, scope.region);
  }
  if (!isWellFormedKeyId(keyId)) return notFound(`Invalid keyId '${keyId}'`);
  const k = world.keys.get(keyId);
  if (!k || k.account !== scope.account || k.region !== scope.region) {
    return notFound(`Key '${keyArn(scope.region, scope.account, keyId)}' does not exist`);
  }
  return k;
}

function byAlias(world: World, aliasName: string, account: string, region: string): KeyRecord | KmsError {
  const a = world.aliases.get(World.aliasId(account, region, aliasName));
  const k = a && world.keys.get(a.targetKeyId);
  if (!k) return notFound(`Alias ${aliasArn(region, account, aliasName)} is not found.`);
  return k;
}

/** CreateGrant with an alias, recorded from real KMS (boto/boto PR #3202) */
const aliasNotSupported = () => new KmsError('InvalidArnException', 'Key Aliases are not supported for this operation.');
