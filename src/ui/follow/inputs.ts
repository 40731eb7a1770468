/**
 * Replaying a simulator's input log (`sim.log`: requests and clock moves) through a Session, so
 * the requests land in its history as if sent from the editor. Used twice:
 *   - an audience window follows a presenter by replaying the presenter's inputs into its own
 *     simulator of the same settings (the engine is deterministic for a seed and its inputs, so
 *     the same inputs give the same ids, tokens, responses and timeline);
 *   - a lesson restored after a reload replays the inputs saved with its progress.
 */
import type { LogEntry } from '../../kms/api';
import type { Session } from '../Session.svelte';
import { HOST_HEADER, SOURCE_ARN_HEADER, TARGET_PREFIX } from '../wire';

/** what a logged request was, in the editor's terms */
export interface EditorRequest {
  operation: string;
  callerArn: string;
  body: string;
  host?: number;
  sourceArn?: string;
}

function header(headers: readonly (readonly [string, string])[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** reads operation, caller (by the access key id in the credential scope), body and pinned host from a logged request */
export function editorRequest(entry: Extract<LogEntry, { kind: 'request' }>, session: Pick<Session, 'callers' | 'rootArn'>): EditorRequest | undefined {
  const target = header(entry.headers, 'x-amz-target');
  if (!target?.startsWith(TARGET_PREFIX)) return undefined;
  const auth = header(entry.headers, 'authorization');
  const keyId = auth ? /Credential=([^/,\s]+)\//.exec(auth)?.[1] : undefined;
  const caller = keyId ? session.callers.find((c) => c.accessKeyId === keyId) : undefined;
  if (keyId && !caller) return undefined;
  const hostText = header(entry.headers, HOST_HEADER);
  const host = hostText !== undefined && /^\d+$/.test(hostText) ? Number(hostText) : undefined;
  const sourceArn = header(entry.headers, SOURCE_ARN_HEADER);
  return { operation: target.slice(TARGET_PREFIX.length), callerArn: caller?.arn ?? session.rootArn, body: entry.body, ...(host !== undefined ? { host } : {}), ...(sourceArn ? { sourceArn } : {}) };
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
