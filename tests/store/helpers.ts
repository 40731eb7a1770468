/**
 * Store test helpers. `fake-indexeddb/auto` installs the IndexedDB globals idb checks values
 * against (IDBRequest, IDBKeyRange, …); every test then opens its stores on a fresh IDBFactory
 * (the fake-indexeddb README's reset recipe), so no test sees another's databases.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach } from 'vitest';
import { openIndexedDbStore, type OpenIndexedDbStoreOptions, type PlaygroundStore } from '../../src/store/index';
import type { StoredSimulator } from '../../src/kms/index';

const opened: { close(): void }[] = [];
afterEach(() => {
  while (opened.length) opened.pop()!.close();
});

let dbCounter = 0;

/** a fresh factory and a database name no other test uses */
export function freshDb(): { factory: IDBFactory; name: string } {
  return { factory: new IDBFactory(), name: `test-${++dbCounter}-${Math.random().toString(36).slice(2)}` };
}

/** opens an IndexedDB store on the given (or a fresh) factory; closed after the test */
export async function openStore(o: Partial<OpenIndexedDbStoreOptions> & { factory?: IDBFactory } = {}): Promise<PlaygroundStore> {
  const db = o.factory ? { factory: o.factory, name: o.name ?? freshDb().name } : freshDb();
  const store = await openIndexedDbStore({ ...o, name: o.name ?? db.name, indexedDB: db.factory, now: o.now ?? (() => 1_767_225_600_000) });
  opened.push(store);
  return store;
}

/** remember something to close after the test */
export function closeLater<T extends { close(): void }>(x: T): T {
  opened.push(x);
  return x;
}

/** a load() result in a canonical order (grants by id) for comparing stores */
export function canonical(s: StoredSimulator | null): StoredSimulator | null {
  if (!s) return s;
  return { ...s, state: { ...s.state, grants: [...s.state.grants].sort((a, b) => (a.grantId < b.grantId ? -1 : a.grantId > b.grantId ? 1 : 0)) } };
}

export { IDBFactory };
