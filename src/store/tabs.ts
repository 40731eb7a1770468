/**
 * Several tabs on one database.
 *
 * THE RULE (first writer wins, nobody loses records silently):
 *   Every workspace's meta row carries a random `token`, replaced by every commit. A store
 *   instance (one per simulator: `forWorkspace`) remembers the token it found when it loaded
 *   the workspace, or wrote with its last commit. A commit reads the meta row (and the workspace
 *   row) in the same readwrite transaction as its writes; all its writes are issued at once,
 *   and if the token is not the one expected, or the workspace was deleted, the check aborts
 *   the transaction, so nothing of the commit lands, and commit rejects with a ConflictError.
 *   The simulator then records `storeError` and keeps working in memory; the tab shows "changed
 *   in another tab", creates a new simulator from the store (which now holds the other tab's
 *   records) and may re-send its own unsaved inputs on top (`reapplyInputs`). A reset or a
 *   delete in another tab removes the token, so it is caught the same way. Random tokens (not
 *   counters) rule out A-B-A: a workspace reset and written to again never matches an old token.
 *
 *   To make conflicts rare, every commit is announced on a BroadcastChannel named
 *   `kms-playground:<dbname>` as `{ type: 'changed', workspace, logLength, revision }`; a tab
 *   that `watch`es the workspace it shows reloads its simulator when another tab commits.
 *
 * THE CHANNEL IS NOT TRUSTED: any page of the same origin may post on it. So a message is acted
 * on only when it fits the schema below exactly (`parseTabMessage`: unknown types, missing or
 * extra members, wrong types are dropped), and `watch` checks what a 'changed' message claims
 * against IndexedDB before it calls back: the revision (and log length) it announces must be
 * the stored ones, a 'deleted' needs the workspace gone from the database and a 'reset' its
 * contents gone, and a tab that already holds the stored state (its last load or commit wrote
 * the same token) is not told again. A forged message can at worst make a tab reload what the
 * database really holds.
 *
 * Connection notices: `blocking` (a newer version of the app opened the database in another
 * tab: this tab closes its connection and asks to be reloaded), `blocked` (this tab is the newer
 * one and waits for old tabs to close) and `terminated` (the browser closed the connection).
 */
import type { LogEntry } from '../kms/api';

/**
 * What tabs tell each other. `revision` and `logLength` are the workspace's as stored once the
 * change landed (a reset or delete leaves none: 0 and 0). 'workspaces' messages only make the
 * other tabs read the workspace list again.
 */
export type TabMessage =
  | { type: 'changed'; workspace: string; logLength: number; revision: number; cause?: 'reset' | 'deleted' | 'imported' }
  | { type: 'workspaces'; workspace: string; change: 'created' | 'renamed' | 'duplicated' | 'imported' | 'reset' | 'deleted' };

const CAUSES: ReadonlySet<unknown> = new Set(['reset', 'deleted', 'imported']);
const CHANGES: ReadonlySet<unknown> = new Set(['created', 'renamed', 'duplicated', 'imported', 'reset', 'deleted']);
/** workspace ids are short (util.ts makes them); anything longer is not ours */
const MAX_ID_LENGTH = 200;

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const hasOnly = (m: object, allowed: readonly string[]) => Object.keys(m).every((k) => allowed.includes(k));

/** the message if `x` is exactly a TabMessage (a fresh copy of it), else undefined */
export function parseTabMessage(x: unknown): TabMessage | undefined {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return undefined;
  const m = x as Record<string, unknown>;
  if (typeof m.workspace !== 'string' || m.workspace.length === 0 || m.workspace.length > MAX_ID_LENGTH) return undefined;
  if (m.type === 'changed') {
    if (!hasOnly(m, ['type', 'workspace', 'logLength', 'revision', 'cause'])) return undefined;
    if (!isCount(m.logLength) || !isCount(m.revision)) return undefined;
    if (m.cause === undefined) return { type: 'changed', workspace: m.workspace, logLength: m.logLength, revision: m.revision };
    if (!CAUSES.has(m.cause)) return undefined;
    // a reset or a delete leaves nothing stored: it can only announce revision 0 with no log
    if ((m.cause === 'reset' || m.cause === 'deleted') && (m.revision !== 0 || m.logLength !== 0)) return undefined;
    return { type: 'changed', workspace: m.workspace, logLength: m.logLength, revision: m.revision, cause: m.cause as 'reset' | 'deleted' | 'imported' };
  }
  if (m.type === 'workspaces') {
    if (!hasOnly(m, ['type', 'workspace', 'change']) || !CHANGES.has(m.change)) return undefined;
    return { type: 'workspaces', workspace: m.workspace, change: m.change as Extract<TabMessage, { type: 'workspaces' }>['change'] };
  }
  return undefined;
}

export type ConnectionNotice =
  | { kind: 'blocking'; message: string }
  | { kind: 'blocked'; message: string }
  | { kind: 'unblocked'; message: string }
  | { kind: 'terminated'; message: string };

export const NOTICES = {
  blocking: 'A newer version of the playground was opened in another tab. This tab stopped saving: reload it to continue.',
  blocked: 'The playground is open in another tab with an older version. Close the other playground tabs (or reload them) to continue.',
  unblocked: 'The other tabs closed; the playground is ready.',
  terminated: 'The browser closed the playground’s storage (it may have been cleared). Changes are no longer saved: reload this tab.',
} as const;

export function notice(kind: ConnectionNotice['kind']): ConnectionNotice {
  return { kind, message: NOTICES[kind] };
}

export function channelName(dbName: string): string {
  return `kms-playground:${dbName}`;
}

export interface TabChannel {
  /** tells the other tabs (never this one) */
  post(message: TabMessage): void;
  /** every message from another tab (or any same-origin page) that fits the schema; returns unsubscribe */
  listen(listener: (m: TabMessage) => void): () => void;
  close(): void;
}

type ChannelCtor = new (name: string) => BroadcastChannel;

/** a BroadcastChannel for one database; a silent stand-in when ctor is null (BroadcastChannel missing) */
export function openTabChannel(dbName: string, ctor: ChannelCtor | null = globalThis.BroadcastChannel ?? null): TabChannel {
  const listeners = new Set<(m: TabMessage) => void>();
  if (!ctor) return { post() {}, listen: (l) => (listeners.add(l), () => listeners.delete(l)), close() {} };
  const channel = new ctor(channelName(dbName));
  channel.onmessage = (e: MessageEvent) => {
    const m = parseTabMessage(e.data);
    if (!m) return;
    for (const l of [...listeners]) l(m);
  };
  let closed = false;
  return {
    post(message) {
      if (!closed) channel.postMessage(message);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      channel.close();
    },
  };
}

/** what `reapplyInputs` needs of a simulator */
export interface Replayable {
  fetch(request: Request): Promise<Response>;
  readonly clock: { advance(ms: number): void };
}

/**
 * Re-sends a tab's unsaved inputs (its log from `ConflictError.unsavedFrom` on) to a simulator
 * freshly loaded from the store. Clock moves are re-applied as the same amounts of time (the
 * other tab may have moved the clock already), requests are re-sent in order. The results may
 * differ from the first time: the other tab's records are now there. Returns the responses.
 */
export async function reapplyInputs(sim: Replayable, entries: readonly LogEntry[], savedNow: number | undefined): Promise<Response[]> {
  const out: Response[] = [];
  let prev = savedNow ?? entries[0]?.at ?? 0;
  for (const e of entries) {
    const at = e.kind === 'clock' ? e.to : e.at;
    if (at > prev) sim.clock.advance(at - prev);
    prev = Math.max(prev, at);
    if (e.kind === 'request') {
      const body = e.method === 'GET' || e.method === 'HEAD' ? undefined : e.body;
      out.push(await sim.fetch(new Request(e.url, { method: e.method, headers: e.headers, body })));
    }
  }
  return out;
}
