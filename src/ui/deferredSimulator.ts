/**
 * A Simulator that exists before the engine has loaded. The shell (UI + Svelte, ~40 KB gzip)
 * paints and becomes usable at once; the engine arrives as its own chunk a moment later (or, with
 * a saved workspace, once its store has loaded). Until then requests wait for it, clock moves are
 * remembered and applied on arrival, and there are no events.
 */
import type { Simulator, VirtualClock } from '../kms/api';
import type { Decision, SimEvent } from '../kms/events';

export interface DeferredSimulator extends Simulator {
  readonly loaded: boolean;
  /** resolves with the real simulator once it is ready */
  readonly whenLoaded: Promise<Simulator>;
}

export function deferredSimulator(load: Promise<Simulator>, startTime: number): DeferredSimulator {
  let real: Simulator | undefined;
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
