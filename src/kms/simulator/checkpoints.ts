/**
 * Checkpoints (raftscope's): copies of the world, so seek replays only the log entries after
 * the latest one at or before its target. Dropped when history forks before them.
 *
 * Bounded (issue #2): a checkpoint is taken once max(CHECKPOINT_EVERY, worldSize /
 * CHECKPOINT_SPREAD) entries have passed since the last one, so taking them costs O(1) per
 * input however large the world grows. At most MAX_CHECKPOINTS are kept, holding together at
 * most CHECKPOINT_RECORD_BUDGET times the world's records: past either, the one whose removal
 * leaves the smallest gap relative to its distance from the present goes (dropIndex), which
 * leaves them dense near the present and geometrically sparser into the past. Grant
 * records are shared, not copied: a record changes only once, when it is removed (and that
 * removal's agenda sequence number tells whether it came before the checkpoint), so a
 * checkpoint holds one reference per grant. Keys and aliases, which change in place, are
 * copied. Together: checkpoint memory stays within a small constant of the world's.
 */
import type { GrantRecord, SimEvent, WorldState } from '../api';
import type { Engine } from '../engine';
import type { CheckpointStats } from './types';

/** the least number of log entries between two checkpoints */
const CHECKPOINT_EVERY = 50;
/** ...and at least worldSize / CHECKPOINT_SPREAD, so copying the world costs O(1) per input */
const CHECKPOINT_SPREAD = 32;
/** the most checkpoints kept; older ones are thinned */
export const MAX_CHECKPOINTS = 32;
/** ...and the records they hold together stay under this many times the world's (plus a floor) */
export const CHECKPOINT_RECORD_BUDGET = 8;
export const CHECKPOINT_RECORD_FLOOR = 4_096;

interface Checkpoint {
  /** log entries before it */
  index: number;
  at: number;
  meta: WorldState['meta'];
  /** copies */
  keys: WorldState['keys'];
  aliases: WorldState['aliases'];
  /** the live records, shared (see above) */
  grants: readonly GrantRecord[];
  events: readonly SimEvent[];
  count: number;
}

/** the world a checkpoint holds, as fresh records a new engine may own and change */
function checkpointState(cp: Checkpoint): WorldState {
  const before = cp.meta.agendaSeq;
  const grants = cp.grants.map((g) => {
    const { removed, ...rest } = g;
    // a removal scheduled at or after the checkpoint's agenda sequence came after it
    // (records a store handed back may lack aseq: their removals are older than any checkpoint)
    return removed && (removed.aseq ?? -1) < before ? { ...rest, removed } : (rest as GrantRecord);
  });
  return { meta: { ...cp.meta }, keys: structuredClone(cp.keys), aliases: structuredClone(cp.aliases), grants };
}

/**
 * Drops checkpoints until at most `max` remain, each time the one picked by dropIndex.
 */
export function thinCheckpoints<T extends { index: number }>(cps: T[], end: number, max = MAX_CHECKPOINTS): void {
  while (cps.length > max) cps.splice(dropIndex(cps, end), 1);
}

/**
 * The checkpoint to drop next: never the newest; else the one whose gap to its neighbours is
 * smallest relative to its distance from the present `end`, so that what remains is dense near
 * the present and geometrically sparser into the past.
 */
function dropIndex(cps: readonly { index: number }[], end: number): number {
  let best = 0;
  let bestScore = Infinity;
  for (let i = 0; i < cps.length - 1; i++) {
    const gap = cps[i + 1].index - (i > 0 ? cps[i - 1].index : 0);
    const score = gap / (end - cps[i].index);
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

/** the checkpoints of one simulator's history, and the records they hold together */
export class Checkpoints {
  readonly #list: Checkpoint[] = [];
  /** records (grants, keys, aliases) all checkpoints hold together */
  #held = 0;

  /** drops the checkpoints after log index `index` (history forks there) */
  dropAfter(index: number): void {
    const cps = this.#list;
    while (cps.length && cps[cps.length - 1].index > index) this.#held -= recordsOf(cps.pop()!);
  }

  /** takes a checkpoint of `engine` after `logLength` log entries when one is due */
  maybeTake(engine: Engine, logLength: number): void {
    if (logLength === 0) return;
    const checkpoints = this.#list;
    const last = checkpoints.length ? checkpoints[checkpoints.length - 1].index : 0;
    if (last >= logLength) return;
    const w = engine.world;
    const size = w.grants.size + w.keys.size + w.aliases.size;
    if (logLength - last < Math.max(CHECKPOINT_EVERY, Math.ceil(size / CHECKPOINT_SPREAD))) return;
    // the engine's event array only grows, so a reference and a length pin the prefix
    const cp: Checkpoint = {
      index: logLength,
      at: engine.clock.now(),
      meta: engine.meta(),
      keys: structuredClone([...w.keys.values()]),
      aliases: structuredClone([...w.aliases.values()]),
      grants: [...w.grants.values()],
      events: engine.events,
      count: engine.events.length,
    };
    checkpoints.push(cp);
    this.#held += recordsOf(cp);
    const budget = CHECKPOINT_RECORD_BUDGET * size + CHECKPOINT_RECORD_FLOOR;
    while (checkpoints.length > MAX_CHECKPOINTS || (checkpoints.length > 1 && this.#held > budget)) {
      this.#held -= recordsOf(checkpoints.splice(dropIndex(checkpoints, logLength), 1)[0]);
    }
  }

  /**
   * Restores into `fresh` the latest checkpoint at or before virtual time t among the first
   * `logLength` log entries; returns the log index replay goes on from (0: none, replay it all).
   */
  restoreLatest(fresh: Engine, t: number, logLength: number): number {
    const checkpoints = this.#list;
    for (let c = checkpoints.length - 1; c >= 0; c--) {
      const cp = checkpoints[c];
      // every entry before cp.index happened at or before cp.at <= t
      if (cp.index <= logLength && cp.at <= t) {
        fresh.restore(checkpointState(cp), cp.events.slice(0, cp.count));
        return cp.index;
      }
    }
    return 0;
  }

  stats(): CheckpointStats {
    return { count: this.#list.length, records: this.#held, indexes: this.#list.map((cp) => cp.index) };
  }
}

const recordsOf = (cp: Checkpoint) => cp.grants.length + cp.keys.length + cp.aliases.length;
