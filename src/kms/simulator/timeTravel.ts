/**
 * History: the input log, clock moves, seek and fork. `seek(t)` rebuilds the world as it was at
 * t by restoring the latest checkpoint at or before t into a fresh engine and replaying the log
 * from there; the later entries are kept so seeking forward again is possible, until the next
 * request or clock move forks history there.
 */
import { commit, seekedFrom } from './persistence';
import type { SimCore } from './core';
import { cutHistory, maybeCheckpoint, record } from './history';
import { serve } from './requests';

export function moveClock(core: SimCore, to: number): void {
  core.engine.advanceTo(to);
  record(core, { kind: 'clock', at: to, to });
  maybeCheckpoint(core);
  if (core.store) void core.queue.enqueue(() => commit(core));
}

/** rebuilds the world as it was at virtual time t (a queue job) */
async function seekTo(core: SimCore, t: number): Promise<void> {
  const fresh = core.newEngine();
  if (!core.store) fresh.world.trackChanges = false;
  const current = core.engine;
  const log = core.log;
  core.replaying = true;
  core.engine = fresh;
  try {
    let i = core.checkpoints.restoreLatest(fresh, t, log.length);
    for (; i < log.length; i++) {
      const entry = log[i];
      if (entry.at > t) break;
      if (entry.kind === 'clock') fresh.advanceTo(entry.to);
      else {
        if (entry.at > fresh.clock.now()) fresh.advanceTo(entry.at);
        await serve(core, new Request(entry.url, { method: entry.method, headers: entry.headers, body: entry.method === 'GET' || entry.method === 'HEAD' ? undefined : entry.body }));
      }
    }
    if (t > fresh.clock.now()) fresh.advanceTo(t);
    core.cursor = i;
  } catch (e) {
    core.engine = current;
    throw e;
  } finally {
    core.replaying = false;
  }
  core.attach(fresh);
  seekedFrom(core, current);
  for (const l of core.listeners) l({ type: '@kms.clock', at: fresh.clock.now(), from: current.clock.now() });
}

/** sim.seek(t): refuses clock moves and fork() until the world is rebuilt */
export function seek(core: SimCore, t: number): Promise<void> {
  if (!Number.isFinite(t)) return Promise.reject(new RangeError(`seek() takes a finite virtual time, got ${t}`));
  core.seeking++;
  let counted = true;
  const done = () => {
    if (counted) core.seeking--;
    counted = false;
  };
  const job = core.queue.enqueue(async () => {
    try {
      await seekTo(core, t);
    } finally {
      // before the store write that may follow (the queue's idle hook): the world is rebuilt
      done();
    }
  });
  // a job that never ran (the store failed to load) still ends the seek
  job.then(done, done);
  return job;
}

/** sim.fork(): drops the history after now */
export function fork(core: SimCore): void {
  core.notWhileSeeking('sim.fork()');
  if (core.cursor < core.log.length) {
    cutHistory(core);
    if (core.store) void core.queue.enqueue(() => commit(core));
  }
}
