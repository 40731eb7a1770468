/**
 * What a store needs to accept a saved simulator before resuming it, without reaching into the
 * engine: whether a snapshot resumes, and how many hosts a simulator with given options runs.
 */
import type { SimulatorOptions, StoredSimulator } from '../api';
import { Engine } from '../engine';
import { checkInvariants } from '../invariants';

/**
 * Checks that a snapshot resumes: restores a copy of it into a scratch engine made with
 * `options` and runs the invariant checks the fuzzers use. Returns what is wrong (the first few
 * broken invariants, or the error restoring threw), or null. The snapshot is not changed.
 */
export function checkSnapshotResumes(snapshot: StoredSimulator, options: SimulatorOptions): string | null {
  try {
    const engine = new Engine(options);
    engine.restore(structuredClone(snapshot.state), snapshot.events);
    const broken = checkInvariants(engine.world);
    return broken.length ? broken.slice(0, 3).join('; ') : null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** how many hosts a simulator made with these options runs; throws what the engine throws for options it cannot use */
export function simulatorHosts(options: SimulatorOptions): number {
  return new Engine(options).hosts;
}
