/**
 * The playground's IndexedDB schema, typed once (docs/architecture.md, Persistence), and the one place it
 * migrates.
 *
 * Rows are keyed by [workspaceId, id], so one database holds many workspaces and a workspace's
 * rows are one key range (`wsRange`). Keys and aliases are one row per record; grants are packed
 * up to GRANT_PACK (128) to a row in `grantPacks`, the newest in rows of their own in `grants`
 * until a pack fills (grantPacks.ts); the log and the events are rows of up to CHUNK (256)
 * consecutive entries keyed by [workspaceId, first index] (chunks.ts: reloading 150,000
 * single-entry rows is too slow). The engine's in-memory indexes serve every read while a
 * simulator runs; these object stores are the durable copy, loaded whole (one getAll per store,
 * in one transaction) when a workspace is opened. The grant indexes cover the grants in rows of
 * their own only (the newest).
 *
 * Version 2 added `grantPacks` (grants many to a row, grantPacks.ts). Adding version 3: bump
 * DB_VERSION and add a block below the v2 block,
 * `if (oldVersion < 3 && newVersion >= 3) { … }`, using `tx` to reach existing stores. Blocks
 * fall through, so a fresh database runs all of them in order and an old one only the new ones.
 * The `newVersion` guard keeps a test (or an old tab) opening an older version from running
 * blocks it does not know.
 */
import { wrap, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { AliasRecord, EngineMeta, GrantRecord, KeyRecord, LogEntry, SimEvent, SimulatorOptions } from '../kms/api';
import type { Scenario } from '../scenario/format';

export const DB_VERSION = 2;
export const DEFAULT_DB_NAME = 'kms-playground';

/** what a workspace remembers of the simulator it runs: every SimulatorOption except the store */
export type WorkspaceOptions = Omit<SimulatorOptions, 'store'>;

export interface WorkspaceRecord {
  id: string;
  name: string;
  /** wall-clock epoch ms (the store's clock, never the simulator's virtual one) */
  created: number;
  updated: number;
  options: WorkspaceOptions;
}

/**
 * Per workspace: the engine's counters and the bookkeeping of the store. Absent while the
 * workspace holds no world (just created or reset).
 */
export interface MetaRow {
  ws: string;
  meta: EngineMeta;
  /** random per commit: a commit only succeeds if it still finds the token it last saw (tabs.ts) */
  token: string;
  /** commits so far (for display and tab messages; the token is what is checked) */
  revision: number;
  logLength: number;
  eventCount: number;
  /** wall-clock epoch ms of the last commit */
  updated: number;
  /** next insertion order for key and alias rows */
  nextOrder: number;
}

/** `order` keeps Map insertion order (ListKeys answers in creation order) across reloads */
export interface KeyRow {
  ws: string;
  id: string;
  order: number;
  record: KeyRecord;
}
export interface AliasRow {
  ws: string;
  id: string;
  order: number;
  record: AliasRecord;
}
export interface GrantRow {
  ws: string;
  id: string;
  /** GranteePrincipal, or the grantee service principal */
  grantee: string;
  /** RetiringPrincipal or RetiringServicePrincipal; absent rows are left out of by-retiring */
  retiring?: string;
  record: GrantRecord;
}
/**
 * Version 2: up to GRANT_PACK grants in one row (grantPacks.ts says why). A grant is in exactly
 * one place: a pack or its own `grants` row.
 */
export interface GrantPackRow {
  ws: string;
  /** the pack's number (a workspace's packs are numbered from 0; gaps are allowed) */
  id: number;
  items: GrantRecord[];
  /** index entries (util.ts packRow): the packs holding a key's grants … */
  keyIds: [string, string][];
  /** … a grantee's (GranteePrincipal or GranteeServicePrincipal) … */
  grantees: [string, string][];
  /** … a retiring principal's … */
  retiring: [string, string][];
  /** … and a key's grant of one Name */
  keyNames: [string, string, string][];
}
/** up to CHUNK consecutive log entries, from `index` on (chunks.ts says why) */
export interface LogRow {
  ws: string;
  index: number;
  items: LogEntry[];
}
/** up to CHUNK consecutive events, from `index` on */
export interface EventRow {
  ws: string;
  index: number;
  items: SimEvent[];
}

export interface SavedScenario {
  id: string;
  name: string;
  created: number;
  updated: number;
  scenario: Scenario;
}

export interface SettingRow {
  key: string;
  value: unknown;
}

export interface PlaygroundDB extends DBSchema {
  workspaces: { key: string; value: WorkspaceRecord };
  meta: { key: string; value: MetaRow };
  keys: { key: [string, string]; value: KeyRow };
  aliases: { key: [string, string]; value: AliasRow };
  grants: {
    key: [string, string];
    value: GrantRow;
    indexes: {
      'by-key': [string, string];
      'by-grantee': [string, string];
      'by-retiring': [string, string];
      'by-key-name': [string, string, string];
    };
  };
  grantPacks: {
    key: [string, number];
    value: GrantPackRow;
    indexes: {
      'by-key': [string, string];
      'by-grantee': [string, string];
      'by-retiring': [string, string];
      'by-key-name': [string, string, string];
    };
  };
  log: { key: [string, number]; value: LogRow };
  events: { key: [string, number]; value: EventRow };
  scenarios: { key: string; value: SavedScenario; indexes: { 'by-updated': number } };
  settings: { key: string; value: SettingRow };
}

export type PlaygroundStoreName = StoreNames<PlaygroundDB>;
export type DataStoreName = 'meta' | 'keys' | 'aliases' | 'grants' | 'grantPacks' | 'log' | 'events';
/** every store that holds a workspace's world, log and events (not the workspace row itself) */
export const DATA_STORES: readonly DataStoreName[] = ['meta', 'keys', 'aliases', 'grants', 'grantPacks', 'log', 'events'];

/** the one migration function: fall-through version blocks */
export function upgrade(
  db: IDBPDatabase<PlaygroundDB>,
  oldVersion: number,
  newVersion: number | null,
  // reaches existing stores in later blocks; unused by v1 and v2
  _tx: IDBPTransaction<PlaygroundDB, PlaygroundStoreName[], 'versionchange'>,
): void {
  const target = newVersion ?? DB_VERSION;
  if (oldVersion < 1 && target >= 1) {
    db.createObjectStore('workspaces', { keyPath: 'id' });
    db.createObjectStore('meta', { keyPath: 'ws' });
    db.createObjectStore('keys', { keyPath: ['ws', 'id'] });
    db.createObjectStore('aliases', { keyPath: ['ws', 'id'] });
    const grants = db.createObjectStore('grants', { keyPath: ['ws', 'id'] });
    grants.createIndex('by-key', ['ws', 'record.keyId']);
    grants.createIndex('by-grantee', ['ws', 'grantee']);
    grants.createIndex('by-retiring', ['ws', 'retiring']);
    grants.createIndex('by-key-name', ['ws', 'record.keyId', 'record.name']);
    db.createObjectStore('log', { keyPath: ['ws', 'index'] });
    db.createObjectStore('events', { keyPath: ['ws', 'index'] });
    const scenarios = db.createObjectStore('scenarios', { keyPath: 'id' });
    scenarios.createIndex('by-updated', 'updated');
    db.createObjectStore('settings', { keyPath: 'key' });
  }
  if (oldVersion < 2 && target >= 2) {
    // grants packed many to a row (grantPacks.ts). Version 1's grant rows stay valid as they
    // are (a grant in its own row), and are packed by later commits, a pack at a time.
    // the same lookups as the grants indexes, one entry per distinct value in the pack
    const packs = db.createObjectStore('grantPacks', { keyPath: ['ws', 'id'] });
    packs.createIndex('by-key', 'keyIds', { multiEntry: true });
    packs.createIndex('by-grantee', 'grantees', { multiEntry: true });
    packs.createIndex('by-retiring', 'retiring', { multiEntry: true });
    packs.createIndex('by-key-name', 'keyNames', { multiEntry: true });
  }
  // if (oldVersion < 3 && target >= 3) { … }
}

/** what an open connection reports to its owner (tabs.ts turns these into notices) */
export interface ConnectionCallbacks {
  /** a newer version is being opened elsewhere and waits for this connection to close */
  blocking?(currentVersion: number, blockedVersion: number | null): void;
  /** this open waits for older connections elsewhere to close */
  blocked?(currentVersion: number, blockedVersion: number | null): void;
  /** the browser closed the connection (storage cleared, disk error) */
  terminated?(): void;
}

export interface OpenDbOptions extends ConnectionCallbacks {
  name: string;
  /** the IDBFactory to use: `indexedDB` in a browser, fake-indexeddb's in Node tests */
  factory: IDBFactory;
  /** the version to open (DB_VERSION); tests pass another to play an older or newer tab */
  version?: number;
  /** replaces `upgrade` (tests that add a synthetic version) */
  upgrade?: typeof upgrade;
}

/**
 * idb's `openDB`, on an injected factory (idb's own reaches for the global `indexedDB`).
 * The listeners are the ones idb attaches, in the same order.
 */
export function openPlaygroundDb(o: OpenDbOptions): Promise<IDBPDatabase<PlaygroundDB>> {
  const request = o.factory.open(o.name, o.version ?? DB_VERSION);
  const opened = wrap(request) as unknown as Promise<IDBPDatabase<PlaygroundDB>>;
  const up = o.upgrade ?? upgrade;
  request.addEventListener('upgradeneeded', (event) => {
    const tx = wrap(request.transaction!) as unknown as IDBPTransaction<PlaygroundDB, PlaygroundStoreName[], 'versionchange'>;
    // an aborted upgrade rejects the open request, which the caller handles; not tx.done too
    tx.done.catch(() => undefined);
    up(wrap(request.result) as unknown as IDBPDatabase<PlaygroundDB>, event.oldVersion, event.newVersion, tx);
  });
  if (o.blocked) {
    const blocked = o.blocked;
    request.addEventListener('blocked', (event) => blocked(event.oldVersion, event.newVersion));
  }
  opened
    .then((db) => {
      if (o.terminated) {
        const terminated = o.terminated;
        db.addEventListener('close', () => terminated());
      }
      if (o.blocking) {
        const blocking = o.blocking;
        db.addEventListener('versionchange', (event) => blocking(event.oldVersion, event.newVersion));
      }
    })
    .catch(() => undefined);
  return opened;
}

/** the key range of one workspace's rows in a store keyed by [workspaceId, …] */
export function wsRange(keyRange: typeof IDBKeyRange, ws: string): IDBKeyRange {
  // [ws] sorts before every [ws, x]; an array sorts after every string and number
  return keyRange.bound([ws], [ws, []]);
}

/** the rows of one workspace's log (or events) from `from` on */
export function indexRange(keyRange: typeof IDBKeyRange, ws: string, from: number): IDBKeyRange {
  return keyRange.bound([ws, from], [ws, Infinity]);
}
