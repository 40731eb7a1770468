/**
 * Browser side of tests/e2e/store.e2e.mjs: the store's API on `window.storeHarness`, so a
 * playwright-core script can drive several real Chromium tabs on one real IndexedDB.
 * (Not a vitest file: bundled with esbuild and loaded into a page.)
 */
import { createMemoryStore, createSimulator, type SimulatorStore, type SimulatorWithEngine, type StoredSimulator } from '../../src/kms/index';
import { ConflictError, describeStoreError, openIndexedDbStore, openPlaygroundStorage, openWorkspaceSimulator, reapplyInputs, type PlaygroundStorage, type TabMessage } from '../../src/store/index';
import { loadDump, type DbDump } from './dump';

const OPTIONS = { seed: 3, startTime: Date.UTC(2026, 0, 1), propagation: { minMs: 0, maxMs: 0 } };
const ROLE = 'arn:aws:iam::111122223333:role/App';
const APP = 'arn:aws:iam::111122223333:role/AppRole';
const AUDITOR = 'arn:aws:iam::111122223333:role/Auditor';
const PRINCIPALS = [
  { arn: 'arn:aws:iam::111122223333:root', accessKeyId: 'AKIAROOT0000000000000' },
  { arn: APP, accessKeyId: 'AKIAAPPROLE000000000' },
  { arn: AUDITOR, accessKeyId: 'AKIAAUDITOR000000000' },
];

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
  async createWorkspace(name: string, options: Partial<typeof OPTIONS> = {}) {
    return (await need().createWorkspace(name, { ...OPTIONS, ...options })).id;
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
  /** the documented recovery, repeated until the commit lands (another tab may commit again meanwhile) */
  async recoverUntilSaved(slot: string, ws: string) {
    let rounds = 0;
    while (sims.get(slot)!.storeError instanceof ConflictError) {
      await this.recover(slot, ws);
      rounds++;
    }
    return rounds;
  },
  /** n CreateGrants named prefix-0 … as fast as possible, recovering from every conflict; returns how many conflicts */
  async writeMany(slot: string, ws: string, keyId: string, prefix: string, n: number) {
    let conflicts = 0;
    for (let i = 0; i < n; i++) {
      const status = await this.createGrant(slot, keyId, `${prefix}-${i}`);
      if (status !== 200) throw new Error(`CreateGrant ${prefix}-${i}: ${status}`);
      if (sims.get(slot)!.storeError) conflicts += (await this.recoverUntilSaved(slot, ws)) > 0 ? 1 : 0;
      if (sims.get(slot)!.storeError) throw sims.get(slot)!.storeError;
    }
    return conflicts;
  },
  /** keys, aliases, grants (some still propagating), retire, revoke, clock moves; returns the key ids */
  async build(slot: string) {
    const sim = sims.get(slot)!;
    const keys: string[] = [];
    for (let k = 0; k < 3; k++) keys.push((await call(sim, 'CreateKey', { Description: `key ${k}` })).json.KeyMetadata.KeyId);
    await call(sim, 'CreateAlias', { AliasName: 'alias/e2e', TargetKeyId: keys[0] });
    const tokens: string[] = [];
    for (let i = 0; i < 24; i++) {
      const r = await call(sim, 'CreateGrant', { KeyId: keys[i % 3], GranteePrincipal: ROLE, Operations: ['Decrypt', 'DescribeKey'], RetiringPrincipal: 'arn:aws:iam::111122223333:root', Name: `built-${i}` });
      tokens.push(r.json.GrantToken);
      if (i % 5 === 4) sim.clock.advance(1_500);
    }
    await call(sim, 'RetireGrant', { GrantToken: tokens[0] });
    await call(sim, 'Encrypt', { KeyId: 'alias/e2e', Plaintext: btoa('hello') });
    await sim.flush();
    return keys;
  },
  /** what a user sees of a simulator: clock, log, events, and every list it answers (read with peek: no input) */
  async fingerprint(slot: string, keyIds: string[]) {
    const sim = sims.get(slot)!;
    const peek = (target: string, body: unknown) =>
      sim.peek(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` }, body: JSON.stringify(body) })).then((r) => r.text());
    const lists = [await peek('ListKeys', {}), await peek('ListAliases', {})];
    for (const KeyId of keyIds) lists.push(await peek('ListGrants', { KeyId }));
    return { now: sim.clock.now(), log: JSON.stringify(sim.log), events: JSON.stringify(sim.events), lists, storeError: sim.storeError?.name ?? null };
  },
  /** advances the clock of a simulator (an input, committed) */
  async advance(slot: string, ms: number) {
    sims.get(slot)!.clock.advance(ms);
    await sims.get(slot)!.flush();
  },
  /** fires n CreateGrants without waiting for them (the tab is about to be killed) */
  fire(slot: string, keyId: string, n: number) {
    for (let i = 0; i < n; i++) void call(sims.get(slot)!, 'CreateGrant', { KeyId: keyId, GranteePrincipal: ROLE, Operations: ['Decrypt'], Name: `fired-${i}` }).catch(() => undefined);
  },
  /**
   * The stored workspace is one the simulator could have reached: replaying its stored log into a
   * fresh simulator (no store) gives exactly the stored events and world.
   */
  async storedIsConsistent(ws: string) {
    const stored = (await need().forWorkspace(ws).load())!;
    const info = (await need().getWorkspace(ws))!;
    const replay = createSimulator(info.options);
    await reapplyInputs(replay, stored.log, info.options.startTime);
    const sortGrants = (s: StoredSimulator['state']) => ({ ...s, grants: [...s.grants].sort((a, b) => (a.grantId < b.grantId ? -1 : 1)) });
    return {
      logLength: stored.log.length,
      eventsMatch: JSON.stringify(replay.events) === JSON.stringify(stored.events),
      worldMatches: JSON.stringify(sortGrants(replay.engine.state())) === JSON.stringify(sortGrants(stored.state)),
      metaLogLength: info.logLength,
    };
  },
  /** writes an old release's database (tests/fixtures/store/idb-v<N>.json) into this origin's IndexedDB */
  async loadDump(name: string, dump: DbDump) {
    await loadDump(indexedDB, name, dump, { replace: true });
  },
  /** the stored workspace, summarised: ids, lengths and clock */
  async summary(ws: string) {
    const s = await need().forWorkspace(ws).load();
    if (!s) return null;
    return { keys: s.state.keys.map((k) => k.keyId), grants: s.state.grants.map((g) => g.grantId).sort(), logLength: s.log.length, eventCount: s.events.length, now: s.state.meta.now };
  },
  /** from now on every IndexedDB put fails with QuotaExceededError (as a full disk does), or no longer */
  diskFull(full: boolean) {
    const proto = IDBObjectStore.prototype as unknown as { put: (...a: unknown[]) => IDBRequest; realPut?: (...a: unknown[]) => IDBRequest };
    proto.realPut ??= proto.put;
    const realPut = proto.realPut;
    proto.put = full
      ? () => {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        }
      : realPut;
  },
  describeStoreError(slot: string) {
    return describeStoreError(sims.get(slot)!.storeError);
  },
  /**
   * A representative part of the engine's behaviour suite (grants, authorization through
   * grants, propagation in flight, retire, revoke, seek and fork), run on the reference memory
   * store straight through and on this browser's IndexedDB reloading (a new connection and a
   * new simulator) after every step. Returns both transcripts: responses, events, log, clock.
   */
  async behaviour(name: string) {
    const options = { seed: 5, startTime: Date.UTC(2026, 0, 1), propagation: { minMs: 1_000, maxMs: 60_000 }, principals: PRINCIPALS };
    const run = async (open: () => Promise<{ store: SimulatorStore; close(): void }>, reloadEveryStep: boolean) => {
      let conn = await open();
      let sim = createSimulator({ ...options, store: conn.store });
      await sim.ready;
      const out: string[] = [];
      const send = async (target: string, body: unknown, as?: string, host?: number) => {
        const headers: Record<string, string> = { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` };
        const akid = PRINCIPALS.find((p) => p.arn === as)?.accessKeyId;
        if (akid) {
          headers.Authorization = `AWS4-HMAC-SHA256 Credential=${akid}/20260101/us-east-1/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00`;
          headers['X-Amz-Date'] = '20260101T000000Z';
        }
        if (host !== undefined) headers['x-playground-host'] = String(host);
        const res = await sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers, body: JSON.stringify(body) }));
        const text = `${res.status} ${await res.text()}`;
        out.push(text);
        return JSON.parse(text.slice(4) || '{}');
      };
      const c: { key?: string; other?: string; g?: { GrantId: string; GrantToken: string }; ct?: string } = {};
      const steps: (() => Promise<unknown> | void)[] = [
        async () => (c.key = (await send('CreateKey', {})).KeyMetadata.KeyId),
        async () => (c.other = (await send('CreateKey', { Description: 'other' })).KeyMetadata.KeyId),
        async () => (c.g = await send('CreateGrant', { KeyId: c.key, GranteePrincipal: APP, Operations: ['DescribeKey', 'Encrypt', 'Decrypt'], RetiringPrincipal: AUDITOR })),
        () => send('DescribeKey', { KeyId: c.key }, APP, 1), // denied: the grant has not arrived at host 1
        () => send('DescribeKey', { KeyId: c.key, GrantTokens: [c.g!.GrantToken] }, APP, 1), // the token authorizes at once
        () => sim.clock.advance(2_000),
        () => send('DescribeKey', { KeyId: c.key }, APP, 0),
        async () => (c.ct = (await send('Encrypt', { KeyId: c.key, Plaintext: btoa('secret') }, APP, 2)).CiphertextBlob),
        () => send('CreateGrant', { KeyId: c.other, GranteePrincipal: AUDITOR, Operations: ['DescribeKey'], Name: 'audit' }),
        () => send('CreateGrant', { KeyId: c.other, GranteePrincipal: AUDITOR, Operations: ['DescribeKey'], Name: 'audit' }), // same name: the same grant
        () => send('ListGrants', { KeyId: c.key }),
        () => sim.clock.settle(),
        () => send('Decrypt', { CiphertextBlob: c.ct ?? '' }, APP, 1),
        () => send('RetireGrant', { GrantToken: c.g!.GrantToken }, AUDITOR),
        () => send('Decrypt', { CiphertextBlob: c.ct ?? '' }, APP, 1), // the retirement has not arrived: still allowed
        () => sim.clock.advance(60_000),
        () => send('Decrypt', { CiphertextBlob: c.ct ?? '' }, APP, 1), // now denied
        () => send('RevokeGrant', { KeyId: c.other, GrantId: 'f'.repeat(64) }),
        () => send('ListRetirableGrants', { RetiringPrincipal: AUDITOR }),
        () => sim.seek(sim.clock.now() - 30_000),
        () => send('CreateGrant', { KeyId: c.key, GranteePrincipal: AUDITOR, Operations: ['Encrypt'] }), // forks history
        () => sim.clock.advance(500),
        () => sim.seek(sim.clock.now() - 100),
        () => sim.fork(),
        () => send('ListGrants', { KeyId: c.key }),
        () => send('ListKeys', {}),
      ];
      for (const step of steps) {
        await step();
        await sim.flush();
        if (sim.storeError) throw sim.storeError;
        if (reloadEveryStep) {
          conn.close();
          conn = await open();
          sim = createSimulator({ ...options, store: conn.store });
          await sim.ready;
          if (sim.storeError) throw sim.storeError;
        }
      }
      const result = { out, events: JSON.stringify(sim.events), log: JSON.stringify(sim.log), now: sim.clock.now() };
      conn.close();
      return result;
    };
    const mem = createMemoryStore();
    const memory = await run(async () => ({ store: mem, close() {} }), false);
    const idb = await run(async () => {
      const s = await openIndexedDbStore({ name, broadcastChannel: false });
      return { store: s.forWorkspace('behaviour'), close: () => s.close() };
    }, true);
    return { memory, idb };
  },
  notices: () => [...notices],
  messages: () => messages.map((m) => ({ ...m })),
};

(globalThis as { storeHarness?: typeof harness }).storeHarness = harness;
