/**
 * The schema and its one migration function: a fresh database gets every store and index;
 * opening again runs nothing and keeps the data; a synthetic version 3 added the way the
 * comment in schema.ts says keeps version 2's data; the grant indexes answer by key, grantee,
 * retiring principal and name. (Version 1 data opening at version 2: upgrade.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { DB_VERSION, openIndexedDbStore, openPlaygroundDb, upgrade } from '../../src/store/index';
import { APP_ROLE, AUDITOR, makeSim } from '../kms/helpers';
import { closeLater, freshDb } from './helpers';

const STORES = ['aliases', 'events', 'grantPacks', 'grants', 'keys', 'log', 'meta', 'scenarios', 'settings', 'workspaces'];

describe('schema', () => {
  it('creates every object store and the grant indexes at the current version', async () => {
    const { factory, name } = freshDb();
    const db = closeLater(await openPlaygroundDb({ name, factory }));
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(STORES);
    const tx = db.transaction('grants');
    expect([...tx.store.indexNames].sort()).toEqual(['by-grantee', 'by-key', 'by-key-name', 'by-retiring']);
    expect(tx.store.keyPath).toEqual(['ws', 'id']);
    expect(db.transaction('log').store.keyPath).toEqual(['ws', 'index']);
    expect(db.transaction('grantPacks').store.keyPath).toEqual(['ws', 'id']);
    expect([...db.transaction('grantPacks').store.indexNames].sort()).toEqual(['by-grantee', 'by-key', 'by-key-name', 'by-retiring']);
    await tx.done;
  });

  it('opening twice runs no migration and keeps the data', async () => {
    const { factory, name } = freshDb();
    let upgrades = 0;
    const counting: typeof upgrade = (...args) => {
      upgrades++;
      upgrade(...args);
    };
    const s1 = await openIndexedDbStore({ name, indexedDB: factory, upgrade: counting });
    const ws = await s1.createWorkspace('kept', { seed: 9 });
    s1.close();
    const s2 = closeLater(await openIndexedDbStore({ name, indexedDB: factory, upgrade: counting }));
    expect(upgrades).toBe(1);
    expect((await s2.listWorkspaces()).map((w) => [w.id, w.name, w.options])).toEqual([[ws.id, 'kept', { seed: 9 }]]);
  });

  it('a later version added as a fall-through block keeps version 2 data (synthetic v3)', async () => {
    const { factory, name } = freshDb();
    const s1 = await openIndexedDbStore({ name, indexedDB: factory });
    const { sim, createKey, call } = makeSim({ store: s1.forWorkspace('w') });
    await sim.ready;
    const key = await createKey();
    await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] });
    s1.close();

    // what version 3 would look like: the v1 and v2 function, then a block of its own
    expect(DB_VERSION).toBe(2);
    const seen: [number, number | null][] = [];
    const upgradeV3: typeof upgrade = (db, oldVersion, newVersion, tx) => {
      seen.push([oldVersion, newVersion]);
      upgrade(db, oldVersion, newVersion, tx);
      if (oldVersion < 3 && (newVersion ?? 3) >= 3) {
        (tx.objectStore('grants') as unknown as { createIndex(n: string, k: string[]): void }).createIndex('by-created', ['ws', 'record.created']);
      }
    };
    const s2 = closeLater(await openIndexedDbStore({ name, indexedDB: factory, version: 3, upgrade: upgradeV3 }));
    expect(seen).toEqual([[2, 3]]); // the v1 and v2 blocks did not run again (they would throw ConstraintError)
    const again = makeSim({ store: s2.forWorkspace('w') });
    await again.sim.ready;
    expect((await again.call('ListGrants', { KeyId: key.KeyId })).json.Grants).toHaveLength(1);

    // a fresh database opened at version 3 runs every block in order
    const fresh = freshDb();
    const db = closeLater(await openPlaygroundDb({ name: fresh.name, factory: fresh.factory, version: 3, upgrade: upgradeV3 }));
    expect([...db.transaction('grants').store.indexNames]).toContain('by-created');
    expect([...db.objectStoreNames]).toContain('grantPacks');
  });

  it('the newVersion guard: code that knows v2 and v3, opening version 1, runs only the v1 block', async () => {
    const { factory, name } = freshDb();
    let ranV2 = false;
    const db = closeLater(
      await openPlaygroundDb({
        name,
        factory,
        version: 1,
        upgrade(d, oldVersion, newVersion, tx) {
          upgrade(d, oldVersion, newVersion, tx);
          if (oldVersion < 3 && (newVersion ?? 3) >= 3) ranV2 = true;
        },
      }),
    );
    expect(ranV2).toBe(false);
    expect(db.version).toBe(1);
    expect([...db.objectStoreNames]).not.toContain('grantPacks'); // the real v2 block did not run either
  });

  it('grant rows are indexed by key, grantee, retiring principal and name', async () => {
    const { factory, name } = freshDb();
    const s = closeLater(await openIndexedDbStore({ name, indexedDB: factory }));
    const { sim, createKey, call } = makeSim({ store: s.forWorkspace('w') });
    await sim.ready;
    const k1 = await createKey();
    const k2 = await createKey();
    await call('CreateGrant', { KeyId: k1.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'], Name: 'n1', RetiringPrincipal: AUDITOR });
    await call('CreateGrant', { KeyId: k1.KeyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'] });
    await call('CreateGrant', { KeyId: k2.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Encrypt'], Name: 'n1' });
    const db = closeLater(await openPlaygroundDb({ name, factory }));
    expect(await db.countFromIndex('grants', 'by-key', ['w', k1.KeyId])).toBe(2);
    expect(await db.countFromIndex('grants', 'by-grantee', ['w', APP_ROLE])).toBe(2);
    expect(await db.countFromIndex('grants', 'by-retiring', ['w', AUDITOR])).toBe(1);
    const named = await db.getAllFromIndex('grants', 'by-key-name', ['w', k2.KeyId, 'n1']);
    expect(named.map((r) => r.record.keyId)).toEqual([k2.KeyId]);
    expect(await db.countFromIndex('grants', 'by-key', ['other', k1.KeyId])).toBe(0);
  });
});
