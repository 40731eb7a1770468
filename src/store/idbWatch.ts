/**
 * Watching other tabs' commits (tabs.ts): a 'changed' message is acted on only once the database
 * confirms it, and at most once per WATCH_INTERVAL_MS (the latest message of a burst).
 */
import type { IdbContext } from './idbConnection';
import type { TabChannel, TabMessage } from './tabs';

type Changed = Extract<TabMessage, { type: 'changed' }>;

/** how often watch() hands on another tab's commits, at most */
export const WATCH_INTERVAL_MS = 50;

/**
 * Is what a 'changed' message claims true of the database now? (The channel is open to any
 * same-origin page: tabs.ts.) A 'deleted' needs the workspace gone; anything else needs it
 * there, with the announced revision and log length (a reset's: none stored), and a state
 * other than the one this tab last loaded or wrote. Returns the stored state's token (null:
 * nothing stored), or false.
 */
async function confirmed(ctx: IdbContext, m: Changed): Promise<string | null | false> {
  const tx = ctx.db().transaction(['workspaces', 'meta'], 'readonly');
  const [w, meta] = await Promise.all([tx.objectStore('workspaces').get(m.workspace), tx.objectStore('meta').get(m.workspace), tx.done]);
  if (m.cause === 'deleted') return w ? false : null;
  if (!w) return false;
  if (m.cause === 'reset' && meta) return false;
  if ((meta?.revision ?? 0) !== m.revision || (meta?.logLength ?? 0) !== m.logLength) return false;
  const token = meta?.token ?? null;
  if (ctx.held.has(m.workspace) && ctx.held.get(m.workspace) === token) return false;
  return token;
}

/** calls onChange when another tab commits to `workspace` (confirmed, throttled); returns unsubscribe */
export function watchWorkspace(ctx: IdbContext, channel: TabChannel, workspace: string, onChange: (m: Changed) => void): () => void {
  // a busy tab commits hundreds of times a second: hand on the latest message, at most
  // once per WATCH_INTERVAL_MS, so the watching tab reloads once per burst, not per commit;
  // and only once the database confirms it (a message the database has moved past is
  // followed by the one announcing where it is now)
  let latest: Changed | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let checks: Promise<void> = Promise.resolve();
  let stopped = false;
  /** the stored state this watcher last called back for (the same again is not news) */
  let told: string | null | undefined;
  /** a callback that threw is reported once; the watch goes on with the next change */
  let reported = false;
  const report = (e: unknown) => {
    if (!reported) console.error('A workspace change listener failed; later changes are still delivered.', e);
    reported = true;
  };
  const off = channel.listen((m) => {
    if (m.type !== 'changed' || m.workspace !== workspace) return;
    latest = m;
    timer ??= setTimeout(() => {
      timer = undefined;
      const m2 = latest!;
      latest = undefined;
      checks = checks.then(async () => {
        const token = await confirmed(ctx, m2).catch(() => false as const);
        if (stopped || token === false || (token === told && m2.cause !== 'deleted')) return;
        told = token;
        try {
          // an async listener is not awaited (a slow reload must not hold back the next check)
          const r: unknown = onChange(m2);
          if (r instanceof Promise) r.catch(report);
        } catch (e) {
          report(e);
        }
      });
    }, WATCH_INTERVAL_MS);
  });
  return () => {
    stopped = true;
    off();
    clearTimeout(timer);
  };
}

/** calls onChange when another tab creates, renames, resets, imports or deletes a workspace */
export function watchWorkspaceList(channel: TabChannel, onChange: (m: Extract<TabMessage, { type: 'workspaces' }>) => void): () => void {
  return channel.listen((m) => {
    if (m.type === 'workspaces') onChange(m);
  });
}
