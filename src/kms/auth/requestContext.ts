/**
 * The context a request is authorized in: its principal, action and resource, and its condition
 * keys (conditionKeys.ts derives them from the caller, the operation's parameters and the key;
 * the request's own come on top), built only once a statement with conditions asks for them.
 *
 * A policy reads the keys by lower-cased name. Most requests set no two names that differ only
 * in case, and then the keys go straight into one index by lower-cased name as they are set; the
 * Maps by the name as set (what `conditions` shows, and what decides between two names that do
 * differ only in case) are built only when asked for.
 */
import type { World, KeyRecord } from '../world';
import type { Caller } from './caller';
import { collectConditionKeys, describeValue, encryptionContextName, lowerName, recordsOf, requestConditionKeyMaps, type DerivedKeyMaps, type KeyEntry, type KeySink } from './conditionKeys';
import type { ConditionIndex, ContextValue, ParsedPolicy, RequestContext } from './policy';

/** what a request's condition keys are derived from: the caller, and when known, the operation, its input and key */
export interface ConditionRequest {
  caller: Caller;
  /** the request's encryption context, for grant constraints and the kms:EncryptionContext keys */
  encryptionContext?: Record<string, string>;
  /** extra condition keys of this request (kms:GrantOperations, ...); an undefined value removes the key */
  conditions?: Record<string, ContextValue>;
  /** the IAM action, e.g. 'kms:Decrypt' */
  action?: string;
  /** the operation (e.g. 'ReEncrypt' for kms:ReEncryptFrom): with `input`, sets the operation's condition keys */
  op?: string;
  /** the request body, for the condition keys its parameters set (conditionKeys.ts) */
  input?: unknown;
  key?: KeyRecord;
  now?: number;
  /** the Region the request was sent to (aws:RequestedRegion) */
  region?: string;
  /** the world the key lives in (kms:ResourceAliases); authorize() passes its own */
  world?: World;
}

/**
 * The request's condition keys as Maps by the name as set, in the order set, and for each where
 * its value came from: the keys of conditionKeys.ts, then `req.conditions` on top.
 */
export function conditionKeyMaps(req: ConditionRequest): DerivedKeyMaps {
  const derived = requestConditionKeyMaps({ op: req.op, action: req.action, input: req.input, key: req.key, caller: req.caller, now: req.now, region: req.region, world: req.world });
  const c = derived.values;
  const sources = derived.sources;
  const src = req.caller.source;
  if (req.conditions) {
    for (const k of Object.keys(req.conditions)) {
      const v = req.conditions[k];
      if (v === undefined) {
        c.delete(k);
        continue;
      }
      c.set(k, v);
      if (!sources.has(k)) sources.set(k, 'from the request');
    }
  }
  if (src?.viaService !== undefined) {
    c.set('kms:ViaService', src.viaService);
    sources.set('kms:ViaService', VIA_HEADER);
    // "kms:GrantIsForAWSResource: ... the call is made by an AWS service integrated with KMS on the principal's behalf"
    if (c.has('kms:GrantIsForAWSResource')) c.set('kms:GrantIsForAWSResource', true);
  }
  if (req.encryptionContext) {
    const ec = req.encryptionContext;
    const keys = Object.keys(ec);
    c.set('kms:EncryptionContextKeys', keys);
    sources.set('kms:EncryptionContextKeys', FROM_CONTEXT);
    for (const k of keys) {
      const name = encryptionContextName(k);
      c.set(name, ec[k]);
      sources.set(name, FROM_CONTEXT);
    }
  }
  return derived;
}

const VIA_HEADER = 'the x-playground-via-service header';
const FROM_CONTEXT = "the request's encryption context";

/**
 * The keys of conditionKeyMaps straight into an index by lower-cased name, for a request without
 * `conditions` of its own: `regular` stays true while no two keys share a lower-cased name (nor
 * is a name set twice), and then the index is exactly what conditionKeyMaps would give. Else
 * the caller builds it from conditionKeyMaps instead.
 */
class IndexSink implements KeySink {
  readonly index = new Map<string, KeyEntry>();
  regular = true;
  set(name: string, value: ContextValue, source: string): void {
    if (value !== undefined) this.put({ name, lc: lowerName(name), value, source, shown: undefined });
  }
  put(e: KeyEntry): void {
    if (e.value === undefined) return;
    const m = this.index;
    const n = m.size;
    m.set(e.lc, e);
    if (m.size === n) this.regular = false;
  }
}

/** the index by lower-cased name of conditionKeyMaps(req), or undefined when it must be built from those Maps */
function directIndex(req: ConditionRequest): Map<string, KeyEntry> | undefined {
  if (req.conditions) return undefined;
  const sink = new IndexSink();
  collectConditionKeys({ op: req.op, action: req.action, input: req.input, key: req.key, caller: req.caller, now: req.now, region: req.region, world: req.world }, sink);
  const via = req.caller.source?.viaService;
  // (kms:GrantIsForAWSResource comes only with `conditions`)
  if (via !== undefined) sink.set('kms:ViaService', via, VIA_HEADER);
  if (req.encryptionContext) {
    const ec = req.encryptionContext;
    const keys = Object.keys(ec);
    sink.set('kms:EncryptionContextKeys', keys, FROM_CONTEXT);
    for (const k of keys) sink.set(encryptionContextName(k), ec[k], FROM_CONTEXT);
  }
  return sink.regular ? sink.index : undefined;
}

/** the index by lower-cased name built from the Maps by name: the last name set of those that differ only in case */
function indexOfMaps(d: DerivedKeyMaps): Map<string, KeyEntry> {
  const index = new Map<string, KeyEntry>();
  for (const [k, v] of d.values) {
    if (v === undefined) continue;
    const lc = lowerName(k);
    index.set(lc, { name: k, lc, value: v, source: d.sources.get(k)!, shown: undefined });
  }
  return index;
}

/** the index as a policy reads it: values by lower-cased name */
class EntryIndex implements ConditionIndex {
  constructor(readonly entries: Map<string, KeyEntry>) {}
  get(keyLc: string): ContextValue {
    return this.entries.get(keyLc)?.value;
  }
  has(keyLc: string): boolean {
    return this.entries.has(keyLc);
  }
}

/** a memo by parsed policy (never changed once parsed) */
const aliasMentions = new WeakMap<ParsedPolicy, boolean>();

/** does the policy name kms:ResourceAliases (in a condition, or a variable in a Resource)? */
function mentionsAliases(p: ParsedPolicy | undefined): boolean {
  if (p === undefined) return false;
  let m = aliasMentions.get(p);
  if (m === undefined) {
    m = p.statements.some(
      (s) =>
        s.conditions.some((c) => c.key.toLowerCase() === 'kms:resourcealiases' || c.values.some((v) => v.toLowerCase().includes('kms:resourcealiases'))) ||
        [...(s.resource ?? []), ...(s.notResource ?? [])].some((r) => r.toLowerCase().includes('kms:resourcealiases')),
    );
    aliasMentions.set(p, m);
  }
  return m;
}

/** a request's context whose condition keys are built only if a statement has conditions (the default policy has none) */
export class LazyRequestContext implements RequestContext {
  readonly action: string;
  readonly principal: RequestContext['principal'];
  /** the request the keys are derived from (with the world when a policy names kms:ResourceAliases), once asked */
  #effective: ConditionRequest | undefined;
  #derived: DerivedKeyMaps | undefined;
  #record: Record<string, ContextValue> | undefined;
  #entries: Map<string, KeyEntry> | undefined;
  #index: EntryIndex | undefined;
  constructor(
    readonly req: ConditionRequest & { action: string; keyPolicy?: ParsedPolicy },
    readonly resource: string,
    readonly world?: World,
  ) {
    this.action = req.action;
    const c = req.caller;
    // a service is matched by Principal {"Service": ...} only, never by an AWS account or ARN
    this.principal = c.service !== undefined ? { arn: c.service, account: '', service: c.service } : { arn: c.principalArn, account: c.account };
  }
  #request(): ConditionRequest {
    if (this.#effective === undefined) {
      // kms:ResourceAliases reads every alias of the world: only when a policy of this request names it
      const req = this.req;
      const world = req.world ?? this.world;
      const aliases = world !== undefined && (mentionsAliases(req.keyPolicy) || mentionsAliases(req.caller?.identityPolicy) || req.world !== undefined);
      this.#effective = aliases ? { ...req, world } : req.world === undefined ? req : { ...req, world: undefined };
    }
    return this.#effective;
  }
  /** the condition keys as Maps by name, built on first use */
  #keys(): DerivedKeyMaps {
    return (this.#derived ??= conditionKeyMaps(this.#request()));
  }
  get conditions(): Record<string, ContextValue> {
    return (this.#record ??= recordsOf(this.#keys()).values);
  }
  /** the keys by lower-cased name, each with the name it was set under and its source */
  #byLc(): Map<string, KeyEntry> {
    return (this.#entries ??= directIndex(this.#request()) ?? indexOfMaps(this.#keys()));
  }
  /** the condition keys by lower-cased name (policy.ts), kept so the key policy and the IAM policy share them */
  conditionIndex(): ConditionIndex {
    return (this.#index ??= new EntryIndex(this.#byLc()));
  }
  /** the name a condition key was set under, by its lower-cased name (policy.ts: answers by value) */
  conditionName(keyLc: string): string | undefined {
    return this.#byLc().get(keyLc)?.name;
  }
  /** where the value of the key set under `name` came from */
  conditionSource(name: string): string | undefined {
    const e = this.#byLc().get(lowerName(name));
    // a name the index does not hold as such (a key left out for an undefined value): ask the Maps
    return e !== undefined && e.name === name ? e.source : this.#keys().sources.get(name);
  }
  /** the key set under this lower-cased name: its name as set and its source (what conditionName and conditionSource give) */
  conditionKey(keyLc: string): KeyEntry | undefined {
    return this.#byLc().get(keyLc);
  }
  /** "kms:EncryptionAlgorithm = SYMMETRIC_DEFAULT, the default: ..." for a key the request has */
  describe(key: string): string | undefined {
    return this.describeLc(lowerName(key));
  }
  describeLc(keyLc: string): string | undefined {
    const e = this.#byLc().get(keyLc);
    if (e === undefined) return undefined;
    return (e.shown ??= describeValue(e.name, e.value, e.source));
  }
}
