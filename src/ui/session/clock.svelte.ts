/**
 * The virtual clock as the UI moves it: advance, settle, step to the next arrival, play (the
 * shown time runs ahead of the simulator, which is only advanced when an arrival is due or once
 * a second) and seek. In the past, moving forward goes through the kept future (time travel
 * replays it) instead of forking it.
 */
import type { Engine } from './engine.svelte';
import type { TimeTravel } from './travel.svelte';

/** how often (real ms) a playing clock commits its time to the simulator when nothing is due */
const COMMIT_EVERY_MS = 1000;

export class Clock {
  readonly #engine: Engine;
  readonly #travel: TimeTravel;
  #lastCommit = 0;

  constructor(engine: Engine, travel: TimeTravel) {
    this.#engine = engine;
    this.#travel = travel;
  }

  /** the virtual time the UI shows (during play it may run ahead of the simulator until committed) */
  get now(): number {
    return this.#engine.now;
  }

  /** ms since the scenario started */
  get elapsed(): number {
    return this.#engine.now - this.#engine.config.startTime;
  }

  /** in the past, or on the way there: moving forward replays the kept future */
  #replaying(): boolean {
    return this.#engine.travelling || this.#engine.hasKeptFuture();
  }

  /** moves the clock forward by `ms` (>= 0); in the past, through the kept future first */
  advance(ms: number): void {
    if (!(ms > 0)) return;
    const engine = this.#engine;
    if (this.#replaying()) {
      void this.#travel.travelTo(engine.now + ms);
      return;
    }
    this.#op(() => {
      engine.commitClock();
      engine.sim.clock.advance(ms);
    });
  }

  /** moves the clock to the moment every pending grant change has reached every host */
  settle(): void {
    const engine = this.#engine;
    if (this.#replaying()) {
      // in the past: to the moment the changes in flight at the shown time have all arrived
      const last = engine.index.lastPendingAt();
      if (last !== undefined && last > engine.now) void this.#travel.travelTo(last);
      return;
    }
    this.#op(() => {
      engine.commitClock();
      engine.sim.clock.settle();
    });
  }

  /** advances to the next scheduled arrival; false when nothing is pending */
  stepToNext(): boolean {
    const engine = this.#engine;
    if (this.#replaying()) {
      // in the past: to the next arrival, or the next request of the kept future
      const next = this.#travel.nextStop(engine.now);
      if (next === undefined) return false;
      void this.#travel.travelTo(next);
      return true;
    }
    if (engine.index.nextPendingAt(Math.max(engine.now, engine.sim.clock.now())) === undefined) return false;
    this.#op(() => {
      engine.commitClock();
      engine.sync();
      const now = engine.sim.clock.now();
      const next = engine.index.nextPendingAt(now);
      if (next !== undefined) engine.sim.clock.advance(Math.max(0, next - now));
    });
    return true;
  }

  /** runs a clock change now, or after the request in flight (clock moves never overlap a request) */
  #op(fn: () => void): void {
    const engine = this.#engine;
    const run = () => {
      fn();
      engine.now = engine.sim.clock.now();
      engine.sync();
    };
    if (engine.busy === 0) run();
    else void engine.exclusive(async () => run());
  }

  /** the next scheduled arrival after now (in the past: or the next kept request), if any */
  get nextPendingAt(): number | undefined {
    const engine = this.#engine;
    void engine.version;
    if (engine.inPast) return this.#travel.nextStop(engine.now);
    return engine.index.nextPendingAt(engine.now);
  }

  /**
   * Playback: move the shown time to `t`. The simulator is only advanced when an arrival is due,
   * or once a second, so a playing clock does not flood the event stream with clock ticks.
   */
  playTo(t: number, realNow: number): void {
    const engine = this.#engine;
    if (t <= engine.now) return;
    engine.now = t;
    if (engine.busy > 0 || engine.travelling) return;
    if (engine.hasKeptFuture()) {
      // playing through the kept future replays it (seek forward), never forks it
      const due = this.#travel.nextStop(engine.sim.clock.now());
      if ((due !== undefined && due <= t) || realNow - this.#lastCommit >= COMMIT_EVERY_MS) {
        this.#lastCommit = realNow;
        void this.#travel.travelTo(t, { quiet: true });
      }
      return;
    }
    const next = engine.index.nextPendingAt(engine.sim.clock.now());
    if ((next !== undefined && next <= t) || realNow - this.#lastCommit >= COMMIT_EVERY_MS) {
      this.#lastCommit = realNow;
      engine.commitClock();
      engine.sync();
    }
  }

  /** brings the simulator's clock up to the shown time */
  commit(): void {
    const engine = this.#engine;
    if (engine.busy > 0) return;
    if (engine.hasKeptFuture()) {
      if (engine.now !== engine.sim.clock.now()) void this.#travel.travelTo(engine.now, { quiet: true });
      return;
    }
    engine.commitClock();
    engine.sync();
  }

  /** moves the shown time to `t` (past or future); false when that cannot be done */
  seek(t: number): boolean {
    const engine = this.#engine;
    if (!engine.tt) {
      if (t < engine.now) return false;
      this.advance(t - engine.now);
      return true;
    }
    void this.#travel.travelTo(t);
    return true;
  }
}
