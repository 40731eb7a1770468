/**
 * Time travel without full rewrites (issue 6 §5): a seek writes the difference between the
 * world the store holds and the world at the new time, once, after the last of a burst of
 * seeks; a request right after a seek writes both in one commit. The stored copy must equal
 * what a full rewrite would have stored (the simulator's own state, log and events), down to
 * the order of keys and aliases.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryStore, type SimulatorStore, type StoreChange, type StoredSimulator } from '../../src/kms/index';
import { openIndexedDbStore } from '../../src/store/index';
import { APP_ROLE, AUDITOR, makeSim } from '../kms/helpers';
import { canonical, closeLater, freshDb } from './helpers';

type Kit = ReturnType<typeof makeSim>;

/** ListKeys as peek answers it (not logged: history stays as it is) */
const listKeys = (x: Kit) =>
  x.sim.peek(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.ListKeys' }, body: '{}' })).then((r) => r.text());

/** a store that records the changes it is handed (and passes idle() on when the inner one has it) */
function recording(inner: SimulatorStore): SimulatorStore & { changes: StoreChange[] } {
  const changes: StoreChange[] = [];
  const out: SimulatorStore & { changes: StoreChange[] } = {
    changes,
    load: () => inner.load(),
    async commit(change) {
      changes.push(change);
      await inner.commit(change);
    },
  };
  if (inner.idle) out.idle = (cb) => inner.idle!(cb);
  return out;
}

/** what a full rewrite would store: the simulator's own state, log and events */
function live(x: Kit): StoredSimulator {
  return structuredClone({ state: x.sim.engine.state(), log: [...x.sim.log], events: [...x.sim.events] });
}

const OPTS = { seed: 9, propagation: { minMs: 1_000, maxMs: 40_000 } };

/** a key, `n` grants one second apart (a few retired), and aliases created, deleted and created again */
async function history(x: Kit, n: number): Promise<{ keyId: string; marks: number[] }> {
  const keyId = (await x.createKey()).KeyId;
  const marks: number[] = [];
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await x.call('CreateGrant', { KeyId: keyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'], RetiringPrincipal: AUDITOR, Name: `g${i}` });
    tokens.push(r.json.GrantToken);
    if (i % 25 === 24) await x.call('RetireGrant', { GrantToken: tokens[i - 3] }, { as: AUDITOR });
    x.sim.clock.advance(1_000);
    marks.push(x.sim.clock.now());
  }
  for (const a of ['alias/a1', 'alias/a2', 'alias/a3']) await x.call('CreateAlias', { AliasName: a, TargetKeyId: keyId });
  x.sim.clock.advance(1_000);
  marks.push(x.sim.clock.now());
  x.sim.clock.advance(1_000);
  await x.call('DeleteAlias', { AliasName: 'alias/a1' });
  await x.call('CreateAlias', { AliasName: 'alias/a1', TargetKeyId: keyId }); // now last in creation order
  x.sim.clock.advance(1_000);
  await x.sim.flush();
  return { keyId, marks };
}

describe('seek writes the difference, once', () => {
  it('a seek near the present writes a few records, and the store holds what a full rewrite would', async () => {
    const store = recording(createMemoryStore());
    const x = makeSim({ ...OPTS, store });
    await x.sim.ready;
    const { marks } = await history(x, 300);
    expect(x.sim.engine.world.grants.size).toBeGreaterThan(250);

    for (const back of [2, 5, 1]) {
      store.changes.length = 0;
      await x.sim.seek(marks[marks.length - 1 - back]);
      expect(store.changes).toHaveLength(1);
      const c = store.changes[0];
      expect(c.kind).toBe('delta');
      if (c.kind !== 'delta') return;
      // the grants created in the last `back` seconds, the aliases, and little else
      expect(c.records.length).toBeLessThan(back + 10);
      expect(c.events.length).toBeLessThan(40 * (back + 1));
      expect(canonical(await store.load())).toEqual(canonical(live(x)));
    }
    // back to the present: again a few records
    store.changes.length = 0;
    await x.sim.seek(x.sim.horizon);
    const c = store.changes[0];
    expect(store.changes).toHaveLength(1);
    expect(c.kind === 'delta' && c.records.length).toBeLessThan(12);
    expect(canonical(await store.load())).toEqual(canonical(live(x)));
    // far back: most of the world goes, still one write, still equal
    store.changes.length = 0;
    await x.sim.seek(marks[10]);
    expect(store.changes).toHaveLength(1);
    expect(canonical(await store.load())).toEqual(canonical(live(x)));
  });

  it('a burst of seeks writes once, the last position; a request after a seek writes both at once', async () => {
    const store = recording(createMemoryStore());
    const x = makeSim({ ...OPTS, store });
    await x.sim.ready;
    const { keyId, marks } = await history(x, 120);
    store.changes.length = 0;
    const seeks = [100, 40, 90, 60, 110].map((i) => x.sim.seek(marks[i]));
    await Promise.all(seeks);
    expect(store.changes).toHaveLength(1);
    expect(x.sim.clock.now()).toBe(marks[110]);
    expect(canonical(await store.load())).toEqual(canonical(live(x)));

    store.changes.length = 0;
    void x.sim.seek(marks[80]);
    const r = await x.call('CreateGrant', { KeyId: keyId, GranteePrincipal: AUDITOR, Operations: ['Encrypt'] }); // forks history there
    expect(r.status).toBe(200);
    expect(store.changes).toHaveLength(1);
    const c = store.changes[0];
    expect(c.kind === 'delta' && c.truncateLogAt).toBeGreaterThan(0);
    expect(canonical(await store.load())).toEqual(canonical(live(x)));
  });

  it('on IndexedDB, seeks awaited one after another (a dragged slider) write once, when the simulator is idle', async () => {
    const { factory, name } = freshDb();
    const pg = closeLater(await openIndexedDbStore({ name, indexedDB: factory, broadcastChannel: false }));
    const store = recording(pg.forWorkspace('w'));
    const x = makeSim({ ...OPTS, store });
    await x.sim.ready;
    const { marks } = await history(x, 80);
    store.changes.length = 0;
    for (let i = 70; i > 20; i -= 5) await x.sim.seek(marks[i]);
    for (let i = 25; i <= 75; i += 10) await x.sim.seek(marks[i]);
    expect(store.changes).toHaveLength(0);
    // the store's idle turn comes
    await new Promise((r) => setTimeout(r, 10));
    await x.sim.flush();
    expect(store.changes).toHaveLength(1);
    expect(x.sim.storeError).toBeUndefined();
    expect(canonical(await pg.forWorkspace('w').load())).toEqual(canonical(live(x)));
  });

  it('keeps the order of keys and aliases through seeks, on both stores, across a reload', async () => {
    const order = (s: StoredSimulator | null) => ({ keys: s?.state.keys.map((k) => k.keyId), aliases: s?.state.aliases.map((a) => a.aliasName) });
    const run = async (store: SimulatorStore) => {
      const x = makeSim({ ...OPTS, store });
      await x.sim.ready;
      const { marks } = await history(x, 30);
      // a second and third key; the second is deleted when its waiting period ends
      const k2 = (await x.createKey()).KeyId;
      await x.createKey();
      await x.call('ScheduleKeyDeletion', { KeyId: k2, PendingWindowInDays: 7 });
      x.sim.clock.advance(1_000);
      const beforeDeletion = x.sim.clock.now();
      x.sim.clock.advance(8 * 86_400_000);
      await x.sim.flush();
      expect(x.sim.engine.world.keys.has(k2)).toBe(false);
      const seen: unknown[] = [];
      // a1 first (before its DeleteAlias), a1 last, k2 back in its place, then gone again, and far back
      for (const t of [marks[30], beforeDeletion, x.sim.horizon, beforeDeletion, marks[30], marks[5], x.sim.horizon]) {
        await x.sim.seek(t);
        await x.sim.flush();
        expect(x.sim.storeError).toBeUndefined();
        const stored = await store.load();
        expect(order(stored)).toEqual(order(live(x)));
        expect(canonical(stored)).toEqual(canonical(live(x)));
        seen.push(order(stored));
        // a reload lists the keys as the live simulator does
        const again = makeSim({ ...OPTS, store });
        await again.sim.ready;
        expect(await listKeys(again)).toBe(await listKeys(x));
      }
      return seen;
    };
    const fromMemory = await run(createMemoryStore());
    const { factory, name } = freshDb();
    const pg = closeLater(await openIndexedDbStore({ name, indexedDB: factory, broadcastChannel: false }));
    const fromIdb = await run(pg.forWorkspace('w'));
    expect(fromIdb).toEqual(fromMemory);
    expect((fromMemory[0] as { aliases: string[] }).aliases).toEqual(['alias/a1', 'alias/a2', 'alias/a3']);
    expect((fromMemory[2] as { aliases: string[] }).aliases).toEqual(['alias/a2', 'alias/a3', 'alias/a1']);
  });
});
