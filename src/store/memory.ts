/**
 * The PlaygroundStore kept in memory: what the playground uses when IndexedDB is missing or
 * refuses to open (private windows, disabled storage). Same API, same conflict rule between
 * store instances, same workspace files; nothing survives a reload, which `persistent: false`
 * and `reason` tell the UI. Each workspace's world lives in src/kms's reference memory store.
 */
import type { StoreChange, StoredSimulator } from '../kms/api';
import { createMemoryStore, type MemoryStore } from '../kms/memoryStore';
import { parseScenario } from '../scenario/format';
import { makeWorkspaceFile, parseWorkspaceFile } from './file';
import type { SavedScenario, WorkspaceOptions, WorkspaceRecord } from './schema';
import type { ConnectionNotice } from './tabs';
import { ConflictError, StoreClosedError, WorkspaceNotFoundError, type ImportResult, type PlaygroundStore, type WorkspaceInfo, type WorkspaceStore } from './types';
import { checkName, DEFAULT_WORKSPACE, defaultWorkspaceName, lengthsAfter, newScenarioId, newToken, newWorkspaceId } from './util';

interface Data {
  store: MemoryStore;
  token: string;
  revision: number;
  logLength: number;
  eventCount: number;
  now: number;
  updated: number;
}

export interface MemoryPlaygroundStoreOptions {
  name?: string;
  workspace?: string;
  now?: () => number;
  /** why storage is not persistent, in words for the user */
  reason?: string;
}

export function createMemoryPlaygroundStore(options: MemoryPlaygroundStoreOptions = {}): PlaygroundStore {
  const clock = options.now ?? (() => Date.now());
  const workspaces = new Map<string, WorkspaceRecord>();
  const data = new Map<string, Data>();
  const scenarios = new Map<string, SavedScenario>();
  const settings = new Map<string, unknown>();
  let closed = false;
  const open = () => {
    if (closed) throw new StoreClosedError('The playground store was closed.');
  };

  async function snapshotOf(ws: string): Promise<StoredSimulator | null> {
    return (await data.get(ws)?.store.load()) ?? null;
  }

  async function setSnapshot(ws: string, snapshot: StoredSimulator | null): Promise<void> {
    if (!snapshot) return void data.delete(ws);
    const store = createMemoryStore();
    await store.commit({ kind: 'replace', snapshot });
    data.set(ws, { store, token: newToken(), revision: 1, logLength: snapshot.log.length, eventCount: snapshot.events.length, now: snapshot.state.meta.now, updated: clock() });
  }

  class MemoryWorkspaceStore implements WorkspaceStore {
    #expect: { token: string | undefined; existed: boolean; logLength: number; now: number | undefined } | undefined;
    constructor(readonly workspace: string) {}

    async load(): Promise<StoredSimulator | null> {
      open();
      const d = data.get(this.workspace);
      this.#expect = { token: d?.token, existed: workspaces.has(this.workspace), logLength: d?.logLength ?? 0, now: d?.now };
      return d ? d.store.load() : null;
    }

    async commit(change: StoreChange): Promise<void> {
      open();
      const exp = this.#expect;
      if (!exp) throw new Error(`load() workspace ${this.workspace} before committing to it`);
      const ws = this.workspace;
      if (exp.existed && !workspaces.has(ws)) throw new ConflictError(ws, 'deleted', exp.logLength, exp.now);
      const d = data.get(ws);
      if (d?.token !== exp.token) throw new ConflictError(ws, 'changed', exp.logLength, exp.now);
      const now = clock();
      if (!workspaces.has(ws)) workspaces.set(ws, { id: ws, name: defaultWorkspaceName(ws), created: now, updated: now, options: {} });
      const next: Data = d ?? { store: createMemoryStore(), token: '', revision: 0, logLength: 0, eventCount: 0, now: 0, updated: now };
      // check, apply and bookkeeping with no await in between: a commit is atomic here too
      const applied = next.store.commit(change);
      Object.assign(next, lengthsAfter(change, next.logLength, next.eventCount), {
        token: newToken(),
        revision: next.revision + 1,
        now: change.kind === 'replace' ? change.snapshot.state.meta.now : change.meta.now,
        updated: now,
      });
      data.set(ws, next);
      this.#expect = { token: next.token, existed: true, logLength: next.logLength, now: next.now };
      await applied;
    }
  }

  const own = new MemoryWorkspaceStore(options.workspace ?? DEFAULT_WORKSPACE);

  function info(w: WorkspaceRecord): WorkspaceInfo {
    const d = data.get(w.id);
    const out: WorkspaceInfo = { ...structuredClone(w), updated: Math.max(w.updated, d?.updated ?? 0), revision: d?.revision ?? 0, logLength: d?.logLength ?? 0, eventCount: d?.eventCount ?? 0 };
    if (d) out.now = d.now;
    return out;
  }
  function need(id: string): WorkspaceRecord {
    open();
    const w = workspaces.get(id);
    if (!w) throw new WorkspaceNotFoundError(id);
    return w;
  }
  function add(name: string, options: WorkspaceOptions): WorkspaceRecord {
    const now = clock();
    const w: WorkspaceRecord = { id: newWorkspaceId(), name: checkName(name), created: now, updated: now, options: structuredClone(options) };
    workspaces.set(w.id, w);
    return structuredClone(w);
  }

  const store: PlaygroundStore = {
    persistent: false,
    reason: options.reason ?? 'Storage is kept in memory only.',
    name: options.name ?? 'memory',
    defaultWorkspace: own.workspace,
    load: () => own.load(),
    commit: (c) => own.commit(c),
    forWorkspace: (id) => new MemoryWorkspaceStore(id),
    async listWorkspaces() {
      open();
      return [...workspaces.values()].map(info).sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
    },
    async getWorkspace(id) {
      open();
      const w = workspaces.get(id);
      return w && info(w);
    },
    async createWorkspace(name, options = {}) {
      open();
      return add(name, options);
    },
    async renameWorkspace(id, name) {
      const w = need(id);
      workspaces.set(id, { ...w, name: checkName(name), updated: clock() });
    },
    async duplicateWorkspace(id, newName) {
      const w = need(id);
      const snapshot = await snapshotOf(id);
      const copy = add(newName, w.options);
      await setSnapshot(copy.id, snapshot);
      return copy;
    },
    async resetWorkspace(id) {
      const w = need(id);
      data.delete(id);
      workspaces.set(id, { ...w, updated: clock() });
    },
    async deleteWorkspace(id) {
      open();
      data.delete(id);
      workspaces.delete(id);
    },
    async exportWorkspace(id, opts = {}) {
      const w = need(id);
      return makeWorkspaceFile(info(w), await snapshotOf(id), opts.exportedAt);
    },
    async importWorkspace(file, opts = {}): Promise<ImportResult> {
      open();
      const parsed = parseWorkspaceFile(file);
      if (!parsed.ok) return parsed;
      const w = add(opts.name ?? parsed.name, parsed.options);
      await setSnapshot(w.id, parsed.snapshot);
      return { ok: true, id: w.id };
    },
    async listScenarios() {
      open();
      return [...scenarios.values()].sort((a, b) => b.updated - a.updated).map((s) => structuredClone(s));
    },
    async saveScenario(s) {
      open();
      const p = parseScenario(s.scenario);
      if (!p.ok) throw new TypeError(`Not a valid scenario: ${p.detail}`);
      const id = s.id ?? newScenarioId();
      const now = clock();
      const row: SavedScenario = { id, name: checkName(s.name), created: scenarios.get(id)?.created ?? now, updated: now, scenario: p.scenario };
      scenarios.set(id, structuredClone(row));
      return row;
    },
    async deleteScenario(id) {
      open();
      scenarios.delete(id);
    },
    async getSetting<T>(key: string) {
      open();
      return structuredClone(settings.get(key)) as T | undefined;
    },
    async setSetting(key, value) {
      open();
      settings.set(key, structuredClone(value));
    },
    watch: () => () => undefined,
    watchWorkspaces: () => () => undefined,
    onNotice: (_l: (n: ConnectionNotice) => void) => () => undefined,
    close() {
      closed = true;
    },
  };
  return store;
}
