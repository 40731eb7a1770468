/**
 * Brings an audience's Session up to the presenter's log (./follower.ts says what to do), one
 * round at a time; parts that arrive meanwhile are taken in the next round.
 *
 *   - the first time, after a fork or for another world: a new Session over a fresh simulator
 *     that replayed the whole log in one batch (./session.ts);
 *   - many new entries (a late part, a presenter sending in bulk): the same batch replay on top
 *     of the shown simulator, and a new Session over it;
 *   - a few (a presenter's step): sent through the shown Session (./inputs.ts), so the panes
 *     follow request by request as on the presenter's screen.
 */
import type { SimulatorOptions } from '../../kms/api';
import type { Session } from '../Session.svelte';
import { LogFollower } from './follower';
import { replayInputs } from './inputs';
import { batchSession } from './session';

/** more new entries than this are replayed in one batch rather than through the shown Session */
const LIVE_ENTRIES = 20;

export interface CatchUpHooks {
  /** the settings of the world being followed */
  options(): SimulatorOptions;
  /** the Session shown now, if any */
  current(): Session | undefined;
  /** shows a new Session in place of the current one */
  show(session: Session): void;
  /** after each round: the presenter's time and progress */
  after(session: Session): Promise<void> | void;
  status(text: string): void;
}

export class CatchUp {
  readonly log = new LogFollower();
  readonly #hooks: CatchUpHooks;
  #dirty = false;
  #working: Promise<void> | undefined;
  /** the last round that applied something, for tests and measurements */
  lastRound: { kind: 'rebuild' | 'batch' | 'live' | 'none'; entries: number; ms: number } | undefined;

  constructor(hooks: CatchUpHooks) {
    this.#hooks = hooks;
  }

  /** resolves once the work in hand (and any that arrives meanwhile) is done */
  get idle(): Promise<void> {
    return this.#working ?? Promise.resolve();
  }

  /** something arrived: apply it (now, or after the round in progress) */
  kick(): Promise<void> {
    this.#dirty = true;
    this.#working ??= this.#run().finally(() => (this.#working = undefined));
    return this.#working;
  }

  async #run(): Promise<void> {
    while (this.#dirty) {
      this.#dirty = false;
      const plan = this.log.take();
      const started = performance.now();
      const h = this.#hooks;
      try {
        let session = h.current();
        let kind: 'rebuild' | 'batch' | 'live' | 'none' = 'none';
        if (plan.kind === 'rebuild' || !session) {
          kind = 'rebuild';
          if (plan.entries.length > LIVE_ENTRIES) h.status(`Catching up with the presenter: ${plan.entries.length.toLocaleString('en-US')} inputs to replay…`);
          session = await batchSession(h.options(), plan.entries, undefined, { progress: (done, total) => h.status(`Catching up with the presenter: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} inputs replayed…`) });
          h.show(session);
        } else if (plan.entries.length > LIVE_ENTRIES) {
          kind = 'batch';
          session = await batchSession(h.options(), plan.entries, session);
          h.show(session);
        } else if (plan.entries.length) {
          kind = 'live';
          if (session.inPast) await session.returnToPresent();
          await replayInputs(session, plan.entries);
        }
        await h.after(session);
        // a round with nothing to apply (the presenter's clock moved) does not hide the last real one
        if (kind !== 'none' || !this.lastRound) this.lastRound = { kind, entries: plan.entries.length, ms: performance.now() - started };
        h.status('Following the presenter.');
      } catch (e) {
        this.log.failed();
        h.status(`This window could not follow the presenter: ${e instanceof Error ? e.message : String(e)}`);
        console.warn('following the presenter failed', e);
      }
    }
  }
}
