/**
 * What the UI sees of persistence: a PlaygroundStore holds workspaces (each one simulator's
 * world, input log and events, plus the options it was created with), saved scenarios and
 * settings. The IndexedDB store (idb.ts) and the in-memory fallback (memory.ts) both implement it.
 */
import type { SimulatorStore } from '../kms/api';
import type { Scenario } from '../scenario/format';
import type { ImportError, WorkspaceFile } from './file';
import type { SavedScenario, WorkspaceOptions, WorkspaceRecord } from './schema';
import type { ConnectionNotice, TabMessage } from './tabs';

export type { WorkspaceOptions, WorkspaceRecord, SavedScenario } from './schema';

/** a workspace as listed: its record plus what the store knows of its contents */
export interface WorkspaceInfo extends WorkspaceRecord {
  /** commits so far (0: empty) */
  revision: number;
  /** inputs (requests and clock moves) in its log */
  logLength: number;
  eventCount: number;
  /** the simulator's virtual time at the last commit; undefined while empty */
  now?: number;
}

/** the SimulatorStore of one workspace; give each simulator its own (`forWorkspace` again) */
export interface WorkspaceStore extends SimulatorStore {
  readonly workspace: string;
}

export type ImportResult = { ok: true; id: string } | { ok: false; error: ImportError; detail: string };

export interface PlaygroundStore extends SimulatorStore {
  /** false for the in-memory fallback: nothing survives a reload */
  readonly persistent: boolean;
  /** why the store is not persistent (shown to the user as is) */
  readonly reason?: string;
  /** the database name (also names the tab channel) */
  readonly name: string;
  /** the workspace this store's own load/commit use (created on its first commit) */
  readonly defaultWorkspace: string;

  /** a SimulatorStore for one workspace: `createSimulator({ ...ws.options, store: s.forWorkspace(ws.id) })` */
  forWorkspace(id: string): WorkspaceStore;

  listWorkspaces(): Promise<WorkspaceInfo[]>;
  getWorkspace(id: string): Promise<WorkspaceInfo | undefined>;
  createWorkspace(name: string, options?: WorkspaceOptions): Promise<WorkspaceRecord>;
  renameWorkspace(id: string, name: string): Promise<void>;
  /** a new workspace with a copy of id's options, world, log and events */
  duplicateWorkspace(id: string, newName: string): Promise<WorkspaceRecord>;
  /** clears the world, log and events; keeps the name and options */
  resetWorkspace(id: string): Promise<void>;
  deleteWorkspace(id: string): Promise<void>;
  /** the workspace as a JSON-safe document; `exportedAt` is the caller's wall clock, if any */
  exportWorkspace(id: string, opts?: { exportedAt?: number }): Promise<WorkspaceFile>;
  /** validates, then always adds a new workspace (never overwrites one) */
  importWorkspace(file: unknown, opts?: { name?: string }): Promise<ImportResult>;

  listScenarios(): Promise<SavedScenario[]>;
  saveScenario(s: { id?: string; name: string; scenario: Scenario }): Promise<SavedScenario>;
  deleteScenario(id: string): Promise<void>;
  getSetting<T = unknown>(key: string): Promise<T | undefined>;
  setSetting(key: string, value: unknown): Promise<void>;

  /** calls onChange when another tab commits to this workspace; returns unsubscribe */
  watch(workspace: string, onChange: (m: Extract<TabMessage, { type: 'changed' }>) => void): () => void;
  /** calls onChange when another tab creates, renames, resets, imports or deletes a workspace */
  watchWorkspaces(onChange: (m: Extract<TabMessage, { type: 'workspaces' }>) => void): () => void;
  /** connection notices (blocking, blocked, terminated) to show the user */
  onNotice(listener: (n: ConnectionNotice) => void): () => void;
  close(): void;
}

/**
 * A commit found the workspace changed since this store instance last loaded or wrote it:
 * another tab committed, reset or deleted it. Nothing was written. The tab should create a new
 * simulator from the store and, if it wants, re-send its unsaved inputs (`reapplyInputs`).
 */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    readonly workspace: string,
    readonly reason: 'changed' | 'deleted',
    /** the stored log length this tab last saw: its inputs from here on were not saved */
    readonly unsavedFrom: number,
    /** the virtual time of this tab's last saved state (undefined: nothing was saved) */
    readonly savedNow: number | undefined,
  ) {
    super(
      reason === 'deleted'
        ? `Workspace ${workspace} was deleted in another tab; this change was not saved.`
        : `Workspace ${workspace} was changed in another tab; this change was not saved. Reload the workspace to see the other tab's work.`,
    );
  }
}

/** the connection was closed (a newer tab is upgrading, the browser closed it, or close()) */
export class StoreClosedError extends Error {
  override readonly name = 'StoreClosedError';
}

/** the workspace does not exist */
export class WorkspaceNotFoundError extends Error {
  override readonly name = 'WorkspaceNotFoundError';
  constructor(readonly workspace: string) {
    super(`There is no workspace ${workspace}.`);
  }
}
