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
    const a = this.#items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!lessThan(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.#items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && lessThan(a[l], a[m])) m = l;
        if (r < a.length && lessThan(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
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
