/**
 * A session's link to its simulator, shared by the session's parts: the shown time and how far
 * history reaches, the incremental event index, and the queue that runs engine work one piece at
 * a time (hidden reads, requests, clock moves and replays never interleave).
 *
 * It tells its owner what the index gained (`indexed`) and when it was rebuilt (`reindexed`),
 * so the announcer and the state reader follow the events without this class knowing them.
 */
import type { Simulator } from '../../kms/api';
import type { SimEvent } from '../../kms/events';
import { EventIndex, type TimelineItem } from '../eventIndex';
import { buildRequest, type Caller } from '../wire';
import { isTimeTravelSimulator, type TimeTravelSimulator } from '../deferredSimulator';
import type { SentRequest, SessionConfig } from './types';

export interface EngineObserver {
  /** new events were indexed (not after a rebuild: `reindexed` says that) */
  indexed(added: readonly TimelineItem[]): void;
  /** the index was started over (the engine's past was rebuilt) */
  reindexed(): void;
}

export class Engine {
  readonly sim: Simulator;
  readonly config: SessionConfig;
  readonly rootArn: string;
  readonly callers: readonly Caller[];
  /** the simulator's time-travel side (undefined for a plain Simulator: no travel, reads via fetch) */
  readonly tt: TimeTravelSimulator | undefined;
  /** the incremental index over sim.events; read it after reading `version` */
  index: EventIndex;

  #version = $state.raw(0);
  #now = $state.raw(0);
  /** the latest time history reaches (sim.horizon); later than `now` while showing the past */
  #horizon = $state.raw(0);
  #travelling = $state.raw(false);

  /** true while the state browser's own reads run: their request events are hidden */
  internal = false;
  #observer: EngineObserver | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #busy = 0;
  #syncScheduled = false;
  #unsubscribe: (() => void) | undefined;

  constructor(sim: Simulator, config: SessionConfig, callers: readonly Caller[], rootArn: string) {
    this.sim = sim;
    this.config = config;
    this.callers = callers;
    this.rootArn = rootArn;
    this.tt = isTimeTravelSimulator(sim) ? sim : undefined;
    this.#now = sim.clock.now();
    this.#horizon = this.tt ? this.tt.horizon : this.#now;
    this.index = new EventIndex(config.hosts);
  }

  /** starts following the simulator's events (once the parts that observe them exist) */
  start(observer: EngineObserver): void {
    this.#observer = observer;
    this.#unsubscribe = this.sim.subscribe((e) => this.#onEvent(e));
    this.sync();
  }

  dispose(): void {
    this.#unsubscribe?.();
  }

  /** the virtual time the UI shows (during play it may run ahead of the simulator until committed) */
  get now(): number {
    return this.#now;
  }

  set now(t: number) {
    this.#now = t;
  }

  /** the latest time history reaches as last read from the engine (see Session.horizon) */
  get storedHorizon(): number {
    return this.#horizon;
  }

  set storedHorizon(t: number) {
    this.#horizon = t;
  }

  /** true while an earlier time than the latest is shown (there is a kept future) */
  get inPast(): boolean {
    return this.#horizon > this.#now;
  }

  /** true while the engine is rebuilding another time */
  get travelling(): boolean {
    return this.#travelling;
  }

  set travelling(on: boolean) {
    this.#travelling = on;
  }

  /** bumps whenever new events were indexed; read it to re-derive from `index` */
  get version(): number {
    return this.#version;
  }

  /** engine work running or queued */
  get busy(): number {
    return this.#busy;
  }

  /** does the engine hold inputs later than its clock (a kept future)? */
  hasKeptFuture(): boolean {
    return this.tt !== undefined && this.tt.horizon > this.sim.clock.now();
  }

  /** brings the simulator's clock up to the shown time */
  commitClock(): void {
    const simNow = this.sim.clock.now();
    if (this.#now > simNow) this.sim.clock.advance(this.#now - simNow);
    this.#now = this.sim.clock.now();
  }

  /** the HTTP request for `req`, signed as its caller at the simulator's time */
  request(req: SentRequest): Request {
    return buildRequest(req, { region: this.config.region, callers: this.callers, now: this.sim.clock.now() });
  }

  #onEvent(e: SimEvent): void {
    if (this.internal && e.type === '@kms.request') this.index.hiddenRequests.add(e.requestId);
    if (!this.#syncScheduled) {
      this.#syncScheduled = true;
      queueMicrotask(() => this.sync());
    }
  }

  /** catches the index (and the shown time, the horizon) up with the engine */
  sync(): void {
    this.#syncScheduled = false;
    // the clock may also have been moved by someone else (a scenario runner, a test's setup)
    const simNow = this.sim.clock.now();
    if (simNow > this.#now && !this.#travelling) this.#now = simNow;
    if (this.tt) this.#horizon = this.tt.horizon;
    // someone else rebuilt the engine's past (sim.seek): start the index over
    if (this.index.cursor > this.sim.events.length) this.reindex();
    if (this.index.cursor === this.sim.events.length) return;
    const added = this.index.sync(this.sim.events);
    this.#version++;
    this.#observer?.indexed(added);
  }

  /** a fresh index over the engine's events (they were rebuilt by a seek) */
  reindex(): void {
    this.index = EventIndex.rebuild(this.config.hosts, this.sim.events, this.index.hiddenRequests);
    this.#version++;
    this.#observer?.reindexed();
  }

  /** runs engine work one piece at a time, so hidden reads and user requests never interleave */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = async () => {
      this.#busy++;
      try {
        return await fn();
      } finally {
        this.#busy--;
      }
    };
    const p = this.#queue.then(run, run);
    this.#queue = p.catch(() => undefined);
    return p;
  }

  /** resolves once the work queued so far has run */
  settled(): Promise<void> {
    return this.#queue.then(() => undefined);
  }
}
