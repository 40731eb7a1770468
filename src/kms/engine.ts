/**
 * The engine: the world plus everything that moves it — the virtual clock, propagation, the
 * event stream and the operation table. It knows nothing of HTTP: `execute` takes an
 * operation name and a validated input and returns an outcome: the output or a KmsError, with
 * the decision the request's authorization made.
 * The wire layer (wire/http.ts) is the only place that turns either into a Response.
 */
import type { EngineMeta, PrincipalConfig, PropagationOptions, Routing, SimulatorOptions, WorldState } from './api';
import type { Decision, SimEvent } from './events';
import { KmsError } from './errors';
import { isServicePrincipal, makeCaller, makeServiceCaller, rootArn, withSource, type Caller } from './auth/caller';
import { defaultKeyPolicy, parsePolicy, type ParsedPolicy } from './auth/policy';
import { Clock } from './clock';
import { Ctx, type EngineServices } from './ops/context';
import { HANDLERS } from './ops/index';
import { OperationLists } from './ops/grants/operationLists';
import { normalizePropagation } from './propagation';
import { Rng } from './rng';
import { Counters } from './counters';
import { GrantTokens } from './tokens';
import { World, type KeyRecord } from './world';
import type { OperationName } from './model/shapes.generated';
import { DecideCtx, DECIDED, ranThrough } from './ops/decide';

export const DEFAULTS = {
  seed: 42,
  region: 'us-east-1',
  accountId: '111122223333',
  startTime: Date.UTC(2026, 0, 1),
  hosts: 3,
} as const;

export interface Principal {
  caller: Caller;
  accessKeyId: string;
  secretAccessKey?: string;
}

export interface ExecuteOptions {
  /** principal ARN of the caller; the account root when omitted */
  caller?: string;
  region?: string;
  /** pin the host that serves the request */
  host?: number;
  /** aws:SourceArn of a service caller's request (ignored for other callers) */
  sourceArn?: string;
  /** aws:SourceAccount of a service caller's request; default: the account in sourceArn */
  sourceAccount?: string;
  /** kms:ViaService: the request came through this AWS service */
  viaService?: string;
}

export type { EngineMeta, WorldState } from './api';

/**
 * What one request came to: its output or its error, and the decision its authorization made
 * (undefined when it never got that far, or needs none). Data, never hung on the error.
 */
export type Outcome = { ok: true; output: unknown; decision: Decision | undefined } | { ok: false; error: KmsError; decision: Decision | undefined };

export type ExecuteResult = Outcome & { host: number };

export class Engine implements EngineServices {
  readonly world: World;
  readonly tokens: GrantTokens;
  readonly clock: Clock;
  readonly propagation: Required<PropagationOptions>;
  readonly hosts: number;
  readonly region: string;
  readonly accountId: string;
  readonly routing: Routing;
  readonly events: SimEvent[] = [];
  readonly principalsByKey = new Map<string, Principal>();
  readonly principalsByArn = new Map<string, Principal>();
  /** what an access key id no principal holds stands for (SimulatorOptions.unknownAccessKeys) */
  readonly unknownAccessKeys: 'root' | 'reject';
  #listeners = new Set<(e: SimEvent) => void>();
  #policies = new WeakMap<KeyRecord, { text: string; parsed: ParsedPolicy }>();
  /** the counters requests move (counters.ts) */
  readonly #live: Counters;
  /** the counters the request being started moves: the live ones, or a read's copy (scratch) */
  #counters: Counters;

  /** grants' operation lists kept once; a simulator hands the same table to every engine it builds */
  readonly operationLists: OperationLists;

  constructor(options: SimulatorOptions = {}, shared: { operationLists?: OperationLists } = {}) {
    this.operationLists = shared.operationLists ?? new OperationLists();
    const seed = options.seed ?? DEFAULTS.seed;
    this.region = options.region ?? DEFAULTS.region;
    this.accountId = options.accountId ?? DEFAULTS.accountId;
    this.hosts = Math.max(1, Math.floor(options.hosts ?? DEFAULTS.hosts));
    this.routing = options.routing ?? 'random';
    this.unknownAccessKeys = options.unknownAccessKeys ?? 'reject';
    this.propagation = normalizePropagation(options.propagation);
    this.clock = new Clock(options.startTime ?? DEFAULTS.startTime);
    this.world = new World({ hosts: this.hosts }, { seed, counter: 0 });
    this.tokens = new GrantTokens(this.world.tokenSecret);
    // Separate streams, so that which host serves a request, or a request id, never shifts the
    // ids and delays the world draws.
    this.#live = this.#counters = new Counters(this.world.rng, new Rng({ seed: seed ^ 0x6a09e667, counter: 0 }), new Rng({ seed: seed ^ 0x3c6ef372, counter: 0 }));
    this.#organizations = options.organizations;
    for (const p of options.principals ?? []) this.addPrincipal(p);
  }

  /** SimulatorOptions.organizations: aws:PrincipalOrgID by account id */
  readonly #organizations: Record<string, string> | undefined;

  /**
   * A caller with what IAM knows of it beside its policy: its tags (aws:PrincipalTag/<k>, copied
   * as own pairs, so a tag named __proto__ stays a tag) and its account's organization
   * (aws:PrincipalOrgID).
   */
  #identity(c: Caller, tags?: Record<string, string>): Caller {
    if (tags) c.tags = Object.fromEntries(Object.entries(tags));
    const orgs = this.#organizations;
    if (orgs && Object.hasOwn(orgs, c.account)) c.orgId = orgs[c.account];
    return c;
  }

  addPrincipal(p: PrincipalConfig): void {
    if (isServicePrincipal(p.arn)) {
      // an AWS service principal: no IAM identity policy; key policies and grants decide
      if (p.policy !== undefined) throw new TypeError(`${p.arn} is an AWS service principal: it cannot have an IAM identity policy.`);
      const entry: Principal = { caller: this.#identity(makeServiceCaller(p.arn, this.accountId, p.accessKeyId)), accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey };
      this.principalsByKey.set(p.accessKeyId, entry);
      this.principalsByArn.set(p.arn, entry);
      return;
    }
    let policy: ParsedPolicy | undefined;
    if (p.policy !== undefined) {
      const text = typeof p.policy === 'string' ? p.policy : JSON.stringify(p.policy);
      const r = parsePolicy(text, 'identity');
      if (!r.ok) throw new TypeError(`The IAM policy of ${p.arn} is not valid: ${r.detail || r.message}`);
      policy = r.policy;
    }
    const entry: Principal = { caller: this.#identity(makeCaller(p.arn, policy, p.accessKeyId), p.tags), accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey };
    this.principalsByKey.set(p.accessKeyId, entry);
    this.principalsByArn.set(entry.caller.arn, entry);
  }

  /** the caller for an ARN: a configured principal, or any account's root */
  #root: Caller | undefined;
  callerFor(arn: string | undefined): Caller {
    if (arn === undefined) return (this.#root ??= this.principalsByArn.get(rootArn(this.accountId))?.caller ?? this.#identity(makeCaller(rootArn(this.accountId))));
    const p = this.principalsByArn.get(arn);
    if (p) return p.caller;
    return this.#identity(isServicePrincipal(arn) ? makeServiceCaller(arn, this.accountId) : makeCaller(arn));
  }

  // ---- persistence ----------------------------------------------------------------------------

  meta(): EngineMeta {
    const c = this.#live;
    return {
      v: 1,
      now: this.clock.now(),
      rng: c.world.counter,
      routingRng: c.routing.counter,
      requestRng: c.request.counter,
      seq: c.seq,
      roundRobin: c.roundRobin,
      agendaSeq: this.world.agendaSeq,
    };
  }

  state(): WorldState {
    return { meta: this.meta(), keys: [...this.world.keys.values()], aliases: [...this.world.aliases.values()], grants: [...this.world.grants.values()] };
  }

  /** resumes a world a store kept: same records, counters, clock and pending arrivals */
  restore(state: WorldState, events: readonly SimEvent[] = []): void {
    const m = state.meta;
    this.clock.set(m.now);
    const c = this.#live;
    c.world.counter = m.rng;
    c.routing.counter = m.routingRng;
    c.request.counter = m.requestRng;
    c.seq = m.seq;
    c.roundRobin = m.roundRobin;
    for (const k of state.keys) {
      this.world.keys.set(k.keyId, k);
      if (k.state === 'PendingDeletion' && k.deletionDate !== undefined) this.deletionScheduled(k.deletionDate);
    }
    for (const a of state.aliases) this.world.aliases.set(World.aliasId(a.account, a.region, a.aliasName), a);
    const grants = [...state.grants].sort((x, y) => (x.aseq ?? 0) - (y.aseq ?? 0));
    for (const g of grants) this.world.restoreGrant(g, m.now);
    this.world.agendaSeq = Math.max(this.world.agendaSeq, m.agendaSeq);
    this.world.takeChanges();
    // a loop, not push(...events): spread arguments live on the stack, and a saved history of
    // a large workspace (hundreds of thousands of events) overflows it
    for (let i = 0; i < events.length; i++) this.events.push(events[i]);
  }

  // ---- EngineServices ----------------------------------------------------------------------

  emit(e: SimEvent): void {
    this.events.push(e);
    for (const l of this.#listeners) l(e);
  }

  subscribe(listener: (e: SimEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  keyPolicy(key: KeyRecord): ParsedPolicy {
    const cached = this.#policies.get(key);
    if (cached && cached.text === key.policy) return cached.parsed;
    const parsed = this.parseKeyPolicy(key.policy);
    this.#policies.set(key, { text: key.policy, parsed });
    return parsed;
  }

  parseKeyPolicy(text: string): ParsedPolicy {
    const r = parsePolicy(text, 'resource');
    if (!r.ok) throw new KmsError(r.error === 'LimitExceededException' ? 'LimitExceededException' : 'MalformedPolicyDocumentException', r.message);
    return r.policy;
  }

  defaultKeyPolicy(account: string): string {
    return defaultKeyPolicy(account);
  }

  // ---- time ----------------------------------------------------------------------------------

  /** moves the clock to t and applies everything due: arrivals at hosts, key deletions */
  advanceTo(t: number): void {
    const from = this.clock.now();
    this.clock.set(t);
    if (t !== from) this.emit({ type: '@kms.clock', at: t, from });
    this.#applyDue();
  }

  /** the earliest DeletionDate of a key pending deletion (Infinity when none) */
  #nextDeletion = Infinity;

  /** tells the engine a key was scheduled for deletion at t */
  deletionScheduled(t: number): void {
    this.#nextDeletion = Math.min(this.#nextDeletion, t);
  }

  #applyDue(): void {
    const now = this.clock.now();
    const top = this.world.agenda.peek();
    if ((!top || top.at > now) && this.#nextDeletion > now) return;
    for (const a of this.world.drain(now)) {
      this.emit({ type: '@kms.grant.arrived', at: a.at, change: a.change, grantId: a.grantId, host: a.host });
    }
    if (this.world.agenda.size === 0 && this.#nextDeletion > now) return;
    if (this.#nextDeletion <= now) {
      let next = Infinity;
      for (const k of [...this.world.keys.values()]) {
        if (k.state !== 'PendingDeletion' || k.deletionDate === undefined) continue;
        if (k.deletionDate <= now) this.#deleteKey(k);
        else next = Math.min(next, k.deletionDate);
      }
      this.#nextDeletion = next;
    }
  }

  #deleteKey(k: KeyRecord): void {
    const ids = [...(this.world.grantsByKey.get(k.keyId) ?? [])];
    for (const id of ids) {
      const g = this.world.grants.get(id)!;
      this.world.removeGrant(g, 'revoke', k.deletionDate!, 'KMS', g.arrivals.map((a) => Math.max(a, k.deletionDate!)));
    }
    this.world.grantsByKey.delete(k.keyId);
    this.world.deleteKey(k.keyId);
    this.emit({ type: '@kms.key.changed', at: k.deletionDate!, keyArn: k.arn, keyState: 'Deleted', change: 'delete' });
    this.#applyDue();
  }

  /** when every pending grant change will have reached every host */
  settledAt(): number {
    return this.world.settledAt(this.clock.now());
  }

  // ---- requests ------------------------------------------------------------------------------

  /** the counters the request being started moves: the live ones, or a read's copy inside scratch() */
  get counters(): Counters {
    return this.#counters;
  }

  /**
   * Runs `fn` against a copy of the counters, dropped when it returns: a request `fn` starts
   * synchronously (the wire's handle does, given the body) draws its request id, its host and
   * its randomness, even after an await, from the copy, and the live counters never move. For
   * the reads that leave no trace (simulator/requests.ts peek).
   */
  scratch<T>(fn: () => T): T {
    const live = this.#counters;
    this.#counters = live.copy();
    try {
      return fn();
    } finally {
      this.#counters = live;
    }
  }

  pickHost(pinned?: number): number {
    if (pinned !== undefined && Number.isInteger(pinned) && pinned >= 0 && pinned < this.hosts) return pinned;
    const r = this.routing;
    if (typeof r === 'object') return Math.min(Math.max(0, r.pinned | 0), this.hosts - 1);
    if (r === 'round-robin') return this.#counters.roundRobin++ % this.hosts;
    return this.#counters.routing.int(this.hosts);
  }

  nextRequestId(): string {
    return this.#counters.request.uuid();
  }

  nextSeq(): number {
    return ++this.#counters.seq;
  }

  /**
   * Runs one operation with an already validated input and answers its outcome: the output or
   * the KmsError the handler threw, with the decision the request's authorization made either
   * way (a denial explains itself). Synchronous where the operation is (the grant operations
   * are), a Promise where it needs WebCrypto. Anything else a handler throws is a broken
   * invariant and is thrown on.
   */
  execute(op: OperationName, input: Record<string, unknown>, caller: Caller, region: string, host: number): Outcome | Promise<Outcome> {
    const deciding = this.#deciding;
    if (!deciding) this.#applyDue();
    const handler = HANDLERS[op];
    if (!handler) return { ok: false, error: new KmsError('UnsupportedOperationException', `The KMS Grant Playground does not simulate ${op}.`), decision: undefined };
    const ctx = deciding ? new DecideCtx(this, op, caller, region, host, deciding.at, deciding.view) : new Ctx(this, op, caller, region, host, this.clock.now());
    let out: unknown;
    try {
      out = handler(ctx, input);
    } catch (e) {
      return thrown(e, ctx, deciding !== undefined);
    }
    if (out instanceof Promise) {
      return out.then(
        (output): Outcome => {
          if (deciding) ranThrough(op);
          this.#applyDue();
          return { ok: true, output, decision: ctx.decision };
        },
        (e) => thrown(e, ctx, deciding !== undefined),
      );
    }
    if (deciding) ranThrough(op);
    this.#applyDue();
    return { ok: true, output: out, decision: ctx.decision };
  }

  /** set while deciding(): execute decides instead of running (accessMatrix.ts) */
  #deciding: { at: number; view: World } | undefined;

  /**
   * Runs `fn` with execute in its deciding mode: each operation stops once its authorization and
   * key-state checks have passed (answering no output), before it draws randomness or changes
   * anything, and nothing due is applied first. `view` is the world the handler reads (default:
   * this one; accessMatrix.ts's worldAt looks ahead), `at` the time it reads it at (default now).
   * Only what `fn` starts synchronously decides (the wire's handle does, given the body). A
   * decision leaves no trace: it runs against scratch counters, so a request id or a host pick
   * moves only a copy.
   */
  deciding<T>(fn: () => T, opts: { at?: number; view?: World } = {}): T {
    const prev = this.#deciding;
    this.#deciding = { at: opts.at ?? this.clock.now(), view: opts.view ?? this.world };
    try {
      return this.scratch(fn);
    } finally {
      this.#deciding = prev;
    }
  }

  /** a convenience for tests and benchmarks: run an operation as a principal ARN, no HTTP */
  run(op: OperationName, input: Record<string, unknown>, opts: ExecuteOptions = {}): ExecuteResult | Promise<ExecuteResult> {
    const host = this.pickHost(opts.host);
    const caller = withSource(this.callerFor(opts.caller), opts);
    const r = this.execute(op, input, caller, opts.region ?? this.region, host);
    return r instanceof Promise ? r.then((o) => withHost(o, host)) : withHost(r, host);
  }
}

/**
 * What a handler's throw means: DECIDED ends a decision (allowed, no output); a KmsError is the
 * answer, with the decision made before it; anything else is a bug, thrown on.
 */
function thrown(e: unknown, ctx: Ctx, deciding: boolean): Outcome {
  if (deciding && e === DECIDED) return { ok: true, output: undefined, decision: ctx.decision };
  if (e instanceof KmsError) return { ok: false, error: e, decision: ctx.decision };
  throw e;
}

function withHost(o: Outcome, host: number): ExecuteResult {
  return o.ok ? { ok: true, output: o.output, decision: o.decision, host } : { ok: false, error: o.error, decision: o.decision, host };
}
