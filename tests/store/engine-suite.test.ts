/**
 * The engine's own behaviour suites (grants, authorization, propagation, crypto operations,
 * peek) run unchanged against the IndexedDB store: tests/kms/helpers.ts's makeSim is mocked so
 * every simulator those tests create persists to its own fake-indexeddb database and answers
 * each request only after the commit. After each test every simulator is reloaded from its
 * database and must resume where the test left it (idb-suite.ts), unless the test drove the
 * engine directly (sim.engine.run bypasses the simulator and its store). The same suites also run on
 * their own, in memory, from tests/kms; passing here too is "behaves identically on both".
 */
import { afterAll, afterEach, expect, vi } from 'vitest';
import { checkReloads, stats } from './idb-suite';

vi.mock('../kms/helpers', async (importOriginal) => {
  const real = await importOriginal<typeof import('../kms/helpers')>();
  const { lazyIndexedDbStore, track } = await import('./idb-suite');
  const makeSim: typeof real.makeSim = (opts = {}) => {
    if (opts.store) return real.makeSim(opts);
    const { store, factory, name, opened } = lazyIndexedDbStore();
    const kit = real.makeSim({ ...opts, store });
    return { ...kit, sim: track(kit.sim, (other) => real.makeSim({ ...opts, store: other }).sim, factory, name, opened) };
  };
  return { ...real, makeSim };
});

afterEach(checkReloads);
afterAll(() => {
  // the mock took: simulators really ran on IndexedDB and were reloaded
  expect(stats.simulators).toBeGreaterThan(50);
  // every simulator driven through fetch and the clock; the few tests that call sim.engine.run
  // directly bypass the simulator (and so its store), and are only run, not reloaded
  expect(stats.reloaded).toBe(stats.simulators - stats.direct);
  expect(stats.reloaded).toBeGreaterThan(150);
});

await import('../kms/grants.test');
await import('../kms/authorization.test');
await import('../kms/propagation.test');
await import('../kms/peek.test');
await import('../kms/ops/cryptoHandlers.test');
