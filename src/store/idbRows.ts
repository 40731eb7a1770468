/**
 * A whole workspace's rows in IndexedDB: reading them all (one readonly transaction, one getAll
 * per object store), writing a whole world, deleting a workspace's rows, and adding a new
 * workspace with its world. Grants go in packs (grantPacks.ts), the log and events in chunks
 * (chunks.ts); the layout is schema.ts's.
 */
import type { GrantRecord, StoredSimulator } from '../kms/api';
import { World } from '../kms/world';
import { chunkAll, unchunk } from './chunks';
import { mirrorOf, packAll } from './grantPacks';
import { run, type IdbContext, type WriteTx } from './idbConnection';
import { DATA_STORES, wsRange, type GrantRow, type WorkspaceRecord } from './schema';
import { newToken, packRow } from './util';

/** the object stores holding one workspace's rows: its record and its data */
export const SNAPSHOT_STORES = ['workspaces', ...DATA_STORES] as const;

/** the stores whose rows keep their insertion order in an `order` field */
export type RecordStore = 'keys' | 'aliases';
/** each key's and alias's stored insertion order (ListKeys answers in creation order) */
export type RecordOrder = Record<RecordStore, Map<string, number>>;

/** grant ids split at these strings for loading (any id falls in exactly one slice) */
const GRANT_SLICES = ['2', '4', '6', '8', 'a', 'c', 'e'];
function grantSlices(KR: typeof IDBKeyRange, ws: string): IDBKeyRange[] {
  const bounds: unknown[] = [[ws], ...GRANT_SLICES.map((b) => [ws, b]), [ws, []]];
  return bounds.slice(1).map((upper, i) => KR.bound(bounds[i], upper, false, true));
}

/** every row of one workspace, in one readonly transaction */
export async function readWorkspace(ctx: IdbContext, ws: string) {
  const tx = ctx.db().transaction(SNAPSHOT_STORES, 'readonly');
  const r = wsRange(ctx.KR, ws);
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
    ...grantSlices(ctx.KR, ws).map((slice) => grantStore.getAll(slice)),
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
export function putSnapshot(tx: WriteTx, ws: string, s: StoredSimulator, ops: Promise<unknown>[]) {
  const order: RecordOrder = { keys: new Map(), aliases: new Map() };
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

/** issues the deletes of workspace ws's data rows (its meta row included; not its record) */
export function deleteRows(KR: typeof IDBKeyRange, tx: WriteTx, ws: string, ops: Promise<unknown>[]) {
  const r = wsRange(KR, ws);
  ops.push(tx.objectStore('meta').delete(ws));
  for (const s of ['keys', 'aliases', 'grants', 'grantPacks', 'log', 'events'] as const) ops.push(tx.objectStore(s).delete(r));
}

/** adds a new workspace row and, when given, its world (one transaction) */
export async function addWorkspace(ctx: IdbContext, record: WorkspaceRecord, snapshot: StoredSimulator | null): Promise<void> {
  const tx = ctx.db().transaction(snapshot ? SNAPSHOT_STORES : ['workspaces'], 'readwrite', { durability: 'strict' });
  await run(tx, (ops) => {
    ops.push(tx.objectStore('workspaces').add(record));
    if (!snapshot) return;
    const { nextOrder } = putSnapshot(tx, record.id, snapshot, ops);
    ops.push(
      tx.objectStore('meta').put({ ws: record.id, meta: snapshot.state.meta, token: newToken(), revision: 1, logLength: snapshot.log.length, eventCount: snapshot.events.length, updated: record.updated, nextOrder }),
    );
  });
}
