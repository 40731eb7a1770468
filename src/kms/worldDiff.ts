/**
 * What a store must write to turn one world into another (issue 6 §5): after seek() the engine
 * is a fresh one, rebuilt from a checkpoint and the log, and the store still holds the world
 * it had before. Writing the difference instead of the whole world keeps a seek near the
 * present at a few records, not 50,000.
 *
 * Records are compared by value (a rebuilt world holds fresh copies of the same records);
 * identical references, the common case for events and checkpointed records, cost nothing.
 */
import type { StoreName } from './api';
import type { SimEvent } from './events';
import type { World } from './world';

export type RecordChange = { store: StoreName; id: string; value: unknown };

/** structural equality of plain records: objects, arrays, typed arrays and primitives */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of ka) if (!Object.hasOwn(rb, k) || !sameValue(ra[k], rb[k])) return false;
  return true;
}

/**
 * The record writes that turn the stored `before` into `after`, in the order a store applies
 * them. `forced` ids are written whatever they hold (records `before` changed after its last
 * commit). Keys and aliases keep their Map order in a store (ListKeys answers in creation
 * order; a store appends ids it has not seen and keeps the place of those it has): when the
 * records both worlds share are not in the order `after` holds them, the ones from the first
 * out-of-place record on are deleted and written again, which moves them to the end in order.
 */
export function diffWorlds(before: World, after: World, forced: readonly { store: StoreName; id: string }[] = []): RecordChange[] {
  const out: RecordChange[] = [];
  const written = { keys: new Set<string>(), aliases: new Set<string>(), grants: new Set<string>() };
  for (const store of ['keys', 'aliases', 'grants'] as const) {
    const was: Map<string, unknown> = before[store];
    const now: Map<string, unknown> = after[store];
    const done = written[store];
    for (const id of was.keys()) {
      if (now.has(id)) continue;
      out.push({ store, id, value: null });
      done.add(id);
    }
    const moveFrom = store === 'grants' ? Infinity : firstOutOfOrder(was, now);
    let i = 0;
    for (const [id, value] of now) {
      const old = was.get(id);
      if (old !== undefined && i >= moveFrom) {
        out.push({ store, id, value: null }, { store, id, value });
        done.add(id);
      } else if (old === undefined || !sameValue(old, value)) {
        out.push({ store, id, value });
        done.add(id);
      }
      i++;
    }
  }
  for (const { store, id } of forced) {
    if (written[store].has(id)) continue;
    written[store].add(id);
    out.push({ store, id, value: after[store].get(id) ?? null });
  }
  return out;
}

/**
 * The position in `now`'s order from which a store that keeps `was`'s order (and appends new
 * ids) would hold a different order; Infinity when it would hold the same.
 */
function firstOutOfOrder(was: Map<string, unknown>, now: Map<string, unknown>): number {
  // what the store would hold: the surviving ids in their stored order, then the new ones
  const kept: string[] = [];
  for (const id of was.keys()) if (now.has(id)) kept.push(id);
  let k = 0;
  let i = 0;
  let added = false;
  for (const id of now.keys()) {
    if (was.has(id)) {
      // a surviving id after a new one, or not the next surviving one: out of place
      if (added || kept[k] !== id) return i;
      k++;
    } else added = true;
    i++;
  }
  return Infinity;
}

/** the first index where `now` differs from the first `count` of `stored` (count when none does) */
export function firstEventDifference(stored: readonly SimEvent[], count: number, now: readonly SimEvent[]): number {
  const n = Math.min(count, now.length);
  for (let i = 0; i < n; i++) if (stored[i] !== now[i] && !sameValue(stored[i], now[i])) return i;
  return n;
}
