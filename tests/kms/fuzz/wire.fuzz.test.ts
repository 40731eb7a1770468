import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invariantsOf, newFuzzSim, requestArb, sendAndCheck } from './wireFuzz';

describe('wire fuzzing', () => {
  it('answers every random or mutated request with a well-formed AWS response and keeps the world consistent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.infiniteStream(fc.nat()), async (seed, callers) => {
        const { sim, pool } = await newFuzzSim(seed);
        const reqs = fc.sample(requestArb(pool), { numRuns: 40, seed });
        const it = callers[Symbol.iterator]();
        for (const m of reqs) {
          const problems = await sendAndCheck(sim, m, it.next().value as number);
          expect(problems, JSON.stringify(m).slice(0, 300)).toEqual([]);
          if (m.target === 'CreateGrant') sim.clock.advance(1_000);
        }
        sim.clock.settle();
        expect(invariantsOf(sim)).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});

describe('pinned regressions found by the fuzzer', () => {
  it('treats a JSON null GrantToken as absent (was a KMSInternalException)', async () => {
    const { sim } = await newFuzzSim(2106981729);
    expect(await sendAndCheck(sim, { target: 'RetireGrant', body: '{"GrantToken":null}' }, 0)).toEqual([]);
  });
});

it('answers UnknownOperationException for targets named like Object.prototype members (was a crash)', async () => {
  const { sim } = await newFuzzSim(1);
  for (const target of ['valueOf', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    expect(await sendAndCheck(sim, { target, body: '{}' }, 0)).toEqual([]);
  }
});

it('clears every host view when a removal reaches several hosts at the same instant (found by npm run fuzz, seed 20474935)', async () => {
  const { makeSim } = await import('../helpers');
  const { call, createKey, sim } = makeSim({ propagation: { minMs: 5_000, maxMs: 5_000 } });
  const key = await createKey();
  const g = await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: 'arn:aws:iam::111122223333:role/AppRole', Operations: ['DescribeKey'] });
  await call('RevokeGrant', { KeyId: key.KeyId, GrantId: g.json.GrantId });
  sim.clock.settle();
  expect(sim.engine.world.hostViews.map((v) => v.size)).toEqual([0, 0, 0]);
  const { checkInvariants } = await import('../../../src/kms/index');
  expect(checkInvariants(sim.engine.world)).toEqual([]);
});
