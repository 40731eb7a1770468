/**
 * Runs the engine's own behaviour tests on the IndexedDB store (tests/store/engine-suite.test.ts
 * mocks tests/kms/helpers.ts's makeSim with `simOnIndexedDb`). Every simulator a test creates gets
 * its own fake-indexeddb database, so each response is served only after its commit lands; after
 * the test, `checkReloads` opens each database again, creates a new simulator on it and checks
 * it resumes exactly where the test left its simulator: world, log, events and clock.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { expect } from 'vitest';
import type { SimulatorStore, SimulatorWithEngine, StoredSimulator } from '../../src/kms/index';
import { openIndexedDbStore, type PlaygroundStore } from '../../src/store/index';
import { canonical } from './helpers';

interface Tracked {
  sim: SimulatorWithEngine;
  /** a simulator made the way the test made its own, on another store */
  reopen: (store: SimulatorStore) => SimulatorWithEngine;
  factory: IDBFactory;
  name: string;
  opened: Promise<PlaygroundStore>;
  /** the test drove the engine directly (sim.engine.run): not through the simulator, so not committed */
  direct: boolean;
}
const tracked: Tracked[] = [];
let counter = 0;

/** a SimulatorStore that opens its database on first use (makeSim is synchronous) */
export function lazyIndexedDbStore(): { store: SimulatorStore; factory: IDBFactory; name: string; opened: Promise<PlaygroundStore> } {
  const factory = new IDBFactory();
  const name = `suite-${++counter}`;
  const opened = openIndexedDbStore({ name, indexedDB: factory, broadcastChannel: false });
  opened.catch(() => undefined);
  const ws = opened.then((pg) => pg.forWorkspace('suite'));
  ws.catch(() => undefined);
  return { store: { load: async () => (await ws).load(), commit: async (c) => (await ws).commit(c) }, factory, name, opened };
}

/**
 * Remembers a simulator for `checkReloads`; returns it wrapped so that a test calling
 * `sim.engine.run(...)` (which bypasses the simulator, its log and its store) is noticed.
 */
export function track(sim: SimulatorWithEngine, reopen: Tracked['reopen'], factory: IDBFactory, name: string, opened: Promise<PlaygroundStore>): SimulatorWithEngine {
  const t: Tracked = { sim, reopen, factory, name, opened, direct: false };
  tracked.push(t);
  return new Proxy(sim, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop !== 'engine') return value;
      return new Proxy(value as object, {
        get(engine, p) {
          const v = Reflect.get(engine, p, engine);
          if (p === 'run') t.direct = true;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(engine) : v;
        },
      });
    },
  });
}

/** how many simulators ran on IndexedDB and were checked after a reload, in this file */
export const stats = { simulators: 0, reloaded: 0, direct: 0 };

const snapshotOf = (sim: SimulatorWithEngine): StoredSimulator => ({ state: sim.engine.state(), log: [...sim.log], events: [...sim.events] });

/** afterEach: every simulator of the test, reloaded from its database, is where the test left it */
export async function checkReloads(): Promise<void> {
  const list = tracked.splice(0);
  for (const t of list) {
    stats.simulators++;
    await t.sim.flush();
    expect(t.sim.storeError).toBeUndefined();
    (await t.opened).close();
    if (t.direct) {
      stats.direct++;
      continue;
    }
    const pg = await openIndexedDbStore({ name: t.name, indexedDB: t.factory, broadcastChannel: false });
    try {
      const stored = await pg.forWorkspace('suite').load();
      expect(canonical(stored)).toEqual(canonical(structuredClone(snapshotOf(t.sim))));
      const again = t.reopen(pg.forWorkspace('suite'));
      await again.ready;
      expect(again.storeError).toBeUndefined();
      expect(again.clock.now()).toBe(t.sim.clock.now());
      expect(JSON.stringify(again.events)).toBe(JSON.stringify(t.sim.events));
      expect(JSON.stringify(again.log)).toBe(JSON.stringify(t.sim.log));
      stats.reloaded++;
    } finally {
      pg.close();
    }
  }
}
