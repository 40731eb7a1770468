/**
 * The state one simulator's modules share: the engine (replaced by seek and by loading from a
 * store), the input log and where history stands in it, the listeners, and each part's own state
 * (checkpoints, the job queue, what the store holds, the interning and wire caches). Every cache
 * lives here, on the instance: two simulators on a page share nothing.
 */
import type { Decision, LogEntry, SimEvent, SimulatorOptions, SimulatorStore, StoreName } from '../api';
import { Engine } from '../engine';
import { WireCache } from '../wire/http';
import { OperationLists } from '../ops/grants/operationLists';
import type { World } from '../world';
import { Checkpoints } from './checkpoints';
import { RequestInterner } from './interning';
import { JobQueue } from './queue';
import { SeekInProgressError, type SimulatorHostOptions } from './types';

/** what the simulator knows of its store's copy (persistence.ts) */
export interface StoreState {
  /** set when the store failed: the simulator keeps working in memory, unsaved */
  error: Error | undefined;
  /** log entries and events the store holds */
  committedLog: number;
  committedEvents: number;
  /** the log is cut to this length at the next commit (a fork after seeking back) */
  truncateAt: number | undefined;
  /**
   * Set after a seek until the next commit: the world and events the store holds (those of an
   * engine seek replaced, which no longer changes), and the records that engine changed after
   * its last commit. The next commit writes the difference to the live engine (worldDiff.ts),
   * so consecutive seeks write once, and a seek near the present writes a few records.
   */
  base: { world: World; events: readonly SimEvent[]; forced: { store: StoreName; id: string }[] } | undefined;
  /** a store idle() callback is pending */
  idleArmed: boolean;
}

export class SimCore {
  engine: Engine;
  readonly store: SimulatorStore | undefined;
  readonly listeners = new Set<(e: SimEvent) => void>();
  /** every input so far (requests and clock moves), in order */
  readonly log: LogEntry[] = [];
  /** index into log of the next entry not yet applied (log.length unless seeked back) */
  cursor = 0;
  /** set while seek replays the log: nothing is recorded, emitted to listeners or written */
  replaying = false;
  lastDecision: Decision | undefined;
  /** seek() calls whose job has not finished: clock moves and fork() are refused meanwhile */
  seeking = 0;
  readonly saved: StoreState = { error: undefined, committedLog: 0, committedEvents: 0, truncateAt: undefined, base: undefined, idleArmed: false };
  readonly checkpoints = new Checkpoints();
  readonly interner = new RequestInterner();
  readonly wire = new WireCache();
  /** grants' operation lists, shared by the engines this simulator builds (seek, load) */
  readonly operationLists = new OperationLists();

  constructor(
    readonly options: SimulatorOptions & SimulatorHostOptions,
    readonly queue: JobQueue,
  ) {
    this.store = options.store;
    this.engine = this.newEngine();
    this.attach(this.engine);
  }

  /** a new engine with this simulator's options, for seek and load to fill */
  newEngine(): Engine {
    return new Engine(this.options, { operationLists: this.operationLists });
  }

  /** makes `e` the engine whose events reach the listeners (not while replaying) */
  attach(e: Engine): void {
    // without a store nothing ever takes the world's change sets
    if (!this.store) e.world.trackChanges = false;
    e.subscribe((ev) => {
      if (!this.replaying) for (const l of this.listeners) l(ev);
    });
  }

  notWhileSeeking(what: string): void {
    if (this.seeking > 0) throw new SeekInProgressError(what);
  }
}
