/**
 * Who may retire or revoke a grant (docs/sources.md, Grants): the permission rules of
 * RetireGrant and RevokeGrant, next to authorize() and the other rules. The handlers
 * (ops/grants/retireRevoke.ts) find the grant, ask here, record the decision and act.
 */
import type { Decision } from '../events';
import { KmsError } from '../errors';
import { World, type GrantRecord, type KeyRecord } from '../world';
import { rootArn, type Caller } from './caller';
import { accessDeniedExplicitIdentity, accessDeniedNoIdentity } from './messages';
import { evaluatePolicy, type ContextValue, type RequestContext } from './policy';

/** a decision as a handler records it (the host is added by the handler's context) */
export type GrantRemovalDecision = { ok: true; decision: Omit<Decision, 'host'> } | { ok: false; decision: Omit<Decision, 'host'>; error: KmsError };

export interface RetireGrantRequest {
  caller: Caller;
  grant: GrantRecord;
  /** the grant came from the request's grant token */
  viaToken: boolean;
  world: World;
  /** the host that got the request */
  host: number;
  /** the context one policy is evaluated in for this request (Ctx.policyContext) */
  policyContext(action: string, resource: string, opts: { key?: KeyRecord; encryptionContext?: Record<string, string> }): RequestContext;
}

const ACCOUNT_OF_PRINCIPAL = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/;

/**
 * Who may retire (RetireGrant reference, Developer Guide grant-delete): the retiring principal;
 * the grantee if the grant includes RetireGrant; the account that created the grant; and
 * principals given kms:RetireGrant in an IAM policy of the key's account or the retiring
 * principal's account. kms:RetireGrant in a key policy has no effect, but an explicit Deny
 * in IAM blocks it.
 */
export function authorizeRetireGrant(req: RetireGrantRequest): GrantRemovalDecision {
  const { caller, grant: g, viaToken, world } = req;
  const key = world.keys.get(g.keyId);
  const resource = g.keyArn;
  const idp = caller.identityPolicy
    ? evaluatePolicy(caller.identityPolicy, req.policyContext('kms:RetireGrant', resource, { key, encryptionContext: g.constraints?.EncryptionContextEquals ?? g.constraints?.EncryptionContextSubset }))
    : undefined;
  const id = g.grantId.slice(0, 8) + '…';
  if (idp?.denies.length) {
    return {
      ok: false,
      decision: { allowed: false, summary: `Denied by an explicit Deny on kms:RetireGrant in ${caller.arn}'s IAM policy.`, via: { kind: 'explicit-deny', policy: 'identity-policy', statement: idp.denies[0].index, sid: idp.denies[0].sid }, notes: [] },
      error: new KmsError('AccessDeniedException', accessDeniedExplicitIdentity(caller.arn, 'kms:RetireGrant', resource)),
    };
  }
  const retiring = g.retiringPrincipal ?? g.retiringServicePrincipal;
  const notes: string[] = [];
  const allow = (decision: Omit<Decision, 'host' | 'allowed' | 'notes'>): GrantRemovalDecision => ({ ok: true, decision: { allowed: true, summary: decision.summary, via: decision.via, notes } });
  if (retiring === caller.principalArn) {
    return allow({ summary: `Allowed: ${caller.principalArn} is the retiring principal of grant ${id}.`, via: { kind: 'retiring-principal', grantId: g.grantId } });
  }
  if (World.granteeOf(g) === caller.principalArn && g.operations.includes('RetireGrant') && (viaToken || world.hostViews[req.host].has(g.grantId))) {
    return allow({ summary: `Allowed: grant ${id} gives its grantee ${caller.principalArn} the RetireGrant operation.`, via: { kind: viaToken ? 'grant-token' : 'grant', grantId: g.grantId } });
  }
  if (caller.isRoot && rootArn(caller.account) === g.issuingAccount) {
    return allow({ summary: `Allowed: ${caller.arn} is the account that created grant ${id}.`, via: { kind: 'issuing-account', grantId: g.grantId } });
  }
  if ((caller.isRoot || idp?.allows.length) && (caller.account === key?.account || (retiring !== undefined && caller.account === (retiring.match(ACCOUNT_OF_PRINCIPAL)?.[1] ?? '')))) {
    // an account's root holds every IAM permission in its account, kms:RetireGrant included
    if (caller.isRoot) {
      return allow({ summary: `Allowed: ${caller.arn} is the root of ${caller.account === key?.account ? 'the account that owns the key' : "the retiring principal's account"}, where IAM decides kms:RetireGrant.`, via: { kind: 'not-required' } });
    }
    return allow({ summary: `Allowed by ${caller.arn}'s IAM policy, which gives kms:RetireGrant.`, via: { kind: 'identity-policy', statement: idp!.allows[0].index, sid: idp!.allows[0].sid } });
  }
  notes.push(`The retiring principal of grant ${id} is ${retiring ?? '(none)'}; its grantee is ${World.granteeOf(g)} with ${g.operations.join(', ')}; it was created by ${g.issuingAccount}.`);
  return {
    ok: false,
    decision: { allowed: false, summary: `Denied: ${caller.arn} is neither the retiring principal, nor a grantee allowed RetireGrant, nor the issuing account of grant ${id}.`, via: { kind: 'none' }, notes },
    error: new KmsError('AccessDeniedException', accessDeniedNoIdentity(caller.arn, 'kms:RetireGrant', resource)),
  };
}

/**
 * RevokeGrant is authorized like any key operation (authorize(): the key policy, or IAM
 * through it, must allow kms:RevokeGrant; grants cannot give it), with one condition key of its
 * own: kms:GrantIsForAWSResource, false unless the request came through an AWS service
 * (authorize() then sets it true).
 */
export const REVOKE_GRANT_CONDITIONS: Readonly<Record<string, ContextValue>> = Object.freeze({ 'kms:GrantIsForAWSResource': false });
