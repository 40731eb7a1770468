/**
 * createSimulator: the facade over the engine. It wires the parts of this folder together: the
 * job queue (queue.ts), requests and trace-free reads (requests.ts), the log and checkpoints
 * (history.ts, checkpoints.ts), seek and fork (timeTravel.ts) and the store (persistence.ts),
 * all over one SimCore (core.ts) per simulator.
 */
import type { SimEvent, SimulatorOptions, VirtualClock } from '../api';
import type { AccessMatrix, AccessMatrixOptions, DecideOutcome } from '../accessMatrix';
import { SimCore } from './core';
import { flush, load, owedWrite } from './persistence';
import { JobQueue } from './queue';
import { accessMatrix, decide, fetchRequest, peek } from './requests';
import { fork, moveClock, seek } from './timeTravel';
import type { SimulatorHostOptions, SimulatorWithEngine } from './types';

export function createSimulator(options: SimulatorOptions & SimulatorHostOptions = {}): SimulatorWithEngine {
  let core!: SimCore;
  const queue = new JobQueue(() => owedWrite(core));
  core = new SimCore(options, queue);

  const loading = load(core);
  queue.startWith(loading);
  const ready = loading.then(() => undefined);

  const clock: VirtualClock = {
    now: () => core.engine.clock.now(),
    advance(ms: number) {
      core.notWhileSeeking('sim.clock.advance()');
      // virtual time is whole milliseconds: the log, events and the scenario format hold nothing finer
      if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`advance() takes a whole, non-negative number of milliseconds, got ${ms}`);
      moveClock(core, core.engine.clock.now() + ms);
    },
    set(t: number) {
      core.notWhileSeeking('sim.clock.set()');
      if (!Number.isSafeInteger(t)) throw new RangeError(`set() takes a time in whole milliseconds since the epoch, got ${t}`);
      if (t < core.engine.clock.now()) throw new RangeError('Unable to travel back in time');
      moveClock(core, t);
    },
    settle() {
      core.notWhileSeeking('sim.clock.settle()');
      moveClock(core, core.engine.settledAt());
      return core.engine.clock.now();
    },
  };

  return {
    get engine() {
      return core.engine;
    },
    clock,
    get events(): readonly SimEvent[] {
      return core.engine.events;
    },
    get lastDecision() {
      return core.lastDecision;
    },
    get log() {
      return core.log;
    },
    get horizon() {
      const log = core.log;
      const last = log[log.length - 1];
      return Math.max(core.engine.clock.now(), last ? last.at : -Infinity);
    },
    subscribe(listener) {
      core.listeners.add(listener);
      return () => core.listeners.delete(listener);
    },
    fetch: (request: Request): Promise<Response> => fetchRequest(core, request),
    seek: (t: number): Promise<void> => seek(core, t),
    peek: (request: Request): Promise<Response> => peek(core, request),
    decide: (request: Request, opts?: { host?: number; at?: number }): Promise<DecideOutcome> => decide(core, request, opts),
    accessMatrix: (keyId: string, opts?: AccessMatrixOptions): Promise<AccessMatrix> => accessMatrix(core, keyId, opts),
    fork: () => fork(core),
    ready,
    flush: () => flush(core),
    get storeError() {
      return core.saved.error;
    },
    checkpointStats: () => core.checkpoints.stats(),
  };
}
