/**
 * Replaying a simulator's input log (`sim.log`: requests and clock moves) through a Session, so
 * the requests land in its history as if sent from the editor. Used twice:
 *   - an audience window follows a presenter's next few inputs this way, request by request as
 *     the presenter's panes showed them (the engine is deterministic for a seed and its inputs,
 *     so the same inputs give the same ids, tokens, responses and timeline); a long log is
 *     replayed in one batch instead (./session.ts), since each request sent through a Session
 *     re-reads the whole account for the state browser;
 *   - a lesson restored after a reload replays the inputs saved with its progress.
 */
import type { LogEntry } from '../../kms/api';
import type { Session } from '../Session.svelte';
import { loggedRequest } from '../wire';

/** what a logged request was, in the editor's terms */
export interface EditorRequest {
  operation: string;
  callerArn: string;
  body: string;
  host?: number;
  sourceArn?: string;
}

/** reads operation, caller (by the access key id in the credential scope), body and pinned host from a logged request */
export function editorRequest(entry: Extract<LogEntry, { kind: 'request' }>, session: Pick<Session, 'callers' | 'rootArn'>): EditorRequest | undefined {
  const { trent, callerArn, ...rest } = loggedRequest(entry, session.callers, session.rootArn);
  if (!trent || callerArn === undefined) return undefined;
  return { ...rest, callerArn };
}

/** true when `prefix` is the start of `log` (same entries, same order) */
export function isPrefix(prefix: readonly LogEntry[], log: readonly LogEntry[]): boolean {
  if (prefix.length > log.length) return false;
  for (let i = 0; i < prefix.length; i++) if (JSON.stringify(prefix[i]) !== JSON.stringify(log[i])) return false;
  return true;
}

/**
 * Applies `entries` to the session in order: the clock is moved forward to each entry's time
 * (never back), and each request is sent from the editor as its caller, to its host.
 */
export async function replayInputs(session: Session, entries: readonly LogEntry[]): Promise<void> {
  for (const e of entries) {
    const t = e.kind === 'clock' ? e.to : e.at;
    const now = session.sim.clock.now();
    if (t > now) session.advance(t - now);
    if (e.kind !== 'request') continue;
    const req = editorRequest(e, session);
    if (!req) continue;
    session.setTarget(req.operation);
    session.body = req.body;
    session.callerArn = req.callerArn;
    session.pinnedHost = req.host;
    session.sourceArn = req.sourceArn ?? '';
    await session.send();
  }
}
