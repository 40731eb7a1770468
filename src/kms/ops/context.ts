/**
 * What a handler gets: the world, who is calling, where (region, host), when, and helpers for
 * the steps most operations share (resolve the key, verify grant tokens, authorize). Handlers
 * check everything first and mutate the world last; a failure is thrown as a KmsError and
 * turned into an HTTP response by the wire layer alone.
 */
import type { Decision, SimEvent } from '../events';
import { KmsError } from '../errors';
import { authorize, policyRequestContext, type AuthRequest } from '../auth/authorize';
import type { Caller } from '../auth/caller';
import type { ContextValue, ParsedPolicy, RequestContext } from '../auth/policy';
import { checkKeyState } from '../keystate';
import { CROSS_ACCOUNT_OPERATIONS, notInCallerAccount, resolveKey } from '../keys';
import { operationDescriptor } from '../operations';
import type { Counters } from '../counters';
import type { Rng } from '../rng';
import type { GrantTokens } from '../tokens';
import type { GrantRecord, KeyRecord, World } from '../world';
import type { PropagationOptions } from '../api';
import type { OperationInput, OperationName } from '../model/shapes.generated';
import type { OperationLists } from './grants/operationLists';

export interface EngineServices {
  world: World;
  tokens: GrantTokens;
  propagation: Required<PropagationOptions>;
  hosts: number;
  emit(e: SimEvent): void;
  keyPolicy(key: KeyRecord): ParsedPolicy;
  /** parses a policy document, or throws MalformedPolicyDocumentException */
  parseKeyPolicy(text: string): ParsedPolicy;
  defaultKeyPolicy(account: string): string;
  deletionScheduled(t: number): void;
  /** the simulator's table of grants' operation lists, each kept once (ops/grants/operationLists.ts) */
  readonly operationLists: OperationLists;
  /** the counters the request being started moves (a copy, during a read that leaves no trace) */
  readonly counters: Counters;
}

/**
 * 'kms:' + operation, one flat string per operation (compared and lower-cased on every call). A
 * pure memo shared by every simulator: its keys are the model's operation names (a handler runs
 * only for one), and each value depends on its key alone.
 */
const ACTIONS = new Map<string, string>();
function actionOf(op: string): string {
  let a = ACTIONS.get(op);
  if (a === undefined) ACTIONS.set(op, (a = `kms:${op}`));
  return a;
}

/** what a request without grant tokens stands on: one shared empty list */
const NO_GRANTS: readonly GrantRecord[] = Object.freeze([]);

export class Ctx {
  decision: Decision | undefined;
  /** the request body (set by the operation table before the handler runs): its parameters set condition keys */
  input: unknown;
  /** the counters this request moves, taken when it starts: its draws after an await move them too */
  readonly #counters: Counters;
  constructor(
    readonly svc: EngineServices,
    readonly op: string,
    readonly caller: Caller,
    readonly region: string,
    readonly host: number,
    readonly now: number,
  ) {
    this.#counters = svc.counters;
  }

  get world(): World {
    return this.svc.world;
  }
  /** the world's randomness, as this request draws it */
  get rng(): Rng {
    return this.#counters.world;
  }
  get scope() {
    return { account: this.caller.account, region: this.region };
  }

  /**
   * resolves KeyId (aliases only where the operation takes them: its descriptor's `aliases`); a
   * key of another account only in the operations that are cross-account (docs/sources.md, Key
   * identifiers)
   */
  key(keyId: string): KeyRecord {
    const aliases = operationDescriptor(this.op)?.aliases === true;
    const k = resolveKey(this.world, keyId, this.scope, aliases);
    if (k instanceof KmsError) throw k;
    if (k.account !== this.caller.account && !CROSS_ACCOUNT_OPERATIONS.has(this.op)) throw notInCallerAccount(k);
    return k;
  }

  keyState(key: KeyRecord, op = this.op): void {
    const e = checkKeyState(op, key);
    if (e) throw e;
  }

  /** verifies every token; anything this engine did not issue is InvalidGrantTokenException */
  tokenGrants(tokens: readonly string[] | undefined): readonly GrantRecord[] {
    if (!tokens || tokens.length === 0) return NO_GRANTS;
    const out: GrantRecord[] = [];
    for (const t of tokens) {
      const id = this.svc.tokens.verify(t);
      if (id === null) throw new KmsError('InvalidGrantTokenException', 'The grant token is not valid.');
      const g = this.world.grants.get(id);
      if (g) out.push(g);
    }
    return out;
  }

  /** authorizes the call on `key`, recording the decision; throws AccessDeniedException */
  authorize(
    key: KeyRecord,
    opts: { action?: string; grantOperation?: string; tokens?: readonly string[]; tokenGrants?: readonly GrantRecord[]; encryptionContext?: Record<string, string>; conditions?: Record<string, ContextValue> } = {},
  ): { grant?: GrantRecord } {
    const req: AuthRequest = {
      action: opts.action ?? actionOf(this.op),
      caller: this.caller,
      key,
      keyPolicy: this.svc.keyPolicy(key),
      host: this.host,
      now: this.now,
      grantOperation: opts.grantOperation,
      tokenGrants: opts.tokenGrants ?? this.tokenGrants(opts.tokens),
      encryptionContext: opts.encryptionContext,
      conditions: opts.conditions,
      op: this.op,
      input: this.input,
      region: this.region,
    };
    const r = authorize(this.world, req);
    this.decision = r.decision;
    if (!r.ok) throw r.error;
    return r;
  }

  /**
   * The request context for evaluating one policy outside authorize() (IAM-only checks): the
   * caller, this request's parameters and, when given, the key's properties as condition keys.
   */
  policyContext(action: string, resource: string, opts: { key?: KeyRecord; conditions?: Record<string, ContextValue>; encryptionContext?: Record<string, string> } = {}): RequestContext {
    return policyRequestContext({ action, caller: this.caller, op: this.op, input: this.input, region: this.region, now: this.now, world: this.world, ...opts }, resource);
  }

  /**
   * records a decision for operations that need no key authorization; takes the caller's fresh
   * literal and adds `host` last (what a copy with host appended would hold, without the copy)
   */
  decide(decision: Omit<Decision, 'host'>): void {
    const d = decision as Decision;
    d.host = this.host;
    this.decision = d;
  }

  /** DryRun: "The request would have succeeded, but the DryRun option is set." (recorded) */
  dryRun(flag: unknown): void {
    if (flag === true) throw new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
  }
}

export type Handler = (ctx: Ctx, input: any) => unknown;

/**
 * A handler typed by its operation's request as the API model gives it (model/shapes.generated.ts):
 * the operation table holds these, so a handler whose input type disagrees with the model does
 * not compile. The wire hands it the validated body, nulls removed.
 */
export type OperationHandler<O extends OperationName> = (ctx: Ctx, input: OperationInput<O>) => unknown;
