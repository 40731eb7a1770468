/**
 * When storage fails: a commit that hits QuotaExceededError rejects and leaves nothing behind
 * (the whole transaction is rolled back); the simulator records storeError and keeps working in
 * memory. And the "keep working" path: openPlaygroundStorage falls back to memory, with a reason
 * to show, when IndexedDB is missing, refuses to open, never answers, or refuses writes.
 */
import { IDBObjectStore, IDBOpenDBRequest } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeStoreError, openPlaygroundDb, openPlaygroundStorage, openWorkspaceSimulator, REASONS, type PlaygroundStore } from '../../src/store/index';
import { APP_ROLE, PRINCIPALS } from '../kms/helpers';
import { closeLater, freshDb, openStore } from './helpers';

const OPTIONS = { seed: 8, startTime: Date.UTC(2026, 0, 1), propagation: { minMs: 0, maxMs: 0 }, principals: PRINCIPALS };
const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

type FakeStore = { name: string; transaction: { _execRequestAsync(o: { source: unknown; operation: () => unknown }): unknown } };
const realPut = IDBObjectStore.prototype.put;

/** makes puts into one object store fail with QuotaExceededError, the way a browser reports it: as the request's error, asynchronously */
function failPutsInto(storeName: string, how: 'async' | 'sync' = 'async') {
  return vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: FakeStore, ...args: unknown[]) {
    if (this.name !== storeName) return (realPut as (...a: unknown[]) => IDBRequest).apply(this, args);
    if (how === 'sync') throw quota();
    // fake-indexeddb's request queue (internal): the request fails when its turn comes
    return this.transaction._execRequestAsync({
      source: this,
      operation: () => {
        throw quota();
      },
    }) as IDBRequest;
  } as never);
}

afterEach(() => vi.restoreAllMocks());

function call(sim: { fetch(r: Request): Promise<Response> }, target: string, body: unknown) {
  return sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` }, body: JSON.stringify(body) }));
}

async function workspaceWithKey(store: PlaygroundStore) {
  const ws = await store.createWorkspace('w', OPTIONS);
  const sim = await openWorkspaceSimulator(store, ws.id);
  const keyId = (await (await call(sim, 'CreateKey', {})).json()).KeyMetadata.KeyId as string;
  await sim.flush();
  return { ws, sim, keyId };
}

describe('quota', () => {
  for (const how of ['async', 'sync'] as const) {
    it(`a commit failing with QuotaExceededError (${how}) rejects, writes nothing, and the simulator keeps working`, async () => {
      const store = await openStore();
      const { ws, sim, keyId } = await workspaceWithKey(store);
      const before = await store.forWorkspace(ws.id).load();
      const info = await store.getWorkspace(ws.id);

      failPutsInto('grants', how);
      const res = await call(sim, 'CreateGrant', { KeyId: keyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] });
      expect(res.status).toBe(200);
      expect(sim.storeError?.name).toBe('QuotaExceededError');
      expect(describeStoreError(sim.storeError)).toMatch(/storage for this site is full/);
      vi.restoreAllMocks();

      // all or nothing: the log, event and meta writes of that commit were rolled back with it
      expect(await store.forWorkspace(ws.id).load()).toEqual(before);
      expect(await store.getWorkspace(ws.id)).toEqual(info);
      // the simulator answers from memory
      const list = await (await call(sim, 'ListGrants', { KeyId: keyId })).json();
      expect(list.Grants).toHaveLength(1);
      // and a reload resumes the last saved state
      const again = await openWorkspaceSimulator(store, ws.id);
      expect(again.engine.world.grants.size).toBe(0);
      expect(again.engine.world.keys.size).toBe(1);
    });
  }

  it('a direct commit rejects with the QuotaExceededError itself', async () => {
    const store = await openStore();
    const { ws, keyId } = await workspaceWithKey(store);
    const s = store.forWorkspace(ws.id);
    const loaded = (await s.load())!;
    failPutsInto('log');
    await expect(
      s.commit({ kind: 'delta', meta: loaded.state.meta, records: [], log: [{ index: loaded.log.length, entry: { kind: 'clock', at: 1, to: 1 } }], events: [] }),
    ).rejects.toMatchObject({ name: 'QuotaExceededError' });
    vi.restoreAllMocks();
    // the store instance still expects the old state, so a retry works
    await s.commit({ kind: 'delta', meta: loaded.state.meta, records: [], log: [{ index: loaded.log.length, entry: { kind: 'clock', at: 1, to: 1 } }], events: [] });
    expect((await s.load())!.log).toHaveLength(loaded.log.length + 1);
    expect(keyId).toBeTruthy();
  });
});

describe('openPlaygroundStorage', () => {
  it('uses IndexedDB when it works', async () => {
    const { factory, name } = freshDb();
    const s = closeLater(await openPlaygroundStorage({ name, indexedDB: factory }));
    expect(s.persistent).toBe(true);
  });

  it('falls back to memory, and says why, when there is no IndexedDB', async () => {
    const saved = globalThis.indexedDB;
    try {
      delete (globalThis as { indexedDB?: IDBFactory }).indexedDB;
      const m = await openPlaygroundStorage({ name: 'x' });
      expect(m).toMatchObject({ persistent: false, reason: REASONS.missing });
      // and it is a working store
      const ws = await m.createWorkspace('in memory', OPTIONS);
      const sim = await openWorkspaceSimulator(m, ws.id);
      expect((await call(sim, 'CreateKey', {})).status).toBe(200);
      await sim.flush();
      expect(sim.storeError).toBeUndefined();
      expect((await m.getWorkspace(ws.id))!.logLength).toBe(1);
    } finally {
      (globalThis as { indexedDB?: IDBFactory }).indexedDB = saved;
    }
  });

  it('falls back to memory when opening throws (private window, storage disabled)', async () => {
    const throwing = {
      open() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    } as unknown as IDBFactory;
    const m = await openPlaygroundStorage({ name: 'x', indexedDB: throwing });
    expect(m).toMatchObject({ persistent: false, reason: REASONS.disabled });

    const failing = freshDb();
    const erroring = {
      open(n: string, v?: number) {
        const req = failing.factory.open(n, v);
        // the request fails as Firefox's private mode did: an InvalidStateError error event
        req.addEventListener('upgradeneeded', () => req.transaction!.abort());
        return req;
      },
    } as unknown as IDBFactory;
    const m2 = await openPlaygroundStorage({ name: failing.name, indexedDB: erroring });
    expect(m2.persistent).toBe(false);
    expect(m2.reason).toMatch(/kept in memory only/);
  });

  it('falls back to memory when IndexedDB never answers', async () => {
    const silent = { open: () => new (IDBOpenDBRequest as unknown as new () => IDBOpenDBRequest)() } as unknown as IDBFactory; // a request that never fires
    const m = await openPlaygroundStorage({ name: 'x', indexedDB: silent, timeoutMs: 30 });
    expect(m).toMatchObject({ persistent: false, reason: REASONS.timeout });
  });

  it('falls back to memory when the database opens but refuses writes', async () => {
    const { factory, name } = freshDb();
    failPutsInto('settings');
    const m = await openPlaygroundStorage({ name, indexedDB: factory });
    expect(m).toMatchObject({ persistent: false, reason: REASONS.full });
  });
});

describe('openPlaygroundStorage and a newer database', () => {
  it('says "reload" when another tab already upgraded the database past this code', async () => {
    const { factory, name } = freshDb();
    const newer = await openPlaygroundDb({ name, factory, version: 5 });
    newer.close();
    const m = await openPlaygroundStorage({ name, indexedDB: factory });
    expect(m).toMatchObject({ persistent: false, reason: REASONS.newer });
  });
});
