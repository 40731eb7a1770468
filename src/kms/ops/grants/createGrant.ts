/** CreateGrant (docs/sources.md, Grants): validation, authorization, Name idempotency, DryRun, quota. */
import { KmsError, validation } from '../../errors';
import { rootArn } from '../../auth/caller';
import { drawArrivals } from '../../propagation';
import type { GrantConstraints, GrantRecord } from '../../world';
import type { Ctx } from '../context';
import type { CreateGrantRequest } from '../../model/shapes.generated';
import { childExceedsParent, grantOperationsFor, sameGrantParameters } from './rules';
import { accessDeniedNoResource } from '../../auth/messages';
import { ownStringMap } from '../maps';

/** Grants per KMS key (Developer Guide, resource-limits: "Grants per KMS key: 50,000") */
export const GRANTS_PER_KEY = 50_000;

/** the principal forms CreateGrant accepts: account, user, role, assumed role, federated user, or a service name */
const PRINCIPAL = /^(arn:aws[a-z-]*:(iam::\d{12}:(root|user\/.+|role\/.+|federated-user\/.+)|sts::\d{12}:(assumed-role\/.+\/.+|federated-user\/.+))|\d{12}|[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?)$/;

/** CreateGrant's request, as the API model gives it */
export type CreateGrantInput = CreateGrantRequest;

/**
 * The last principal found valid (most calls name the same grantee again); starts as a valid one.
 * A pure memo, shared by every simulator on the page: whether a string is a valid principal
 * depends on the string alone, so this remembers no simulator's state.
 */
let lastValidPrincipal = '000000000000';
function validPrincipal(p: string): boolean {
  if (p === lastValidPrincipal) return true;
  if (!PRINCIPAL.test(p)) return false;
  lastValidPrincipal = p;
  return true;
}

function onlyCreateGrant(ops: readonly string[]): boolean {
  for (let i = 0; i < ops.length; i++) if (ops[i] !== 'CreateGrant') return false;
  return true;
}

/**
 * The request's Constraints as the grant keeps them: its three members in the model's order,
 * each encryption-context map a copy of its own pairs (`__proto__` and `constructor` are keys
 * like any other, ops/maps.ts), nothing else from the request, and nothing shared with it.
 */
function copyConstraints(c: GrantConstraints | undefined): GrantConstraints | undefined {
  if (c === undefined || c === null) return undefined;
  const out: GrantConstraints = {};
  const subset = ownStringMap(c.EncryptionContextSubset);
  if (subset) out.EncryptionContextSubset = subset;
  const equals = ownStringMap(c.EncryptionContextEquals);
  if (equals) out.EncryptionContextEquals = equals;
  if (c.SourceArn !== undefined && c.SourceArn !== null) out.SourceArn = c.SourceArn;
  return out;
}

/**
 * "Each constraint value can include up to 8 encryption context pairs. The encryption
 * context value in each constraint cannot exceed 384 characters." (CreateGrant reference)
 */
function checkContextConstraint(m: Record<string, string> | undefined): void {
  if (!m) return;
  const entries = Object.entries(m);
  if (entries.length > 8) throw validation('Each encryption context grant constraint can include up to 8 encryption context pairs.');
  if (entries.reduce((n, [k, v]) => n + k.length + v.length, 0) > 384) {
    throw validation('The encryption context in each grant constraint cannot exceed 384 characters.');
  }
}

export function createGrant(ctx: Ctx, input: CreateGrantInput) {
  // Request-level rules (docs/sources.md, Grants); their exact texts are not recorded: docs/fidelity.md.
  const grantee = input.GranteePrincipal;
  const granteeService = input.GranteeServicePrincipal;
  if ((grantee === undefined) === (granteeService === undefined)) {
    throw validation('You must specify either GranteePrincipal or GranteeServicePrincipal, but not both.');
  }
  if (input.RetiringPrincipal !== undefined && input.RetiringServicePrincipal !== undefined) {
    throw validation('You must specify either RetiringPrincipal or RetiringServicePrincipal, but not both.');
  }
  const c = copyConstraints(input.Constraints);
  if (granteeService !== undefined) {
    if (!c?.SourceArn) throw validation('When you specify a GranteeServicePrincipal, you must also specify a SourceArn grant constraint.');
    if (input.RetiringPrincipal === undefined && input.RetiringServicePrincipal === undefined) {
      throw validation('When you specify a GranteeServicePrincipal, you must also specify a RetiringPrincipal or RetiringServicePrincipal.');
    }
  }
  const ops = input.Operations;
  if (ops.length === 0) {
    throw validation("1 validation error detected: Value '[]' at 'operations' failed to satisfy constraint: Member must have length greater than or equal to 1");
  }
  if (onlyCreateGrant(ops)) throw validation('Grants must not contain only the CreateGrant operation.');
  if (c) {
    if (c.EncryptionContextEquals && c.EncryptionContextSubset) throw validation('More than one constraint supplied');
    checkContextConstraint(c.EncryptionContextEquals);
    checkContextConstraint(c.EncryptionContextSubset);
  }
  if (grantee !== undefined && !validPrincipal(grantee)) throw new KmsError('InvalidArnException', `GranteePrincipal '${grantee}' is not a valid principal.`);
  const retiringPrincipal = input.RetiringPrincipal;
  if (retiringPrincipal !== undefined && !validPrincipal(retiringPrincipal)) throw new KmsError('InvalidArnException', `RetiringPrincipal '${retiringPrincipal}' is not a valid principal.`);

  const key = ctx.key(input.KeyId);
  const tokenGrants = ctx.tokenGrants(input.GrantTokens);
  const operations = ctx.svc.operationLists.intern(ops);
  const constraintType = c?.EncryptionContextEquals ? 'EncryptionContextEquals' : c?.EncryptionContextSubset ? 'EncryptionContextSubset' : undefined;
  const { grant: parent } = ctx.authorize(key, {
    grantOperation: 'CreateGrant',
    tokenGrants,
    // kms:EncryptionContext:<k> / kms:EncryptionContextKeys of a CreateGrant are the grant's
    // encryption context constraint (AWS KMS Developer Guide, "AWS KMS condition keys")
    encryptionContext: c?.EncryptionContextEquals ?? c?.EncryptionContextSubset,
    conditions: {
      'kms:GrantOperations': operations,
      'kms:GranteePrincipal': grantee,
      'kms:RetiringPrincipal': input.RetiringPrincipal,
      'kms:GranteeServicePrincipal': granteeService,
      'kms:RetiringServicePrincipal': input.RetiringServicePrincipal,
      'kms:GrantConstraintType': constraintType,
      'kms:GrantConstraintSourceArn': c?.SourceArn,
      'kms:GrantIsForAWSResource': false,
    },
  });
  if (parent) {
    const why = childExceedsParent(parent, operations, c);
    if (why) {
      ctx.decision = { ...ctx.decision!, allowed: false, summary: `Denied: grant ${parent.grantId.slice(0, 8)}… gives CreateGrant, but ${why}.` };
      throw new KmsError('AccessDeniedException', accessDeniedNoResource(ctx.caller.arn, 'kms:CreateGrant', key.arn));
    }
  }
  ctx.keyState(key);

  const allowed = grantOperationsFor(key);
  let invalid: string[] | undefined;
  for (const o of operations) if (!allowed.has(o)) (invalid ??= []).push(o);
  if (invalid) {
    throw validation(`Grant operations [${invalid.join(', ')}] are not valid for a KMS key with KeySpec ${key.keySpec} and KeyUsage ${key.keyUsage}.`);
  }
  if ((c?.EncryptionContextEquals || c?.EncryptionContextSubset) && key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw validation('Encryption context grant constraints are supported only on symmetric encryption KMS keys.');
  }

  const world = ctx.world;
  if (input.Name !== undefined) {
    const params = { grantee, granteeService, retiring: input.RetiringPrincipal, retiringService: input.RetiringServicePrincipal, operations, constraints: c };
    for (const id of world.grantsByName.get(`${key.keyId}\n${input.Name}`) ?? []) {
      const existing = world.grants.get(id);
      if (existing && !existing.removed && sameGrantParameters(existing, params)) {
        ctx.dryRun(input.DryRun);
        // "the original GrantId is returned without creating a new grant. Note that the
        // returned grant token is unique with every CreateGrant request" (CreateGrant reference)
        return { GrantId: existing.grantId, GrantToken: ctx.svc.tokens.issue(existing.grantId, ctx.rng) };
      }
    }
  }
  if ((world.grantsByKey.get(key.keyId)?.size ?? 0) >= GRANTS_PER_KEY) {
    throw new KmsError('LimitExceededException', `The request was rejected because the KMS key ${key.arn} already has ${GRANTS_PER_KEY} grants, the quota of grants per KMS key.`);
  }
  ctx.dryRun(input.DryRun);

  const grantId = ctx.rng.hex(64);
  const arrivals = drawArrivals(ctx.rng, ctx.now, ctx.svc.hosts, ctx.svc.propagation);
  const issuingAccount = rootArn(ctx.caller.account);
  const name = input.Name ?? '';
  const hasConstraints = c && (c.EncryptionContextEquals || c.EncryptionContextSubset || c.SourceArn);
  let g: GrantRecord;
  if (grantee !== undefined && input.RetiringPrincipal === undefined && input.RetiringServicePrincipal === undefined && !hasConstraints) {
    // the common shape in one literal, members in the order the general path adds them
    // (aseq is set by addGrant): one allocation, no property store grown afterwards
    g = { grantId, keyId: key.keyId, keyArn: key.arn, region: key.region, name, created: ctx.now, issuingAccount, operations, arrivals, granteePrincipal: grantee, aseq: 0 };
  } else {
    g = { grantId, keyId: key.keyId, keyArn: key.arn, region: key.region, name, created: ctx.now, issuingAccount, operations, arrivals };
    if (grantee !== undefined) g.granteePrincipal = grantee;
    if (input.RetiringPrincipal !== undefined) g.retiringPrincipal = input.RetiringPrincipal;
    if (granteeService !== undefined) g.granteeServicePrincipal = granteeService;
    if (input.RetiringServicePrincipal !== undefined) g.retiringServicePrincipal = input.RetiringServicePrincipal;
    if (hasConstraints) g.constraints = c;
  }
  world.addGrant(g);
  ctx.svc.emit({
    type: '@kms.grant.changed',
    at: ctx.now,
    change: 'create',
    grantId,
    keyArn: key.arn,
    grantee: (grantee ?? granteeService)!,
    operations,
    by: ctx.caller.arn,
    arrivals: g.arrivals,
  });
  return { GrantId: grantId, GrantToken: ctx.svc.tokens.issue(grantId, ctx.rng) };
}
