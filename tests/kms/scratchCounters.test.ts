import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/kms/engine';
import { ADMIN, PRINCIPALS, makeSim } from './helpers';

const engine = (routing?: 'round-robin') => new Engine({ seed: 5, accountId: '111122223333', principals: PRINCIPALS, hosts: 3, routing });

describe('reads that leave no trace run against a copy of the counters', () => {
  it('what a scratch run draws, even after an await, moves only the copy', async () => {
    const read = engine();
    const live = engine();
    const before = read.meta();
    // CreateKey draws its key material id after awaiting the material
    const a = await read.scratch(() => read.run('CreateKey', {}, { caller: ADMIN }));
    const b = await live.run('CreateKey', {}, { caller: ADMIN });
    expect(a.ok && b.ok).toBe(true);
    // the same draws a live run makes, from the same place
    expect(JSON.stringify(a.ok && a.output)).toBe(JSON.stringify(b.ok && b.output));
    expect(a.host).toBe(b.host);
    const after = read.meta();
    expect([after.rng, after.routingRng, after.requestRng, after.seq, after.roundRobin]).toEqual([before.rng, before.routingRng, before.requestRng, before.seq, before.roundRobin]);
    expect(live.meta().rng).toBeGreaterThan(before.rng);
  });

  it('a run that throws half-way leaves no counter moved', () => {
    for (const e of [engine(), engine('round-robin')]) {
      const before = JSON.stringify(e.meta());
      expect(() =>
        e.scratch(() => {
          e.nextRequestId();
          e.pickHost();
          e.nextSeq();
          e.counters.world.hex(32);
          throw new Error('half-way');
        }),
      ).toThrow('half-way');
      expect(JSON.stringify(e.meta())).toBe(before);
      // the live counters serve again: the same id a run without the scratch one draws
      expect(e.nextRequestId()).toBe(engine(e.routing === 'round-robin' ? 'round-robin' : undefined).nextRequestId());
    }
  });

  it('decisions draw nothing live either', () => {
    const e = engine();
    const before = JSON.stringify(e.meta());
    e.deciding(() => {
      e.nextRequestId();
      e.pickHost();
    });
    expect(JSON.stringify(e.meta())).toBe(before);
  });

  it('a peek whose host routing must pick moves no live counter', async () => {
    const s = makeSim({ seed: 9, hosts: 3 });
    const key = await s.createKey();
    const before = JSON.stringify(s.sim.engine.meta());
    const r = await s.sim.peek(
      new Request('https://kms.us-east-1.amazonaws.com/', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.DescribeKey', 'x-playground-host': 'not a host' },
        body: JSON.stringify({ KeyId: key.KeyId }),
      }),
    );
    expect(r.status).toBe(200);
    expect(JSON.stringify(s.sim.engine.meta())).toBe(before);
  });
});
