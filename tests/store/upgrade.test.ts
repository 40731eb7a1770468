/**
 * Upgrades (issue 8 §4): data an earlier release wrote opens in this one. Every fixture in
 * tests/fixtures/store/ (written by scripts/make-store-fixtures.ts at that release, and never
 * edited afterwards) is opened with the current code:
 *   idb-v<N>[-release].json   a whole database at version N: loaded into fake-indexeddb at
 *                             version N with version N's own stores and indexes, then opened by
 *                             openIndexedDbStore, which runs the upgrade from N to DB_VERSION
 *   workspace-file-v<N>[-release].json  an exported workspace file of format version N: imported
 * Each must keep every key, grant, log entry, event and the clock, and the simulator must
 * resume: answer as a simulator restored from the same records does, and keep saving.
 * (Real IndexedDB: tests/e2e/store.e2e.mjs loads the same database dump in Chromium.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryStore, type SimulatorStore, type StoredSimulator } from '../../src/kms/index';
import { DB_VERSION, fromJsonSafe, openIndexedDbStore, openWorkspaceSimulator, parseWorkspaceFile, upgrade, WORKSPACE_FILE_VERSION, type PlaygroundStore } from '../../src/store/index';
import type { MetaRow, WorkspaceOptions, WorkspaceRecord } from '../../src/store/schema';
import { unchunk } from '../../src/store/chunks';
import { loadDump, type DbDump } from './dump';
import { canonical, closeLater, freshDb } from './helpers';

const DIR = join(__dirname, '../fixtures/store');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
// idb-v<N>.json, or idb-v<N>-<release>.json when a release changed content at the same version
const dbFixtures = files.filter((f) => /^idb-v\d+(-[\w.]+)?\.json$/.test(f));
const fileFixtures = files.filter((f) => /^workspace-file-v\d+(-[\w.]+)?\.json$/.test(f));
const read = (f: string) => JSON.parse(readFileSync(join(DIR, f), 'utf8'));
const versionOf = (f: string) => Number(/-v(\d+)(-[\w.]+)?\.json$/.exec(f)![1]);

/** the workspace as the old release stored it, read straight from the dump's records */
function fromDump(dump: DbDump, ws: string) {
  const rows = (s: string) => dump.stores[s].records.map((r) => fromJsonSafe(r) as Record<string, unknown>).filter((r) => r.ws === ws);
  const meta = rows('meta')[0] as unknown as MetaRow;
  const chunks = (s: string) => rows(s).sort((a, b) => (a.index as number) - (b.index as number)).map((r) => ({ start: r.index as number, items: r.items as unknown[] }));
  const snapshot = {
    state: {
      meta: meta.meta,
      keys: rows('keys').sort((a, b) => (a.order as number) - (b.order as number)).map((r) => r.record),
      aliases: rows('aliases').sort((a, b) => (a.order as number) - (b.order as number)).map((r) => r.record),
      grants: rows('grants').map((r) => r.record),
    },
    log: unchunk(chunks('log'), 'log'),
    events: unchunk(chunks('events'), 'events'),
  } as StoredSimulator;
  return { meta, snapshot };
}

function peek(sim: { peek(r: Request): Promise<Response> }, target: string, body: unknown) {
  return sim.peek(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` }, body: JSON.stringify(body) })).then((r) => r.text());
}
function send(sim: { fetch(r: Request): Promise<Response> }, target: string, body: unknown) {
  return sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` }, body: JSON.stringify(body) })).then((r) => r.text());
}

/**
 * The simulator on the opened store resumes exactly as one restored from `expected` (the
 * records as the old release wrote them) through the reference memory store: the same clock,
 * log, events, answers, and the same next answers (ids from the same generator state, grants
 * still arriving at the same times); and what it does next is saved.
 */
async function expectResumes(store: PlaygroundStore, wsId: string, options: WorkspaceOptions, expected: StoredSimulator) {
  const stored = await store.forWorkspace(wsId).load();
  expect(canonical(stored)).toEqual(canonical(expected));
  const sim = await openWorkspaceSimulator(store, wsId);
  const ref = await (async () => {
    const mem: SimulatorStore = createMemoryStore();
    await mem.commit({ kind: 'replace', snapshot: structuredClone(expected) });
    const { createSimulator } = await import('../../src/kms/index');
    const r = createSimulator({ ...options, store: mem });
    await r.ready;
    return r;
  })();
  expect(sim.storeError).toBeUndefined();
  expect(sim.clock.now()).toBe(expected.state.meta.now);
  expect(sim.log).toEqual(expected.log);
  expect(JSON.stringify(sim.events)).toBe(JSON.stringify(ref.events));
  const keyIds = expected.state.keys.map((k) => k.keyId);
  expect(keyIds.length).toBeGreaterThan(0);
  expect(JSON.parse(await peek(sim, 'ListKeys', {})).Keys.map((k: { KeyId: string }) => k.KeyId)).toEqual(keyIds);
  for (const target of ['ListKeys', 'ListAliases']) expect(await peek(sim, target, {})).toBe(await peek(ref, target, {}));
  for (const KeyId of keyIds) {
    const grants = await peek(sim, 'ListGrants', { KeyId });
    expect(grants).toBe(await peek(ref, 'ListGrants', { KeyId }));
    expect(JSON.parse(grants).Grants.map((g: { GrantId: string }) => g.GrantId).sort()).toEqual(
      expected.state.grants.filter((g) => g.keyId === KeyId && !g.removed).map((g) => g.grantId).sort(),
    );
  }
  // the next inputs answer the same, and land in the store
  const next = async (s: typeof sim) => {
    const out = [await send(s, 'CreateGrant', { KeyId: keyIds[0], GranteePrincipal: 'arn:aws:iam::111122223333:role/After', Operations: ['Decrypt'] })];
    s.clock.settle();
    out.push(await send(s, 'ListGrants', { KeyId: keyIds[0] }));
    out.push(String(s.clock.now()));
    return out;
  };
  expect(await next(sim)).toEqual(await next(ref));
  await sim.flush();
  expect(sim.storeError).toBeUndefined();
  const again = await openWorkspaceSimulator(store, wsId);
  expect(again.log).toHaveLength(expected.log.length + 3);
  expect(JSON.stringify(again.events)).toBe(JSON.stringify(ref.events));
}

describe('upgrade fixtures', () => {
  it('there is a database fixture and a workspace file fixture for every version before the current one', () => {
    expect(dbFixtures.length).toBeGreaterThan(0);
    expect(fileFixtures.length).toBeGreaterThan(0);
    const dbVersions = dbFixtures.map(versionOf);
    const fileVersions = fileFixtures.map(versionOf);
    for (let v = 1; v < DB_VERSION; v++) expect(dbVersions, `tests/fixtures/store/idb-v${v}.json (src/store/README.md: Upgrades)`).toContain(v);
    for (let v = 1; v < WORKSPACE_FILE_VERSION; v++) expect(fileVersions, `tests/fixtures/store/workspace-file-v${v}.json`).toContain(v);
    // and none from the future
    for (const v of dbVersions) expect(v).toBeLessThanOrEqual(DB_VERSION);
    for (const v of fileVersions) expect(v).toBeLessThanOrEqual(WORKSPACE_FILE_VERSION);
  });

  for (const f of dbFixtures) {
    describe(f, () => {
      const dump = read(f) as DbDump;
      const metas = dump.stores.meta.records.map((r) => fromJsonSafe(r) as MetaRow);
      const workspaces = dump.stores.workspaces.records.map((r) => fromJsonSafe(r) as WorkspaceRecord);

      it(`opens a version ${versionOf(f)} database with data in it, upgrading to ${DB_VERSION}: every workspace, key, grant, log entry and the clock kept; the simulator resumes`, async () => {
        expect(dump.version).toBe(versionOf(f));
        const { factory, name } = freshDb();
        await loadDump(factory, name, dump);
        let upgrades: [number, number | null][] = [];
        const store = closeLater(
          await openIndexedDbStore({
            name,
            indexedDB: factory,
            broadcastChannel: false,
            upgrade(db, oldVersion, newVersion, tx) {
              upgrades.push([oldVersion, newVersion]);
              upgrade(db, oldVersion, newVersion, tx);
            },
          }),
        );
        // the upgrade ran from the fixture's version (nothing to run when it is the current one)
        expect(upgrades).toEqual(dump.version < DB_VERSION ? [[dump.version, DB_VERSION]] : []);
        upgrades = [];
        const listed = await store.listWorkspaces();
        expect(listed.map((w) => [w.id, w.name, w.options]).sort()).toEqual(workspaces.map((w) => [w.id, w.name, w.options]).sort());
        for (const m of metas) {
          const info = listed.find((w) => w.id === m.ws)!;
          expect({ logLength: info.logLength, eventCount: info.eventCount, revision: info.revision, now: info.now }).toEqual({ logLength: m.logLength, eventCount: m.eventCount, revision: m.revision, now: m.meta.now });
        }
        // saved scenarios and settings survive too
        expect((await store.listScenarios()).map((s) => s.id).sort()).toEqual(dump.stores.scenarios.records.map((r) => (r as { id: string }).id).sort());
        for (const r of dump.stores.settings.records as { key: string; value: unknown }[]) expect(await store.getSetting(r.key)).toEqual(fromJsonSafe(r.value));

        expect(metas.length).toBeGreaterThan(0);
        for (const m of metas) {
          const w = workspaces.find((x) => x.id === m.ws)!;
          const { snapshot } = fromDump(dump, m.ws);
          expect(snapshot.log).toHaveLength(m.logLength);
          expect(snapshot.events).toHaveLength(m.eventCount);
          await expectResumes(store, m.ws, w.options, snapshot);
        }
      });

      it('keeps its data through a later version added as a fall-through block (synthetic next version)', async () => {
        const { factory, name } = freshDb();
        await loadDump(factory, name, dump);
        const next = DB_VERSION + 1;
        const upgradeNext: typeof upgrade = (db, oldVersion, newVersion, tx) => {
          upgrade(db, oldVersion, newVersion, tx);
          if (oldVersion < next && (newVersion ?? next) >= next) {
            (tx.objectStore('grants') as unknown as { createIndex(n: string, k: string[]): void }).createIndex('by-created', ['ws', 'record.created']);
          }
        };
        const store = closeLater(await openIndexedDbStore({ name, indexedDB: factory, broadcastChannel: false, version: next, upgrade: upgradeNext }));
        for (const m of metas) {
          const w = workspaces.find((x) => x.id === m.ws)!;
          await expectResumes(store, m.ws, w.options, fromDump(dump, m.ws).snapshot);
        }
      });
    });
  }

  for (const f of fileFixtures) {
    it(`imports ${f}: every key, grant, log entry and the clock kept; the simulator resumes`, async () => {
      const file = read(f);
      expect(file.v).toBe(versionOf(f));
      const parsed = parseWorkspaceFile(JSON.stringify(file));
      if (!parsed.ok) throw new Error(`${f} no longer imports: ${parsed.error}: ${parsed.detail}`);
      expect(parsed.snapshot).not.toBeNull();
      const { factory, name } = freshDb();
      const store = closeLater(await openIndexedDbStore({ name, indexedDB: factory, broadcastChannel: false }));
      const r = await store.importWorkspace(file);
      if (!r.ok) throw new Error(r.detail);
      const info = (await store.getWorkspace(r.id))!;
      expect(info.name).toBe(file.workspace.name);
      expect(info.logLength).toBe(parsed.snapshot!.log.length);
      expect(info.now).toBe(parsed.snapshot!.state.meta.now);
      await expectResumes(store, r.id, parsed.options, parsed.snapshot!);
    });
  }

  it('the database and the workspace file of one release hold the same workspace', () => {
    // both fixtures of a release come from one session (scripts/make-store-fixtures.ts)
    for (const f of fileFixtures) {
      const file = read(f);
      const db = dbFixtures.map((d) => read(d) as DbDump).find((d) => d.madeBy === file.madeBy);
      if (!db) continue;
      const parsed = parseWorkspaceFile(file);
      if (!parsed.ok) throw new Error(parsed.detail);
      expect(canonical(fromDump(db, file.workspace.id).snapshot)).toEqual(canonical(parsed.snapshot));
    }
  });
});
