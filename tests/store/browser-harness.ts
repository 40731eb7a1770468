/**
 * Browser side of tests/e2e/store.e2e.mjs: the store's API on `window.storeHarness`, so a
 * playwright-core script can drive several real Chromium tabs on one real IndexedDB.
 * (Not a vitest file: bundled with esbuild and loaded into a page.)
 */
import type { SimulatorWithEngine } from '../../src/kms/index';
import { ConflictError, openPlaygroundStorage, openWorkspaceSimulator, reapplyInputs, type PlaygroundStorage, type TabMessage } from '../../src/store/index';

const OPTIONS = { seed: 3, startTime: Date.UTC(2026, 0, 1), propagation: { minMs: 0, maxMs: 0 } };
const ROLE = 'arn:aws:iam::111122223333:role/App';

let storage: PlaygroundStorage | undefined;
const sims = new Map<string, SimulatorWithEngine>();
const notices: string[] = [];
const messages: TabMessage[] = [];
const need = () => {
  if (!storage) throw new Error('open() first');
  return storage;
};

async function call(sim: SimulatorWithEngine, target: string, body: unknown) {
  const res = await sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` }, body: JSON.stringify(body) }));
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const harness = {
  async open(o: { name: string; version?: number }) {
    storage = await openPlaygroundStorage({ name: o.name, version: o.version, onNotice: (n) => notices.push(n.kind) });
    return storage.persistent ? { persistent: true } : { persistent: false, reason: storage.reason };
  },
  async createWorkspace(name: string) {
    return (await need().createWorkspace(name, OPTIONS)).id;
  },
  async listWorkspaces() {
    return (await need().listWorkspaces()).map((w) => ({ id: w.id, name: w.name, logLength: w.logLength }));
  },
  async openSim(slot: string, ws: string) {
    sims.set(slot, await openWorkspaceSimulator(need(), ws));
  },
  async createKey(slot: string) {
    return (await call(sims.get(slot)!, 'CreateKey', {})).json.KeyMetadata.KeyId as string;
  },
  async createGrant(slot: string, keyId: string, name: string) {
    const r = await call(sims.get(slot)!, 'CreateGrant', { KeyId: keyId, GranteePrincipal: ROLE, Operations: ['Decrypt'], Name: name });
    await sims.get(slot)!.flush();
    return r.status;
  },
  async grantNames(slot: string, keyId: string) {
    return ((await call(sims.get(slot)!, 'ListGrants', { KeyId: keyId })).json.Grants as { Name: string }[]).map((g) => g.Name).sort();
  },
  /** the grants a simulator holds, read from its engine (a ListGrants request would be an input, committed like any other) */
  simGrantNames(slot: string) {
    return [...sims.get(slot)!.engine.world.grants.values()].map((g) => g.name).sort();
  },
  async storedGrantNames(ws: string) {
    return ((await need().forWorkspace(ws).load())?.state.grants ?? []).map((g) => g.name).sort();
  },
  /** reloads the simulator in `slot` whenever another tab commits to ws */
  watch(slot: string, ws: string) {
    need().watch(ws, async (m) => {
      messages.push(m);
      sims.set(slot, await openWorkspaceSimulator(need(), ws));
    });
  },
  storeError(slot: string) {
    const e = sims.get(slot)!.storeError;
    return e && { name: e.name, message: e.message, reason: e instanceof ConflictError ? e.reason : undefined };
  },
  /** the documented recovery: a new simulator from the store, then the unsaved inputs again */
  async recover(slot: string, ws: string) {
    const old = sims.get(slot)!;
    const err = old.storeError as ConflictError;
    const fresh = await openWorkspaceSimulator(need(), ws);
    const responses = await reapplyInputs(fresh, old.log.slice(err.unsavedFrom), err.savedNow);
    await fresh.flush();
    sims.set(slot, fresh);
    return { statuses: responses.map((r) => r.status), storeError: fresh.storeError?.name ?? null };
  },
  notices: () => [...notices],
  messages: () => messages.map((m) => ({ ...m })),
};

(globalThis as { storeHarness?: typeof harness }).storeHarness = harness;
