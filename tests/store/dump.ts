/**
 * A whole IndexedDB database as JSON, and back: every object store with its key path and
 * indexes, and every record (encoded with the workspace file's toJsonSafe, so key material and
 * non-finite numbers survive). Used for the upgrade fixtures (tests/fixtures/store/, written by
 * scripts/make-store-fixtures.ts): an old release's database is committed as a dump, loaded
 * into a database at that release's version with that release's schema, and then opened by the
 * current code. Plain IndexedDB (no idb), so the same code runs on fake-indexeddb in Node and on
 * the real thing in Chromium (tests/store/browser-harness.ts).
 */
import { fromJsonSafe, toJsonSafe, type JsonValue } from '../../src/store/file';

export const DUMP_FORMAT = 'kms-playground-idb-dump';

export interface StoreDump {
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexes: { name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }[];
  /** every record in key order, encoded with toJsonSafe */
  records: JsonValue[];
}

export interface DbDump {
  format: typeof DUMP_FORMAT;
  /** the database version (DB_VERSION of the release that wrote it) */
  version: number;
  /** what wrote it, for people: the release and commit */
  madeBy?: string;
  stores: Record<string, StoreDump>;
}

const done = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
const finished = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('aborted', 'AbortError'));
    tx.onerror = () => undefined;
  });

function openRaw(factory: IDBFactory, name: string, version?: number, onUpgrade?: (db: IDBDatabase, tx: IDBTransaction) => void): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = version === undefined ? factory.open(name) : factory.open(name, version);
    req.onupgradeneeded = () => onUpgrade?.(req.result, req.transaction!);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error(`opening ${name} is blocked by another connection`));
  });
}

const names = (list: DOMStringList): string[] => Array.from({ length: list.length }, (_, i) => list.item(i)!).sort();
const keyPathOf = (k: string | string[] | null): string | string[] | null => (Array.isArray(k) ? [...k] : k);

/** every store, index and record of database `name` (at whatever version it is) */
export async function dumpDatabase(factory: IDBFactory, name: string): Promise<DbDump> {
  const db = await openRaw(factory, name);
  try {
    const storeNames = names(db.objectStoreNames);
    const out: DbDump = { format: DUMP_FORMAT, version: db.version, stores: {} };
    if (!storeNames.length) return out;
    const tx = db.transaction(storeNames, 'readonly');
    const all = storeNames.map(async (s) => {
      const os = tx.objectStore(s);
      const indexes = names(os.indexNames).map((n) => {
        const ix = os.index(n);
        return { name: n, keyPath: keyPathOf(ix.keyPath) as string | string[], unique: ix.unique, multiEntry: ix.multiEntry };
      });
      const records = (await done(os.getAll())).map((r) => toJsonSafe(r));
      out.stores[s] = { keyPath: keyPathOf(os.keyPath), autoIncrement: os.autoIncrement, indexes, records };
    });
    await Promise.all([...all, finished(tx)]);
    return out;
  } finally {
    db.close();
  }
}

/**
 * Makes database `name` hold exactly the dump: created at the dump's version with the dump's
 * own stores and indexes (what the old release's upgrade made), then filled. With
 * `replace`, an existing database of that name is deleted first.
 */
export async function loadDump(factory: IDBFactory, name: string, dump: DbDump, o: { replace?: boolean } = {}): Promise<void> {
  if (dump.format !== DUMP_FORMAT) throw new Error(`not a ${DUMP_FORMAT}`);
  if (o.replace) await done(factory.deleteDatabase(name) as unknown as IDBRequest<unknown>);
  let created = false;
  const db = await openRaw(factory, name, dump.version, (d) => {
    created = true;
    for (const [s, def] of Object.entries(dump.stores)) {
      const os = d.createObjectStore(s, { keyPath: def.keyPath, autoIncrement: def.autoIncrement });
      for (const ix of def.indexes) os.createIndex(ix.name, ix.keyPath, { unique: ix.unique, multiEntry: ix.multiEntry });
    }
  });
  try {
    if (!created) throw new Error(`database ${name} already exists; loadDump makes a new one`);
    const storeNames = Object.keys(dump.stores);
    if (!storeNames.length) return;
    const tx = db.transaction(storeNames, 'readwrite');
    for (const [s, def] of Object.entries(dump.stores)) {
      const os = tx.objectStore(s);
      for (const r of def.records) os.put(fromJsonSafe(r));
    }
    await finished(tx);
  } finally {
    db.close();
  }
}
