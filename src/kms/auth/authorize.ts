/**
 * Who may call what, in the order AWS documents: an explicit Deny in any policy wins; then an
 * Allow from the key policy (naming the caller directly, or naming its account, which
 * delegates to the caller's IAM identity policy), or from a grant that this host has seen
 * (or whose token the request carries) and whose constraints the request satisfies.
 * (AWS KMS Developer Guide: "Determining access to an AWS KMS key", "Grants in AWS KMS".)
 *
 * Every answer is a Decision: which statement or grant allowed or denied it and why the
 * others did not match. It travels outside the wire body.
 */
import type { Decision } from '../events';
import { KmsError } from '../errors';
import { World, type GrantRecord, type KeyRecord } from '../world';
import type { Caller } from './caller';
import { accessDeniedExplicitIdentity, accessDeniedExplicitResource, accessDeniedNoIdentity, accessDeniedNoResource } from './messages';
import { evaluatePolicy, type ContextValue, type ParsedPolicy, type RequestContext, type StatementMatch } from './policy';
import { conditionKeyMaps, LazyRequestContext, type ConditionRequest } from './requestContext';
import { joined } from './policy/conditions';

export interface AuthRequest extends ConditionRequest {
  /** the IAM action, e.g. 'kms:Decrypt' */
  action: string;
  key: KeyRecord;
  keyPolicy: ParsedPolicy;
  host: number;
  now: number;
  /** the grant operation that would allow this call, when a grant can (e.g. ReEncryptFrom) */
  grantOperation?: string;
  /** grants the request's tokens stand for (already verified) */
  tokenGrants?: readonly GrantRecord[];
}

export type AuthResult = { ok: true; decision: Decision; grant?: GrantRecord } | { ok: false; decision: Decision; error: KmsError };

/** what conditionContext needs: the caller, and when known, the operation, its input and key */
export type { ConditionRequest };

export function conditionContext(req: ConditionRequest): Record<string, ContextValue> {
  // an ordinary object for callers outside: own keys only, each defined as a pair, so a key such
  // as `__proto__` stays a key (assignment would set the prototype instead)
  const c: Record<string, ContextValue> = {};
  for (const [k, v] of conditionKeyMaps(req).values) Object.defineProperty(c, k, { value: v, enumerable: true, writable: true, configurable: true });
  return c;
}

function requestContext(req: AuthRequest, resource: string, world?: World): RequestContext {
  return new LazyRequestContext(req, resource, world);
}

/**
 * The context one policy is evaluated in outside authorize() (the IAM-only checks of CreateKey,
 * RetireGrant, ListRetirableGrants, the key policy lockout check): the same condition keys,
 * built only if a statement has conditions.
 */
export function policyRequestContext(req: ConditionRequest & { action: string }, resource: string): RequestContext {
  return new LazyRequestContext(req, resource, req.world);
}

export function authorize(world: World, req: AuthRequest): AuthResult {
  const { caller, key, host } = req;
  const ctx = requestContext(req, key.arn, world);
  const ignored = caller.source?.ignored;
  const notes: string[] = ignored ? [...ignored] : [];
  const kp = evaluatePolicy(req.keyPolicy, ctx);
  const sameAccount = caller.account === key.account;
  const idp = caller.identityPolicy ? evaluatePolicy(caller.identityPolicy, ctx) : undefined;
  if (kp.exhausted) notes.push(`Key policy: ${kp.exhausted}`);
  if (idp?.exhausted) notes.push(`IAM policy of ${caller.arn}: ${idp.exhausted}`);

  const deny = (error: KmsError, summary: string, via: Decision['via']): AuthResult => ({
    ok: false,
    error,
    decision: { allowed: false, host, summary, via, notes },
  });

  if (kp.denies.length) {
    const s = kp.denies[0];
    return deny(new KmsError('AccessDeniedException', accessDeniedExplicitResource(caller.arn, req.action, key.arn)), `Denied by key policy statement ${label(s.sid, s.index)}${readValues(s)}.`, {
      kind: 'explicit-deny',
      policy: 'key-policy',
      sid: s.sid,
      statement: s.index,
    });
  }
  if (idp?.denies.length) {
    const s = idp.denies[0];
    return deny(new KmsError('AccessDeniedException', accessDeniedExplicitIdentity(caller.arn, req.action, key.arn)), `Denied by ${caller.arn}'s IAM policy statement ${label(s.sid, s.index)}${readValues(s)}.`, {
      kind: 'explicit-deny',
      policy: 'identity-policy',
      sid: s.sid,
      statement: s.index,
    });
  }
  for (const m of kp.misses) notes.push(`Key policy statement ${label(m.sid, m.index)}: ${m.reason}`);
  if (idp) for (const m of idp.misses) notes.push(`IAM policy statement ${label(m.sid, m.index)}: ${m.reason}`);

  const direct = kp.allows.find((s) => s.principalMatch === 'direct');
  if (direct && caller.service !== undefined) {
    // a service has no IAM side: a key policy statement naming it is all it needs
    return allow(host, notes, `Allowed by key policy statement ${label(direct.sid, direct.index)}, which names the service ${caller.service}${readValues(direct)}.`, { kind: 'key-policy', sid: direct.sid, statement: direct.index });
  }
  const viaAccount = kp.allows.find((s) => s.principalMatch === 'account');
  const identityAllow = caller.isRoot ? ROOT_ALLOW : idp?.allows[0];

  // Same account: a direct allow suffices; an account allow delegates to IAM.
  // Cross account: the key policy must allow the caller or its account, and the caller's own
  // account must allow it through IAM (the root of that account needs no policy).
  if (direct && (sameAccount || identityAllow)) {
    return allow(host, notes, `Allowed by key policy statement ${label(direct.sid, direct.index)}, which names ${caller.principalArn}${readValues(direct)}.`, { kind: 'key-policy', sid: direct.sid, statement: direct.index });
  }
  if (viaAccount && identityAllow) {
    if (caller.isRoot) {
      return allow(host, notes, `Allowed by key policy statement ${label(viaAccount.sid, viaAccount.index)}: it trusts account ${caller.account}, and ${caller.arn} is that account's root${readValues(viaAccount)}.`, {
        kind: 'key-policy',
        sid: viaAccount.sid,
        statement: viaAccount.index,
      });
    }
    return allow(host, notes, `Allowed by IAM policy statement ${label(identityAllow.sid, identityAllow.index)} of ${caller.arn}${readValues(identityAllow as StatementMatch)}, which key policy statement ${label(viaAccount.sid, viaAccount.index)}${readValues(viaAccount)} lets IAM decide.`, {
      kind: 'identity-policy',
      sid: identityAllow.sid,
      statement: identityAllow.index,
    });
  }

  // Grants
  const misses: GrantMisses = {};
  if (req.grantOperation) {
    const found = findGrant(world, req, notes, misses);
    if (found) {
      const { grant, viaToken } = found;
      return {
        ok: true,
        grant,
        decision: {
          allowed: true,
          host,
          summary: viaToken
            ? `Allowed by grant ${short(grant.grantId)} through its grant token (host ${host} has not seen the grant yet).`
            : `Allowed by grant ${short(grant.grantId)}, which gives ${World.granteeOf(grant)} ${req.grantOperation} on this key.`,
          via: { kind: viaToken ? 'grant-token' : 'grant', grantId: grant.grantId },
          notes,
        },
      };
    }
  }

  const keyPolicyAllowsSomehow = direct || viaAccount;
  if (misses.sourceArn) {
    // the grant would have applied but for its SourceArn: say so first
    const error = new KmsError('AccessDeniedException', accessDeniedNoResource(caller.arn, req.action, key.arn));
    return deny(error, `Denied: ${misses.sourceArn}`, { kind: 'none' });
  }
  const error = keyPolicyAllowsSomehow
    ? new KmsError('AccessDeniedException', accessDeniedNoIdentity(caller.arn, req.action, key.arn))
    : new KmsError('AccessDeniedException', accessDeniedNoResource(caller.arn, req.action, key.arn));
  const summary = keyPolicyAllowsSomehow
    ? `Denied: the key policy leaves ${req.action} to IAM, and no IAM policy of ${caller.arn} allows it${req.grantOperation ? ', nor does any grant this host has seen' : ''}.`
    : `Denied: no key policy statement allows ${caller.arn} to call ${req.action}${req.grantOperation ? ', and no grant this host has seen does' : ''}.`;
  return deny(error, summary, { kind: 'none' });
}

/** an account's root needs no IAM policy (read only) */
const ROOT_ALLOW: { readonly index: number; readonly sid: string | undefined } = { index: -1, sid: undefined };

function allow(host: number, notes: string[], summary: string, via: Decision['via']): AuthResult {
  return { ok: true, decision: { allowed: true, host, summary, via, notes } };
}

/**
 * " (kms:EncryptionAlgorithm = SYMMETRIC_DEFAULT, the default: the request named no
 * EncryptionAlgorithm)": the values a matching statement's conditions read, and what its
 * policy variables expanded to, for the decision's summary
 */
function readValues(m: StatementMatch): string {
  return m.values?.length ? ` (${joined(m.values, '; ')})` : '';
}

function label(sid: string | undefined, index: number): string {
  return sid ? `"${sid}"` : `#${index + 1}`;
}

export const short = (grantId: string) => grantId.slice(0, 8) + '…';

/** why the grants that would otherwise have applied did not (for the decision's summary) */
interface GrantMisses {
  sourceArn?: string;
}

/** grants a decision names one by one; the rest are counted in one note */
const MAX_GRANT_NOTES = 20;

/**
 * A grant for this caller on this key that allows the operation at this host, or via a token:
 * the first that does without a token, else the first token's. It stops at the first that
 * needs no token (none after it could be better), and notes why at most MAX_GRANT_NOTES of the
 * others did not apply, so a grantee with 50,000 grants still gets a decision of a few lines.
 */
function findGrant(world: World, req: AuthRequest, notes: string[], misses: GrantMisses): { grant: GrantRecord; viaToken: boolean } | null {
  const { caller, key, host, now } = req;
  const op = req.grantOperation!;
  let best: { grant: GrantRecord; viaToken: boolean } | null = null;
  const ecLc = requestContextLc(req.encryptionContext);
  let noted = 0;
  let unnoted = 0;
  /** whether one more grant may be noted (else it is counted) */
  const room = (): boolean => {
    if (noted < MAX_GRANT_NOTES) {
      noted++;
      return true;
    }
    unnoted++;
    return false;
  };
  /** looks at one grant; true once a grant that needs no token is found */
  const consider = (g: GrantRecord, token: boolean): boolean => {
    const id = short(g.grantId);
    if (g.keyId !== key.keyId) {
      if (room()) notes.push(`Grant ${id} (from a grant token) is for another key.`);
      return false;
    }
    if (World.granteeOf(g) !== caller.principalArn) {
      if (room()) notes.push(`Grant ${id} (from a grant token) is for ${World.granteeOf(g)}, not ${caller.principalArn}.`);
      return false;
    }
    if (!g.operations.includes(op)) {
      if (room()) notes.push(`Grant ${id} allows ${g.operations.join(', ')}, not ${op}.`);
      return false;
    }
    const visible = world.hostViews[host]?.has(g.grantId) ?? false;
    let usable = visible;
    let viaToken = false;
    if (!visible) {
      // "Grant tokens supersede the validity of the grant until all endpoints in the service
      // have been updated with the new grant state." (Developer Guide, grants.html)
      const tokenLive = token && (!g.removed || g.removed.arrivals.some((t) => t > now));
      if (tokenLive) {
        usable = true;
        viaToken = true;
      } else if (g.removed) {
        if (room()) notes.push(`Grant ${id} was ${g.removed.change === 'retire' ? 'retired' : 'revoked'}, and host ${host} already knows.`);
      } else if (room()) {
        notes.push(`Grant ${id} has not reached host ${host} yet (it arrives at ${new Date(g.arrivals[host]).toISOString()}); a grant token would let it be used now.`);
      }
    } else if (g.removed) {
      if (room()) notes.push(`Grant ${id} was ${g.removed.change === 'retire' ? 'retired' : 'revoked'}, but host ${host} has not heard yet.`);
    }
    if (!usable) return false;
    const why = constraintMiss(g, req.encryptionContext, op, ecLc);
    if (why) {
      if (room()) notes.push(`Grant ${id}: ${why()}`);
      return false;
    }
    const arnWhy = sourceArnMismatch(g, caller, op);
    if (arnWhy) {
      const text = `grant ${id} requires SourceArn ${g.constraints!.SourceArn}; ${arnWhy}.`;
      if (room()) notes.push(text.charAt(0).toUpperCase() + text.slice(1));
      misses.sourceArn ??= text;
      return false;
    }
    if (!best || (best.viaToken && !viaToken)) best = { grant: g, viaToken };
    return !viaToken;
  };

  const tokenGrants = req.tokenGrants ?? [];
  const seen = tokenGrants.length ? new Set<string>() : undefined;
  let done = false;
  for (const g of tokenGrants) {
    if (seen!.has(g.grantId)) continue;
    seen!.add(g.grantId);
    if ((done = consider(g, true))) break;
  }
  const ids = done ? undefined : world.grantsByGrantee.get(World.granteeKey(key.keyId, caller.principalArn));
  const view = world.hostViews[host];
  if (ids && !seen && view && view.size < ids.size) {
    // Only a grant this host has seen can allow without a token, and the host has seen fewer
    // grants than the grantee holds here: look among those, then name the first few of the
    // rest (none of which can apply) and count the others without visiting them.
    let visible = 0;
    let found = false;
    for (const id of view) {
      const g = world.grants.get(id);
      if (!g || g.keyId !== key.keyId || World.granteeOf(g) !== caller.principalArn) continue;
      visible++;
      if ((found = consider(g, false))) break;
    }
    if (!found) {
      let looked = 0;
      for (const id of ids) {
        if (noted >= MAX_GRANT_NOTES) break;
        if (view.has(id)) continue;
        looked++;
        const g = world.grants.get(id);
        if (g) consider(g, false);
      }
      unnoted += ids.size - visible - looked;
    }
  } else if (ids) {
    for (const id of ids) {
      if (seen?.has(id)) continue;
      const g = world.grants.get(id);
      if (g && consider(g, false)) break;
    }
  }
  if (unnoted) notes.push(`…and ${unnoted} more of ${caller.principalArn}'s grants on this key that do not apply here.`);
  return best;
}

/**
 * SourceArn: "effectively the same as having the aws:SourceArn global condition key in the
 * grant ... only evaluated when the request is made by an AWS service" (CreateGrant reference,
 * docs/sources.md, Grants). So an IAM principal's request is never checked against it; a service's request
 * must carry exactly that source ARN. It "applies to DescribeKey when specified in the request"
 * and not to RetireGrant: a service's DescribeKey without a source ARN passes.
 */
export function sourceArnMismatch(g: GrantRecord, caller: Caller, op: string): string | null {
  const want = g.constraints?.SourceArn;
  if (want === undefined || caller.service === undefined || op === 'RetireGrant') return null;
  const got = caller.source?.sourceArn;
  if (got === undefined) return op === 'DescribeKey' ? null : `the request from ${caller.service} carried no source ARN`;
  if (got !== want) return `the request came from ${got}`;
  return null;
}

/** operations whose requests carry an encryption context that grant constraints apply to */
const EC_OPERATIONS = new Set([
  'Encrypt',
  'Decrypt',
  'ReEncryptFrom',
  'ReEncryptTo',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
]);

/**
 * Encryption-context constraints: Equals needs exactly the same pairs, Subset needs at least
 * the constraint's pairs. Key names compare case-insensitively, values case-sensitively.
 * They do not apply to operations without an encryption context (DescribeKey, RetireGrant...).
 */
export function constraintMismatch(g: GrantRecord, ec: Record<string, string> | undefined, op: string): string | null {
  const why = constraintMiss(g, ec, op, requestContextLc(ec));
  return why === null ? null : why();
}

/** the request's encryption context with its keys lower-cased, made on first use and then kept */
function requestContextLc(ec: Record<string, string> | undefined): () => Map<string, string> {
  let lc: Map<string, string> | undefined;
  return () => (lc ??= lowerKeys(ec ?? {}));
}

/**
 * constraintMismatch for one grant of a request: `reqLc` lower-cases the request's encryption
 * context once for all the grants a request looks at, and the reason is written only when it
 * is shown (a decision notes at most MAX_GRANT_NOTES grants)
 */
function constraintMiss(g: GrantRecord, ec: Record<string, string> | undefined, op: string, reqLc: () => Map<string, string>): (() => string) | null {
  const c = g.constraints;
  if (!c || !EC_OPERATIONS.has(op)) return null;
  if (c.EncryptionContextEquals) {
    const req = reqLc();
    const want = lowerKeys(c.EncryptionContextEquals);
    if (want.size !== req.size || [...want].some(([k, v]) => req.get(k) !== v)) {
      return () => `its EncryptionContextEquals constraint ${JSON.stringify(c.EncryptionContextEquals)} does not match the request's encryption context ${JSON.stringify(ec ?? {})}.`;
    }
  }
  if (c.EncryptionContextSubset) {
    const req = reqLc();
    const want = lowerKeys(c.EncryptionContextSubset);
    if ([...want].some(([k, v]) => req.get(k) !== v)) {
      return () => `its EncryptionContextSubset constraint ${JSON.stringify(c.EncryptionContextSubset)} is not contained in the request's encryption context ${JSON.stringify(ec ?? {})}.`;
    }
  }
  return null;
}

/**
 * An encryption context's own pairs with their keys lower-cased, as a Map: user keys such as
 * `__proto__` or `constructor` must stay ordinary keys (an object literal's `out['__proto__'] = v`
 * sets its prototype instead, and dropped the pair from the constraint).
 */
function lowerKeys(o: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const k of Object.keys(o)) out.set(k.toLowerCase(), o[k]);
  return out;
}
