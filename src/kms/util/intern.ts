/**
 * A bounded table of shared values: the same key gives the same object (or string) back, so a
 * long history of requests keeps one copy of what repeats (URLs, header pairs, decisions)
 * instead of one per request. When full it starts again empty: values already handed out stay
 * valid, only the sharing of later ones restarts.
 */
export class Interner<T> {
  #table = new Map<string, T>();
  constructor(readonly capacity = 4_096) {}

  get(key: string, make: () => T): T {
    let v = this.#table.get(key);
    if (v === undefined) {
      if (this.#table.size >= this.capacity) this.#table.clear();
      v = make();
      this.#table.set(key, v);
    }
    return v;
  }
}
