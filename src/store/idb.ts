/**
 * The IndexedDB PlaygroundStore.
 *
 * Transaction rule (idb's README; docs/architecture.md, Persistence): a transaction closes as soon as control
 * returns to the event loop with no request pending, so nothing but the transaction's own
 * requests is awaited inside one. A commit computes everything first, issues every request of
 * the change synchronously (the conflict check included), then awaits
 * `Promise.all([...requests, tx.done])`: one readwrite transaction per change, all or nothing.
 *
 * Reads: a workspace is loaded whole, one getAll per object store over the workspace's key
 * range, all in one readonly transaction (the log and events in chunked rows: chunks.ts). The engine's in-memory indexes then serve every read
 * (ListGrants pages never touch IndexedDB); IndexedDB is the durable copy.
 */
import type { IDBPDatabase, IDBPTransaction } from 'idb';
import type { LogEntry, StoreChange, StoredSimulator } from '../kms/api';
import type { SimEvent } from '../kms/events';
import { World, type GrantRecord } from '../kms/world';
import { parseScenario } from '../scenario/format';
import { chunkAll, planChunks, unchunk } from './chunks';
import { mirrorOf, packAll, planGrants, type GrantMirror } from './grantPacks';
import { makeWorkspaceFile, parseWorkspaceFile } from './file';
import { DATA_STORES, DEFAULT_DB_NAME, indexRange, openPlaygroundDb, wsRange, type GrantRow, type MetaRow, type PlaygroundDB, type PlaygroundStoreName, type SavedScenario, type WorkspaceOptions, type WorkspaceRecord, upgrade as defaultUpgrade } from './schema';
import { notice, openTabChannel, type ConnectionNotice, type TabChannel, type TabMessage } from './tabs';
import { ConflictError, StoreClosedError, WorkspaceNotFoundError, type ImportResult, type PlaygroundStore, type WorkspaceInfo, type WorkspaceStore } from './types';
import { checkName, DEFAULT_WORKSPACE, defaultWorkspaceName, grantRow, lengthsAfter, packRow, newScenarioId, newToken, newWorkspaceId } from './util';

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

type DB = IDBPDatabase<PlaygroundDB>;
type RecordStore = 'keys' | 'aliases';

/** what a workspace store instance believes is stored (set by load, advanced by each commit) */
interface Expectation {
  token: string | undefined;
  existed: boolean;
  revision: number;
  logLength: number;
  eventCount: number;
  now: number | undefined;
  nextOrder: number;
  order: Record<RecordStore, Map<string, number>>;
  /** the stored log and events (references), to rewrite the chunks a commit touches */
  log: LogEntry[];
  events: SimEvent[];
  /** where each grant is stored (grantPacks.ts) */
  grants: GrantMirror;
}

const SNAPSHOT_STORES = ['workspaces', ...DATA_STORES] as const;
/** grant ids split at these strings for loading (any id falls in exactly one slice) */
const GRANT_SLICES = ['2', '4', '6', '8', 'a', 'c', 'e'];
function grantSlices(KR: typeof IDBKeyRange, ws: string): IDBKeyRange[] {
  const bounds: unknown[] = [[ws], ...GRANT_SLICES.map((b) => [ws, b]), [ws, []]];
  return bounds.slice(1).map((upper, i) => KR.bound(bounds[i], upper, false, true));
}

/** how often watch() hands on another tab's commits, at most */
export const WATCH_INTERVAL_MS = 50;

export async function openIndexedDbStore(options: OpenIndexedDbStoreOptions = {}): Promise<PlaygroundStore> {
  const name = options.name ?? DEFAULT_DB_NAME;
  const factory = options.indexedDB ?? globalThis.indexedDB;
  if (!factory) throw new Error('IndexedDB is not available in this browser.');
  const KR = options.keyRange ?? globalThis.IDBKeyRange;
  const clock = options.now ?? (() => Date.now());
  const durability = options.durability ?? 'relaxed';
  const defaultWs = options.workspace ?? DEFAULT_WORKSPACE;

  const noticeListeners = new Set<(n: ConnectionNotice) => void>();
  if (options.onNotice) noticeListeners.add(options.onNotice);
  const tell = (n: ConnectionNotice) => {
    for (const l of [...noticeListeners]) l(n);
  };

  let db: DB | null = null;
  let closedBecause: string | undefined;
  let wasBlocked = false;
  const opened = await openPlaygroundDb({
    name,
    factory,
    version: options.version,
    upgrade: options.upgrade,
    blocked() {
      wasBlocked = true;
      tell(notice('blocked'));
    },
    blocking() {
      // a newer tab waits for us: let it upgrade, and stop writing here
      closedBecause = notice('blocking').message;
      db?.close();
      db = null;
      tell(notice('blocking'));
    },
    terminated() {
      closedBecause = notice('terminated').message;
      db = null;
      tell(notice('terminated'));
    },
  });
  if (closedBecause) opened.close();
  else db = opened;
  if (wasBlocked) tell(notice('unblocked'));

  const channel: TabChannel = openTabChannel(name, options.broadcastChannel === false ? null : (options.broadcastChannel ?? globalThis.BroadcastChannel ?? null));
  const post = (m: TabMessage) => channel.post(m);
  /** per workspace, the token of the state this tab last loaded or committed (null: none stored) */
  const held = new Map<string, string | null>();

  /**
   * Is what a 'changed' message claims true of the database now? (The channel is open to any
   * same-origin page: tabs.ts.) A 'deleted' needs the workspace gone; anything else needs it
   * there, with the announced revision and log length (a reset's: none stored), and a state
   * other than the one this tab last loaded or wrote. Returns the stored state's token (null:
   * nothing stored), or false.
   */
  async function confirmed(m: Extract<TabMessage, { type: 'changed' }>): Promise<string | null | false> {
    const tx = getDb().transaction(['workspaces', 'meta'], 'readonly');
    const [w, meta] = await Promise.all([tx.objectStore('workspaces').get(m.workspace), tx.objectStore('meta').get(m.workspace), tx.done]);
    if (m.cause === 'deleted') return w ? false : null;
    if (!w) return false;
    if (m.cause === 'reset' && meta) return false;
    if ((meta?.revision ?? 0) !== m.revision || (meta?.logLength ?? 0) !== m.logLength) return false;
    const token = meta?.token ?? null;
    if (held.has(m.workspace) && held.get(m.workspace) === token) return false;
    return token;
  }

  function getDb(): DB {
    if (!db) throw new StoreClosedError(closedBecause ?? 'The playground store is closed.');
    return db;
  }

  /** awaits a transaction's requests and its completion; if issuing them threw, aborts it */
  async function run(tx: IDBPTransaction<PlaygroundDB, PlaygroundStoreName[], 'readwrite'>, issue: (ops: Promise<unknown>[]) => void): Promise<void> {
    const ops: Promise<unknown>[] = [];
    try {
      issue(ops);
    } catch (e) {
      try {
        tx.abort();
      } catch {
        /* already finished */
      }
      await Promise.allSettled([...ops, tx.done]);
      throw e;
    }
    try {
      await Promise.all([...ops, tx.done]);
    } catch (e) {
      // when one write fails (a full disk), the browser aborts the rest: their AbortErrors may
      // arrive first, while the transaction's own error names the cause
      const cause = (tx as unknown as { error?: unknown }).error;
      throw cause && (e as { name?: unknown } | null)?.name === 'AbortError' ? cause : e;
    }
  }

  /** every row of one workspace, in one readonly transaction */
  async function readWorkspace(ws: string) {
    const tx = getDb().transaction(SNAPSHOT_STORES, 'readonly');
    const r = wsRange(KR, ws);
    const grantStore = tx.objectStore('grants');
    const [w, m, keys, aliases, packs, log, events, ...grantParts] = await Promise.all([
      tx.objectStore('workspaces').get(ws),
      tx.objectStore('meta').get(ws),
      tx.objectStore('keys').getAll(r),
      tx.objectStore('aliases').getAll(r),
      tx.objectStore('grantPacks').getAll(r),
      tx.objectStore('log').getAll(r),
      tx.objectStore('events').getAll(r),
      // the grants in a few slices of the id space, so the browser can read one slice while
      // this thread deserializes the previous one
      ...grantSlices(KR, ws).map((slice) => grantStore.getAll(slice)),
      tx.done,
    ]);
    const loose = (grantParts.slice(0, -1) as GrantRow[][]).flat().map((g) => g.record);
    keys.sort((a, b) => a.order - b.order);
    aliases.sort((a, b) => a.order - b.order);
    const grants: GrantRecord[] = [];
    for (const p of packs) for (const g of p.items) grants.push(g);
    for (const g of loose) grants.push(g);
    const snapshot: StoredSimulator | null = m
      ? {
          state: { meta: m.meta, keys: keys.map((k) => k.record), aliases: aliases.map((a) => a.record), grants },
          log: unchunk(log.map((r) => ({ start: r.index, items: r.items })), `log of workspace ${ws}`),
          events: unchunk(events.map((r) => ({ start: r.index, items: r.items })), `events of workspace ${ws}`),
        }
      : null;
    return { workspace: w, meta: m, keys, aliases, snapshot, grantMirror: () => mirrorOf(packs, loose) };
  }

  /**
   * Issues the writes that make `snapshot` the whole content of workspace ws (after its rows
   * were deleted in the same transaction). Returns the new bookkeeping.
   */
  function putSnapshot(tx: IDBPTransaction<PlaygroundDB, PlaygroundStoreName[], 'readwrite'>, ws: string, s: StoredSimulator, ops: Promise<unknown>[]) {
    const order: Record<RecordStore, Map<string, number>> = { keys: new Map(), aliases: new Map() };
    let nextOrder = 0;
    const keys = tx.objectStore('keys');
    for (const k of s.state.keys) {
      const o = nextOrder++;
      order.keys.set(k.keyId, o);
      ops.push(keys.put({ ws, id: k.keyId, order: o, record: k }));
    }
    const aliases = tx.objectStore('aliases');
    for (const a of s.state.aliases) {
      const id = World.aliasId(a.account, a.region, a.aliasName);
      const o = nextOrder++;
      order.aliases.set(id, o);
      ops.push(aliases.put({ ws, id, order: o, record: a }));
    }
    const packs = tx.objectStore('grantPacks');
    const packed = packAll(s.state.grants);
    for (const p of packed.rows) ops.push(packs.put(packRow(ws, p.id, p.items)));
    const log = tx.objectStore('log');
    for (const r of chunkAll(s.log)) ops.push(log.put({ ws, index: r.start, items: r.items }));
    const events = tx.objectStore('events');
    for (const r of chunkAll(s.events)) ops.push(events.put({ ws, index: r.start, items: r.items }));
    return { order, nextOrder, grants: packed.mirror };
  }

  function deleteRows(tx: IDBPTransaction<PlaygroundDB, PlaygroundStoreName[], 'readwrite'>, ws: string, ops: Promise<unknown>[]) {
    const r = wsRange(KR, ws);
    ops.push(tx.objectStore('meta').delete(ws));
    for (const s of ['keys', 'aliases', 'grants', 'grantPacks', 'log', 'events'] as const) ops.push(tx.objectStore(s).delete(r));
  }

  /** adds a new workspace row and, when given, its world (one transaction) */
  async function addWorkspace(record: WorkspaceRecord, snapshot: StoredSimulator | null): Promise<void> {
    const tx = getDb().transaction(snapshot ? SNAPSHOT_STORES : ['workspaces'], 'readwrite', { durability: 'strict' });
    await run(tx, (ops) => {
      ops.push(tx.objectStore('workspaces').add(record));
      if (!snapshot) return;
      const { nextOrder } = putSnapshot(tx, record.id, snapshot, ops);
      ops.push(
        tx.objectStore('meta').put({ ws: record.id, meta: snapshot.state.meta, token: newToken(), revision: 1, logLength: snapshot.log.length, eventCount: snapshot.events.length, updated: record.updated, nextOrder }),
      );
    });
  }

  class IdbWorkspaceStore implements WorkspaceStore {
    #expect: Expectation | undefined;
    /** one load or commit at a time per instance (the simulator already sends them in order) */
    #queue: Promise<unknown> = Promise.resolve();
    constructor(readonly workspace: string) {}

    #serial<T>(job: () => Promise<T>): Promise<T> {
      const next = this.#queue.then(job);
      this.#queue = next.catch(() => undefined);
      return next;
    }

    load(): Promise<StoredSimulator | null> {
      return this.#serial(() => this.#load());
    }

    commit(change: StoreChange): Promise<void> {
      return this.#serial(() => this.#commit(change));
    }

    /** a seek's write waits a turn of the event loop: a dragged slider's next seek comes first */
    idle(callback: () => void): void {
      setTimeout(callback, 0);
    }

    async #load(): Promise<StoredSimulator | null> {
      const { workspace: w, meta: m, keys, aliases, snapshot, grantMirror } = await readWorkspace(this.workspace);
      this.#expect = {
        token: m?.token,
        existed: w !== undefined,
        revision: m?.revision ?? 0,
        logLength: m?.logLength ?? 0,
        eventCount: m?.eventCount ?? 0,
        now: m?.meta.now,
        nextOrder: m?.nextOrder ?? 0,
        order: { keys: new Map(keys.map((k) => [k.id, k.order])), aliases: new Map(aliases.map((a) => [a.id, a.order])) },
        log: snapshot ? [...snapshot.log] : [],
        events: snapshot ? [...snapshot.events] : [],
        grants: grantMirror(),
      };
      held.set(this.workspace, m?.token ?? null);
      return snapshot;
    }

    async #commit(change: StoreChange): Promise<void> {
      const exp = this.#expect;
      if (!exp) throw new Error(`load() workspace ${this.workspace} before committing to it`);
      const ws = this.workspace;
      const names = new Set<PlaygroundStoreName>(['workspaces', 'meta']);
      if (change.kind === 'replace') for (const s of DATA_STORES) names.add(s);
      else {
        for (const r of change.records) names.add(r.store === 'grants' ? 'grantPacks' : r.store).add(r.store);
        if (change.log.length || change.truncateLogAt !== undefined) names.add('log');
        if (change.events.length || change.truncateEventsAt !== undefined) names.add('events');
      }
      const tx = getDb().transaction([...names], 'readwrite', { durability: change.kind === 'replace' ? 'strict' : durability });
      const now = clock();
      const { logLength, eventCount } = lengthsAfter(change, exp.logLength, exp.eventCount);
      const token = newToken();
      let conflict: ConflictError | undefined;
      // the log and event chunks this change rewrites (a replace rewrites them all)
      const logPlan = change.kind === 'delta' ? planChunks(exp.log, change.log.map((l) => ({ index: l.index, value: l.entry })), change.truncateLogAt) : null;
      const eventPlan = change.kind === 'delta' ? planChunks(exp.events, change.events.map((e) => ({ index: e.index, value: e.event })), change.truncateEventsAt) : null;
      const grantPlan = change.kind === 'delta' ? planGrants(exp.grants, change.records.filter((r) => r.store === 'grants').map((r) => ({ id: r.id, value: r.value as GrantRecord | null }))) : null;
      let grantMirror = exp.grants;
      let order = exp.order;
      let nextOrder = exp.nextOrder;
      const meta = change.kind === 'replace' ? change.snapshot.state.meta : change.meta;
      try {
        await run(tx, (ops) => {
          // the check: first in the transaction, aborting all of it when the workspace moved on
          const metaStore = tx.objectStore('meta');
          const wsStore = tx.objectStore('workspaces');
          ops.push(
            Promise.all([metaStore.get(ws), wsStore.get(ws)]).then(([m, w]) => {
              const reason = exp.existed && !w ? 'deleted' : m?.token !== exp.token ? 'changed' : undefined;
              if (!reason) return;
              conflict = new ConflictError(ws, reason, exp.logLength, exp.now);
              tx.abort();
              throw conflict;
            }),
          );
          // the first commit to a workspace nobody created (the default one) creates it; `add`
          // fails, and aborts, if another tab created it meanwhile
          if (!exp.existed) ops.push(wsStore.add({ id: ws, name: defaultWorkspaceName(ws), created: now, updated: now, options: {} }));
          if (change.kind === 'replace') {
            deleteRows(tx, ws, ops);
            ({ order, nextOrder, grants: grantMirror } = putSnapshot(tx, ws, change.snapshot, ops));
          } else {
            order = { keys: new Map(exp.order.keys), aliases: new Map(exp.order.aliases) };
            const gp = grantPlan!;
            if (gp.rowDeletes.length || gp.rowPuts.length) {
              const grants = tx.objectStore('grants');
              for (const id of gp.rowDeletes) ops.push(grants.delete([ws, id]));
              for (const g of gp.rowPuts) ops.push(grants.put(grantRow(ws, g)));
            }
            if (gp.packDeletes.length || gp.packPuts.length) {
              const packs = tx.objectStore('grantPacks');
              for (const id of gp.packDeletes) ops.push(packs.delete([ws, id]));
              for (const p of gp.packPuts) ops.push(packs.put(packRow(ws, p.id, p.items)));
            }
            for (const r of change.records) {
              if (r.store === 'grants') continue;
              const store = tx.objectStore(r.store);
              if (r.value === null) {
                order[r.store].delete(r.id);
                ops.push(store.delete([ws, r.id]));
                continue;
              }
              let o = order[r.store].get(r.id);
              if (o === undefined) order[r.store].set(r.id, (o = nextOrder++));
              ops.push(store.put({ ws, id: r.id, order: o, record: r.value as never }));
            }
            for (const [name, plan] of [['log', logPlan!], ['events', eventPlan!]] as const) {
              if (plan.deleteFrom === null && plan.puts.length === 0 && plan.deletes.length === 0) continue;
              const store = tx.objectStore(name);
              if (plan.deleteFrom !== null) ops.push(store.delete(indexRange(KR, ws, plan.deleteFrom)));
              for (const index of plan.deletes) ops.push(store.delete([ws, index]));
              for (const r of plan.puts) ops.push(store.put({ ws, index: r.start, items: r.items as never[] }));
            }
          }
          const row: MetaRow = { ws, meta, token, revision: exp.revision + 1, logLength, eventCount, updated: now, nextOrder };
          ops.push(metaStore.put(row));
        });
      } catch (e) {
        if (conflict) throw conflict;
        throw e;
      }
      let log = exp.log;
      let events = exp.events;
      if (change.kind === 'replace') {
        log = [...change.snapshot.log];
        events = [...change.snapshot.events];
      } else {
        logPlan!.apply();
        eventPlan!.apply();
        grantPlan!.apply();
      }
      this.#expect = { token, existed: true, revision: exp.revision + 1, logLength, eventCount, now: meta.now, nextOrder, order, log, events, grants: grantMirror };
      held.set(ws, token);
      if (!exp.existed) post({ type: 'workspaces', workspace: ws, change: 'created' });
      post({ type: 'changed', workspace: ws, logLength, revision: exp.revision + 1 });
    }
  }

  const own = new IdbWorkspaceStore(defaultWs);

  function info(w: WorkspaceRecord, m: MetaRow | undefined): WorkspaceInfo {
    const out: WorkspaceInfo = { ...w, updated: Math.max(w.updated, m?.updated ?? 0), revision: m?.revision ?? 0, logLength: m?.logLength ?? 0, eventCount: m?.eventCount ?? 0 };
    if (m) out.now = m.meta.now;
    return out;
  }

  const store: PlaygroundStore = {
    persistent: true,
    name,
    defaultWorkspace: defaultWs,
    load: () => own.load(),
    commit: (change) => own.commit(change),
    idle: (callback) => own.idle(callback),
    forWorkspace: (id) => new IdbWorkspaceStore(id),

    async listWorkspaces() {
      const tx = getDb().transaction(['workspaces', 'meta'], 'readonly');
      const [ws, metas] = await Promise.all([tx.objectStore('workspaces').getAll(), tx.objectStore('meta').getAll(), tx.done]);
      const byWs = new Map(metas.map((m) => [m.ws, m]));
      return ws.map((w) => info(w, byWs.get(w.id))).sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
    },

    async getWorkspace(id) {
      const tx = getDb().transaction(['workspaces', 'meta'], 'readonly');
      const [w, m] = await Promise.all([tx.objectStore('workspaces').get(id), tx.objectStore('meta').get(id), tx.done]);
      return w && info(w, m);
    },

    async createWorkspace(wsName, wsOptions: WorkspaceOptions = {}) {
      const now = clock();
      const record: WorkspaceRecord = { id: newWorkspaceId(), name: checkName(wsName), created: now, updated: now, options: structuredClone(wsOptions) };
      await addWorkspace(record, null);
      post({ type: 'workspaces', workspace: record.id, change: 'created' });
      return record;
    },

    async renameWorkspace(id, newName) {
      checkName(newName);
      const tx = getDb().transaction('workspaces', 'readwrite', { durability: 'strict' });
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
      const { workspace: w, snapshot } = await readWorkspace(id);
      if (!w) throw new WorkspaceNotFoundError(id);
      const now = clock();
      const record: WorkspaceRecord = { id: newWorkspaceId(), name: newName, created: now, updated: now, options: w.options };
      await addWorkspace(record, snapshot);
      post({ type: 'workspaces', workspace: record.id, change: 'duplicated' });
      return record;
    },

    async resetWorkspace(id) {
      const tx = getDb().transaction(SNAPSHOT_STORES, 'readwrite', { durability: 'strict' });
      const w = await tx.objectStore('workspaces').get(id);
      if (!w) {
        await tx.done;
        throw new WorkspaceNotFoundError(id);
      }
      await run(tx, (ops) => {
        deleteRows(tx, id, ops);
        ops.push(tx.objectStore('workspaces').put({ ...w, updated: clock() }));
      });
      post({ type: 'changed', workspace: id, logLength: 0, revision: 0, cause: 'reset' });
      post({ type: 'workspaces', workspace: id, change: 'reset' });
    },

    async deleteWorkspace(id) {
      const tx = getDb().transaction(SNAPSHOT_STORES, 'readwrite', { durability: 'strict' });
      await run(tx, (ops) => {
        deleteRows(tx, id, ops);
        ops.push(tx.objectStore('workspaces').delete(id));
      });
      post({ type: 'changed', workspace: id, logLength: 0, revision: 0, cause: 'deleted' });
      post({ type: 'workspaces', workspace: id, change: 'deleted' });
    },

    async exportWorkspace(id, opts = {}) {
      const { workspace: w, meta: m, snapshot } = await readWorkspace(id);
      if (!w) throw new WorkspaceNotFoundError(id);
      return makeWorkspaceFile({ ...w, updated: Math.max(w.updated, m?.updated ?? 0) }, snapshot, opts.exportedAt);
    },

    async importWorkspace(file, opts = {}): Promise<ImportResult> {
      const parsed = parseWorkspaceFile(file);
      if (!parsed.ok) return parsed;
      const now = clock();
      const record: WorkspaceRecord = { id: newWorkspaceId(), name: opts.name === undefined ? parsed.name : checkName(opts.name), created: now, updated: now, options: parsed.options };
      await addWorkspace(record, parsed.snapshot);
      post({ type: 'workspaces', workspace: record.id, change: 'imported' });
      return { ok: true, id: record.id };
    },

    async listScenarios() {
      const rows = await getDb().getAllFromIndex('scenarios', 'by-updated');
      const out: SavedScenario[] = [];
      for (const r of rows.reverse()) {
        const p = parseScenario(r.scenario);
        if (p.ok) out.push({ ...r, scenario: p.scenario });
      }
      return out;
    },

    async saveScenario(s) {
      const p = parseScenario(s.scenario);
      if (!p.ok) throw new TypeError(`Not a valid scenario: ${p.detail}`);
      checkName(s.name);
      const tx = getDb().transaction('scenarios', 'readwrite', { durability: 'strict' });
      const id = s.id ?? newScenarioId();
      const before = s.id === undefined ? undefined : await tx.store.get(id);
      const now = clock();
      const row: SavedScenario = { id, name: s.name, created: before?.created ?? now, updated: now, scenario: p.scenario };
      await Promise.all([tx.store.put(row), tx.done]);
      return row;
    },

    async deleteScenario(id) {
      await getDb().delete('scenarios', id);
    },

    async getSetting<T>(key: string) {
      return (await getDb().get('settings', key))?.value as T | undefined;
    },

    async setSetting(key, value) {
      await getDb().put('settings', { key, value });
    },

    watch(workspace, onChange) {
      // a busy tab commits hundreds of times a second: hand on the latest message, at most
      // once per WATCH_INTERVAL_MS, so the watching tab reloads once per burst, not per commit;
      // and only once the database confirms it (a message the database has moved past is
      // followed by the one announcing where it is now)
      let latest: Extract<TabMessage, { type: 'changed' }> | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let checks: Promise<void> = Promise.resolve();
      let stopped = false;
      /** the stored state this watcher last called back for (the same again is not news) */
      let told: string | null | undefined;
      /** a callback that threw is reported once; the watch goes on with the next change */
      let reported = false;
      const report = (e: unknown) => {
        if (!reported) console.error('A workspace change listener failed; later changes are still delivered.', e);
        reported = true;
      };
      const off = channel.listen((m) => {
        if (m.type !== 'changed' || m.workspace !== workspace) return;
        latest = m;
        timer ??= setTimeout(() => {
          timer = undefined;
          const m2 = latest!;
          latest = undefined;
          checks = checks.then(async () => {
            const token = await confirmed(m2).catch(() => false as const);
            if (stopped || token === false || (token === told && m2.cause !== 'deleted')) return;
            told = token;
            try {
              // an async listener is not awaited (a slow reload must not hold back the next check)
              const r: unknown = onChange(m2);
              if (r instanceof Promise) r.catch(report);
            } catch (e) {
              report(e);
            }
          });
        }, WATCH_INTERVAL_MS);
      });
      return () => {
        stopped = true;
        off();
        clearTimeout(timer);
      };
    },
    watchWorkspaces(onChange) {
      return channel.listen((m) => {
        if (m.type === 'workspaces') onChange(m);
      });
    },
    onNotice(listener) {
      noticeListeners.add(listener);
      return () => noticeListeners.delete(listener);
    },
    close() {
      closedBecause ??= 'The playground store was closed.';
      db?.close();
      db = null;
      channel.close();
    },
  };
  return store;
}
