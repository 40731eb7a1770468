/**
 * The store-commit protocol (api.ts, SimulatorStore): loading a saved simulator at start, and one
 * write per input: what the request or clock move touched, or after a seek the difference from
 * the world the store holds (worldDiff.ts), put off until the simulator is idle when the store
 * allows it.
 */
import type { StoreChange, StoredSimulator } from '../api';
import type { Engine } from '../engine';
import { diffWorlds, firstEventDifference, type RecordChange } from '../worldDiff';
import type { SimCore } from './core';

function snapshot(core: SimCore): StoredSimulator {
  const engine = core.engine;
  return { state: engine.state(), log: [...core.log], events: [...engine.events] };
}

/**
 * Hands the store everything changed since the last commit, in one write: what the requests
 * and clock moves touched, or after a seek the difference from the world the store holds.
 */
export async function commit(core: SimCore, replace = false): Promise<void> {
  const { store, saved, log } = core;
  if (!store || saved.error) return;
  const engine = core.engine;
  let change: StoreChange;
  const logLength = log.length;
  const eventCount = engine.events.length;
  if (replace) {
    engine.world.takeChanges();
    change = { kind: 'replace', snapshot: snapshot(core) };
  } else {
    let records: RecordChange[];
    let from = saved.committedEvents;
    const base = saved.base;
    if (base) {
      records = diffWorlds(base.world, engine.world, base.forced);
      engine.world.takeChanges();
      from = firstEventDifference(base.events, saved.committedEvents, engine.events);
    } else records = engine.world.takeChanges();
    const committedLog = saved.committedLog;
    change = {
      kind: 'delta',
      meta: engine.meta(),
      records,
      log: log.slice(committedLog).map((entry, i) => ({ index: committedLog + i, entry })),
      events: engine.events.slice(from).map((event, i) => ({ index: from + i, event })),
    };
    if (saved.truncateAt !== undefined) change.truncateLogAt = saved.truncateAt;
    if (from < saved.committedEvents) change.truncateEventsAt = from;
  }
  try {
    await store.commit(change);
    saved.committedLog = logLength;
    saved.committedEvents = eventCount;
    saved.truncateAt = undefined;
    saved.base = undefined;
  } catch (e) {
    saved.error = e instanceof Error ? e : new Error(String(e));
  }
}

/** history was cut to `at` log entries (a fork): the next commit cuts the store's log too */
export function logCut(core: SimCore, at: number): void {
  const saved = core.saved;
  saved.truncateAt = Math.min(saved.truncateAt ?? at, at);
  saved.committedLog = Math.min(saved.committedLog, at);
}

/**
 * After a seek replaced `current` with a rebuilt engine: the store still holds current's world
 * (or, after earlier seeks not yet written, an older one), which the next commit diffs against.
 */
export function seekedFrom(core: SimCore, current: Engine): void {
  if (core.store && !core.saved.base) {
    core.saved.base = { world: current.world, events: current.events, forced: current.world.takeChanges().map(({ store: s, id }) => ({ store: s, id })) };
  }
}

/** the job queue's idle hook: a seek's write still owed is made now, or when the store is idle */
export function owedWrite(core: SimCore): Promise<void> | undefined {
  return core.saved.base ? whenIdle(core) : undefined;
}

async function whenIdle(core: SimCore): Promise<void> {
  const { store, saved } = core;
  if (!store || saved.error || !saved.base) return;
  if (!store.idle) return commit(core);
  if (saved.idleArmed) return;
  saved.idleArmed = true;
  store.idle(() => {
    saved.idleArmed = false;
    // a job running or queued writes it (or re-arms this when it ends)
    if (saved.base && core.queue.active === 0 && !saved.error) void core.queue.enqueue(async () => (saved.base ? commit(core) : undefined));
  });
}

/** loads the store's saved simulator into a fresh engine (or saves the new one, when it has none) */
export async function load(core: SimCore): Promise<void> {
  const store = core.store;
  if (!store) return;
  let stored: StoredSimulator | null;
  try {
    stored = await store.load();
  } catch (e) {
    core.saved.error = e instanceof Error ? e : new Error(String(e));
    return;
  }
  if (!stored) {
    await commit(core, true);
    return;
  }
  const fresh = core.newEngine();
  fresh.restore(stored.state, stored.events);
  core.engine = fresh;
  core.attach(fresh);
  const log = core.log;
  // a loop, not push(...): a long saved log spread as arguments overflows the stack
  for (let i = 0; i < stored.log.length; i++) log.push(stored.log[i]);
  // saved after seeking back, the log runs past the world's time: resume at the same place
  // in it (seek applied the entries at or before now), so the next input forks history there
  let cursor = log.length;
  while (cursor > 0 && log[cursor - 1].at > fresh.clock.now()) cursor--;
  core.cursor = cursor;
  core.saved.committedLog = log.length;
  core.saved.committedEvents = fresh.events.length;
}

/** flush(): a seek's write still owed, made now */
export function flush(core: SimCore): Promise<void> {
  return core.queue.enqueue(async () => (core.saved.base ? commit(core) : undefined));
}
