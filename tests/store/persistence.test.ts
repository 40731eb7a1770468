/**
 * tests/kms/persistence.test.ts, run against IndexedDB: reloading (closing the database,
 * opening it again, creating a new simulator from the store) after every step gives
 * byte-identical outputs and events; and the IndexedDB store holds exactly what the reference
 * memory store holds after the same changes, seek/fork rewrites included.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryStore, HANDLERS, type SimulatorStore } from '../../src/kms/index';
import { createMemoryPlaygroundStore, openIndexedDbStore, type PlaygroundStore } from '../../src/store/index';
import { APP_ROLE, AUDITOR, makeSim } from '../kms/helpers';
import { canonical, closeLater, freshDb } from './helpers';

type Backend = { name: string; open(): Promise<{ store: SimulatorStore; close(): void }> };

const memoryBackend = (): Backend => {
  const store = createMemoryStore();
  return { name: 'memory', open: async () => ({ store, close() {} }) };
};
const idbBackend = (): Backend => {
  const { factory, name } = freshDb();
  return {
    name: 'indexeddb',
    async open() {
      const pg = closeLater(await openIndexedDbStore({ name, indexedDB: factory }));
      return { store: pg.forWorkspace('w1'), close: () => pg.close() };
    },
  };
};
const memoryPlaygroundBackend = (): Backend => {
  const pg = createMemoryPlaygroundStore();
  return { name: 'memory playground', open: async () => ({ store: pg.forWorkspace('w1'), close() {} }) };
};

/** the steps of tests/kms/persistence.test.ts, reloading after every `reloadEvery` steps */
async function scenario(backend: Backend, reloadEvery: number | null) {
  let conn = await backend.open();
  const opts = () => ({ store: conn.store, propagation: { minMs: 1_000, maxMs: 60_000 }, seed: 5 });
  let s = makeSim(opts());
  await s.sim.ready;
  const out: string[] = [];
  const keyId = () => JSON.parse(out[0]).KeyMetadata.KeyId;
  const steps: ((x: typeof s) => Promise<unknown>)[] = [
    async (x) => out.push((await x.call('CreateKey', {})).text),
    async (x) => out.push((await x.call('CreateGrant', { KeyId: keyId(), GranteePrincipal: APP_ROLE, Operations: ['DescribeKey', 'Encrypt', 'Decrypt'], RetiringPrincipal: AUDITOR })).text),
    async (x) => x.sim.clock.advance(2_000),
    async (x) => out.push((await x.call('DescribeKey', { KeyId: keyId() }, { as: APP_ROLE, host: 0 })).text),
    async (x) => out.push((await x.call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: keyId() })).text),
    async (x) => out.push((await x.call('CreateKey', { Description: 'second' })).text),
    async (x) => out.push((await x.call('CreateGrant', { KeyId: keyId(), GranteePrincipal: AUDITOR, Operations: ['DescribeKey'], Name: 'audit' })).text),
    async (x) => out.push((await x.call('Encrypt', { KeyId: 'alias/app', Plaintext: btoa('hello') })).text),
    async (x) => out.push((await x.call('Decrypt', { CiphertextBlob: JSON.parse(out[out.length - 1]).CiphertextBlob ?? 'AAAA' }, { as: APP_ROLE, host: 0 })).text),
    async (x) => out.push((await x.call('RetireGrant', { GrantToken: JSON.parse(out[1]).GrantToken }, { as: AUDITOR })).text),
    async (x) => x.sim.clock.advance(30_000),
    async (x) => out.push((await x.call('DescribeKey', { KeyId: keyId() }, { as: APP_ROLE, host: 1 })).text),
    async (x) => out.push((await x.call('ListGrants', { KeyId: keyId() })).text),
    async (x) => out.push((await x.call('ListKeys', {})).text),
    async (x) => out.push((await x.call('ListAliases', {})).text),
    async (x) => x.sim.clock.settle(),
    async (x) => out.push((await x.call('ListGrants', { KeyId: keyId() })).text),
  ];
  for (let i = 0; i < steps.length; i++) {
    await steps[i](s);
    await s.sim.flush();
    expect(s.sim.storeError).toBeUndefined();
    if (reloadEvery && (i + 1) % reloadEvery === 0) {
      conn.close();
      conn = await backend.open();
      s = makeSim(opts());
      await s.sim.ready;
    }
  }
  const stored = await conn.store.load();
  return { out, events: JSON.stringify(s.sim.events), now: s.sim.clock.now(), log: JSON.stringify(s.sim.log), stored };
}

describe('persistence through IndexedDB', () => {
  it('resumes the same world, clock and in-flight propagation after every step, byte for byte', async () => {
    const straight = await scenario(memoryBackend(), null);
    const reloaded = await scenario(idbBackend(), 1);
    expect(reloaded.out).toEqual(straight.out);
    expect(reloaded.events).toBe(straight.events);
    expect(reloaded.now).toBe(straight.now);
    expect(reloaded.log).toBe(straight.log);
    // Encrypt/Decrypt exercise the key material once the crypto handlers exist
    if ('Encrypt' in HANDLERS) expect(reloaded.out.some((t) => t.includes('CiphertextBlob'))).toBe(true);
  });

  it('reloading every third step and never reloading give the same outputs as the memory store', async () => {
    const ref = await scenario(memoryBackend(), null);
    for (const every of [null, 3]) {
      const r = await scenario(idbBackend(), every);
      expect(r.out).toEqual(ref.out);
      expect(r.events).toBe(ref.events);
    }
  });

  it('the in-memory fallback store behaves the same, reloads included', async () => {
    const ref = await scenario(memoryBackend(), null);
    const r = await scenario(memoryPlaygroundBackend(), 1);
    expect(r.out).toEqual(ref.out);
    expect(r.events).toBe(ref.events);
  });

  it('holds exactly what the reference memory store holds (keys and aliases in creation order)', async () => {
    const mem = await scenario(memoryBackend(), null);
    const idb = await scenario(idbBackend(), 2);
    expect(canonical(idb.stored)).toEqual(canonical(mem.stored));
    expect(idb.stored!.state.keys.map((k) => k.keyId)).toEqual(mem.stored!.state.keys.map((k) => k.keyId));
    // the key material survives the structured clone as bytes
    const k = idb.stored!.state.keys[0];
    expect(k.material?.kind).toBe('secret');
    expect((k.material as { bytes: Uint8Array }).bytes).toBeInstanceOf(Uint8Array);
  });

  it('commits once per request, before the response is returned', async () => {
    const { factory, name } = freshDb();
    const pg = closeLater(await openIndexedDbStore({ name, indexedDB: factory }));
    const { call, sim } = makeSim({ store: pg });
    await sim.ready;
    const before = (await pg.getWorkspace(pg.defaultWorkspace))!.revision;
    await call('CreateKey', {});
    const after = (await pg.getWorkspace(pg.defaultWorkspace))!;
    expect(after.revision).toBe(before + 1);
    expect(after.logLength).toBe(1);
    const loaded = await pg.forWorkspace(pg.defaultWorkspace).load();
    expect(loaded!.state.keys).toHaveLength(1);
    expect(loaded!.log.filter((e) => e.kind === 'request')).toHaveLength(1);
  });

  it('matches the memory store through seek, fork and a request after seeking back', async () => {
    const run = async (store: SimulatorStore) => {
      const { sim, call, createKey } = makeSim({ store, propagation: { minMs: 1_000, maxMs: 20_000 } });
      await sim.ready;
      const key = await createKey();
      // more than 256 inputs, so the log and events have full chunk rows (chunks.ts) …
      for (let i = 0; i < 300; i++) {
        await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'], Name: `g${i % 7}` });
        if (i % 10 === 9) sim.clock.advance(5_000);
      }
      expect(sim.log.length).toBeGreaterThan(256);
      // … and seeking back, then sending, cuts into one
      const mid = sim.clock.now() - 70_000;
      await sim.seek(mid);
      await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: AUDITOR, Operations: ['Encrypt'] }); // forks history
      sim.clock.advance(1_000);
      await sim.seek(sim.clock.now() - 500);
      sim.fork();
      await call('ListGrants', { KeyId: key.KeyId, Limit: 5 });
      await sim.flush();
      expect(sim.storeError).toBeUndefined();
      return { stored: await store.load(), events: JSON.stringify(sim.events), log: sim.log.length };
    };
    const mem = await run(createMemoryStore());
    const { factory, name } = freshDb();
    const pg: PlaygroundStore = closeLater(await openIndexedDbStore({ name, indexedDB: factory }));
    const idb = await run(pg.forWorkspace('w'));
    expect(canonical(idb.stored)).toEqual(canonical(mem.stored));
    expect(idb.stored!.log).toHaveLength(mem.log);
    expect(mem.log).toBeLessThan(256);
    // and a reload from IndexedDB resumes the forked world
    const again = makeSim({ store: pg.forWorkspace('w'), propagation: { minMs: 1_000, maxMs: 20_000 } });
    await again.sim.ready;
    expect(JSON.stringify(again.sim.events)).toBe(idb.events);
  });
});

describe('IndexedDB store against the reference memory store, random operations', () => {
  /** mulberry32: a seeded generator for the test's own choices */
  const prng = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  for (const seed of [1, 2, 3]) {
    it(`stores the same records, log and events after every step (seed ${seed})`, async () => {
      const mem = createMemoryStore();
      const { factory, name } = freshDb();
      const pg = closeLater(await openIndexedDbStore({ name, indexedDB: factory }));
      const opts = { propagation: { minMs: 500, maxMs: 30_000 }, seed };
      const a = makeSim({ ...opts, store: mem });
      const b = makeSim({ ...opts, store: pg.forWorkspace('w') });
      await Promise.all([a.sim.ready, b.sim.ready]);
      const rnd = prng(seed);
      const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
      const keys: string[] = [];
      const tokens: string[] = [];
      const grants: { keyId: string; grantId: string }[] = [];
      for (let step = 0; step < 160; step++) {
        const r = rnd();
        type Act = (x: ReturnType<typeof makeSim>) => Promise<unknown>;
        let act: Act;
        if (keys.length === 0 || r < 0.06) act = (x) => x.call('CreateKey', { Description: `k${step}` });
        else if (r < 0.45) {
          const body = { KeyId: pick(keys), GranteePrincipal: pick([APP_ROLE, AUDITOR]), Operations: ['DescribeKey'], RetiringPrincipal: AUDITOR, Name: rnd() < 0.3 ? 'same' : undefined };
          act = (x) => x.call('CreateGrant', body);
        } else if (r < 0.55 && grants.length) {
          const g = pick(grants);
          act = (x) => x.call('RevokeGrant', { KeyId: g.keyId, GrantId: g.grantId });
        } else if (r < 0.62 && tokens.length) {
          const t = pick(tokens);
          act = (x) => x.call('RetireGrant', { GrantToken: t }, { as: AUDITOR });
        } else if (r < 0.7) {
          const k = pick(keys);
          const alias = `alias/a${Math.floor(rnd() * 4)}`;
          act = async (x) => ((await x.call('CreateAlias', { AliasName: alias, TargetKeyId: k })).status === 200 ? undefined : x.call('DeleteAlias', { AliasName: alias }));
        } else if (r < 0.73) {
          const k = pick(keys);
          act = (x) => x.call('ScheduleKeyDeletion', { KeyId: k, PendingWindowInDays: 7 });
        } else if (r < 0.85) {
          const ms = Math.floor(rnd() * 40_000);
          act = async (x) => x.sim.clock.advance(ms);
        } else if (r < 0.88) {
          act = async (x) => x.sim.clock.advance(8 * 86_400_000); // pending deletions fall due
        } else if (r < 0.93) {
          const back = Math.floor(rnd() * 60_000);
          act = async (x) => x.sim.seek(Math.max(Date.UTC(2026, 0, 1), x.sim.clock.now() - back));
        } else if (r < 0.96) {
          act = async (x) => x.sim.fork();
        } else {
          const k = pick(keys);
          act = (x) => x.call('ListGrants', { KeyId: k, Limit: 3 });
        }
        const [ra, rb] = [await act(a), await act(b)];
        await Promise.all([a.sim.flush(), b.sim.flush()]);
        const ta = (ra as { text?: string } | undefined)?.text;
        expect((rb as { text?: string } | undefined)?.text).toBe(ta);
        if (ta) {
          const j = JSON.parse(ta);
          if (j.KeyMetadata?.KeyId && !keys.includes(j.KeyMetadata.KeyId)) keys.push(j.KeyMetadata.KeyId);
          if (j.GrantId) {
            grants.push({ keyId: JSON.parse((a.sim.log[a.sim.log.length - 1] as { body: string }).body).KeyId, grantId: j.GrantId });
            tokens.push(j.GrantToken);
          }
        }
        expect(b.sim.storeError).toBeUndefined();
        const [sa, sb] = [await mem.load(), await pg.forWorkspace('w').load()];
        expect(canonical(sb)).toEqual(canonical(sa));
      }
      // and a cold reload of the IndexedDB copy resumes exactly where the memory one is
      const c = makeSim({ ...opts, store: pg.forWorkspace('w') });
      await c.sim.ready;
      expect(JSON.stringify(c.sim.events)).toBe(JSON.stringify(a.sim.events));
      expect(c.sim.clock.now()).toBe(a.sim.clock.now());
      expect((await c.call('ListKeys', {})).text).toBe((await a.call('ListKeys', {})).text);
    });
  }
});

describe('reloading after seeking back', () => {
  /** seek back, reload, then send: the reloaded simulator must know it is in the past */
  async function run(store: () => Promise<SimulatorStore>, reload: boolean) {
    let s = makeSim({ store: await store(), propagation: { minMs: 1_000, maxMs: 30_000 }, seed: 12 });
    await s.sim.ready;
    const out: string[] = [];
    const c: { key?: string } = {};
    const steps: (() => Promise<unknown> | void)[] = [
      async () => (c.key = (await s.createKey()).KeyId),
      async () => out.push((await s.call('CreateGrant', { KeyId: c.key, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] })).text),
      () => s.sim.clock.advance(20_000),
      async () => out.push((await s.call('CreateGrant', { KeyId: c.key, GranteePrincipal: AUDITOR, Operations: ['Decrypt'] })).text),
      () => s.sim.clock.advance(20_000),
      () => s.sim.seek(s.sim.clock.now() - 30_000),
      async () => out.push((await s.call('CreateGrant', { KeyId: c.key, GranteePrincipal: AUDITOR, Operations: ['Encrypt'], Name: 'forked' })).text),
      () => s.sim.clock.advance(1_000),
      () => s.sim.seek(s.sim.clock.now() - 500),
      () => s.sim.seek(s.sim.horizon),
      () => s.sim.seek(s.sim.clock.now() - 200),
      () => s.sim.fork(),
      async () => out.push((await s.call('ListGrants', { KeyId: c.key })).text),
      () => s.sim.seek(s.sim.clock.now() - 100_000),
      async () => out.push(String(s.sim.horizon)),
    ];
    for (const step of steps) {
      await step();
      await s.sim.flush();
      expect(s.sim.storeError).toBeUndefined();
      if (reload) {
        s = makeSim({ store: await store(), propagation: { minMs: 1_000, maxMs: 30_000 }, seed: 12 });
        await s.sim.ready;
      }
    }
    return { out, log: JSON.stringify(s.sim.log), events: JSON.stringify(s.sim.events), now: s.sim.clock.now(), horizon: s.sim.horizon };
  }

  it('resumes at the same place in history: the next input forks there, as without the reload', async () => {
    const mem = createMemoryStore();
    const straight = await run(async () => mem, false);
    expect(straight.out[2]).toContain('GrantId');
    expect(JSON.parse(straight.out[3]).Grants.map((g: { Name: string }) => g.Name)).toContain('forked');
    const { factory, name } = freshDb();
    const reloadedIdb = await run(async () => closeLater(await openIndexedDbStore({ name, indexedDB: factory, broadcastChannel: false })).forWorkspace('w'), true);
    expect(reloadedIdb).toEqual(straight);
    const mem2 = createMemoryStore();
    expect(await run(async () => mem2, true)).toEqual(straight);
  });
});
