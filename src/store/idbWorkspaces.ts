/**
 * Workspace management on IndexedDB: list, get, create, rename, duplicate, reset, delete, export
 * and import. Each change is one transaction (strict durability), announced to the other tabs
 * once it landed.
 */
import { makeWorkspaceFile, parseWorkspaceFile } from './file';
import { run, type IdbContext } from './idbConnection';
import { addWorkspace, deleteRows, readWorkspace, SNAPSHOT_STORES } from './idbRows';
import type { MetaRow, WorkspaceOptions, WorkspaceRecord } from './schema';
import { WorkspaceNotFoundError, type ImportResult, type PlaygroundStore, type WorkspaceInfo } from './types';
import { checkName, newWorkspaceId } from './util';

export type WorkspaceMethods = Pick<
  PlaygroundStore,
  'listWorkspaces' | 'getWorkspace' | 'createWorkspace' | 'renameWorkspace' | 'duplicateWorkspace' | 'resetWorkspace' | 'deleteWorkspace' | 'exportWorkspace' | 'importWorkspace'
>;

function info(w: WorkspaceRecord, m: MetaRow | undefined): WorkspaceInfo {
  const out: WorkspaceInfo = { ...w, updated: Math.max(w.updated, m?.updated ?? 0), revision: m?.revision ?? 0, logLength: m?.logLength ?? 0, eventCount: m?.eventCount ?? 0 };
  if (m) out.now = m.meta.now;
  return out;
}

export function workspaceMethods(ctx: IdbContext): WorkspaceMethods {
  const { KR, clock, post } = ctx;
  return {
    async listWorkspaces() {
      const tx = ctx.db().transaction(['workspaces', 'meta'], 'readonly');
      const [ws, metas] = await Promise.all([tx.objectStore('workspaces').getAll(), tx.objectStore('meta').getAll(), tx.done]);
      const byWs = new Map(metas.map((m) => [m.ws, m]));
      return ws.map((w) => info(w, byWs.get(w.id))).sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
    },

    async getWorkspace(id) {
      const tx = ctx.db().transaction(['workspaces', 'meta'], 'readonly');
      const [w, m] = await Promise.all([tx.objectStore('workspaces').get(id), tx.objectStore('meta').get(id), tx.done]);
      return w && info(w, m);
    },

    async createWorkspace(wsName, wsOptions: WorkspaceOptions = {}) {
      const now = clock();
      const record: WorkspaceRecord = { id: newWorkspaceId(), name: checkName(wsName), created: now, updated: now, options: structuredClone(wsOptions) };
      await addWorkspace(ctx, record, null);
      post({ type: 'workspaces', workspace: record.id, change: 'created' });
      return record;
    },

    async renameWorkspace(id, newName) {
      checkName(newName);
      const tx = ctx.db().transaction('workspaces', 'readwrite', { durability: 'strict' });
      const w = await tx.store.get(id);
      if (!w) {
        await tx.done;
        throw new WorkspaceNotFoundError(id);
      }
      await Promise.all([tx.store.put({ ...w, name: newName, updated: clock() }), tx.done]);
      post({ type: 'workspaces', workspace: id, change: 'renamed' });
    },

    async duplicateWorkspace(id, newName) {
      checkName(newName);
      const { workspace: w, snapshot } = await readWorkspace(ctx, id);
      if (!w) throw new WorkspaceNotFoundError(id);
      const now = clock();
      const record: WorkspaceRecord = { id: newWorkspaceId(), name: newName, created: now, updated: now, options: w.options };
      await addWorkspace(ctx, record, snapshot);
      post({ type: 'workspaces', workspace: record.id, change: 'duplicated' });
      return record;
    },

    async resetWorkspace(id) {
      const tx = ctx.db().transaction(SNAPSHOT_STORES, 'readwrite', { durability: 'strict' });
      const w = await tx.objectStore('workspaces').get(id);
      if (!w) {
        await tx.done;
        throw new WorkspaceNotFoundError(id);
      }
      await run(tx, (ops) => {
        deleteRows(KR, tx, id, ops);
        ops.push(tx.objectStore('workspaces').put({ ...w, updated: clock() }));
      });
      post({ type: 'changed', workspace: id, logLength: 0, revision: 0, cause: 'reset' });
      post({ type: 'workspaces', workspace: id, change: 'reset' });
    },

    async deleteWorkspace(id) {
      const tx = ctx.db().transaction(SNAPSHOT_STORES, 'readwrite', { durability: 'strict' });
      await run(tx, (ops) => {
        deleteRows(KR, tx, id, ops);
        ops.push(tx.objectStore('workspaces').delete(id));
      });
      post({ type: 'changed', workspace: id, logLength: 0, revision: 0, cause: 'deleted' });
      post({ type: 'workspaces', workspace: id, change: 'deleted' });
    },

    async exportWorkspace(id, opts = {}) {
      const { workspace: w, meta: m, snapshot } = await readWorkspace(ctx, id);
      if (!w) throw new WorkspaceNotFoundError(id);
      return makeWorkspaceFile({ ...w, updated: Math.max(w.updated, m?.updated ?? 0) }, snapshot, opts.exportedAt);
    },

    async importWorkspace(file, opts = {}): Promise<ImportResult> {
      const parsed = parseWorkspaceFile(file);
      if (!parsed.ok) return parsed;
      const now = clock();
      const record: WorkspaceRecord = { id: newWorkspaceId(), name: opts.name === undefined ? parsed.name : checkName(opts.name), created: now, updated: now, options: parsed.options };
      await addWorkspace(ctx, record, parsed.snapshot);
      post({ type: 'workspaces', workspace: record.id, change: 'imported' });
      return { ok: true, id: record.id };
    },
  };
}
