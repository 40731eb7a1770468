/**
 * One workspace's SimulatorStore on IndexedDB: `load` reads the workspace whole (idbRows.ts)
 * and remembers what is stored; `commit` is the commit protocol.
 *
 * A commit is one readwrite transaction, all or nothing. It computes everything first (the log
 * and event chunks it rewrites, chunks.ts; the grant rows and packs, grantPacks.ts), then issues
 * every request synchronously, the conflict check first: the meta row's token must still be the
 * one this instance loaded or last wrote, and the workspace must still exist (tabs.ts, THE RULE).
 * If not, the check aborts the transaction and commit rejects with a ConflictError. After the
 * transaction completes, the commit is announced to the other tabs.
 */
import type { GrantRecord, LogEntry, SimEvent, StoreChange, StoredSimulator } from '../kms/api';
import { planChunks } from './chunks';
import { planGrants, type GrantMirror } from './grantPacks';
import { run, type IdbContext } from './idbConnection';
import { deleteRows, putSnapshot, readWorkspace, type RecordOrder } from './idbRows';
import { DATA_STORES, indexRange, type MetaRow, type PlaygroundStoreName } from './schema';
import { ConflictError, type WorkspaceStore } from './types';
import { defaultWorkspaceName, grantRow, lengthsAfter, newToken, packRow } from './util';

/** what a workspace store instance believes is stored (set by load, advanced by each commit) */
interface Expectation {
  token: string | undefined;
  existed: boolean;
  revision: number;
  logLength: number;
  eventCount: number;
  now: number | undefined;
  nextOrder: number;
  order: RecordOrder;
  /** the stored log and events (references), to rewrite the chunks a commit touches */
  log: LogEntry[];
  events: SimEvent[];
  /** where each grant is stored (grantPacks.ts) */
  grants: GrantMirror;
}

export class IdbWorkspaceStore implements WorkspaceStore {
  readonly #ctx: IdbContext;
  #expect: Expectation | undefined;
  /** one load or commit at a time per instance (the simulator already sends them in order) */
  #queue: Promise<unknown> = Promise.resolve();
  constructor(
    ctx: IdbContext,
    readonly workspace: string,
  ) {
    this.#ctx = ctx;
  }

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
    const { workspace: w, meta: m, keys, aliases, snapshot, grantMirror } = await readWorkspace(this.#ctx, this.workspace);
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
    this.#ctx.held.set(this.workspace, m?.token ?? null);
    return snapshot;
  }

  async #commit(change: StoreChange): Promise<void> {
    const exp = this.#expect;
    if (!exp) throw new Error(`load() workspace ${this.workspace} before committing to it`);
    const { KR, clock, durability, held, post } = this.#ctx;
    const ws = this.workspace;
    const names = new Set<PlaygroundStoreName>(['workspaces', 'meta']);
    if (change.kind === 'replace') for (const s of DATA_STORES) names.add(s);
    else {
      for (const r of change.records) names.add(r.store === 'grants' ? 'grantPacks' : r.store).add(r.store);
      if (change.log.length || change.truncateLogAt !== undefined) names.add('log');
      if (change.events.length || change.truncateEventsAt !== undefined) names.add('events');
    }
    const tx = this.#ctx.db().transaction([...names], 'readwrite', { durability: change.kind === 'replace' ? 'strict' : durability });
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
          deleteRows(KR, tx, ws, ops);
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
