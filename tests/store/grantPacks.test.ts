/**
 * Grants packed many to a row (grantPacks.ts): under random creations, changes and removals the
 * planned row writes keep every grant in exactly one place, equal to a reference map, with a
 * bounded number of writes per commit; on IndexedDB, a workspace past GRANT_PACK grants keeps
 * most of them in packs and reloads to the same world.
 */
import { describe, expect, it } from 'vitest';
import type { GrantRecord } from '../../src/kms/index';
import { GRANT_PACK, mirrorOf, packAll, planGrants, type GrantMirror } from '../../src/store/grantPacks';
import { openIndexedDbStore, openPlaygroundDb } from '../../src/store/index';
import { APP_ROLE, AUDITOR, makeSim } from '../kms/helpers';
import { canonical, closeLater, freshDb } from './helpers';

const grant = (id: string, v: number) => ({ grantId: id, v }) as unknown as GrantRecord;

/** a tiny deterministic generator */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
}

describe('grant packs', () => {
  for (const seed of [1, 2, 3]) {
    it(`match a reference map under random changes, each grant in one place (seed ${seed})`, () => {
      const rnd = rng(seed);
      const reference = new Map<string, GrantRecord>();
      // the "database": rows of their own and packs
      const rows = new Map<string, GrantRecord>();
      const packs = new Map<number, GrantRecord[]>();
      // start from a replace of 300 grants half the time, else empty
      let m: GrantMirror;
      if (seed !== 2) {
        const start = Array.from({ length: 300 }, (_, i) => grant(`s${i}`, 0));
        for (const g of start) reference.set(g.grantId, g);
        const { rows: packed, mirror } = packAll(start);
        for (const p of packed) packs.set(p.id, p.items);
        m = mirror;
      } else m = mirrorOf([], []);
      let next = 0;
      for (let step = 0; step < 300; step++) {
        const changes: { id: string; value: GrantRecord | null }[] = [];
        const n = 1 + Math.floor(rnd() * (rnd() < 0.1 ? 60 : 3));
        const ids = [...reference.keys()];
        for (let i = 0; i < n; i++) {
          const r = rnd();
          if (r < 0.6 || ids.length === 0) changes.push({ id: `g${next++}`, value: grant(`g${next - 1}`, step) });
          else {
            const id = ids[Math.floor(rnd() * ids.length)];
            changes.push({ id, value: r < 0.8 ? grant(id, step) : null });
          }
        }
        const plan = planGrants(m, changes);
        // bounded: rows written per change, plus the packs it touches, plus at most one new pack
        expect(plan.rowPuts.length + plan.rowDeletes.length).toBeLessThanOrEqual(changes.length + GRANT_PACK);
        expect(plan.packPuts.length + plan.packDeletes.length).toBeLessThanOrEqual(changes.length + 1);
        for (const id of plan.rowDeletes) rows.delete(id);
        for (const g of plan.rowPuts) rows.set(g.grantId, g);
        for (const id of plan.packDeletes) packs.delete(id);
        for (const p of plan.packPuts) packs.set(p.id, p.items);
        plan.apply();
        for (const c of changes) {
          if (c.value === null) reference.delete(c.id);
          else reference.set(c.id, c.value);
        }
        // every grant in exactly one place, with its latest value
        const stored = new Map<string, GrantRecord>();
        for (const items of packs.values()) {
          expect(items.length).toBeGreaterThan(0);
          for (const g of items) {
            expect(stored.has(g.grantId)).toBe(false);
            stored.set(g.grantId, g);
          }
        }
        for (const [id, g] of rows) {
          expect(stored.has(id)).toBe(false);
          stored.set(id, g);
        }
        expect(stored).toEqual(reference);
        expect(rows.size).toBeLessThan(GRANT_PACK + 60);
        // and the mirror says the same as the database
        expect(new Map(m.packs)).toEqual(packs);
        expect([...m.loose.keys()].sort()).toEqual([...rows.keys()].sort());
      }
      expect(packs.size).toBeGreaterThan(1);
    });
  }

  it('on IndexedDB: most grants of a large workspace are packed; retired and gone ones leave their packs; a reload gives the same world', async () => {
    const { factory, name } = freshDb();
    const pg = closeLater(await openIndexedDbStore({ name, indexedDB: factory, broadcastChannel: false }));
    const x = makeSim({ store: pg.forWorkspace('w'), propagation: { minMs: 1_000, maxMs: 5_000 } });
    await x.sim.ready;
    const key = await x.createKey();
    const tokens: string[] = [];
    for (let i = 0; i < 3 * GRANT_PACK + 10; i++) {
      const r = await x.call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'], RetiringPrincipal: AUDITOR });
      tokens.push(r.json.GrantToken);
    }
    // retire a few packed grants (their packs are rewritten), then let the retirements reach every host (they go)
    for (const t of [tokens[0], tokens[5], tokens[GRANT_PACK + 1]]) expect((await x.call('RetireGrant', { GrantToken: t }, { as: AUDITOR })).status).toBe(200);
    x.sim.clock.advance(10_000);
    await x.sim.flush();
    expect(x.sim.storeError).toBeUndefined();

    const db = closeLater(await openPlaygroundDb({ name, factory }));
    const packRows = await db.getAll('grantPacks');
    const ownRows = await db.getAll('grants');
    expect(packRows.length).toBe(3);
    expect(ownRows.length).toBeLessThan(GRANT_PACK);
    expect(packRows.reduce((n, p) => n + p.items.length, 0) + ownRows.length).toBe(x.sim.engine.world.grants.size);
    // the indexes find every stored grant of the key, the grantee and the retiring principal across both stores
    const inPacks = async (index: 'by-key' | 'by-grantee' | 'by-retiring', value: string) =>
      (await db.getAllFromIndex('grantPacks', index, ['w', value])).flatMap((p) => p.items).filter((g) => (index === 'by-key' ? g.keyId : index === 'by-grantee' ? g.granteePrincipal : g.retiringPrincipal) === value).length;
    const inRows = async (index: 'by-key' | 'by-grantee' | 'by-retiring', value: string) => (await db.getAllFromIndex('grants', index, ['w', value])).length;
    const stored = x.sim.engine.world.grants.size;
    expect((await inPacks('by-key', key.KeyId)) + (await inRows('by-key', key.KeyId))).toBe(stored);
    expect((await inPacks('by-grantee', APP_ROLE)) + (await inRows('by-grantee', APP_ROLE))).toBe(stored);
    expect((await inPacks('by-retiring', AUDITOR)) + (await inRows('by-retiring', AUDITOR))).toBe(stored);
    expect(await db.getAllFromIndex('grantPacks', 'by-grantee', ['w', 'arn:aws:iam::111122223333:role/Nobody'])).toEqual([]);

    const again = makeSim({ store: pg.forWorkspace('w'), propagation: { minMs: 1_000, maxMs: 5_000 } });
    await again.sim.ready;
    expect(canonical(await pg.forWorkspace('w').load())).toEqual(canonical(structuredClone({ state: x.sim.engine.state(), log: [...x.sim.log], events: [...x.sim.events] })));
    expect((await again.call('ListGrants', { KeyId: key.KeyId, Limit: 1000 })).text).toBe((await x.call('ListGrants', { KeyId: key.KeyId, Limit: 1000 })).text);
  });
});
