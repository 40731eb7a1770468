/**
 * The store benchmark's fallback: Node with fake-indexeddb, an in-memory fake. Its figures
 * measure the store's own code and the engine's restore, not a browser's IndexedDB.
 */
import 'fake-indexeddb/auto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { runStoreBench } from './store.bench';

const grants = Number(process.env.BENCH_GRANTS ?? 50_000);
const result = await runStoreBench({ grants, factory: new IDBFactory(), keyRange: IDBKeyRange as unknown as typeof globalThis.IDBKeyRange, env: `Node ${process.version} + fake-indexeddb (in-memory fake, NOT a browser)`, log: (l) => console.log(l) });
console.log(`__RESULT__${JSON.stringify(result)}`);
