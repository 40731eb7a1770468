/**
 * Store benchmark (issue "Persistence"): how fast the playground persists and reloads.
 *
 *   node bench/store/run.mjs            # headless Chromium, real IndexedDB (the figures that count)
 *   node bench/store/run.mjs --node     # fallback: Node + fake-indexeddb (an in-memory fake: its
 *                                       # figures say nothing about a browser's disk)
 *   BENCH_GRANTS=10000 node bench/store/run.mjs
 *
 * What it measures:
 * - CreateGrant/s through sim.fetch on a fresh workspace (SAMPLE requests): with no store, and
 *   persisted with relaxed (default) and strict durability, each request committed in its own
 *   readwrite transaction before its response; plus the store's own commit latency (a timing
 *   wrapper around the workspace store).
 * - A workspace of N grants (default 50,000) on one key, as N CreateGrant requests leave it:
 *   N grant rows, N + 1 log entries, 2N + 2 events. It is built with engine.run plus log entries
 *   and request events cloned from a real sim.fetch CreateGrant (same shapes and sizes), because
 *   N requests through sim.fetch cannot be made in one simulator: its seek checkpoints copy the
 *   whole world every 50 inputs (O(N²) memory; 12,000 grants already take 1.2 GB). It is written
 *   with one `replace` commit (what import and duplicate do): that time is reported.
 * - At N grants: a ListGrants page of 100 straight from the engine (every page) and through
 *   sim.fetch (which also commits the request). The engine's in-memory indexes serve every read;
 *   IndexedDB is the durable copy and is never read for a page.
 * - Cold reload: a new connection, load() (one getAll per object store in one transaction; log
 *   and events in 256-entry rows, grants in 128-grant packs) and restore into a new engine; and
 *   where that time goes (each object store's getAll alone, the engine's restore).
 * - The store's commit latency for single CreateGrant requests at N grants.
 * - IndexedDB bytes per grant from navigator.storage.estimate() before and after (grant row plus
 *   its share of log and event rows).
 * - Time travel at N grants: a seek back before the last 10 grants and forth to the present,
 *   each until written (the seek's one delta commit: only what differs).
 * Prints figures; asserts nothing.
 */
import { createSimulator, Engine, type SimulatorStore, type StoreChange, type SimEvent, type LogEntry } from '../../src/kms/index';
import { openIndexedDbStore, storageEstimate, type PlaygroundStore } from '../../src/store/index';

export interface StoreBenchParams {
  grants: number;
  /** the IDBFactory (the browser's by default; fake-indexeddb's in Node) */
  factory?: IDBFactory;
  keyRange?: typeof IDBKeyRange;
  env: string;
  log?: (line: string) => void;
}

export interface StoreBenchRow {
  metric: string;
  value: string;
  goal?: string;
  met?: boolean;
  note?: string;
}

export interface StoreBenchResult {
  env: string;
  grants: number;
  rows: StoreBenchRow[];
}

const ROLE = 'arn:aws:iam::111122223333:role/App';
const OPTIONS = { seed: 1, propagation: { minMs: 500, maxMs: 300_000, distribution: 'realistic' as const } };
const SAMPLE = 2_000;

function req(target: string, body: unknown): Request {
  return new Request('https://kms.us-east-1.amazonaws.com/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` },
    body: JSON.stringify(body),
  });
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
const median = (xs: number[]) => quantile(xs, 0.5);

function deleteDb(factory: IDBFactory, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const r = factory.deleteDatabase(name);
    r.onsuccess = () => resolve();
    r.onerror = () => reject(r.error);
    r.onblocked = () => resolve();
  });
}

/** a SimulatorStore that times its inner store's commits (and counts the records each writes) */
function timed(inner: SimulatorStore): SimulatorStore & { times: number[]; records: number[] } {
  const times: number[] = [];
  const records: number[] = [];
  const out: SimulatorStore & { times: number[]; records: number[] } = {
    times,
    records,
    load: () => inner.load(),
    async commit(change: StoreChange) {
      const t0 = performance.now();
      await inner.commit(change);
      times.push(performance.now() - t0);
      records.push(change.kind === 'delta' ? change.records.length + change.log.length + change.events.length : change.snapshot.state.grants.length + change.snapshot.log.length + change.snapshot.events.length);
    },
  };
  if (inner.idle) out.idle = (cb) => inner.idle!(cb);
  return out;
}

type Sim = ReturnType<typeof createSimulator>;

async function createKey(sim: Sim): Promise<string> {
  return (await (await sim.fetch(req('CreateKey', {}))).json()).KeyMetadata.KeyId as string;
}

/** `n` CreateGrant requests through sim.fetch; returns the elapsed ms */
async function fetchGrants(sim: Sim, keyId: string, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const res = await sim.fetch(req('CreateGrant', { KeyId: keyId, GranteePrincipal: ROLE, Operations: ['Encrypt', 'Decrypt'] }));
    if (res.status !== 200) throw new Error(`CreateGrant ${i}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }
  if (sim.storeError) throw sim.storeError;
  return performance.now() - t0;
}

export async function runStoreBench(p: StoreBenchParams): Promise<StoreBenchResult> {
  const factory = p.factory ?? globalThis.indexedDB;
  const n = p.grants;
  const log = p.log ?? (() => undefined);
  const rows: StoreBenchRow[] = [];
  const name = 'kms-playground-bench';
  const open = (dbName: string, durability: IDBTransactionDurability = 'relaxed') =>
    openIndexedDbStore({ name: dbName, indexedDB: factory, keyRange: p.keyRange, broadcastChannel: false, durability });

  // ---- CreateGrant/s on a fresh workspace ----------------------------------------------------------
  const sample = Math.min(SAMPLE, n);
  {
    const plain = createSimulator(OPTIONS);
    const ms = await fetchGrants(plain, await createKey(plain), sample);
    rows.push({ metric: `CreateGrant/s via sim.fetch, no store (${fmt(sample)})`, value: fmt(sample / (ms / 1000)), note: 'in memory only, for comparison' });
  }
  for (const durability of ['relaxed', 'strict'] as const) {
    const dbName = `${name}-${durability}`;
    await deleteDb(factory, dbName);
    const store = await open(dbName, durability);
    const ws = await store.createWorkspace(durability, OPTIONS);
    const t = timed(store.forWorkspace(ws.id));
    const sim = createSimulator({ ...OPTIONS, store: t });
    await sim.ready;
    const keyId = await createKey(sim);
    t.times.length = 0;
    const ms = await fetchGrants(sim, keyId, sample);
    rows.push({
      metric: `CreateGrant/s via sim.fetch, persisted, ${durability} (${fmt(sample)})`,
      value: fmt(sample / (ms / 1000)),
      note: `store commit median ${fmt(median(t.times), 2)} ms, p95 ${fmt(quantile(t.times, 0.95), 2)} ms`,
    });
    store.close();
    await deleteDb(factory, dbName);
  }

  // ---- a workspace of n grants -------------------------------------------------------------------
  log(`building a world of ${fmt(n)} grants …`);
  const built = createSimulator(OPTIONS);
  const keyId = await createKey(built);
  await fetchGrants(built, keyId, 1); // one real request: the templates for the others
  const templateEntry = built.log[built.log.length - 1] as Extract<LogEntry, { kind: 'request' }>;
  const templateEvent = [...built.events].reverse().find((e) => e.type === '@kms.request') as Extract<SimEvent, { type: '@kms.request' }>;
  const extraLog: LogEntry[] = [];
  const engine = built.engine;
  for (let i = 1; i < n; i++) {
    const body = { KeyId: keyId, GranteePrincipal: ROLE, Operations: ['Encrypt', 'Decrypt'] };
    const r = engine.run('CreateGrant', body, { host: i % engine.hosts }) as { ok: boolean };
    if (!r.ok) throw new Error(`CreateGrant ${i} failed`);
    extraLog.push({ ...templateEntry, headers: templateEntry.headers.map((h) => [...h] as [string, string]), body: JSON.stringify(body) });
    engine.emit({ ...templateEvent, seq: engine.nextSeq(), requestId: engine.nextRequestId(), host: i % engine.hosts });
  }
  const snapshot = { state: engine.state(), log: [...built.log, ...extraLog], events: [...engine.events] };
  log(`  ${fmt(snapshot.state.grants.length)} grants, ${fmt(snapshot.log.length)} log entries, ${fmt(snapshot.events.length)} events`);

  await deleteDb(factory, name);
  const before = await storageEstimate();
  let store: PlaygroundStore = await open(name);
  const ws = await store.createWorkspace('bench', OPTIONS);
  {
    const s = store.forWorkspace(ws.id);
    await s.load();
    const t0 = performance.now();
    await s.commit({ kind: 'replace', snapshot });
    const ms = performance.now() - t0;
    rows.push({ metric: `write a ${fmt(n)}-grant workspace in one transaction`, value: `${fmt(ms)} ms`, note: 'a replace commit: import, duplicate (seek and fork write only what differs)' });
  }
  store.close();
  await new Promise((r) => setTimeout(r, 500));
  const after = await storageEstimate();
  if (before?.usage !== undefined && after?.usage !== undefined) {
    rows.push({ metric: 'IndexedDB bytes per grant (estimate)', value: fmt((after.usage - before.usage) / n), note: `usage ${fmt(before.usage)} → ${fmt(after.usage)} B; grant row + log and event rows` });
  } else rows.push({ metric: 'IndexedDB bytes per grant (estimate)', value: 'n/a', note: 'navigator.storage.estimate() unavailable' });
  const g0 = snapshot.state.grants[0];
  rows.push({ metric: 'one grant row as JSON, for scale', value: `${fmt(JSON.stringify({ ws: ws.id, id: g0.grantId, grantee: ROLE, record: g0 }).length)} B`, note: `a request log entry: ${fmt(JSON.stringify(templateEntry).length)} B, its event: ${fmt(JSON.stringify(templateEvent).length)} B` });

  // ---- cold reload ---------------------------------------------------------------------------------
  const totals: number[] = [];
  const loads: number[] = [];
  let sim: Sim | undefined;
  let commitTimes: number[] = [];
  let commitRecords: number[] = [];
  const RELOADS = 5;
  for (let i = 0; i < RELOADS; i++) {
    const t0 = performance.now();
    store = await open(name);
    const t1 = performance.now();
    const loaded = await store.forWorkspace(ws.id).load();
    const t2 = performance.now();
    if (loaded?.state.grants.length !== n) throw new Error(`reload found ${loaded?.state.grants.length} grants`);
    const t = timed(store.forWorkspace(ws.id));
    const again = createSimulator({ ...OPTIONS, store: t });
    await again.ready; // load + restore
    const t3 = performance.now();
    if (again.engine.world.grants.size !== n || again.events.length !== snapshot.events.length) throw new Error('restore lost records');
    loads.push(t2 - t1);
    totals.push(t1 - t0 + (t3 - t2));
    log(`  reload ${i + 1}: open ${fmt(t1 - t0)} ms, load ${fmt(t2 - t1)} ms, open + load + restore ${fmt(t1 - t0 + (t3 - t2))} ms`);
    if (i < RELOADS - 1) store.close();
    else {
      sim = again;
      commitTimes = t.times;
      commitRecords = t.records;
    }
  }
  rows.push({ metric: `cold reload: load() alone`, value: `${fmt(median(loads))} ms`, note: `median of ${RELOADS}; ${fmt(n)} grants, ${fmt(snapshot.log.length)} log entries, ${fmt(snapshot.events.length)} events` });
  rows.push({ metric: `cold reload, time to interactive (open + load + restore)`, value: `${fmt(median(totals))} ms`, goal: '< 2,000 ms', met: median(totals) < 2000, note: `median of ${RELOADS} (min ${fmt(Math.min(...totals))}, max ${fmt(Math.max(...totals))})` });
  rows.push(await loadBreakdown(factory, p.keyRange ?? globalThis.IDBKeyRange, name, ws.id));

  // ---- reads at n grants -------------------------------------------------------------------------
  const s = sim!;
  const markers: (string | undefined)[] = [undefined];
  const engineTimes: number[] = [];
  for (let marker: string | undefined = undefined; ; ) {
    const t0 = performance.now();
    const r = s.engine.run('ListGrants', { KeyId: keyId, Limit: 100, ...(marker ? { Marker: marker } : {}) }) as { ok: boolean; output: { Grants: unknown[]; NextMarker?: string } };
    engineTimes.push(performance.now() - t0);
    if (!r.ok || r.output.Grants.length !== Math.min(100, n - (markers.length - 1) * 100)) throw new Error('ListGrants page is not 100 grants');
    marker = r.output.NextMarker;
    if (!marker) break;
    markers.push(marker);
  }
  // performance.now() is coarse in a browser (0.1 ms): time whole walks, report the mean per page
  const walks: number[] = [];
  for (let w = 0; w < 3; w++) {
    const t0 = performance.now();
    for (const marker of markers) void s.engine.run('ListGrants', { KeyId: keyId, Limit: 100, ...(marker ? { Marker: marker } : {}) });
    walks.push((performance.now() - t0) / markers.length);
  }
  const engineMs = median(walks);
  rows.push({ metric: `ListGrants page of 100 at ${fmt(n)} grants, engine`, value: `${fmt(engineMs, 3)} ms`, goal: '< 10 ms', met: engineMs < 10, note: `mean over all ${fmt(markers.length)} pages, median of 3 walks (slowest single page ${fmt(Math.max(...engineTimes), 1)} ms)` });
  const fetchTimes: number[] = [];
  commitTimes.length = 0;
  // the simulator copies the whole world for seek every 50 inputs (src/kms/index.ts); keep the
  // sim.fetch samples below (log length 50,001: 48 requests before the next copy)
  const PAGES = 20;
  for (let i = 0; i < PAGES; i++) {
    const marker = markers[Math.floor((i / PAGES) * (markers.length - 1))];
    const t0 = performance.now();
    const res = await s.fetch(req('ListGrants', { KeyId: keyId, Limit: 100, ...(marker ? { Marker: marker } : {}) }));
    const body = await res.json();
    fetchTimes.push(performance.now() - t0);
    if (body.Grants.length !== 100) throw new Error('ListGrants page is not 100 grants');
  }
  const fetchMs = median(fetchTimes);
  rows.push({ metric: `ListGrants page of 100 at ${fmt(n)} grants, sim.fetch`, value: `${fmt(fetchMs, 2)} ms`, goal: '< 10 ms', met: fetchMs < 10, note: `median of ${PAGES}; wire + commit (commit median ${fmt(median(commitTimes), 2)} ms)` });

  // ---- writes at n grants --------------------------------------------------------------------------
  const key2 = await createKey(s);
  commitTimes.length = 0;
  const count = 20; // stays below the next seek checkpoint, for the same reason
  const ms = await fetchGrants(s, key2, count);
  rows.push({
    metric: `CreateGrant/s via sim.fetch, persisted, at ${fmt(n)} grants`,
    value: fmt(count / (ms / 1000)),
    note: `${count} requests; store commit median ${fmt(median(commitTimes), 2)} ms, p95 ${fmt(quantile(commitTimes, 0.95), 2)} ms`,
  });

  // ---- time travel at n grants ---------------------------------------------------------------------
  // the first input after the reload took a checkpoint (src/kms/index.ts): seeks replay from it
  s.clock.advance(1_000);
  const back = s.clock.now();
  s.clock.advance(1_000);
  await fetchGrants(s, key2, 10);
  s.clock.advance(1_000);
  await s.flush();
  for (const [label, to] of [['back (before the last 10 grants)', back], ['forth (to the present)', s.horizon]] as const) {
    commitTimes.length = 0;
    commitRecords.length = 0;
    const t0 = performance.now();
    await s.seek(to);
    const t1 = performance.now();
    await s.flush();
    const t2 = performance.now();
    if (s.storeError) throw s.storeError;
    rows.push({
      metric: `seek ${label} at ${fmt(n)} grants, written`,
      value: `${fmt(t2 - t0)} ms`,
      note: `replay ${fmt(t1 - t0)} ms; ${commitTimes.length} commit of ${fmt(commitRecords[0] ?? 0)} records + log entries + events, in ${fmt(commitTimes[0] ?? 0)} ms`,
    });
  }
  store.close();
  await deleteDb(factory, name);
  return { env: p.env, grants: n, rows };
}

/** where a cold reload's time goes: each object store's getAll alone, and the engine's restore */
async function loadBreakdown(factory: IDBFactory, KR: typeof IDBKeyRange, dbName: string, ws: string): Promise<StoreBenchRow> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = factory.open(dbName);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const parts: string[] = [];
  for (const storeName of ['grantPacks', 'grants', 'log', 'events', 'keys', 'meta']) {
    const t0 = performance.now();
    const rows = await new Promise<unknown[]>((resolve, reject) => {
      const q = db.transaction(storeName, 'readonly').objectStore(storeName).getAll(storeName === 'meta' ? ws : KR.bound([ws], [ws, []]));
      q.onsuccess = () => resolve(q.result);
      q.onerror = () => reject(q.error);
    });
    parts.push(`${storeName} ${fmt(performance.now() - t0)} ms (${fmt(rows.length)} rows)`);
  }
  db.close();
  const store = await openIndexedDbStore({ name: dbName, indexedDB: factory, keyRange: KR, broadcastChannel: false });
  const loaded = (await store.forWorkspace(ws).load())!;
  store.close();
  const t0 = performance.now();
  new Engine(OPTIONS).restore(loaded.state, loaded.events);
  parts.push(`engine restore ${fmt(performance.now() - t0)} ms`);
  return { metric: 'cold reload, where the time goes', value: '', note: parts.join(', ') };
}

(globalThis as { runStoreBench?: typeof runStoreBench }).runStoreBench = runStoreBench;
