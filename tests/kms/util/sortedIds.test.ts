/**
 * SortedIds against a plain sorted array: random adds and deletes (enough to split and empty
 * blocks), ids that share long prefixes, short and empty ids, and code units above 0xff, with
 * has(), iteration and page() after every kind of marker checked along the way.
 */
import { describe, expect, it } from 'vitest';
import { SortedIds, orderKey } from '../../../src/kms/util/sortedIds';

function rng(seed: number) {
  let x = seed >>> 0;
  return (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
}

// the last two straddle the order key's byte limit (code units 253-256) and its end after six units
const ALPHABETS = ['ab', '0123456789abcdef', 'aA\u00e9\u4e2d\uffff', '\u00fc\u00fd\u00fe\u00ff\u0100a', 'aaaaaab'];

function randomId(r: (n: number) => number, alphabet: string): string {
  const len = r(10) === 0 ? r(3) : 2 + r(8);
  let s = '';
  for (let i = 0; i < len; i++) s += alphabet[r(alphabet.length)];
  return s;
}

const lowerBound = (a: string[], id: string) => {
  let i = 0;
  while (i < a.length && a[i] < id) i++;
  return i;
};

describe('SortedIds', () => {
  it('orders by key only where the strings order the same way', () => {
    const r = rng(5);
    for (const alphabet of ALPHABETS) {
      for (let k = 0; k < 20_000; k++) {
        const a = randomId(r, alphabet);
        const b = randomId(r, alphabet);
        if (orderKey(a) < orderKey(b)) expect(a < b, `${JSON.stringify(a)} before ${JSON.stringify(b)}`).toBe(true);
        if (a === b) expect(orderKey(a)).toBe(orderKey(b));
      }
    }
  });

  for (const [n, alphabet] of ALPHABETS.entries()) {
    it(`agrees with a sorted array (alphabet ${n})`, () => {
      const r = rng(17 + n);
      const set = new SortedIds();
      let ref: string[] = [];
      for (let step = 0; step < 6000; step++) {
        const id = randomId(r, alphabet);
        // add more than delete at first, then drain, so blocks split and then empty
        const adding = step < 4000 ? r(4) !== 0 : r(4) === 0;
        if (adding) {
          const had = ref.includes(id);
          expect(set.add(id)).toBe(!had);
          if (!had) ref = [...ref, id].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        } else {
          const victim = ref.length && r(2) ? ref[r(ref.length)] : id;
          const had = ref.includes(victim);
          expect(set.delete(victim)).toBe(had);
          if (had) ref = ref.filter((x) => x !== victim);
        }
        expect(set.size).toBe(ref.length);
        if (step % 97 === 0) {
          expect([...set]).toEqual(ref);
          const probe = r(2) && ref.length ? ref[r(ref.length)] : randomId(r, alphabet);
          expect(set.has(probe)).toBe(ref.includes(probe));
          const limit = 1 + r(40);
          const after = r(5) === 0 ? undefined : probe;
          const from = after === undefined ? 0 : lowerBound(ref, after) + (ref.includes(after) ? 1 : 0);
          const want = ref.slice(from, from + limit);
          const page = set.page(after, limit);
          expect(page.ids).toEqual(want);
          expect(page.more).toBe(from + limit < ref.length);
        }
      }
      expect([...set]).toEqual(ref);
    });
  }
});
