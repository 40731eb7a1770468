/**
 * ListGrants and ListRetirableGrants (docs/sources.md, Grants). Listings are immediate: a new grant is
 * listed at once and a retired one leaves at once; only authorization waits for propagation.
 * Order: ascending GrantId, as in the API Reference example (docs/fidelity.md).
 */
import { KmsError, validation } from '../../errors';
import { accessDeniedNoIdentity } from '../../auth/messages';
import { accountOf } from '../../auth/caller';
import { evaluatePolicy } from '../../auth/policy';
import type { SortedIds } from '../../util/sortedIds';
import type { World } from '../../world';
import type { Ctx } from '../context';
import type { ListGrantsRequest, ListRetirableGrantsRequest } from '../../model/shapes.generated';
import { decodeMarker, encodeMarker, grantListEntry } from './rules';

/** "it must be between 1 and 100, inclusive. If you do not include a value, it defaults to 50" */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;
/** a filtered page stops after scanning this many grants and says Truncated (KMS "might return fewer") */
const MAX_SCAN = 2_000;
const GRANT_ID = /^[0-9a-f]{64}$/;

function page(world: World, ids: SortedIds | undefined, input: { Limit?: number; Marker?: string }, keep?: (id: string) => boolean) {
  let after: string | undefined;
  if (input.Marker !== undefined) {
    const m = decodeMarker(input.Marker);
    if (m === null) throw new KmsError('InvalidMarkerException', 'The marker is not valid.');
    after = m;
  }
  const limit = Math.min(input.Limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  if (!ids) return { Grants: [], Truncated: false };
  const p = ids.page(after, limit, keep, MAX_SCAN);
  const Grants = p.ids.map((id) => grantListEntry(world.grants.get(id)!));
  if (p.more && p.last !== undefined) return { Grants, NextMarker: encodeMarker(p.last), Truncated: true };
  return { Grants, Truncated: false };
}

export function listGrants(ctx: Ctx, input: ListGrantsRequest) {
  if (input.GranteePrincipal !== undefined && input.GranteeServicePrincipal !== undefined) {
    throw validation('You must specify either GranteePrincipal or GranteeServicePrincipal, but not both.');
  }
  const key = ctx.key(input.KeyId);
  ctx.authorize(key, { conditions: { 'kms:GrantIsForAWSResource': false } });
  ctx.keyState(key);
  const world = ctx.world;
  if (input.GrantId !== undefined) {
    if (!GRANT_ID.test(input.GrantId)) throw new KmsError('InvalidGrantIdException', 'Invalid grant ID.');
    if (input.Marker !== undefined && decodeMarker(input.Marker) === null) throw new KmsError('InvalidMarkerException', 'The marker is not valid.');
    const g = world.grants.get(input.GrantId);
    const match = g && !g.removed && g.keyId === key.keyId && (input.GranteePrincipal === undefined || g.granteePrincipal === input.GranteePrincipal) && (input.GranteeServicePrincipal === undefined || g.granteeServicePrincipal === input.GranteeServicePrincipal);
    return { Grants: match ? [grantListEntry(g)] : [], Truncated: false };
  }
  const keep =
    input.GranteePrincipal !== undefined
      ? (id: string) => world.grants.get(id)!.granteePrincipal === input.GranteePrincipal
      : input.GranteeServicePrincipal !== undefined
        ? (id: string) => world.grants.get(id)!.granteeServicePrincipal === input.GranteeServicePrincipal
        : undefined;
  return page(world, world.grantsByKey.get(key.keyId), input, keep);
}

/**
 * "returns all grants in the AWS account and Region" whose retiring principal is the given
 * one, keys of other accounts included; authorization is the caller's IAM permission
 * kms:ListRetirableGrants, and the principal must be in the caller's account (API Reference).
 */
export function listRetirableGrants(ctx: Ctx, input: ListRetirableGrantsRequest) {
  const principal = input.RetiringPrincipal ?? input.RetiringServicePrincipal;
  if (principal === undefined || (input.RetiringPrincipal !== undefined && input.RetiringServicePrincipal !== undefined)) {
    throw validation('You must specify either RetiringPrincipal or RetiringServicePrincipal, but not both.');
  }
  const caller = ctx.caller;
  const resource = input.RetiringPrincipal ?? '*';
  if (input.RetiringPrincipal !== undefined) {
    const acct = accountOf(input.RetiringPrincipal);
    if (acct !== null && acct !== caller.account) {
      ctx.decide({ allowed: false, summary: `Denied: ${input.RetiringPrincipal} is not in the caller's account ${caller.account}.`, via: { kind: 'none' }, notes: [] });
      throw new KmsError('AccessDeniedException', accessDeniedNoIdentity(caller.arn, 'kms:ListRetirableGrants', resource));
    }
  }
  if (!caller.isRoot) {
    const ev = caller.identityPolicy
      ? evaluatePolicy(caller.identityPolicy, ctx.policyContext('kms:ListRetirableGrants', resource))
      : undefined;
    if (!ev || ev.denies.length || !ev.allows.length) {
      ctx.decide({ allowed: false, summary: `Denied: no IAM policy of ${caller.arn} allows kms:ListRetirableGrants.`, via: { kind: 'none' }, notes: [] });
      throw new KmsError('AccessDeniedException', accessDeniedNoIdentity(caller.arn, 'kms:ListRetirableGrants', resource));
    }
    ctx.decide({ allowed: true, summary: `Allowed by ${caller.arn}'s IAM policy.`, via: { kind: 'identity-policy', statement: ev.allows[0].index, sid: ev.allows[0].sid }, notes: [] });
  } else {
    ctx.decide({ allowed: true, summary: `Allowed: ${caller.arn} is the account root.`, via: { kind: 'not-required' }, notes: [] });
  }
  return page(ctx.world, ctx.world.grantsByRetiring.get(`${ctx.region}\n${principal}`), input);
}
