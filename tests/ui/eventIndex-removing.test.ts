/**
 * EventIndex.removing(): the grants whose removal has not reached every host, found from the
 * changes in flight only. Checked against the plain definition (every grant whose removal has
 * some host still to reach) over seeded runs of CreateGrant, RetireGrant, RevokeGrant and clock
 * moves, at every step, order included.
 */
import { describe, expect, it } from 'vitest';
import { EventIndex, type GrantTrack } from '../../src/ui/eventIndex';
import { makeSim, APP_ROLE, ROOT } from '../kms/helpers';
import { rng } from '../scenario/fixtures';

/** the definition: every grant with a removal that some host has not seen yet, in the map's order */
function bruteForce(index: EventIndex): string[] {
  return [...index.grants.values()].filter((g: GrantTrack) => g.removal && !g.removal.arrived.every(Boolean)).map((g) => g.grantId);
}

describe('EventIndex.removing', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`matches the definition at every step (seed ${seed})`, async () => {
      const { sim, call, createKey } = makeSim({ seed, propagation: { minMs: 200, maxMs: 6_000 }, hosts: 3 });
      const kms = async (target: string, body: object) => {
        const r = await call(target, body);
        if (r.status >= 400) throw new Error(`${target}: ${r.status} ${r.text}`);
        return r.json;
      };
      const keyId = (await createKey()).KeyId;
      const index = new EventIndex(3);
      const live: string[] = [];
      const random = rng(seed);
      let sawSome = false;
      for (let step = 0; step < 60; step++) {
        const r = random();
        if (r < 0.45 || live.length === 0) {
          live.push((await kms('CreateGrant', { KeyId: keyId, GranteePrincipal: APP_ROLE, RetiringPrincipal: ROOT, Operations: ['Encrypt'] })).GrantId);
        } else if (r < 0.75) {
          const [id] = live.splice(Math.floor(random() * live.length), 1);
          await kms(random() < 0.5 ? 'RetireGrant' : 'RevokeGrant', { KeyId: keyId, GrantId: id });
        } else {
          sim.clock.advance(Math.floor(random() * 4_000));
        }
        index.sync(sim.events);
        const fast = index.removing().map((g) => g.grantId);
        expect(fast).toEqual(bruteForce(index));
        if (fast.length) sawSome = true;
      }
      sim.clock.settle();
      index.sync(sim.events);
      expect(index.removing()).toEqual([]);
      // the runs do have removals in flight (the check above is not only of empty lists)
      expect(sawSome).toBe(true);
    });
  }
});
