/**
 * The IndexedDB store's connection: opening the database (schema.ts upgrades it), the connection
 * notices (blocking, blocked, unblocked, terminated: tabs.ts), the context the other idb*
 * modules share, and `run`, the one way a readwrite transaction is awaited.
 *
 * Transaction rule (src/store/README.md): a transaction closes as soon as control returns to the
 * event loop with no request pending, so nothing but the transaction's own requests is awaited
 * inside one. Writers issue every request synchronously inside `run`'s callback; `run` then
 * awaits them and the transaction's completion together.
 */
import type { IDBPDatabase, IDBPTransaction } from 'idb';
import { openPlaygroundDb, type PlaygroundDB, type PlaygroundStoreName, type upgrade } from './schema';
import { notice, type ConnectionNotice, type TabMessage } from './tabs';
import { StoreClosedError } from './types';

export type DB = IDBPDatabase<PlaygroundDB>;
export type WriteTx = IDBPTransaction<PlaygroundDB, PlaygroundStoreName[], 'readwrite'>;

/** what the modules of the IndexedDB store share: one per openIndexedDbStore */
export interface IdbContext {
  /** the open database; throws StoreClosedError once it closed (blocking, terminated, close()) */
  db(): DB;
  /** IDBKeyRange to build ranges with */
  readonly KR: typeof IDBKeyRange;
  /** wall clock for created/updated stamps */
  readonly clock: () => number;
  /** durability of a request's commit transaction */
  readonly durability: IDBTransactionDurability;
  /** tells the other tabs */
  readonly post: (m: TabMessage) => void;
  /** per workspace, the token of the state this tab last loaded or committed (null: none stored) */
  readonly held: Map<string, string | null>;
}

export interface Connection {
  db(): DB;
  onNotice(listener: (n: ConnectionNotice) => void): () => void;
  close(): void;
}

export interface OpenConnectionOptions {
  name: string;
  factory: IDBFactory;
  version?: number;
  upgrade?: typeof upgrade;
  onNotice?: (n: ConnectionNotice) => void;
}

/** opens the database; its notices go to `onNotice` (also before the open resolves) and to later listeners */
export async function openConnection(o: OpenConnectionOptions): Promise<Connection> {
  const noticeListeners = new Set<(n: ConnectionNotice) => void>();
  if (o.onNotice) noticeListeners.add(o.onNotice);
  const tell = (n: ConnectionNotice) => {
    for (const l of [...noticeListeners]) l(n);
  };

  let db: DB | null = null;
  let closedBecause: string | undefined;
  let wasBlocked = false;
  const opened = await openPlaygroundDb({
    name: o.name,
    factory: o.factory,
    version: o.version,
    upgrade: o.upgrade,
    blocked() {
      wasBlocked = true;
      tell(notice('blocked'));
    },
    blocking() {
      // a newer tab waits for us: let it upgrade, and stop writing here
      closedBecause = notice('blocking').message;
      db?.close();
      db = null;
      tell(notice('blocking'));
    },
    terminated() {
      closedBecause = notice('terminated').message;
      db = null;
      tell(notice('terminated'));
    },
  });
  if (closedBecause) opened.close();
  else db = opened;
  if (wasBlocked) tell(notice('unblocked'));

  return {
    db() {
      if (!db) throw new StoreClosedError(closedBecause ?? 'The playground store is closed.');
      return db;
    },
    onNotice(listener) {
      noticeListeners.add(listener);
      return () => noticeListeners.delete(listener);
    },
    close() {
      closedBecause ??= 'The playground store was closed.';
      db?.close();
      db = null;
    },
  };
}

/** awaits a transaction's requests and its completion; if issuing them threw, aborts it */
export async function run(tx: WriteTx, issue: (ops: Promise<unknown>[]) => void): Promise<void> {
  const ops: Promise<unknown>[] = [];
  try {
    issue(ops);
  } catch (e) {
    try {
      tx.abort();
    } catch {
      /* already finished */
    }
    await Promise.allSettled([...ops, tx.done]);
    throw e;
  }
  try {
    await Promise.all([...ops, tx.done]);
  } catch (e) {
    // when one write fails (a full disk), the browser aborts the rest: their AbortErrors may
    // arrive first, while the transaction's own error names the cause
    const cause = (tx as unknown as { error?: unknown }).error;
    throw cause && (e as { name?: unknown } | null)?.name === 'AbortError' ? cause : e;
  }
}
