/**
 * What a simulator keeps once to save memory (shared decisions, header pairs, grants' operation
 * lists) is kept per simulator: two simulators on a page share none of it, and within one
 * simulator the sharing survives a seek.
 */
import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../src/kms/index';
import { APP_ROLE, makeSim } from './helpers';

type RequestEvent = Extract<SimEvent, { type: '@kms.request' }>;

async function twoGrants() {
  const s = makeSim();
  const key = await s.createKey();
  for (let i = 0; i < 2; i++) {
    const r = await s.call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Encrypt', 'Decrypt'] });
    expect(r.status).toBe(200);
  }
  await s.call('DescribeKey', { KeyId: key.KeyId });
  await s.call('DescribeKey', { KeyId: key.KeyId });
  return s;
}

const requests = (events: readonly SimEvent[]) => events.filter((e): e is RequestEvent => e.type === '@kms.request');
const grantLists = (s: Awaited<ReturnType<typeof twoGrants>>) => [...s.sim.engine.world.grants.values()].map((g) => g.operations);

describe('per-simulator caches', () => {
  it('one simulator shares repeated decisions, header pairs and operation lists', async () => {
    const a = await twoGrants();
    const [d1, d2] = requests(a.sim.events).slice(-2).map((e) => e.decision);
    expect(d1).toBeDefined();
    expect(d2).toBe(d1);
    const [l1, l2] = grantLists(a);
    expect(l2).toBe(l1);
    const log = a.sim.log.filter((e) => e.kind === 'request');
    expect(log[log.length - 1].headers[0]).toBe(log[log.length - 2].headers[0]);
  });

  it('two simulators share none of it, though their answers are the same', async () => {
    const a = await twoGrants();
    const b = await twoGrants();
    expect(JSON.stringify(b.sim.events)).toBe(JSON.stringify(a.sim.events));
    const da = requests(a.sim.events).at(-1)!.decision;
    const db = requests(b.sim.events).at(-1)!.decision;
    expect(db).toEqual(da);
    expect(db).not.toBe(da);
    expect(grantLists(b)[0]).toEqual(grantLists(a)[0]);
    expect(grantLists(b)[0]).not.toBe(grantLists(a)[0]);
    const pa = a.sim.log.at(-1)!;
    const pb = b.sim.log.at(-1)!;
    if (pa.kind !== 'request' || pb.kind !== 'request') throw new Error('expected requests');
    expect(pb.headers[0]).toEqual(pa.headers[0]);
    expect(pb.headers[0]).not.toBe(pa.headers[0]);
  });

  it('a seek rebuilds the world with the same shared operation lists', async () => {
    const a = await twoGrants();
    const before = grantLists(a)[0];
    a.sim.clock.advance(1000);
    await a.sim.seek(a.sim.clock.now() - 1);
    expect(grantLists(a)[0]).toEqual(before);
    expect(grantLists(a)[0]).toBe(before);
  });
});
