/**
 * A Simulator that exists before the engine has loaded. The shell (UI + Svelte, ~40 KB gzip)
 * paints and becomes usable at once; the engine arrives as its own chunk a moment later (or, with
 * a saved workspace, once its store has loaded). Until then requests wait for it, clock moves are
 * remembered and applied on arrival, and there are no events.
 *
 * It also passes on the time-travel part of the engine (peek, seek, horizon, fork, log): before
 * the engine there is no history, so there is nothing to travel to, and peeks wait for it.
 */
import type { LogEntry, Simulator, VirtualClock } from '../kms/api';
import type { Decision, SimEvent } from '../kms/events';

/** what the UI needs beyond the Simulator contract: read without a trace, and time travel */
export interface TimeTravelSimulator extends Simulator {
  /** every input so far (requests and clock moves), in time order */
  readonly log: readonly LogEntry[];
  /** the latest virtual time history reaches (later than now after seeking back) */
  readonly horizon: number;
  /** rebuilds the world as it was at virtual time t (past, or within the kept future) */
  seek(t: number): Promise<void>;
  /** drops the history after now */
  fork(): void;
  /** answers a read-only request as if it never happened (no log entry, no event) */
  peek(request: Request): Promise<Response>;
}

export function isTimeTravelSimulator(sim: Simulator): sim is TimeTravelSimulator {
  const s = sim as Partial<TimeTravelSimulator>;
  return typeof s.peek === 'function' && typeof s.seek === 'function' && typeof s.fork === 'function';
}

export interface DeferredSimulator extends TimeTravelSimulator {
  readonly loaded: boolean;
  /** resolves with the real simulator once it is ready */
  readonly whenLoaded: Promise<TimeTravelSimulator>;
}

export function deferredSimulator(load: Promise<TimeTravelSimulator>, startTime: number): DeferredSimulator {
  let real: TimeTravelSimulator | undefined;
  let localNow = startTime;
  const listeners = new Set<(e: SimEvent) => void>();
  const unsubscribers = new Map<(e: SimEvent) => void, () => void>();

  const whenLoaded = load.then((sim) => {
    // time the user moved on before the engine arrived
    if (localNow > sim.clock.now()) sim.clock.set(localNow);
    real = sim;
    for (const l of listeners) unsubscribers.set(l, sim.subscribe(l));
    return sim;
  });

  const clock: VirtualClock = {
    now: () => (real ? real.clock.now() : localNow),
    advance(ms) {
      if (real) real.clock.advance(ms);
      else if (ms > 0) localNow += ms;
    },
    set(t) {
      if (real) real.clock.set(t);
      else if (t < localNow) throw new RangeError('Unable to travel back in time');
      else localNow = t;
    },
    settle() {
      // before the engine there are no grant changes in flight
      return real ? real.clock.settle() : localNow;
    },
  };

  return {
    get loaded() {
      return real !== undefined;
    },
    whenLoaded,
    clock,
    get events(): readonly SimEvent[] {
      return real ? real.events : [];
    },
    get lastDecision(): Decision | undefined {
      return real?.lastDecision;
    },
    fetch(request: Request): Promise<Response> {
      return real ? real.fetch(request) : whenLoaded.then((sim) => sim.fetch(request));
    },
    get log(): readonly LogEntry[] {
      return real ? real.log : [];
    },
    get horizon(): number {
      return real ? real.horizon : localNow;
    },
    seek(t: number): Promise<void> {
      if (real) return real.seek(t);
      // nothing has happened yet: only the (remembered) clock can move, and only forward
      if (t > localNow) localNow = t;
      return Promise.resolve();
    },
    fork(): void {
      real?.fork();
    },
    peek(request: Request): Promise<Response> {
      return real ? real.peek(request) : whenLoaded.then((sim) => sim.peek(request));
    },
    subscribe(listener) {
      listeners.add(listener);
      if (real) unsubscribers.set(listener, real.subscribe(listener));
      return () => {
        listeners.delete(listener);
        unsubscribers.get(listener)?.();
        unsubscribers.delete(listener);
      };
    },
  };
}
