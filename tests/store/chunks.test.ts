/**
 * Chunked log and event rows: applying planChunks' writes to a table of rows always gives back
 * the sequence the reference semantics (`length = truncateAt; seq[index] = value`) gives.
 */
import { describe, expect, it } from 'vitest';
import { CHUNK, chunkAll, planChunks, unchunk, type ChunkRow } from '../../src/store/chunks';

function applyRows(rows: Map<number, ChunkRow<number>>, plan: ReturnType<typeof planChunks<number>>) {
  if (plan.deleteFrom !== null) for (const k of [...rows.keys()]) if (k >= plan.deleteFrom) rows.delete(k);
  for (const k of plan.deletes) rows.delete(k);
  for (const r of plan.puts) rows.set(r.start, { start: r.start, items: [...r.items] });
}
/** full rows of CHUNK, then single-entry rows: the layout is a function of the length */
function layoutOf(rows: Map<number, ChunkRow<number>>) {
  return [...rows.values()].sort((a, b) => a.start - b.start).map((r) => [r.start, r.items.length]);
}
const read = (rows: Map<number, ChunkRow<number>>) => unchunk([...rows.values()].sort((a, b) => a.start - b.start), 'test');

describe('chunked sequences', () => {
  it('round-trips whole sequences of any length', () => {
    for (const n of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK + 3]) {
      const xs = Array.from({ length: n }, (_, i) => i * 7);
      expect(unchunk(chunkAll(xs), 't')).toEqual(xs);
      const full = Math.floor(n / CHUNK);
      expect(chunkAll(xs).map((r) => [r.start, r.items.length])).toEqual([
        ...Array.from({ length: full }, (_, k) => [k * CHUNK, CHUNK]),
        ...Array.from({ length: n - full * CHUNK }, (_, i) => [full * CHUNK + i, 1]),
      ]);
    }
  });

  it('an append writes only its own rows; completing a chunk compacts it', () => {
    const mirror = Array.from({ length: 3 * CHUNK + 5 }, (_, i) => i);
    const plan = planChunks(mirror, [{ index: mirror.length, value: -1 }, { index: mirror.length + 1, value: -2 }]);
    expect(plan.puts.map((r) => [r.start, r.items.length])).toEqual([[3 * CHUNK + 5, 1], [3 * CHUNK + 6, 1]]);
    expect(plan.deleteFrom).toBeNull();
    expect(plan.deletes).toEqual([]);
    const almost = Array.from({ length: 4 * CHUNK - 1 }, (_, i) => i);
    const done = planChunks(almost, [{ index: almost.length, value: -1 }]);
    expect(done.puts.map((r) => [r.start, r.items.length])).toEqual([[3 * CHUNK, CHUNK]]);
    expect(done.deletes).toHaveLength(CHUNK - 2); // the single rows after the first (whose key the full row takes)
  });

  it('refuses a row that is missing', () => {
    expect(() => unchunk([{ start: 0, items: [1] }, { start: CHUNK, items: [2] }], 'log')).toThrow(/damaged/);
  });

  it('matches the reference semantics under random appends, overwrites and truncations', () => {
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let run = 0; run < 30; run++) {
      const ref: number[] = [];
      const mirror: number[] = [];
      const rows = new Map<number, ChunkRow<number>>();
      for (let step = 0; step < 80; step++) {
        const r = rnd();
        let truncateAt: number | undefined;
        if (r < 0.2 && ref.length) truncateAt = Math.floor(rnd() * (ref.length + 1));
        const base = truncateAt ?? ref.length;
        const sets: { index: number; value: number }[] = [];
        const appends = Math.floor(rnd() * (r < 0.5 ? 3 : r < 0.8 ? 40 : 2 * CHUNK));
        for (let i = 0; i < appends; i++) sets.push({ index: base + i, value: Math.floor(rnd() * 1e6) });
        if (r > 0.9 && base > 0) sets.push({ index: Math.floor(rnd() * base), value: -step }); // overwrite inside
        const plan = planChunks(mirror, sets, truncateAt);
        applyRows(rows, plan);
        plan.apply();
        if (truncateAt !== undefined) ref.length = truncateAt;
        for (const s of sets) ref[s.index] = s.value;
        expect(plan.length).toBe(ref.length);
        expect(mirror).toEqual(ref);
        expect(read(rows)).toEqual(ref);
        expect(layoutOf(rows)).toEqual(chunkAll(ref).map((r) => [r.start, r.items.length]));
      }
    }
  });
});
