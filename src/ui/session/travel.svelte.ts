/**
 * Time travel: `travelTo(t)` shows the world as it was at t (the engine replays its input log).
 * What happened after t is the kept future: history entries after t are shown as such, moving
 * forward (play, step, advance, the scrubber) replays them, and sending a request while in the
 * past forks: the kept future is dropped (the UI says so first: `forkWarning`).
 *
 * Calls made while a travel runs coalesce into its last target, so a dragged scrubber never
 * queues a replay per pixel.
 */
import { plural } from '../format';
import { clampTravel, earliest, forkWarning, nextLoggedRequestAt, previousStop, travelAnnouncement } from '../timeline/travel';
import type { Announcer } from './announcer.svelte';
import type { Engine } from './engine.svelte';
import type { RequestHistory } from './history.svelte';
import type { StateReader } from './stateReader.svelte';

export class TimeTravel {
  readonly #engine: Engine;
  readonly #history: RequestHistory;
  readonly #announcer: Announcer;
  readonly #reader: StateReader;
  /** a simulator that cannot travel only moves on: the clock's way to time t (>= now) */
  readonly #forward: (t: number) => void;
  /** the latest requested travel target not yet reached (drags coalesce into it) */
  #target: number | undefined;
  #run: Promise<void> | undefined;
  #quiet = true;
  #from = 0;

  constructor(engine: Engine, history: RequestHistory, announcer: Announcer, reader: StateReader, forward: (t: number) => void) {
    this.#engine = engine;
    this.#history = history;
    this.#announcer = announcer;
    this.#reader = reader;
    this.#forward = forward;
  }

  /** true when the simulator can rebuild the past (seek) and read it without forking it (peek) */
  get canTravelBack(): boolean {
    return this.#engine.tt !== undefined;
  }

  /** a travel is on its way to a target it has not reached yet */
  get pending(): boolean {
    return this.#target !== undefined;
  }

  /** the latest time history reaches; later than `now` while the past is shown */
  get horizon(): number {
    return Math.max(this.#engine.storedHorizon, this.#engine.now);
  }

  /** said before a request would fork history (undefined at the present) */
  get forkWarning(): string | undefined {
    const engine = this.#engine;
    if (!engine.inPast) return undefined;
    return forkWarning(this.#history.keptFuture.length, engine.now, engine.storedHorizon, engine.config.startTime);
  }

  /** back to the latest time history reaches (replays the kept future) */
  returnToPresent(): Promise<void> {
    return this.travelTo(this.horizon);
  }

  /** to the moment of the latest event before the shown time (or the start) */
  stepBack(): boolean {
    const engine = this.#engine;
    const t = previousStop(engine.index.lanes, engine.now, engine.config.startTime);
    if (t === undefined || !engine.tt) return false;
    void this.travelTo(t);
    return true;
  }

  /** is there anything before the shown time to step back to? */
  get canStepBack(): boolean {
    return this.#engine.tt !== undefined && this.#engine.now > this.#engine.config.startTime;
  }

  /** the next scheduled arrival after `now`, or the next request of the kept future */
  nextStop(now: number): number | undefined {
    const engine = this.#engine;
    return earliest(engine.index.nextPendingAt(now), engine.tt ? nextLoggedRequestAt(engine.tt.log, now) : undefined);
  }

  /**
   * Shows the world at virtual time `t`: the engine replays its log to t (`sim.seek`), or moves its
   * clock on past the horizon. Resolves once the state browser has caught up.
   */
  travelTo(t: number, opts: { quiet?: boolean } = {}): Promise<void> {
    const engine = this.#engine;
    if (!engine.tt) {
      this.#forward(t);
      return Promise.resolve();
    }
    const target = clampTravel(t, engine.config.startTime);
    if (!engine.travelling) {
      this.#from = engine.now;
      this.#quiet = true;
    }
    this.#quiet &&= opts.quiet === true;
    // the response shown follows the clock: the latest one sent by the time travelled to
    this.#history.unselect();
    this.#target = target;
    engine.now = target;
    engine.travelling = true;
    if (this.#run) return this.#run;
    const run = engine
      .exclusive(async () => {
        try {
          while (this.#target !== undefined) {
            const next = this.#target;
            this.#target = undefined;
            await this.goTo(next);
          }
        } finally {
          this.#run = undefined;
          engine.travelling = false;
          const simNow = engine.sim.clock.now();
          // playback may have moved the shown time on meanwhile; never show a time the engine is not at
          if (engine.now < simNow) engine.now = simNow;
          engine.storedHorizon = engine.tt?.horizon ?? engine.storedHorizon;
        }
      })
      .then(async () => {
        this.#announce();
        await this.#reader.refresh(true);
      });
    this.#run = run;
    return run;
  }

  #announce(): void {
    const to = this.#engine.now;
    const horizon = this.horizon;
    const reachedPresent = to >= horizon && this.#from < horizon;
    if (this.#quiet && !reachedPresent) return;
    if (to === this.#from) return;
    const text = travelAnnouncement({ from: this.#from, to, horizon, start: this.#engine.config.startTime, kept: this.#history.keptFuture.length });
    // where the clock now is replaces whatever was waiting to be said; a drag speaks at most every so often
    this.#announcer.sayInstead(text.replace(/\.$/, ''));
  }

  /** brings the engine to `target` (inside engine.exclusive): replay for the past and the kept future, clock moves beyond */
  async goTo(target: number): Promise<void> {
    const engine = this.#engine;
    const tt = engine.tt;
    if (!tt) return;
    const t = clampTravel(target, engine.config.startTime);
    const simNow = tt.clock.now();
    if (t === simNow) return;
    const horizon = tt.horizon;
    if (t < simNow || horizon > simNow) {
      await tt.seek(Math.min(t, horizon));
      engine.reindex();
    }
    const at = tt.clock.now();
    // beyond the horizon there is nothing to replay: the present moves on
    if (t > at) tt.clock.advance(t - at);
    engine.storedHorizon = tt.horizon;
    engine.sync();
  }

  /**
   * Sending in the past (inside engine.exclusive): brings the engine to the shown time and forks
   * there; the history entries that were in the kept future are gone.
   */
  async fork(): Promise<void> {
    const engine = this.#engine;
    const tt = engine.tt;
    if (!tt) return;
    await this.goTo(engine.now);
    tt.fork();
    const now = engine.sim.clock.now();
    const dropped = this.#history.dropAfter(now);
    if (dropped > 0) this.#announcer.addToNext(`${plural(dropped, 'later request')} replaced`);
    engine.storedHorizon = tt.horizon;
  }
}
