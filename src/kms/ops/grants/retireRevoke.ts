/** RetireGrant and RevokeGrant (docs/sources.md, Grants). */
import { KmsError, notFound, validation } from '../../errors';
import { accessDeniedExplicitIdentity, accessDeniedNoIdentity } from '../../auth/messages';
import { rootArn } from '../../auth/caller';
import { evaluatePolicy } from '../../auth/policy';
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

/**
 * Who may retire (RetireGrant reference, Developer Guide grant-delete): the retiring principal;
 * the grantee if the grant includes RetireGrant; the account that created the grant; and
 * principals given kms:RetireGrant in an IAM policy of the key's account or the retiring
 * principal's account. kms:RetireGrant in a key policy has no effect, but an explicit Deny
 * in IAM blocks it.
 */
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
    const key = ctx.key(input.KeyId, { aliases: false });
    g = grantOnKey(ctx, key, input.GrantId);
  } else {
    throw validation('Grant token OR (grant ID, key ID) must be specified');
  }
  const caller = ctx.caller;
  const key = ctx.world.keys.get(g.keyId);
  const resource = g.keyArn;
  const idp = caller.identityPolicy
    ? evaluatePolicy(caller.identityPolicy, ctx.policyContext('kms:RetireGrant', resource, { key, encryptionContext: g.constraints?.EncryptionContextEquals ?? g.constraints?.EncryptionContextSubset }))
    : undefined;
  const id = g.grantId.slice(0, 8) + '…';
  if (idp?.denies.length) {
    ctx.decide({ allowed: false, summary: `Denied by an explicit Deny on kms:RetireGrant in ${caller.arn}'s IAM policy.`, via: { kind: 'explicit-deny', policy: 'identity-policy', statement: idp.denies[0].index, sid: idp.denies[0].sid }, notes: [] });
    throw new KmsError('AccessDeniedException', accessDeniedExplicitIdentity(caller.arn, 'kms:RetireGrant', resource));
  }
  const retiring = g.retiringPrincipal ?? g.retiringServicePrincipal;
  const notes: string[] = [];
  if (retiring === caller.principalArn) {
    ctx.decide({ allowed: true, summary: `Allowed: ${caller.principalArn} is the retiring principal of grant ${id}.`, via: { kind: 'retiring-principal', grantId: g.grantId }, notes });
  } else if (World.granteeOf(g) === caller.principalArn && g.operations.includes('RetireGrant') && (viaToken || ctx.world.hostViews[ctx.host].has(g.grantId))) {
    ctx.decide({ allowed: true, summary: `Allowed: grant ${id} gives its grantee ${caller.principalArn} the RetireGrant operation.`, via: { kind: viaToken ? 'grant-token' : 'grant', grantId: g.grantId }, notes });
  } else if (caller.isRoot && rootArn(caller.account) === g.issuingAccount) {
    ctx.decide({ allowed: true, summary: `Allowed: ${caller.arn} is the account that created grant ${id}.`, via: { kind: 'issuing-account', grantId: g.grantId }, notes });
  } else if (
    (caller.isRoot || idp?.allows.length) &&
    (caller.account === key?.account || (retiring !== undefined && caller.account === (retiring.match(/^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/)?.[1] ?? '')))
  ) {
    // an account's root holds every IAM permission in its account, kms:RetireGrant included
    if (caller.isRoot) {
      ctx.decide({ allowed: true, summary: `Allowed: ${caller.arn} is the root of ${caller.account === key?.account ? 'the account that owns the key' : "the retiring principal's account"}, where IAM decides kms:RetireGrant.`, via: { kind: 'not-required' }, notes });
    } else {
      ctx.decide({ allowed: true, summary: `Allowed by ${caller.arn}'s IAM policy, which gives kms:RetireGrant.`, via: { kind: 'identity-policy', statement: idp!.allows[0].index, sid: idp!.allows[0].sid }, notes });
    }
  } else {
    notes.push(`The retiring principal of grant ${id} is ${retiring ?? '(none)'}; its grantee is ${World.granteeOf(g)} with ${g.operations.join(', ')}; it was created by ${g.issuingAccount}.`);
    ctx.decide({ allowed: false, summary: `Denied: ${caller.arn} is neither the retiring principal, nor a grantee allowed RetireGrant, nor the issuing account of grant ${id}.`, via: { kind: 'none' }, notes });
    throw new KmsError('AccessDeniedException', accessDeniedNoIdentity(caller.arn, 'kms:RetireGrant', resource));
  }
  ctx.dryRun(input.DryRun);
  remove(ctx, g, 'retire');
  return undefined;
}

export function revokeGrant(ctx: Ctx, input: { KeyId: string; GrantId: string; DryRun?: boolean }) {
  const key = ctx.key(input.KeyId, { aliases: false });
  ctx.authorize(key, { conditions: { 'kms:GrantIsForAWSResource': false } });
  const g = grantOnKey(ctx, key, input.GrantId);
  ctx.dryRun(input.DryRun);
  remove(ctx, g, 'revoke');
  return undefined;
}
