/** The input log: what the simulator was given, in order, enough to replay it exactly. */
import type { LogEntry } from '../api';
import type { SimCore } from './core';
import { logCut } from './persistence';

/** appends an input to the log; after seeking back, it forks history first */
export function record(core: SimCore, entry: LogEntry): void {
  if (core.replaying) return;
  const log = core.log;
  if (core.cursor < log.length) {
    // a new input after seeking back forks history
    cutHistory(core);
  }
  log.push(entry);
  core.cursor = log.length;
}

/** drops the log after the cursor and the checkpoints past it (history forks there) */
export function cutHistory(core: SimCore): void {
  const at = core.cursor;
  core.log.length = at;
  core.checkpoints.dropAfter(at);
  logCut(core, at);
}

/** takes a checkpoint when one is due (never while replaying) */
export function maybeCheckpoint(core: SimCore): void {
  if (core.replaying) return;
  core.checkpoints.maybeTake(core.engine, core.log.length);
}
