/** RetireGrant and RevokeGrant (docs/sources.md, Grants). */
import { KmsError, notFound, validation } from '../../errors';
import { authorizeRetireGrant, REVOKE_GRANT_CONDITIONS } from '../../auth/grantRemoval';
import { drawArrivals } from '../../propagation';
import { World, type GrantRecord, type KeyRecord } from '../../world';
import type { Ctx } from '../context';

const GRANT_ID = /^[0-9a-f]{64}$/;

function grantOnKey(ctx: Ctx, key: KeyRecord, grantId: string): GrantRecord {
  if (!GRANT_ID.test(grantId)) throw new KmsError('InvalidGrantIdException', 'Invalid grant ID.');
  const g = ctx.world.grants.get(grantId);
  if (!g || g.removed || g.keyId !== key.keyId) throw notFound(`Grant ID ${grantId} not found for key ${key.arn}`);
  return g;
}

function remove(ctx: Ctx, g: GrantRecord, change: 'retire' | 'revoke'): void {
  const arrivals = drawArrivals(ctx.rng, ctx.now, ctx.svc.hosts, ctx.svc.propagation, g.arrivals);
  ctx.world.removeGrant(g, change, ctx.now, ctx.caller.arn, arrivals);
  ctx.svc.emit({
    type: '@kms.grant.changed',
    at: ctx.now,
    change,
    grantId: g.grantId,
    keyArn: g.keyArn,
    grantee: World.granteeOf(g),
    operations: g.operations,
    by: ctx.caller.arn,
    arrivals,
  });
}

/** Who may retire is auth's to say (auth/grantRemoval.ts, authorizeRetireGrant). */
export function retireGrant(ctx: Ctx, input: { GrantToken?: string; KeyId?: string; GrantId?: string; DryRun?: boolean }) {
  let g: GrantRecord | undefined;
  let viaToken = false;
  if (input.GrantToken !== undefined) {
    const id = ctx.svc.tokens.verify(input.GrantToken);
    if (id === null) throw new KmsError('InvalidGrantTokenException', 'The grant token is not valid.');
    g = ctx.world.grants.get(id);
    if (!g || g.removed) throw notFound(`Grant ID ${id} not found`);
    viaToken = true;
  } else if (input.KeyId !== undefined && input.GrantId !== undefined) {
    const key = ctx.key(input.KeyId);
    g = grantOnKey(ctx, key, input.GrantId);
  } else {
    throw validation('Grant token OR (grant ID, key ID) must be specified');
  }
  const auth = authorizeRetireGrant({ caller: ctx.caller, grant: g, viaToken, world: ctx.world, host: ctx.host, policyContext: (action, resource, opts) => ctx.policyContext(action, resource, opts) });
  ctx.decide(auth.decision);
  if (!auth.ok) throw auth.error;
  ctx.dryRun(input.DryRun);
  remove(ctx, g, 'retire');
  return undefined;
}

export function revokeGrant(ctx: Ctx, input: { KeyId: string; GrantId: string; DryRun?: boolean }) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key, { conditions: REVOKE_GRANT_CONDITIONS });
  const g = grantOnKey(ctx, key, input.GrantId);
  ctx.dryRun(input.DryRun);
  remove(ctx, g, 'revoke');
  return undefined;
}
