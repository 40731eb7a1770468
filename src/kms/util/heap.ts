/** A binary min-heap ordered by `at`, then by insertion `seq`: a deterministic agenda. */
export interface Timed {
  at: number;
  seq: number;
}

export class MinHeap<T extends Timed> {
  #items: T[] = [];

  get size(): number {
    return this.#items.length;
  }
  peek(): T | undefined {
    return this.#items[0];
  }
  toArray(): T[] {
    return [...this.#items].sort(less);
  }

  push(item: T): void {
    // sift up with a hole: move parents down, write the item once
    const a = this.#items;
    let i = a.length;
    a.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p];
      if (!lessThan(item, parent)) break;
      a[i] = parent;
      i = p;
    }
    a[i] = item;
  }

  pop(): T | undefined {
    const a = this.#items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    const n = a.length;
    if (n > 0) {
      // sift down with a hole: move the smaller child up, write `last` once
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const m = r < n && lessThan(a[r], a[l]) ? r : l;
        if (!lessThan(a[m], last)) break;
        a[i] = a[m];
        i = m;
      }
      a[i] = last;
    }
    return top;
  }
}

function lessThan(x: Timed, y: Timed): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}
function less(x: Timed, y: Timed): number {
  return x.at - y.at || x.seq - y.seq;
}
