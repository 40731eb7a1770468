/**
 * The History pane after a reload. The store keeps every input (requests with their headers,
 * bodies and virtual times, and clock moves) but not the responses; the engine is deterministic,
 * so replaying the stored log into a scratch simulator with the workspace's options gives back
 * the same responses, byte for byte (the same rule `seek` relies on).
 */
import type { LogEntry, SimulatorOptions } from '../../kms/api';
import type { HistoryEntry } from '../Session.svelte';
import { captureResponse, loggedRequest } from '../wire';

export type RestoredEntry = Omit<HistoryEntry, 'n'>;

/** what rebuildHistory needs of a simulator (no store: nothing is written) */
export interface ScratchSimulator {
  fetch(request: Request): Promise<Response>;
  readonly clock: { now(): number; set(t: number): void };
}

/** the History pane shows at most this many restored requests (the latest) */
export const HISTORY_LIMIT = 2_000;

/** the request side of a logged request, as the History pane shows it (an unknown access key reads as the root) */
export function requestOf(entry: Extract<LogEntry, { kind: 'request' }>, options: Pick<SimulatorOptions, 'accountId' | 'principals'>) {
  const root = `arn:aws:iam::${options.accountId ?? '111122223333'}:root`;
  const { trent: _trent, callerArn, ...rest } = loggedRequest(entry, options.principals ?? [], root);
  return { ...rest, callerArn: callerArn ?? root };
}

/**
 * Replays `log` into `scratch` (a fresh simulator made with the workspace's options) and returns
 * one history entry per logged request, with the response it got. Yields to the event loop every
 * `yieldEvery` requests so a long log does not freeze the page.
 */
export async function rebuildHistory(
  log: readonly LogEntry[],
  options: Pick<SimulatorOptions, 'accountId' | 'principals'>,
  scratch: ScratchSimulator,
  opts: { limit?: number; yieldEvery?: number } = {},
): Promise<{ entries: RestoredEntry[]; total: number }> {
  const limit = opts.limit ?? HISTORY_LIMIT;
  const yieldEvery = opts.yieldEvery ?? 250;
  const requests = log.reduce((n, e) => n + (e.kind === 'request' ? 1 : 0), 0);
  const skip = Math.max(0, requests - limit);
  const entries: RestoredEntry[] = [];
  let seen = 0;
  for (const e of log) {
    const at = e.kind === 'clock' ? e.to : e.at;
    if (at > scratch.clock.now()) scratch.clock.set(at);
    if (e.kind !== 'request') continue;
    const body = e.method === 'GET' || e.method === 'HEAD' ? undefined : e.body;
    const req = requestOf(e, options);
    try {
      const res = await scratch.fetch(new Request(e.url, { method: e.method, headers: e.headers, body }));
      const response = await captureResponse(res);
      if (seen >= skip) entries.push({ ...req, sentAt: e.at, response });
    } catch (err) {
      if (seen >= skip) entries.push({ ...req, sentAt: e.at, failure: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    }
    seen++;
    if (seen % yieldEvery === 0) await new Promise((r) => setTimeout(r, 0));
  }
  return { entries, total: requests };
}
