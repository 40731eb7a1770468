/**
 * Persistence for the playground: keys, grants, the input log and events in IndexedDB, safe
 * across reloads and tabs.
 *
 *   const storage = await openPlaygroundStorage({ name: 'kms-playground', onNotice: show });
 *   if (!storage.persistent) banner(storage.reason);        // private window: memory only
 *   const ws = (await storage.listWorkspaces())[0] ?? (await storage.createWorkspace('My workspace', { seed: 42 }));
 *   let sim = await openWorkspaceSimulator(storage, ws.id); // loads, restores, resumes
 *   storage.watch(ws.id, async () => (sim = await openWorkspaceSimulator(storage, ws.id)));
 *   …
 *   if (sim.storeError) banner(describeStoreError(sim.storeError));
 *
 * Each request the simulator serves is committed in one readwrite transaction before its
 * response is returned. The engine's in-memory indexes serve reads; IndexedDB is the durable
 * copy, loaded whole when a workspace opens. The several-tabs rule is in tabs.ts.
 */
import { createSimulator, type SimulatorHostOptions, type SimulatorWithEngine } from '../kms/index';
import { checkSimulatorOptions } from '../scenario/validate';
import { createMemoryPlaygroundStore } from './memory';
import { openIndexedDbStore, type OpenIndexedDbStoreOptions } from './idb';
import type { ConnectionNotice } from './tabs';
import { ConflictError, StoreClosedError, WorkspaceNotFoundError, type PlaygroundStore, type WorkspaceOptions } from './types';

export { openIndexedDbStore, type OpenIndexedDbStoreOptions } from './idb';
export { createMemoryPlaygroundStore, type MemoryPlaygroundStoreOptions } from './memory';
export { ConflictError, StoreClosedError, WorkspaceNotFoundError } from './types';
export type { PlaygroundStore, WorkspaceStore, WorkspaceInfo, ImportResult } from './types';
export { DB_VERSION, DEFAULT_DB_NAME, upgrade, openPlaygroundDb, type PlaygroundDB, type WorkspaceRecord, type WorkspaceOptions, type SavedScenario } from './schema';
export { WORKSPACE_FORMAT, WORKSPACE_FILE_VERSION, parseWorkspaceFile, toJsonSafe, fromJsonSafe, type WorkspaceFile, type ImportError } from './file';
export { channelName, openTabChannel, parseTabMessage, reapplyInputs, NOTICES, type TabMessage, type ConnectionNotice, type TabChannel } from './tabs';
export { DEFAULT_WORKSPACE } from './util';

export type PlaygroundStorage = PlaygroundStore & ({ persistent: true } | { persistent: false; reason: string });

export interface OpenPlaygroundStorageOptions extends OpenIndexedDbStoreOptions {
  /** give up on an IndexedDB that never answers (ms; default 10 s; not counted while blocked) */
  timeoutMs?: number;
}

export const REASONS = {
  missing: 'This browser offers no IndexedDB, so your work is kept in memory only: it is lost when this tab is closed or reloaded.',
  disabled: 'The browser does not let this page store data (a private window, or storage is disabled for this site), so your work is kept in memory only: it is lost when this tab is closed or reloaded.',
  full: 'The browser’s storage for this site is full, so your work is kept in memory only: it is lost when this tab is closed or reloaded.',
  timeout: 'The browser’s storage did not answer, so your work is kept in memory only: it is lost when this tab is closed or reloaded.',
  newer: 'A newer version of the playground has upgraded this site’s storage in another tab. Reload this tab to get the newer version; until then your work is kept in memory only.',
} as const;

/** an error's name and message, for a sentence; never an empty message after a colon */
function detail(e: unknown): string {
  const name = (e as { name?: unknown } | null)?.name;
  const msg = e instanceof Error || (e !== null && typeof e === 'object') ? (e as { message?: unknown }).message : e;
  const text = typeof msg === 'string' ? msg.trim() : msg === undefined ? '' : String(msg);
  const label = typeof name === 'string' && name ? name : 'Error';
  return text ? `${label}: ${text}` : `${label}, without a message`;
}

function reasonFor(e: unknown): string {
  const name = (e as { name?: string } | null)?.name;
  if (name === 'SecurityError' || name === 'InvalidStateError' || name === 'NotAllowedError') return REASONS.disabled;
  if (name === 'QuotaExceededError') return REASONS.full;
  if (name === 'TimeoutError') return REASONS.timeout;
  if (name === 'VersionError') return REASONS.newer;
  return `The browser’s storage could not be opened (${detail(e)}), so your work is kept in memory only: it is lost when this tab is closed or reloaded.`;
}

/**
 * The playground's storage: IndexedDB when the browser allows it (checked with one small write),
 * else the in-memory store with `persistent: false` and a `reason` to show as is.
 */
export async function openPlaygroundStorage(options: OpenPlaygroundStorageOptions = {}): Promise<PlaygroundStorage> {
  const memory = (reason: string) => createMemoryPlaygroundStore({ name: options.name, workspace: options.workspace, now: options.now, reason }) as PlaygroundStorage;
  let factory: IDBFactory | undefined;
  try {
    factory = options.indexedDB ?? globalThis.indexedDB;
  } catch (e) {
    return memory(reasonFor(e)); // some browsers throw on merely reading window.indexedDB
  }
  if (!factory) return memory(REASONS.missing);

  let blocked = false;
  const onNotice = (n: ConnectionNotice) => {
    if (n.kind === 'blocked') blocked = true;
    if (n.kind === 'unblocked') blocked = false;
    options.onNotice?.(n);
  };
  const opening = openIndexedDbStore({ ...options, indexedDB: factory, onNotice });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const timeout = new Promise<never>((_, reject) => {
    const tick = () => {
      if (blocked) timer = setTimeout(tick, timeoutMs);
      else reject(new DOMException('IndexedDB did not answer', 'TimeoutError'));
    };
    timer = setTimeout(tick, timeoutMs);
  });
  let store: PlaygroundStore;
  try {
    store = await Promise.race([opening, timeout]);
  } catch (e) {
    opening.then((s) => s.close()).catch(() => undefined); // it may still open, late
    return memory(reasonFor(e));
  } finally {
    clearTimeout(timer);
  }
  try {
    // some private modes open the database and then refuse every write
    await store.setSetting('storage-probe', true);
  } catch (e) {
    store.close();
    return memory(reasonFor(e));
  }
  return store as PlaygroundStorage;
}

/** a simulator on one workspace, loaded and resumed (its options come from the workspace) */
/**
 * `host`: what the page gives the simulator that is not part of the workspace (its real-time
 * timer, so a request body that never finishes arriving is given up).
 */
export async function openWorkspaceSimulator(store: PlaygroundStore, id: string, extra: WorkspaceOptions = {}, host: SimulatorHostOptions = {}): Promise<SimulatorWithEngine> {
  const ws = await store.getWorkspace(id);
  if (!ws) throw new WorkspaceNotFoundError(id);
  // stored options pass the same boundary check as an imported file's (a database written by an
  // older version, or by hand, is input too): the simulator runs on the checked copy
  const checked = checkSimulatorOptions({ ...ws.options, ...extra }, 'options');
  if (!checked.ok) throw new TypeError(`The settings saved with workspace “${ws.name}” cannot be used: ${checked.error}.`);
  const sim = createSimulator({ ...checked.value, ...host, store: store.forWorkspace(id) });
  await sim.ready;
  return sim;
}

/** a sentence for the user about a store failure (`sim.storeError`) */
export function describeStoreError(e: unknown): string {
  if (e instanceof ConflictError) {
    return e.reason === 'deleted'
      ? 'This workspace was deleted in another tab. Your latest changes were not saved; export them or switch workspace.'
      : 'This workspace was changed in another tab, so your latest change was not saved. Reload the workspace to continue from the saved state (your unsaved requests can be re-sent).';
  }
  if (e instanceof StoreClosedError) return e.message;
  const name = (e as { name?: string } | null)?.name;
  if (name === 'QuotaExceededError') {
    return 'The browser’s storage for this site is full, so your latest change was not saved. The playground keeps working in memory; delete or export workspaces to free space, then reload.';
  }
  return `Saving failed (${detail(e)}). The playground keeps working in memory; export the workspace to keep your work.`;
}

/** the browser's storage estimate (usage and quota in bytes), when it offers one */
export async function storageEstimate(): Promise<{ usage?: number; quota?: number; persisted?: boolean } | undefined> {
  const storage = (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage;
  if (!storage?.estimate) return undefined;
  const [e, persisted] = await Promise.all([storage.estimate(), storage.persisted?.().catch(() => undefined)]);
  return { usage: e.usage, quota: e.quota, persisted };
}
