import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/kms/index';
import { APP_ROLE, AUDITOR, makeSim } from './helpers';

/** runs a few steps, optionally "reloading" (a new simulator on the same store) between them */
async function scenario(reloadEvery: number | null) {
  const store = createMemoryStore();
  const opts = { store, propagation: { minMs: 1_000, maxMs: 60_000 }, seed: 5 };
  let s = makeSim(opts);
  await s.sim.ready;
  const out: string[] = [];
  const steps: ((x: typeof s) => Promise<unknown>)[] = [
    async (x) => out.push((await x.call('CreateKey', {})).text),
    async (x) => out.push((await x.call('CreateGrant', { KeyId: JSON.parse(out[0]).KeyMetadata.KeyId, GranteePrincipal: APP_ROLE, Operations: ['DescribeKey'], RetiringPrincipal: AUDITOR })).text),
    async (x) => x.sim.clock.advance(2_000),
    async (x) => out.push((await x.call('DescribeKey', { KeyId: JSON.parse(out[0]).KeyMetadata.KeyId }, { as: APP_ROLE, host: 0 })).text),
    async (x) => out.push((await x.call('CreateGrant', { KeyId: JSON.parse(out[0]).KeyMetadata.KeyId, GranteePrincipal: AUDITOR, Operations: ['DescribeKey'] })).text),
    async (x) => out.push((await x.call('RetireGrant', { GrantToken: JSON.parse(out[1]).GrantToken }, { as: AUDITOR })).text),
    async (x) => x.sim.clock.advance(30_000),
    async (x) => out.push((await x.call('DescribeKey', { KeyId: JSON.parse(out[0]).KeyMetadata.KeyId }, { as: APP_ROLE, host: 1 })).text),
    async (x) => out.push((await x.call('ListGrants', { KeyId: JSON.parse(out[0]).KeyMetadata.KeyId })).text),
    async (x) => x.sim.clock.settle(),
  ];
  for (let i = 0; i < steps.length; i++) {
    await steps[i](s);
    await s.sim.flush();
    if (reloadEvery && (i + 1) % reloadEvery === 0) {
      s = makeSim(opts);
      await s.sim.ready;
    }
  }
  return { out, events: JSON.stringify(s.sim.events), now: s.sim.clock.now(), store };
}

describe('persistence through an injected store', () => {
  it('resumes the same world, clock and in-flight propagation after every step', async () => {
    const straight = await scenario(null);
    const reloaded = await scenario(1);
    expect(reloaded.out).toEqual(straight.out);
    expect(reloaded.events).toEqual(straight.events);
    expect(reloaded.now).toBe(straight.now);
  });

  it('commits once per request, before the response is returned', async () => {
    const store = createMemoryStore();
    const { call, sim } = makeSim({ store });
    await sim.ready;
    const before = store.commits;
    await call('CreateKey', {});
    expect(store.commits).toBe(before + 1);
    const loaded = await store.load();
    expect(loaded!.state.keys).toHaveLength(1);
    expect(loaded!.log.filter((e) => e.kind === 'request')).toHaveLength(1);
  });

  it('keeps working in memory, and says so, when the store fails', async () => {
    const { sim, call } = makeSim({
      store: {
        load: async () => null,
        commit: async () => {
          throw new DOMException('full', 'QuotaExceededError');
        },
      },
    });
    await sim.ready;
    expect((await call('CreateKey', {})).status).toBe(200);
    expect(sim.storeError?.name).toBe('QuotaExceededError');
    expect((await call('ListKeys', {})).json.Keys).toHaveLength(1);
  });
});
