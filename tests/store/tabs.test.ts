/**
 * Several tabs: two stores on one fake-indexeddb factory play two tabs. Commits are announced
 * on the BroadcastChannel; a commit from a tab that missed another tab's commit (or a reset, or
 * a delete) is refused whole with a ConflictError, and the tab recovers by reloading and
 * re-sending its unsaved inputs, so neither tab's records are lost. Connection notices:
 * blocking, blocked, terminated.
 */
import { forceCloseDatabase } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import type { SimulatorWithEngine } from '../../src/kms/index';
import { ConflictError, createMemoryPlaygroundStore, DB_VERSION, openIndexedDbStore, openPlaygroundDb, openWorkspaceSimulator, reapplyInputs, StoreClosedError, type ConnectionNotice, type PlaygroundStore, type TabMessage } from '../../src/store/index';
import { APP_ROLE, AUDITOR, PRINCIPALS } from '../kms/helpers';
import { closeLater, freshDb, openStore } from './helpers';

const OPTIONS = { seed: 4, startTime: Date.UTC(2026, 0, 1), propagation: { minMs: 0, maxMs: 0 }, principals: PRINCIPALS };

function call(sim: SimulatorWithEngine, target: string, body: unknown) {
  return sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` }, body: JSON.stringify(body) }));
}
async function json(sim: SimulatorWithEngine, target: string, body: unknown) {
  return (await call(sim, target, body)).json();
}

/** two tabs on one database, each with a simulator on the same workspace holding one key */
async function twoTabs() {
  const { factory, name } = freshDb();
  const tabA = await openStore({ factory, name });
  const tabB = await openStore({ factory, name });
  const ws = await tabA.createWorkspace('Shared', OPTIONS);
  const simA = await openWorkspaceSimulator(tabA, ws.id);
  const keyId = (await json(simA, 'CreateKey', {})).KeyMetadata.KeyId as string;
  await simA.flush();
  const simB = await openWorkspaceSimulator(tabB, ws.id);
  return { factory, name, tabA, tabB, ws, simA, simB, keyId };
}

const nextMessage = (store: PlaygroundStore, ws: string) =>
  new Promise<TabMessage>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no message')), 2_000);
    const off = store.watch(ws, (m) => {
      clearTimeout(t);
      off();
      resolve(m);
    });
  });

describe('several tabs', () => {
  it('announces each commit to the other tabs on kms-playground:<dbname>', async () => {
    const { tabA, tabB, ws, simA, keyId } = await twoTabs();
    const heard = nextMessage(tabB, ws.id);
    await json(simA, 'CreateGrant', { KeyId: keyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] });
    expect(await heard).toEqual({ type: 'changed', workspace: ws.id, logLength: 2, revision: 3 });
    // the raw channel carries the same message, under the documented name
    const raw = new BroadcastChannel(`kms-playground:${tabA.name}`);
    const got = new Promise((r) => (raw.onmessage = (e) => r(e.data)));
    await json(simA, 'ListGrants', { KeyId: keyId });
    expect(await got).toMatchObject({ type: 'changed', workspace: ws.id, logLength: 3 });
    raw.close();
  });

  it('a tab that reloads on the announcement keeps writing without conflict', async () => {
    const { tabB, ws, simA, keyId } = await twoTabs();
    let simB = await openWorkspaceSimulator(tabB, ws.id);
    const reloaded = new Promise<void>((resolve) =>
      tabB.watch(ws.id, async () => {
        simB = await openWorkspaceSimulator(tabB, ws.id);
        resolve();
      }),
    );
    await json(simA, 'CreateGrant', { KeyId: keyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] });
    await reloaded;
    await json(simB, 'CreateGrant', { KeyId: keyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'] });
    await simB.flush();
    expect(simB.storeError).toBeUndefined();
    expect((await json(simB, 'ListGrants', { KeyId: keyId })).Grants).toHaveLength(2);
  });

  it('refuses a commit that would lose the other tab’s records; reload + reapply keeps both', async () => {
    const { tabA, tabB, ws, simA, simB, keyId } = await twoTabs();
    const a = await json(simA, 'CreateGrant', { KeyId: keyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'], Name: 'from-a' });
    // tab B never heard of it: its commit is refused, whole
    const b = await json(simB, 'CreateGrant', { KeyId: keyId, GranteePrincipal: AUDITOR, Operations: ['Encrypt'], Name: 'from-b' });
    simB.clock.advance(1_000);
    await json(simB, 'CreateGrant', { KeyId: keyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'], Name: 'from-b-2' });
    await simB.flush();
    const err = simB.storeError;
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ name: 'ConflictError', reason: 'changed', workspace: ws.id, unsavedFrom: 1, savedNow: OPTIONS.startTime });
    // the in-memory simulator kept working (the user saw B's grant), the database has A's only
    expect(b.GrantId).toBeTruthy();
    const stored = await tabA.forWorkspace(ws.id).load();
    expect(stored!.state.grants.map((g) => g.name)).toEqual(['from-a']);
    expect(stored!.log).toHaveLength(2);

    // recovery: a new simulator from the store, then B's unsaved inputs again
    const unsaved = simB.log.slice((err as ConflictError).unsavedFrom);
    expect(unsaved.map((e) => e.kind)).toEqual(['request', 'clock', 'request']);
    const fresh = await openWorkspaceSimulator(tabB, ws.id);
    const responses = await reapplyInputs(fresh, unsaved, (err as ConflictError).savedNow);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    await fresh.flush();
    expect(fresh.storeError).toBeUndefined();

    const third = await openWorkspaceSimulator(tabA, ws.id);
    const names = (await json(third, 'ListGrants', { KeyId: keyId })).Grants.map((g: { Name: string }) => g.Name).sort();
    expect(names).toEqual(['from-a', 'from-b', 'from-b-2']);
    expect(third.clock.now()).toBe(OPTIONS.startTime + 1_000);
    expect(a.GrantId).toBeTruthy();
  });

  it('catches a reset and a delete made in another tab', async () => {
    const { tabA, ws, simB, keyId } = await twoTabs();
    await tabA.resetWorkspace(ws.id);
    await json(simB, 'CreateGrant', { KeyId: keyId, GranteePrincipal: AUDITOR, Operations: ['Encrypt'] });
    await simB.flush();
    expect(simB.storeError).toMatchObject({ name: 'ConflictError', reason: 'changed' });
    expect(await tabA.forWorkspace(ws.id).load()).toBeNull();

    const { tabA: a2, tabB: b2, ws: ws2, simB: sim2, keyId: k2 } = await twoTabs();
    await a2.deleteWorkspace(ws2.id);
    await json(sim2, 'CreateGrant', { KeyId: k2, GranteePrincipal: AUDITOR, Operations: ['Encrypt'] });
    await sim2.flush();
    expect(sim2.storeError).toMatchObject({ name: 'ConflictError', reason: 'deleted' });
    expect(await b2.listWorkspaces()).toEqual([]); // not resurrected
  });

  it('a reset workspace written to again never matches an old tab (no A-B-A)', async () => {
    const { tabA, ws, simB, keyId } = await twoTabs();
    // B has seen revision 2; A resets and makes exactly as many commits again
    await tabA.resetWorkspace(ws.id);
    const again = await openWorkspaceSimulator(tabA, ws.id);
    await json(again, 'CreateKey', {});
    expect((await tabA.getWorkspace(ws.id))!.revision).toBe(2);
    await json(simB, 'CreateGrant', { KeyId: keyId, GranteePrincipal: AUDITOR, Operations: ['Encrypt'] });
    await simB.flush();
    expect(simB.storeError).toBeInstanceOf(ConflictError);
  });

  it('two simulators on the in-memory store follow the same rule', async () => {
    const store = createMemoryPlaygroundStore();
    const ws = await store.createWorkspace('m', OPTIONS);
    const s1 = await openWorkspaceSimulator(store, ws.id);
    const s2 = await openWorkspaceSimulator(store, ws.id);
    await json(s1, 'CreateKey', {});
    await json(s2, 'CreateKey', {});
    await s2.flush();
    expect(s2.storeError).toBeInstanceOf(ConflictError);
    expect((await store.forWorkspace(ws.id).load())!.state.keys).toHaveLength(1);
  });
});

describe('connection notices', () => {
  it('blocking: a newer version opens elsewhere; this tab closes, says "reload", and refuses writes', async () => {
    const { factory, name } = freshDb();
    const notices: ConnectionNotice[] = [];
    const old = await openStore({ factory, name, onNotice: (n) => notices.push(n) });
    const ws = await old.createWorkspace('w', OPTIONS);
    const sim = await openWorkspaceSimulator(old, ws.id);
    const newer = closeLater(await openPlaygroundDb({ name, factory, version: DB_VERSION + 1 })); // resolves: the old tab let go
    expect(newer.version).toBe(DB_VERSION + 1);
    expect(notices.map((n) => n.kind)).toEqual(['blocking']);
    expect(notices[0].message).toMatch(/reload/i);
    const res = await call(sim, 'CreateKey', {});
    expect(res.status).toBe(200); // the simulator keeps working in memory
    expect(sim.storeError).toBeInstanceOf(StoreClosedError);
    expect(sim.storeError!.message).toMatch(/reload/i);
    await expect(old.listWorkspaces()).rejects.toBeInstanceOf(StoreClosedError);
  });

  it('blocked: an old tab holds on; this tab says "close other tabs" and opens once it closes', async () => {
    const { factory, name } = freshDb();
    const stubborn = await openPlaygroundDb({ name, factory }); // an old tab without a blocking handler
    const notices: ConnectionNotice[] = [];
    const opening = openIndexedDbStore({ name, indexedDB: factory, version: DB_VERSION + 1, onNotice: (n) => notices.push(n) });
    await new Promise((r) => setTimeout(r, 50));
    expect(notices.map((n) => n.kind)).toEqual(['blocked']);
    expect(notices[0].message).toMatch(/close the other/i);
    stubborn.close();
    const store = closeLater(await opening);
    expect(notices.map((n) => n.kind)).toEqual(['blocked', 'unblocked']);
    expect(await store.listWorkspaces()).toEqual([]);
  });

  it('terminated: the browser closes the connection; the tab is told and writes are refused', async () => {
    const { factory, name } = freshDb();
    let raw: IDBDatabase | undefined;
    const spying = {
      open(n: string, v?: number) {
        const req = factory.open(n, v);
        req.addEventListener('success', () => (raw = req.result));
        return req;
      },
      deleteDatabase: (n: string) => factory.deleteDatabase(n),
      cmp: (a: unknown, b: unknown) => factory.cmp(a, b),
      databases: () => factory.databases(),
    } as IDBFactory;
    const notices: ConnectionNotice[] = [];
    const store = closeLater(await openIndexedDbStore({ name, indexedDB: spying, onNotice: (n) => notices.push(n) }));
    const sim = await openWorkspaceSimulator(store, (await store.createWorkspace('w', OPTIONS)).id);
    forceCloseDatabase(raw as never);
    expect(notices.map((n) => n.kind)).toEqual(['terminated']);
    await call(sim, 'CreateKey', {});
    expect(sim.storeError).toBeInstanceOf(StoreClosedError);
  });
});

describe('watch', () => {
  it('hands on a burst of commits as one change, the latest', async () => {
    const { tabB, ws, simA, keyId } = await twoTabs();
    const seen: TabMessage[] = [];
    tabB.watch(ws.id, (m) => seen.push(m));
    for (let i = 0; i < 20; i++) await json(simA, 'CreateGrant', { KeyId: keyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] });
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.length).toBeLessThan(20);
    expect(seen[seen.length - 1]).toMatchObject({ type: 'changed', workspace: ws.id, logLength: 21 });
  });

  it('keeps watching after a listener throws: the next change is still delivered, the failure reported once', async () => {
    const { tabB, ws, simA, keyId } = await twoTabs();
    const errors: unknown[][] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args));
    const rejections: unknown[] = [];
    const onRejection = (e: unknown) => rejections.push(e);
    process.on('unhandledRejection', onRejection);
    try {
      const seen: TabMessage[] = [];
      tabB.watch(ws.id, (m) => {
        seen.push(m);
        throw new Error('listener broke');
      });
      await json(simA, 'CreateGrant', { KeyId: keyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] });
      await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 2_000 });
      await json(simA, 'CreateGrant', { KeyId: keyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'] });
      await vi.waitFor(() => expect(seen).toHaveLength(2), { timeout: 2_000 });
      expect(seen[1]).toMatchObject({ type: 'changed', workspace: ws.id, logLength: 3 });
      await new Promise((r) => setTimeout(r, 20));
      expect(errors).toHaveLength(1);
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
      spy.mockRestore();
    }
  });

  it('unsubscribes', async () => {
    const { tabB, ws, simA, keyId } = await twoTabs();
    const seen: TabMessage[] = [];
    const off = tabB.watch(ws.id, (m) => seen.push(m));
    off();
    await json(simA, 'CreateGrant', { KeyId: keyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] });
    await new Promise((r) => setTimeout(r, 120));
    expect(seen).toEqual([]);
  });

  it('tells other tabs about workspace changes', async () => {
    const { tabA, tabB } = await twoTabs();
    const seen: TabMessage[] = [];
    tabB.watchWorkspaces((m) => seen.push(m));
    const w = await tabA.createWorkspace('new one', OPTIONS);
    await tabA.renameWorkspace(w.id, 'renamed');
    await tabA.deleteWorkspace(w.id);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.map((m) => m.type === 'workspaces' && m.change)).toEqual(['created', 'renamed', 'deleted']);
  });
});

describe('simultaneous commits', () => {
  for (const backend of ['indexeddb', 'memory'] as const) {
    it(`two store instances committing at the same moment: exactly one wins (${backend})`, async () => {
      const { factory, name } = freshDb();
      const one = backend === 'memory' ? createMemoryPlaygroundStore() : await openStore({ factory, name });
      const two = backend === 'memory' ? one : await openStore({ factory, name });
      const ws = await one.createWorkspace('race', OPTIONS);
      const sim = await openWorkspaceSimulator(one, ws.id);
      await json(sim, 'CreateKey', {});
      await sim.flush();
      const [s1, s2] = [one.forWorkspace(ws.id), two.forWorkspace(ws.id)];
      const [l1, l2] = [(await s1.load())!, (await s2.load())!];
      const change = (loaded: typeof l1, at: number) => ({ kind: 'delta' as const, meta: loaded.state.meta, records: [], log: [{ index: loaded.log.length, entry: { kind: 'clock' as const, at, to: at } }], events: [] });
      const results = await Promise.allSettled([s1.commit(change(l1, 1)), s2.commit(change(l2, 2))]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toBeInstanceOf(ConflictError);
      const stored = (await one.forWorkspace(ws.id).load())!;
      expect(stored.log).toHaveLength(l1.log.length + 1);
    });
  }
});
