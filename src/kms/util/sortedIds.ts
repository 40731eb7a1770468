/**
 * A sorted set of strings kept as a list of small sorted blocks (the sortedcontainers idea).
 * Insert and delete cost O(log n + B); reading a page after a marker costs O(log n + page).
 * ListGrants pages over this, so a page's cost grows with the page, not with the key's
 * 50,000 grants.
 *
 * Beside each block's strings lies an array of their order keys (below), and the searches
 * compare those: numbers in one packed array, where comparing the strings themselves would
 * visit a string scattered somewhere in the heap at every step. A string is read only when two
 * keys tie, which for random grant ids happens about once in sixteen million comparisons.
 */
const MAX_BLOCK = 64;

/** code units an order key holds, and the bits each takes (6 × 8 = 48 < 53, exact in a double) */
const KEY_UNITS = 6;
const UNIT_LIMIT = 255;

/**
 * A number that orders like the string: key(a) < key(b) implies a < b, and equal keys say
 * nothing. It spells the first six UTF-16 code units, each as code + 1 (0 marks the end of a
 * shorter string, which sorts first). A unit of 254 or more is written as 255 and ends the key:
 * whatever follows it cannot be ordered by one byte each, so strings alike up to there tie.
 */
export function orderKey(id: string): number {
  let key = 0;
  let i = 0;
  for (; i < KEY_UNITS && i < id.length; i++) {
    const c = id.charCodeAt(i) + 1;
    if (c >= UNIT_LIMIT) {
      key = key * 256 + UNIT_LIMIT;
      i++;
      break;
    }
    key = key * 256 + c;
  }
  for (; i < KEY_UNITS; i++) key *= 256;
  return key;
}

interface Block {
  ids: string[];
  keys: number[];
}

export class SortedIds {
  #blocks: Block[] = [];
  /** the order key of each block's first id */
  #firstKeys: number[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** index of the block that holds (or would hold) id: the last whose first id is <= id */
  #blockFor(id: string, key: number): number {
    const blocks = this.#blocks;
    const keys = this.#firstKeys;
    let lo = 0;
    let hi = blocks.length - 1;
    if (hi < 0) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const k = keys[mid];
      if (k < key || (k === key && blocks[mid].ids[0] <= id)) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** the first index in the block whose id is >= id */
  static #lowerBound(block: Block, id: string, key: number): number {
    const keys = block.keys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid];
      if (k < key || (k === key && block.ids[mid] < id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  has(id: string): boolean {
    const key = orderKey(id);
    const b = this.#blockFor(id, key);
    if (b < 0) return false;
    const block = this.#blocks[b];
    const i = SortedIds.#lowerBound(block, id, key);
    return i < block.ids.length && block.ids[i] === id;
  }

  add(id: string): boolean {
    const key = orderKey(id);
    if (this.#blocks.length === 0) {
      this.#blocks.push({ ids: [id], keys: [key] });
      this.#firstKeys.push(key);
      this.#size = 1;
      return true;
    }
    const b = this.#blockFor(id, key);
    const block = this.#blocks[b];
    const { ids, keys } = block;
    const i = SortedIds.#lowerBound(block, id, key);
    if (i < ids.length && ids[i] === id) return false;
    // shift by hand: Array.prototype.splice allocates the (empty) removed array
    let j = ids.length;
    ids.push(id);
    keys.push(key);
    for (; j > i; j--) {
      ids[j] = ids[j - 1];
      keys[j] = keys[j - 1];
    }
    ids[i] = id;
    keys[i] = key;
    if (i === 0) this.#firstKeys[b] = key;
    this.#size++;
    if (ids.length > MAX_BLOCK) {
      const half = ids.length >>> 1;
      const upper = { ids: ids.splice(half), keys: keys.splice(half) };
      this.#blocks.splice(b + 1, 0, upper);
      this.#firstKeys.splice(b + 1, 0, upper.keys[0]);
    }
    return true;
  }

  delete(id: string): boolean {
    const key = orderKey(id);
    const b = this.#blockFor(id, key);
    if (b < 0) return false;
    const block = this.#blocks[b];
    const { ids, keys } = block;
    const i = SortedIds.#lowerBound(block, id, key);
    if (i >= ids.length || ids[i] !== id) return false;
    // shift by hand: Array.prototype.splice allocates the removed array
    const last = ids.length - 1;
    for (let j = i; j < last; j++) {
      ids[j] = ids[j + 1];
      keys[j] = keys[j + 1];
    }
    ids.pop();
    keys.pop();
    this.#size--;
    if (ids.length === 0) {
      this.#blocks.splice(b, 1);
      this.#firstKeys.splice(b, 1);
    } else if (i === 0) {
      this.#firstKeys[b] = keys[0];
    }
    return true;
  }

  /**
   * Up to `limit` ids strictly after `after` (from the start when undefined) that pass `keep`.
   * `more` tells whether any id remains after the last one returned (filtered ones included:
   * like KMS, a page may be short while more results exist).
   */
  page(after: string | undefined, limit: number, keep?: (id: string) => boolean, maxScan = Infinity): { ids: string[]; more: boolean; last: string | undefined } {
    const out: string[] = [];
    const blocks = this.#blocks;
    let b = 0;
    let i = 0;
    if (after !== undefined) {
      const key = orderKey(after);
      b = this.#blockFor(after, key);
      if (b < 0) return { ids: out, more: false, last: undefined };
      i = SortedIds.#lowerBound(blocks[b], after, key);
      if (i < blocks[b].ids.length && blocks[b].ids[i] === after) i++;
    }
    let last: string | undefined;
    let scanned = 0;
    for (; b < blocks.length; b++, i = 0) {
      const ids = blocks[b].ids;
      for (; i < ids.length; i++) {
        if (out.length >= limit || scanned >= maxScan) return { ids: out, more: true, last };
        const id = ids[i];
        scanned++;
        last = id;
        if (!keep || keep(id)) out.push(id);
      }
    }
    return { ids: out, more: false, last };
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (const block of this.#blocks) yield* block.ids;
  }
}
