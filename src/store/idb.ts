/**
 * The IndexedDB PlaygroundStore, put together from its parts:
 *
 * | module | what |
 * |---|---|
 * | idbConnection.ts | opening the database, connection notices, the shared context, `run` (awaiting a readwrite transaction) |
 * | idbRows.ts | a whole workspace's rows: read all, write a world, delete, add a workspace |
 * | idbCommit.ts | one workspace's SimulatorStore: load, and the commit protocol with its conflict check |
 * | idbWorkspaces.ts | workspace management: list, create, rename, duplicate, reset, delete, export, import |
 * | idbScenarios.ts | saved scenarios and settings |
 * | idbWatch.ts | other tabs' commits, confirmed against the database and throttled |
 *
 * Transaction rule (src/store/README.md; docs/architecture.md, Persistence): a transaction closes as soon as control
 * returns to the event loop with no request pending, so nothing but the transaction's own
 * requests is awaited inside one. A commit computes everything first, issues every request of
 * the change synchronously (the conflict check included), then awaits
 * `Promise.all([...requests, tx.done])`: one readwrite transaction per change, all or nothing.
 *
 * Reads: a workspace is loaded whole, one getAll per object store over the workspace's key
 * range, all in one readonly transaction (the log and events in chunked rows: chunks.ts). The engine's in-memory indexes then serve every read
 * (ListGrants pages never touch IndexedDB); IndexedDB is the durable copy.
 */
import { IdbWorkspaceStore } from './idbCommit';
import { openConnection, type IdbContext } from './idbConnection';
import { scenarioMethods } from './idbScenarios';
import { watchWorkspace, watchWorkspaceList } from './idbWatch';
import { workspaceMethods } from './idbWorkspaces';
import { DEFAULT_DB_NAME, type upgrade as defaultUpgrade } from './schema';
import { openTabChannel, type ConnectionNotice, type TabChannel } from './tabs';
import type { PlaygroundStore } from './types';
import { DEFAULT_WORKSPACE } from './util';

export { WATCH_INTERVAL_MS } from './idbWatch';

export interface OpenIndexedDbStoreOptions {
  /** database name (also names the tab channel); default 'kms-playground' */
  name?: string;
  /** the IDBFactory: the global `indexedDB` by default; Node tests pass fake-indexeddb's */
  indexedDB?: IDBFactory;
  /** IDBKeyRange to build ranges with (the global one by default) */
  keyRange?: typeof IDBKeyRange;
  /** the workspace the store's own load/commit use (default 'default') */
  workspace?: string;
  /** wall clock for created/updated stamps (default Date.now) */
  now?: () => number;
  /** durability of commit transactions: 'relaxed' (default: one per request) or 'strict' */
  durability?: IDBTransactionDurability;
  /** connection notices (blocking, blocked, terminated), also before the open resolves */
  onNotice?: (n: ConnectionNotice) => void;
  /** announce commits to other tabs (default: the global BroadcastChannel; false: off) */
  broadcastChannel?: (new (name: string) => BroadcastChannel) | false;
  /** tests only: the version to open and the migration to run (play an older or newer tab) */
  version?: number;
  upgrade?: typeof defaultUpgrade;
}

export async function openIndexedDbStore(options: OpenIndexedDbStoreOptions = {}): Promise<PlaygroundStore> {
  const name = options.name ?? DEFAULT_DB_NAME;
  const factory = options.indexedDB ?? globalThis.indexedDB;
  if (!factory) throw new Error('IndexedDB is not available in this browser.');
  const defaultWs = options.workspace ?? DEFAULT_WORKSPACE;

  const connection = await openConnection({ name, factory, version: options.version, upgrade: options.upgrade, onNotice: options.onNotice });
  const channel: TabChannel = openTabChannel(name, options.broadcastChannel === false ? null : (options.broadcastChannel ?? globalThis.BroadcastChannel ?? null));
  const ctx: IdbContext = {
    db: () => connection.db(),
    KR: options.keyRange ?? globalThis.IDBKeyRange,
    clock: options.now ?? (() => Date.now()),
    durability: options.durability ?? 'relaxed',
    post: (m) => channel.post(m),
    held: new Map(),
  };
  const own = new IdbWorkspaceStore(ctx, defaultWs);

  const store: PlaygroundStore = {
    persistent: true,
    name,
    defaultWorkspace: defaultWs,
    load: () => own.load(),
    commit: (change) => own.commit(change),
    idle: (callback) => own.idle(callback),
    forWorkspace: (id) => new IdbWorkspaceStore(ctx, id),
    ...workspaceMethods(ctx),
    ...scenarioMethods(ctx),
    watch: (workspace, onChange) => watchWorkspace(ctx, channel, workspace, onChange),
    watchWorkspaces: (onChange) => watchWorkspaceList(channel, onChange),
    onNotice: (listener) => connection.onNotice(listener),
    close() {
      connection.close();
      channel.close();
    },
  };
  return store;
}
