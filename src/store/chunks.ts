/**
 * The input log and the event stream are stored in chunks. Measured in headless Chromium, a
 * getAll pays roughly 20 µs per row on top of deserializing the values (50,000 single-entry log
 * rows: ~670 ms; the same entries in one row: ~125 ms), and a workspace with 50,000 grants has
 * 50,000 log entries and 100,000 events, so one row per entry would blow the 2 s reload budget.
 * Grants stay one row each: they are indexed and change one by one.
 *
 * The layout is a function of the length alone: entries 0 … F-1, with F = ⌊length / CHUNK⌋ ·
 * CHUNK, are full rows of CHUNK entries keyed [ws, k·CHUNK]; entries F … length-1 are rows of
 * one entry keyed [ws, i]. An append writes one single-entry row, and the append that completes
 * a chunk writes the full row and deletes the CHUNK-1 single rows it replaces (in the same
 * transaction), so a commit stays small and a load reads few rows.
 *
 * A commit that overwrites or truncates older entries rewrites the full rows it touches, which
 * needs their contents: the workspace store instance keeps a mirror of the stored sequence
 * (references to the entries, which are records of the past and never change), set by load()
 * and advanced after each successful commit.
 */
export const CHUNK = 256;

export interface ChunkRow<T> {
  /** the index of the row's first entry */
  start: number;
  items: T[];
}

export interface ChunkPlan<T> {
  /** delete every row starting at or after this index (issued first), or null */
  deleteFrom: number | null;
  /** single rows to delete (replaced by a full row) */
  deletes: number[];
  /** rows to (re)write */
  puts: ChunkRow<T>[];
  length: number;
  /** applies the change to the mirror (call once the transaction committed) */
  apply(): void;
}

/**
 * What writing `sets` (index → value), after cutting the sequence to `truncateAt`, changes in
 * the stored rows: the same semantics as the reference memory store's
 * `log.length = truncateAt; log[index] = entry`.
 */
export function planChunks<T>(mirror: T[], sets: readonly { index: number; value: T }[], truncateAt?: number): ChunkPlan<T> {
  const oldLength = mirror.length;
  const base = truncateAt ?? oldLength;
  let length = base;
  let dirtyFrom = Math.min(base, oldLength);
  const byIndex = new Map<number, T>();
  for (const { index, value } of sets) {
    byIndex.set(index, value);
    length = Math.max(length, index + 1);
    dirtyFrom = Math.min(dirtyFrom, index);
  }
  const at = (i: number): T => (byIndex.has(i) ? byIndex.get(i)! : i < base ? mirror[i] : (undefined as T));
  const fullOld = Math.floor(oldLength / CHUNK);
  const fullNew = Math.floor(length / CHUNK);
  const singlesOld = fullOld * CHUNK;
  const singlesNew = fullNew * CHUNK;

  const puts: ChunkRow<T>[] = [];
  // full rows: rewrite those reaching into the changed part, or new ones
  for (let k = Math.min(Math.floor(dirtyFrom / CHUNK), fullOld); k < fullNew; k++) {
    const start = k * CHUNK;
    const items: T[] = new Array(CHUNK);
    for (let i = 0; i < CHUNK; i++) items[i] = at(start + i);
    puts.push({ start, items });
  }
  // single rows: rewrite those in the changed part, or not single rows before
  for (let i = singlesNew; i < length; i++) {
    if (i < dirtyFrom && i >= singlesOld && i < oldLength) continue; // the same row, unchanged
    puts.push({ start: i, items: [at(i)] });
  }
  // old single rows now inside a full row (the full row's own key is overwritten by its put)
  const deletes: number[] = [];
  for (let i = singlesOld; i < Math.min(oldLength, singlesNew); i++) if (i % CHUNK !== 0) deletes.push(i);
  return {
    deleteFrom: oldLength > length ? length : null,
    deletes,
    puts,
    length,
    apply() {
      mirror.length = base;
      for (const [i, v] of byIndex) mirror[i] = v;
    },
  };
}

/** the rows of a whole sequence, in the layout above */
export function chunkAll<T>(items: readonly T[]): ChunkRow<T>[] {
  const rows: ChunkRow<T>[] = [];
  const full = Math.floor(items.length / CHUNK) * CHUNK;
  for (let start = 0; start < full; start += CHUNK) rows.push({ start, items: items.slice(start, start + CHUNK) });
  for (let i = full; i < items.length; i++) rows.push({ start: i, items: [items[i]] });
  return rows;
}

/** the sequence back from its rows (in key order); throws if a row is missing */
export function unchunk<T>(rows: readonly ChunkRow<T>[], what: string): T[] {
  const out: T[] = [];
  for (const r of rows) {
    if (r.start !== out.length) throw new Error(`The stored ${what} is damaged: a row starts at ${r.start}, expected ${out.length}.`);
    for (const x of r.items) out.push(x);
  }
  return out;
}
