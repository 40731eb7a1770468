/**
 * Workspace management, on IndexedDB and on the in-memory fallback alike: create, list,
 * rename, duplicate (an independent copy), reset (world gone, options kept), delete (every row
 * gone); saved scenarios and settings.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryPlaygroundStore, openPlaygroundDb, openWorkspaceSimulator, WorkspaceNotFoundError, type PlaygroundStore } from '../../src/store/index';
import type { Scenario } from '../../src/scenario/format';
import { APP_ROLE, makeSim, PRINCIPALS } from '../kms/helpers';
import { closeLater, freshDb, openStore } from './helpers';

const OPTIONS = { seed: 11, region: 'us-east-1', accountId: '111122223333', startTime: Date.UTC(2026, 0, 1), propagation: { minMs: 0, maxMs: 0 }, hosts: 2, routing: 'round-robin' as const, principals: PRINCIPALS };

const backends: [string, () => Promise<PlaygroundStore>][] = [
  ['indexeddb', () => openStore()],
  ['memory', async () => createMemoryPlaygroundStore({ now: () => 1_767_225_600_000 })],
];

async function fill(store: PlaygroundStore, id: string, grants = 3) {
  const sim = await openWorkspaceSimulator(store, id);
  const res = await sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'X-Amz-Target': 'TrentService.CreateKey', 'Content-Type': 'application/x-amz-json-1.1' }, body: '{}' }));
  const keyId = (await res.json()).KeyMetadata.KeyId as string;
  for (let i = 0; i < grants; i++) {
    await sim.engine.run('CreateGrant', { KeyId: keyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] });
  }
  // engine.run skips the wire and the commit: send one more request so the grants are committed
  await sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'X-Amz-Target': 'TrentService.ListKeys', 'Content-Type': 'application/x-amz-json-1.1' }, body: '{}' }));
  await sim.flush();
  expect(sim.storeError).toBeUndefined();
  return keyId;
}

for (const [label, open] of backends) {
  describe(`workspaces (${label})`, () => {
    it('creates and lists workspaces with their options', async () => {
      const s = await open();
      expect(await s.listWorkspaces()).toEqual([]);
      const a = await s.createWorkspace('Alpha', OPTIONS);
      const b = await s.createWorkspace('Beta');
      expect(a.id).not.toBe(b.id);
      const list = await s.listWorkspaces();
      expect(list.map((w) => w.name).sort()).toEqual(['Alpha', 'Beta']);
      const alpha = list.find((w) => w.id === a.id)!;
      expect(alpha.options).toEqual(OPTIONS);
      expect(alpha).toMatchObject({ revision: 0, logLength: 0, eventCount: 0 });
      expect(alpha.now).toBeUndefined();
      await expect(s.createWorkspace('  ')).rejects.toThrow(TypeError);
    });

    it('renames, and reports a missing workspace', async () => {
      const s = await open();
      const a = await s.createWorkspace('Alpha', OPTIONS);
      await s.renameWorkspace(a.id, 'Gamma');
      expect((await s.getWorkspace(a.id))!.name).toBe('Gamma');
      await expect(s.renameWorkspace('nope', 'x')).rejects.toBeInstanceOf(WorkspaceNotFoundError);
      await expect(s.duplicateWorkspace('nope', 'x')).rejects.toBeInstanceOf(WorkspaceNotFoundError);
      await expect(s.resetWorkspace('nope')).rejects.toBeInstanceOf(WorkspaceNotFoundError);
      await expect(s.exportWorkspace('nope')).rejects.toBeInstanceOf(WorkspaceNotFoundError);
    });

    it('opens a simulator on a workspace with the workspace options, and lists its progress', async () => {
      const s = await open();
      const a = await s.createWorkspace('Alpha', OPTIONS);
      await fill(s, a.id);
      const info = (await s.getWorkspace(a.id))!;
      expect(info.logLength).toBe(2);
      expect(info.revision).toBeGreaterThanOrEqual(2);
      expect(info.now).toBe(OPTIONS.startTime);
      const sim = await openWorkspaceSimulator(s, a.id);
      expect(sim.engine.hosts).toBe(2);
      expect(sim.engine.world.grants.size).toBe(3);
    });

    it('duplicates a workspace into an independent copy', async () => {
      const s = await open();
      const a = await s.createWorkspace('Alpha', OPTIONS);
      const keyId = await fill(s, a.id);
      const copy = await s.duplicateWorkspace(a.id, 'Alpha copy');
      expect(copy.options).toEqual(OPTIONS);
      const original = await s.forWorkspace(a.id).load();
      expect(await s.forWorkspace(copy.id).load()).toEqual(original);
      // changing the copy leaves the original alone
      const sim = await openWorkspaceSimulator(s, copy.id);
      await sim.engine.run('CreateGrant', { KeyId: keyId, GranteePrincipal: APP_ROLE, Operations: ['Encrypt'] });
      sim.clock.advance(1);
      await sim.flush();
      expect((await s.forWorkspace(copy.id).load())!.state.grants).toHaveLength(4);
      expect(await s.forWorkspace(a.id).load()).toEqual(original);
    });

    it('resets a workspace: the world, log and events go, the name and options stay', async () => {
      const s = await open();
      const a = await s.createWorkspace('Alpha', OPTIONS);
      const b = await s.createWorkspace('Beta', OPTIONS);
      await fill(s, a.id);
      await fill(s, b.id);
      await s.resetWorkspace(a.id);
      expect(await s.forWorkspace(a.id).load()).toBeNull();
      expect(await s.getWorkspace(a.id)).toMatchObject({ name: 'Alpha', options: OPTIONS, revision: 0, logLength: 0 });
      expect((await s.forWorkspace(b.id).load())!.state.grants).toHaveLength(3);
      // a simulator on the reset workspace starts from the seed again
      const sim = await openWorkspaceSimulator(s, a.id);
      expect(sim.engine.world.keys.size).toBe(0);
      expect(sim.clock.now()).toBe(OPTIONS.startTime);
    });

    it('deletes a workspace and nothing else', async () => {
      const s = await open();
      const a = await s.createWorkspace('Alpha', OPTIONS);
      const b = await s.createWorkspace('Beta', OPTIONS);
      await fill(s, a.id);
      await fill(s, b.id);
      await s.deleteWorkspace(a.id);
      expect((await s.listWorkspaces()).map((w) => w.id)).toEqual([b.id]);
      expect(await s.forWorkspace(a.id).load()).toBeNull();
      expect((await s.forWorkspace(b.id).load())!.state.grants).toHaveLength(3);
      await s.deleteWorkspace(a.id); // deleting twice is harmless
    });

    it('saves, lists and deletes scenarios; keeps settings', async () => {
      const s = await open();
      // a version 1 scenario: parseScenario migrates it to the current version
      const scenario = { v: 1 as const, seed: 3, steps: [{ kind: 'request' as const, target: 'CreateKey', body: {} }] } as unknown as Scenario;
      const saved = await s.saveScenario({ name: 'one', scenario });
      const again = await s.saveScenario({ id: saved.id, name: 'one, renamed', scenario });
      expect(again.created).toBe(saved.created);
      await s.saveScenario({ name: 'two', scenario: { ...scenario, seed: 4 } as Scenario });
      const list = await s.listScenarios();
      expect(list.map((x) => x.name).sort()).toEqual(['one, renamed', 'two']);
      await expect(s.saveScenario({ name: 'bad', scenario: { v: 1, seed: -1, steps: 'x' } as never })).rejects.toThrow(TypeError);
      await s.deleteScenario(saved.id);
      expect((await s.listScenarios()).map((x) => x.name)).toEqual(['two']);
      expect(await s.getSetting('theme')).toBeUndefined();
      await s.setSetting('theme', { dark: true });
      expect(await s.getSetting('theme')).toEqual({ dark: true });
    });

    it('the store itself is a SimulatorStore on its default workspace, created on first commit', async () => {
      const s = await open();
      const { sim, createKey } = makeSim({ store: s });
      await sim.ready;
      await createKey();
      const list = await s.listWorkspaces();
      expect(list.map((w) => [w.id, w.name])).toEqual([['default', 'Default workspace']]);
      expect(list[0].logLength).toBe(1);
    });
  });
}

describe('workspaces (indexeddb rows)', () => {
  it('delete and reset leave no row of the workspace in any store', async () => {
    const { factory, name } = freshDb();
    const s = await openStore({ factory, name });
    const a = await s.createWorkspace('Alpha', OPTIONS);
    const b = await s.createWorkspace('Beta', OPTIONS);
    await fill(s, a.id);
    await fill(s, b.id);
    const db = closeLater(await openPlaygroundDb({ name, factory }));
    const count = async (ws: string) => {
      const out: Record<string, number> = {};
      for (const st of ['keys', 'aliases', 'grants', 'log', 'events'] as const) out[st] = await db.count(st, IDBKeyRange.bound([ws], [ws, []]));
      out.meta = await db.count('meta', ws);
      return out;
    };
    expect(await count(a.id)).toMatchObject({ keys: 1, grants: 3, log: 2, meta: 1 }); // 2 log entries: single rows until 256
    await s.resetWorkspace(a.id);
    expect(Object.values(await count(a.id)).every((n) => n === 0)).toBe(true);
    await s.deleteWorkspace(b.id);
    expect(Object.values(await count(b.id)).every((n) => n === 0)).toBe(true);
    expect(await db.count('workspaces')).toBe(1);
  });
});
