/**
 * The context a decision runs a handler with (accessMatrix.ts says what a decision is): the
 * handler's own code, stopped once its authorization and key-state checks have passed. Apart
 * from accessMatrix.ts so that the engine, which runs handlers in this mode, and the access
 * matrix, which drives the engine, import each other in one direction only.
 */
import type { Decision } from '../api';
import type { Caller } from '../auth/caller';
import type { ContextValue } from '../auth/policy';
import { KEY_STATE_RULES } from '../keystate';
import type { GrantRecord, KeyRecord, World } from '../world';
import { Ctx, type EngineServices } from './context';

/** thrown by DecideCtx once the decision is made; never leaves the engine */
export const DECIDED: unique symbol = Symbol('decided');

/**
 * Operations whose key-state row accepts every state: a key-state check can never refuse them,
 * so they are decided once authorized (some never check the key state at all).
 */
function endsAtAuthorization(op: string): boolean {
  const row = KEY_STATE_RULES[op];
  if (!row) return true;
  return row.Enabled === 'ok' && row.Disabled === 'ok' && row.PendingDeletion === 'ok' && row.PendingImport === 'ok';
}

/**
 * The context a decision runs a handler with: it reads a view of the world (now, or as it will be
 * at a later time), and ends the handler with DECIDED as soon as the answer up to the operation
 * itself is known:
 * - after authorization, for operations no key state can refuse;
 * - else after the key-state check that follows every authorization (ReEncrypt authorizes two
 *   keys and checks both states);
 * - after an allowing decision that needs no key (ctx.decide: CreateKey, RetireGrant, ...).
 * A denial or any other error is thrown as the handler throws it.
 */
export class DecideCtx extends Ctx {
  #authorized = 0;
  #checked = 0;
  constructor(
    svc: EngineServices,
    op: string,
    caller: Caller,
    region: string,
    host: number,
    now: number,
    readonly view: World,
  ) {
    super(svc, op, caller, region, host, now);
  }

  override get world(): World {
    return this.view;
  }

  override authorize(
    key: KeyRecord,
    opts: { action?: string; grantOperation?: string; tokens?: readonly string[]; tokenGrants?: readonly GrantRecord[]; encryptionContext?: Record<string, string>; conditions?: Record<string, ContextValue> } = {},
  ): { grant?: GrantRecord } {
    const r = super.authorize(key, opts);
    this.#authorized++;
    if (endsAtAuthorization(this.op)) throw DECIDED;
    return r;
  }

  override keyState(key: KeyRecord, op = this.op): void {
    super.keyState(key, op);
    if (++this.#checked >= this.#authorized) throw DECIDED;
  }

  override decide(decision: Omit<Decision, 'host'>): void {
    super.decide(decision);
    if (decision.allowed) throw DECIDED;
  }
}

/** a handler that ran to its end in a decision: a broken promise of this module, said loudly */
export function ranThrough(op: string): never {
  throw new Error(`decide: the ${op} handler ran past its authorization and key-state checks`);
}
