/**
 * The KMS Grant Playground engine: a simulated AWS KMS that speaks the real wire protocol.
 *
 *   const sim = createSimulator({ seed: 42, propagation: { minMs: 0, maxMs: 0 } });
 *   const res = await sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', {
 *     method: 'POST',
 *     headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.CreateKey' },
 *     body: '{}',
 *   }));
 *
 * Pure and deterministic: the same options and the same requests give byte-identical
 * responses and events. Requests are served one at a time, in the order fetch was called.
 */
import type { Simulator, SimulatorOptions, VirtualClock } from './api';
import type { Decision, SimEvent } from './events';
import { Engine } from './engine';
import { handle } from './wire/http';

export type { Simulator, SimulatorOptions, PrincipalConfig, PropagationOptions, Routing, VirtualClock } from './api';
export type { Decision, SimEvent, SimEventType, GrantChange } from './events';
export { Engine, DEFAULTS } from './engine';
export { KmsError } from './errors';
export { HANDLERS, OPERATION_GROUPS, SUPPORTED_OPERATIONS } from './ops/index';
export { DEFAULT_PROPAGATION } from './propagation';

export interface SimulatorWithEngine extends Simulator {
  /** the engine behind the wire, for tests, benchmarks and tools that skip HTTP */
  readonly engine: Engine;
}

export function createSimulator(options: SimulatorOptions = {}): SimulatorWithEngine {
  const engine = new Engine(options);
  let queue: Promise<unknown> = Promise.resolve();
  let lastDecision: Decision | undefined;

  const clock: VirtualClock = {
    now: () => engine.clock.now(),
    advance(ms: number) {
      if (!(ms >= 0)) throw new RangeError(`advance() takes a non-negative number of ms, got ${ms}`);
      engine.advanceTo(engine.clock.now() + ms);
    },
    set: (t: number) => engine.advanceTo(t),
    settle() {
      engine.advanceTo(engine.settledAt());
      return engine.clock.now();
    },
  };

  async function serve(request: Request): Promise<Response> {
    const at = engine.clock.now();
    const out = await handle(engine, request);
    lastDecision = out.decision;
    const e: SimEvent = {
      type: '@kms.request',
      at,
      seq: engine.nextSeq(),
      requestId: out.response.headers.get('x-amzn-RequestId') ?? '',
      operation: out.operation,
      caller: out.caller,
      host: out.host,
      status: out.status,
    };
    if (out.errorType) e.errorType = out.errorType;
    if (out.decision) e.decision = out.decision;
    engine.emit(e);
    return out.response;
  }

  return {
    engine,
    clock,
    get events(): readonly SimEvent[] {
      return engine.events;
    },
    get lastDecision() {
      return lastDecision;
    },
    subscribe: (listener) => engine.subscribe(listener),
    fetch(request: Request): Promise<Response> {
      const next = queue.then(() => serve(request));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
