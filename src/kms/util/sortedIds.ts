/**
 * A sorted set of strings kept as a list of small sorted blocks (the sortedcontainers idea).
 * Insert and delete cost O(log n + B); reading a page after a marker costs O(log n + page).
 * ListGrants pages over this, so a page's cost grows with the page, not with the key's
 * 50,000 grants.
 */
const MAX_BLOCK = 128;

/**
 * A number that orders like the string's first three UTF-16 code units (a shorter string first):
 * equal numbers say nothing, different numbers decide the comparison without reading the
 * string again. Block searches compare these, so they rarely touch the strings themselves.
 */
function prefixKey(id: string): number {
  const n = id.length;
  const a = n > 0 ? id.charCodeAt(0) + 1 : 0;
  const b = n > 1 ? id.charCodeAt(1) + 1 : 0;
  const c = n > 2 ? id.charCodeAt(2) + 1 : 0;
  return (a * 65537 + b) * 65537 + c;
}

export class SortedIds {
  #blocks: string[][] = [];
  /** prefixKey of each block's first id */
  #firstKeys: number[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** index of the block that holds (or would hold) id */
  #blockFor(id: string, key = prefixKey(id)): number {
    const blocks = this.#blocks;
    const keys = this.#firstKeys;
    let lo = 0;
    let hi = blocks.length - 1;
    if (hi < 0) return -1;
    // last block whose first element <= id
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const k = keys[mid];
      if (k < key || (k === key && blocks[mid][0] <= id)) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  static #lowerBound(arr: string[], id: string): number {
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (arr[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  has(id: string): boolean {
    const b = this.#blockFor(id);
    if (b < 0) return false;
    const arr = this.#blocks[b];
    const i = SortedIds.#lowerBound(arr, id);
    return i < arr.length && arr[i] === id;
  }

  add(id: string): boolean {
    if (this.#blocks.length === 0) {
      this.#blocks.push([id]);
      this.#firstKeys.push(prefixKey(id));
      this.#size = 1;
      return true;
    }
    const key = prefixKey(id);
    const b = this.#blockFor(id, key);
    const arr = this.#blocks[b];
    const i = SortedIds.#lowerBound(arr, id);
    if (i < arr.length && arr[i] === id) return false;
    // shift by hand: Array.prototype.splice allocates the (empty) removed array
    let j = arr.length;
    arr.push(id);
    for (; j > i; j--) arr[j] = arr[j - 1];
    arr[i] = id;
    if (i === 0) this.#firstKeys[b] = key;
    this.#size++;
    if (arr.length > MAX_BLOCK) {
      const half = arr.splice(arr.length >>> 1);
      this.#blocks.splice(b + 1, 0, half);
      this.#firstKeys.splice(b + 1, 0, prefixKey(half[0]));
    }
    return true;
  }

  delete(id: string): boolean {
    const b = this.#blockFor(id);
    if (b < 0) return false;
    const arr = this.#blocks[b];
    const i = SortedIds.#lowerBound(arr, id);
    if (i >= arr.length || arr[i] !== id) return false;
    // shift by hand: Array.prototype.splice allocates the removed array
    const last = arr.length - 1;
    for (let j = i; j < last; j++) arr[j] = arr[j + 1];
    arr.pop();
    this.#size--;
    if (arr.length === 0) {
      this.#blocks.splice(b, 1);
      this.#firstKeys.splice(b, 1);
    } else if (i === 0) {
      this.#firstKeys[b] = prefixKey(arr[0]);
    }
    return true;
  }

  /**
   * Up to `limit` ids strictly after `after` (from the start when undefined) that pass `keep`.
   * `more` tells whether any id remains after the last one returned (filtered ones included:
   * like KMS, a page may be short while more results exist).
   */
  page(after: string | undefined, limit: number, keep?: (id: string) => boolean, maxScan = Infinity): { ids: string[]; more: boolean; last: string | undefined } {
    const ids: string[] = [];
    const blocks = this.#blocks;
    let b = 0;
    let i = 0;
    if (after !== undefined) {
      b = this.#blockFor(after);
      if (b < 0) return { ids, more: false, last: undefined };
      i = SortedIds.#lowerBound(blocks[b], after);
      if (i < blocks[b].length && blocks[b][i] === after) i++;
    }
    let last: string | undefined;
    let scanned = 0;
    for (; b < blocks.length; b++, i = 0) {
      const arr = blocks[b];
      for (; i < arr.length; i++) {
        if (ids.length >= limit || scanned >= maxScan) return { ids, more: true, last };
        const id = arr[i];
        scanned++;
        last = id;
        if (!keep || keep(id)) ids.push(id);
      }
    }
    return { ids, more: false, last };
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (const arr of this.#blocks) yield* arr;
  }
}
