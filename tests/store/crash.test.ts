/**
 * Crash safety (issue 8 §3): a tab killed or closed mid-request leaves the workspace at the last
 * complete request.
 *
 * A realistic run (CreateKey, CreateGrant ×4, RetireGrant, RevokeGrant, clock moves with
 * propagation in flight, seek back, a request that forks history, fork(), a burst of seeks that
 * writes once, a seek forward, a seek and a request in one commit, settle) is replayed
 * once per write the store issues: the k-th put/add/delete is made to fail (three ways: the call
 * throws; the request fails asynchronously, as a disk error does; or the write lands and then the
 * transaction is aborted, as a killed tab's is). Then the database is opened again by a new store
 * and a new simulator, and everything must equal a reference run on the reference memory store
 * cut after the last input whose commit came before the failed write: stored records, log,
 * events, clock, what ListKeys/ListGrants answer, and what the next request answers.
 *
 * Closing: the same run, with the store closed (as a tab that goes away drops its simulator and
 * connection) at several moments inside each input. The reopened workspace must equal the
 * reference cut just before or just after that input, never anything in between.
 *
 * And the workspace operations (create, duplicate, import, reset, delete, scenarios): aborting at
 * each of their writes leaves the database exactly as it was.
 */
import { IDBObjectStore } from 'fake-indexeddb';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore, type SimulatorStore, type StoredSimulator } from '../../src/kms/index';
import { openIndexedDbStore, type PlaygroundStore } from '../../src/store/index';
import { APP_ROLE, AUDITOR, makeSim } from '../kms/helpers';
import { dumpDatabase, loadDump } from './dump';
import { canonical, freshDb } from './helpers';

// ---------------------------------------------------------------------------------------------
// the k-th write fails
// ---------------------------------------------------------------------------------------------

type Mode = 'throw' | 'fail' | 'abort';
type FakeStore = { transaction: { abort(): void; _execRequestAsync(o: { source: unknown; operation: () => unknown }): IDBRequest } };
const WRITES = ['put', 'add', 'delete'] as const;
const real = Object.fromEntries(WRITES.map((m) => [m, IDBObjectStore.prototype[m]])) as Record<(typeof WRITES)[number], (...a: unknown[]) => IDBRequest>;

/** counts writes while armed; the `failAt`-th one fails the way `mode` says */
const trap = { armed: false, count: 0, failAt: Infinity, mode: 'throw' as Mode, failed: 0 };
for (const m of WRITES) {
  (IDBObjectStore.prototype as unknown as Record<string, unknown>)[m] = function (this: FakeStore, ...args: unknown[]) {
    if (!trap.armed || ++trap.count !== trap.failAt) return real[m].apply(this, args);
    trap.failed++;
    const crash = () => new DOMException(`crash at write ${trap.count}`, 'UnknownError');
    if (trap.mode === 'throw') throw crash();
    if (trap.mode === 'fail') {
      // the request fails when its turn comes (fake-indexeddb's request queue), which aborts the transaction
      return this.transaction._execRequestAsync({
        source: this,
        operation: () => {
          throw crash();
        },
      });
    }
    // the write lands, then the transaction is killed before it commits
    const request = real[m].apply(this, args);
    request.addEventListener('success', () => this.transaction.abort());
    return request;
  };
}
afterEach(() => {
  trap.armed = false;
});

// ---------------------------------------------------------------------------------------------
// the run
// ---------------------------------------------------------------------------------------------

const OPTIONS = { seed: 21, propagation: { minMs: 1_000, maxMs: 60_000 } };
type Kit = ReturnType<typeof makeSim>;
interface Ctx {
  keyId: string;
  grants: { id: string; token: string }[];
}
const grantBody = (c: Ctx, i: number) => ({ KeyId: c.keyId, GranteePrincipal: APP_ROLE, Operations: ['DescribeKey', 'Decrypt'], RetiringPrincipal: AUDITOR, Name: `g${i}` });

/** one input each (one commit each); a step may use what earlier steps answered, through ctx */
const STEPS: ((x: Kit, c: Ctx) => Promise<unknown>)[] = [
  async (x, c) => (c.keyId = (await x.createKey()).KeyId),
  ...[0, 1, 2, 3].map((i) => async (x: Kit, c: Ctx) => {
    const r = await x.call('CreateGrant', grantBody(c, i));
    c.grants.push({ id: r.json.GrantId, token: r.json.GrantToken });
  }),
  async (x) => x.sim.clock.advance(2_000), // propagation still in flight
  async (x, c) => x.call('DescribeKey', { KeyId: c.keyId }, { as: APP_ROLE, host: 1 }),
  async (x, c) => x.call('RetireGrant', { GrantToken: c.grants[0].token }, { as: AUDITOR }),
  async (x, c) => x.call('RevokeGrant', { KeyId: c.keyId, GrantId: c.grants[1].id }),
  async (x) => x.sim.clock.advance(20_000),
  async (x, c) => x.call('CreateAlias', { AliasName: 'alias/crash', TargetKeyId: c.keyId }),
  async (x) => x.sim.seek(x.sim.clock.now() - 15_000), // writes the difference from the stored world
  async (x, c) => x.call('CreateGrant', { ...grantBody(c, 9), GranteePrincipal: AUDITOR }), // forks: truncates the log
  async (x) => x.sim.clock.advance(1_000),
  async (x) => x.sim.seek(x.sim.clock.now() - 500),
  async (x) => x.sim.fork(), // truncates the log (and writes the seek before it, when still owed)
  async (x, c) => x.call('CreateGrant', grantBody(c, 5)),
  async (x) => {
    // a burst of seeks, as a dragged slider sends them: one write, of the last position
    const now = x.sim.clock.now();
    void x.sim.seek(now - 30_000);
    void x.sim.seek(now - 2_000);
    await x.sim.seek(now - 12_000);
  },
  async (x) => x.sim.seek(x.sim.horizon), // back to the present: the difference again
  async (x, c) => {
    // a seek, then a request that forks history there: both land in the request's one commit
    void x.sim.seek(x.sim.clock.now() - 4_000);
    return x.call('CreateGrant', grantBody(c, 6));
  },
  async (x) => x.sim.clock.settle(),
];

/** the reference: the run on the reference memory store, its stored state after each input (0: after the first load) */
async function referenceCuts(): Promise<(StoredSimulator | null)[]> {
  const mem = createMemoryStore();
  const x = makeSim({ ...OPTIONS, store: mem });
  await x.sim.ready;
  const c: Ctx = { keyId: '', grants: [] };
  const cuts = [await mem.load()];
  for (const step of STEPS) {
    await step(x, c);
    await x.sim.flush();
    cuts.push(await mem.load());
  }
  expect(mem.commits).toBe(STEPS.length + 1); // one commit per input, and one for the first load
  return cuts;
}

/** a memory store holding `snapshot`, to resume a reference simulator from */
async function memoryStoreWith(snapshot: StoredSimulator | null): Promise<SimulatorStore> {
  const mem = createMemoryStore();
  if (snapshot) await mem.commit({ kind: 'replace', snapshot: structuredClone(snapshot) });
  return mem;
}

function peekText(x: Kit, target: string, body: unknown): Promise<string> {
  return x.sim.peek(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` }, body: JSON.stringify(body) })).then((r) => r.text());
}

/** everything a user sees of a workspace, and what it does next */
async function observe(store: SimulatorStore, keyId: string) {
  const x = makeSim({ ...OPTIONS, store });
  await x.sim.ready;
  const seen = {
    storeError: x.sim.storeError?.message,
    now: x.sim.clock.now(),
    log: JSON.stringify(x.sim.log),
    events: JSON.stringify(x.sim.events),
    keys: await peekText(x, 'ListKeys', {}),
    grants: keyId ? await peekText(x, 'ListGrants', { KeyId: keyId }) : '',
    aliases: await peekText(x, 'ListAliases', {}),
    next: '',
  };
  // it resumes: the next request answers the same (same ids from the same generator state)
  seen.next = keyId ? (await x.call('CreateGrant', { KeyId: keyId, GranteePrincipal: AUDITOR, Operations: ['Encrypt'] })).text : (await x.call('CreateKey', {})).text;
  return seen;
}

/** checks the reopened database against the reference cut; returns nothing, throws on a difference */
async function expectWorkspaceAt(stored: StoredSimulator | null, pg: PlaygroundStore, cut: StoredSimulator | null, keyId: string) {
  expect(canonical(stored)).toEqual(canonical(cut));
  const [got, want] = [await observe(pg.forWorkspace('w'), keyId), await observe(await memoryStoreWith(cut), keyId)];
  expect(got).toEqual(want);
}

/** runs the steps on a fresh database until `stopAfter` inputs; returns the database and the kit */
async function runOnDb(o: { stopAfter?: number; between?: (i: number, x: Kit) => void } = {}) {
  const { factory, name } = freshDb();
  const pg = await openIndexedDbStore({ name, indexedDB: factory, broadcastChannel: false });
  const x = makeSim({ ...OPTIONS, store: pg.forWorkspace('w') });
  const c: Ctx = { keyId: '', grants: [] };
  await x.sim.ready;
  const writesAfter = [trap.count];
  let failedAt: number | undefined = x.sim.storeError ? 0 : undefined;
  const last = Math.min(o.stopAfter ?? STEPS.length, STEPS.length);
  for (let i = 0; i < last; i++) {
    await STEPS[i](x, c);
    await x.sim.flush();
    writesAfter.push(trap.count);
    if (failedAt === undefined && x.sim.storeError) failedAt = i + 1;
  }
  return { factory, name, pg, x, c, writesAfter, failedAt };
}

describe('crash safety: a write fails at each point of a realistic run', () => {
  it('the run commits once per input, every commit in one transaction (the clean run)', async () => {
    trap.armed = true;
    trap.count = 0;
    const clean = await runOnDb();
    trap.armed = false;
    clean.pg.close();
    expect(clean.failedAt).toBeUndefined();
    const cuts = await referenceCuts();
    const pg = await openIndexedDbStore({ name: clean.name, indexedDB: clean.factory, broadcastChannel: false });
    await expectWorkspaceAt(await pg.forWorkspace('w').load(), pg, cuts[STEPS.length], clean.c.keyId);
    pg.close();
    // every input wrote something
    for (let i = 1; i < clean.writesAfter.length; i++) expect(clean.writesAfter[i]).toBeGreaterThan(clean.writesAfter[i - 1]);
  });

  for (const mode of ['throw', 'fail', 'abort'] as const) {
    it(`recovers the last complete input after a failure at each write (${mode})`, async () => {
      const cuts = await referenceCuts();
      // how many writes each input issues, from a clean run
      trap.armed = true;
      trap.count = 0;
      trap.failAt = Infinity;
      const clean = await runOnDb();
      clean.pg.close();
      const total = clean.writesAfter[clean.writesAfter.length - 1];
      expect(total).toBeGreaterThan(STEPS.length * 3);
      const keyId = clean.c.keyId;

      const outcomes = new Set<number>();
      for (let k = 1; k <= total; k++) {
        // the input whose commit issues write k
        const failing = clean.writesAfter.findIndex((w) => w >= k);
        trap.armed = true;
        trap.count = 0;
        trap.failAt = k;
        trap.mode = mode;
        trap.failed = 0;
        // run up to the failing input and one more (which must write nothing)
        const run = await runOnDb({ stopAfter: failing + 1 });
        trap.armed = false;
        expect(trap.failed, `write ${k}`).toBe(1);
        expect(run.failedAt, `write ${k}`).toBe(failing);
        // the failing commit may have issued its other writes (rolled back with it); no later input wrote anything
        expect(trap.count, `write ${k}: nothing written after the failing input`).toBeLessThanOrEqual(clean.writesAfter[failing]);
        expect(run.x.sim.storeError).toBeDefined();
        run.pg.close();

        const pg = await openIndexedDbStore({ name: run.name, indexedDB: run.factory, broadcastChannel: false });
        const stored = await pg.forWorkspace('w').load();
        const cut = failing === 0 ? null : cuts[failing - 1];
        try {
          await expectWorkspaceAt(stored, pg, cut, failing <= 1 ? '' : keyId);
        } catch (e) {
          throw new Error(`after a failure (${mode}) at write ${k} of ${total}, in input ${failing}: ${(e as Error).message}`);
        } finally {
          pg.close();
        }
        outcomes.add(failing);
      }
      // every input, the first load's commit included, had a write fail in it
      expect([...outcomes].sort((a, b) => a - b)).toEqual(Array.from({ length: STEPS.length + 1 }, (_, i) => i));
    }, 300_000);
  }
});

describe('crash safety: the store closed mid-input', () => {
  const moments: [string, () => Promise<void>][] = [
    ['at once', async () => undefined],
    ['after a microtask', () => Promise.resolve()],
    ['after a task', () => new Promise((r) => setTimeout(r, 0))],
    ['after a few tasks', () => new Promise((r) => setTimeout(r, 0)).then(() => new Promise((r) => setTimeout(r, 0))).then(() => new Promise((r) => setTimeout(r, 0)))],
  ];

  it('leaves the workspace at the input before or the input itself, whole', async () => {
    const cuts = await referenceCuts();
    const seen = { before: 0, after: 0 };
    for (let i = 0; i < STEPS.length; i++) {
      for (const [when, wait] of moments) {
        const run = await runOnDb({ stopAfter: i });
        expect(run.x.sim.storeError).toBeUndefined();
        // the input starts; the tab goes away: its connection closes and nobody awaits the simulator
        const pending = STEPS[i](run.x, run.c);
        await wait();
        run.pg.close();
        await pending.catch(() => undefined);
        await run.x.sim.flush();

        const pg = await openIndexedDbStore({ name: run.name, indexedDB: run.factory, broadcastChannel: false });
        const stored = await pg.forWorkspace('w').load();
        const keyId = i === 0 ? (stored?.state.keys[0]?.keyId ?? '') : run.c.keyId;
        const which = isDeepStrictEqual(canonical(stored), canonical(cuts[i + 1])) ? 'after' : 'before';
        try {
          await expectWorkspaceAt(stored, pg, which === 'after' ? cuts[i + 1] : cuts[i], keyId);
        } catch (e) {
          throw new Error(`closed ${when} in input ${i + 1}: ${(e as Error).message}`);
        } finally {
          pg.close();
        }
        seen[which]++;
        // a simulator whose commit did not land knows it
        if (which === 'before') expect(run.x.sim.storeError?.name).toBe('StoreClosedError');
      }
    }
    // both outcomes happen, so the test really closes inside inputs
    expect(seen.before).toBeGreaterThan(0);
    expect(seen.after).toBeGreaterThan(0);
  }, 300_000);
});

describe('crash safety: workspace operations are all or nothing', () => {
  it('a failure at each write of create, duplicate, import, reset, delete and a scenario save leaves the database as it was', async () => {
    // a database with one workspace holding part of the run, as a dump to start each attempt from
    const setup = freshDb();
    const pg = await openIndexedDbStore({ name: setup.name, indexedDB: setup.factory, broadcastChannel: false });
    const base = await pg.createWorkspace('base', OPTIONS);
    const x = makeSim({ ...OPTIONS, store: pg.forWorkspace(base.id) });
    await x.sim.ready;
    const c: Ctx = { keyId: '', grants: [] };
    for (const step of STEPS.slice(0, 9)) await step(x, c);
    await x.sim.flush();
    expect(x.sim.storeError).toBeUndefined();
    const file = await pg.exportWorkspace(base.id);
    pg.close();
    const start = await dumpDatabase(setup.factory, setup.name);

    const ops: [string, (s: PlaygroundStore) => Promise<unknown>][] = [
      ['create', (s) => s.createWorkspace('new', OPTIONS)],
      ['duplicate', (s) => s.duplicateWorkspace(base.id, 'copy')],
      ['import', async (s) => {
        const r = await s.importWorkspace(file);
        if (!r.ok) throw new Error(r.detail);
      }],
      ['reset', (s) => s.resetWorkspace(base.id)],
      ['delete', (s) => s.deleteWorkspace(base.id)],
      ['save scenario', (s) => s.saveScenario({ name: 's', scenario: { v: 1, seed: 3, steps: [{ kind: 'request', target: 'CreateKey', body: {} }] } as never })],
    ];
    /** runs op on a fresh copy of the start database; returns how it went and the database after */
    async function attempt(op: (s: PlaygroundStore) => Promise<unknown>, failAt: number, mode: Mode) {
      const db = freshDb();
      await loadDump(db.factory, db.name, start);
      const s = await openIndexedDbStore({ name: db.name, indexedDB: db.factory, broadcastChannel: false });
      trap.armed = true;
      trap.count = 0;
      trap.failAt = failAt;
      trap.mode = mode;
      const outcome = await op(s).then(
        () => 'done',
        () => 'rejected',
      );
      trap.armed = false;
      const writes = trap.count;
      s.close();
      return { outcome, writes, after: await dumpDatabase(db.factory, db.name) };
    }
    for (const [label, op] of ops) {
      const clean = await attempt(op, Infinity, 'throw');
      expect(clean.outcome, label).toBe('done');
      expect(clean.writes, label).toBeGreaterThan(0);
      expect(clean.after, `${label} changes the database`).not.toEqual(start);
      for (const mode of ['throw', 'fail', 'abort'] as const) {
        for (let k = 1; k <= clean.writes; k++) {
          const r = await attempt(op, k, mode);
          expect(r.outcome, `${label}, ${mode} at write ${k}`).toBe('rejected');
          expect(r.after, `${label}, ${mode} at write ${k}`).toEqual(start);
        }
      }
    }
  }, 300_000);
});
