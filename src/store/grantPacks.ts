/**
 * Grants are stored packed, up to GRANT_PACK to a row (schema version 2). Measured in headless
 * Chromium: a getAll of 50,000 one-grant rows takes 0.9–2 s (the cost is per row, not per
 * byte), the same grants in rows of 256 about 0.1–0.2 s; a cold reload of a 50,000-grant
 * workspace must stay under 2 s (issue 5 §7). A `replace` (import, duplicate) writes a few
 * hundred pack rows instead of 50,000 rows.
 *
 * Requests still write little: a new or changed grant that is not in a pack goes to a row of
 * its own (`grants`, indexed), and once GRANT_PACK such rows exist, a commit moves GRANT_PACK
 * of them into a new pack (deleting their rows, in the same transaction). A change to a packed
 * grant (a retirement, say) rewrites its pack; a pack left empty is deleted. So each grant is
 * in exactly one place, and a commit writes at most a few packs.
 *
 * The workspace store instance keeps a mirror of where every grant is (references to the
 * records as last written: grants change only when removed, and each change is committed with
 * the input that made it), set by load() and advanced after each successful commit.
 */
import type { GrantRecord } from '../kms/api';

export const GRANT_PACK = 128;

export interface GrantMirror {
  packs: Map<number, GrantRecord[]>;
  /** grant id → the pack it is in */
  packOf: Map<string, number>;
  /** grants in rows of their own, oldest first */
  loose: Map<string, GrantRecord>;
  nextPack: number;
}

export interface GrantPlan {
  rowPuts: GrantRecord[];
  rowDeletes: string[];
  packPuts: { id: number; items: GrantRecord[] }[];
  packDeletes: number[];
  /** applies the change to the mirror (call once the transaction committed) */
  apply(): void;
}

/** the mirror of what load() read */
export function mirrorOf(packs: readonly { id: number; items: GrantRecord[] }[], loose: readonly GrantRecord[]): GrantMirror {
  const m: GrantMirror = { packs: new Map(), packOf: new Map(), loose: new Map(), nextPack: 0 };
  for (const p of packs) {
    m.packs.set(p.id, p.items);
    for (const g of p.items) m.packOf.set(g.grantId, p.id);
    m.nextPack = Math.max(m.nextPack, p.id + 1);
  }
  for (const g of loose) m.loose.set(g.grantId, g);
  return m;
}

/** every grant of a world in packs (a replace), and the mirror once they are written */
export function packAll(grants: readonly GrantRecord[]): { rows: { id: number; items: GrantRecord[] }[]; mirror: GrantMirror } {
  const rows: { id: number; items: GrantRecord[] }[] = [];
  for (let start = 0; start < grants.length; start += GRANT_PACK) rows.push({ id: rows.length, items: grants.slice(start, start + GRANT_PACK) });
  return { rows, mirror: mirrorOf(rows, []) };
}

/** the row writes that apply `changes` (value null: the grant is gone) to what `m` says is stored */
export function planGrants(m: GrantMirror, changes: readonly { id: string; value: GrantRecord | null }[]): GrantPlan {
  const dirty = new Map<number, GrantRecord[]>();
  const unpacked = new Set<string>();
  const looseSet = new Map<string, GrantRecord>();
  const looseGone = new Set<string>();
  for (const { id, value } of changes) {
    const p = unpacked.has(id) ? undefined : m.packOf.get(id);
    if (p !== undefined) {
      let items = dirty.get(p);
      if (!items) dirty.set(p, (items = [...m.packs.get(p)!]));
      const i = items.findIndex((g) => g.grantId === id);
      if (value === null) {
        if (i >= 0) items.splice(i, 1);
        unpacked.add(id);
      } else if (i >= 0) items[i] = value;
      else items.push(value);
      continue;
    }
    if (value === null) {
      looseSet.delete(id);
      if (m.loose.has(id)) looseGone.add(id);
    } else {
      looseSet.set(id, value);
      looseGone.delete(id);
    }
  }
  // rows of their own after this change; a full pack's worth moves into a new pack
  let count = m.loose.size - looseGone.size;
  for (const id of looseSet.keys()) if (!m.loose.has(id)) count++;
  const packed = new Set<string>();
  let pack: { id: number; items: GrantRecord[] } | undefined;
  if (count >= GRANT_PACK) {
    const items: GrantRecord[] = [];
    for (const [id, g] of m.loose) {
      if (items.length === GRANT_PACK) break;
      if (looseGone.has(id)) continue;
      items.push(looseSet.get(id) ?? g);
      packed.add(id);
    }
    for (const [id, g] of looseSet) {
      if (items.length === GRANT_PACK) break;
      if (packed.has(id)) continue;
      items.push(g);
      packed.add(id);
    }
    pack = { id: m.nextPack, items };
  }
  const rowPuts: GrantRecord[] = [];
  for (const [id, g] of looseSet) if (!packed.has(id)) rowPuts.push(g);
  const rowDeletes = [...looseGone];
  for (const id of packed) if (m.loose.has(id)) rowDeletes.push(id);
  const packPuts: { id: number; items: GrantRecord[] }[] = [];
  const packDeletes: number[] = [];
  for (const [id, items] of dirty) {
    if (items.length) packPuts.push({ id, items });
    else packDeletes.push(id);
  }
  if (pack) packPuts.push(pack);
  return {
    rowPuts,
    rowDeletes,
    packPuts,
    packDeletes,
    apply() {
      for (const [id, items] of dirty) {
        if (items.length) m.packs.set(id, items);
        else m.packs.delete(id);
      }
      for (const id of unpacked) m.packOf.delete(id);
      for (const id of looseGone) m.loose.delete(id);
      for (const [id, g] of looseSet) m.loose.set(id, g);
      if (pack) {
        m.packs.set(pack.id, pack.items);
        for (const id of packed) {
          m.loose.delete(id);
          m.packOf.set(id, pack.id);
        }
        m.nextPack = pack.id + 1;
      }
    },
  };
}
