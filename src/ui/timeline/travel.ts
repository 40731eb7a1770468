/**
 * Pure helpers for time travel in the UI (no Svelte, no DOM): where the clock may go, where
 * "step" stops, what the kept future holds, and the text that warns before a fork.
 *
 * The engine's model (src/kms/index.ts): `seek(t)` replays every logged input with `at <= t`,
 * keeps the later ones (the kept future) and forks them away at the next input. So an input
 * logged at exactly the shown time has happened; one logged later is in the kept future.
 */
import type { LogEntry } from '../../kms/api';
import { lowerBound, type TimelineItem } from '../eventIndex';
import { formatRelative, plural } from '../format';

/** the history entries (anything with `sentAt`) that lie in the kept future of `now` */
export function keptFuture<T extends { sentAt: number }>(history: readonly T[], now: number): T[] {
  // history is in time order: walk back from the end
  let i = history.length;
  while (i > 0 && history[i - 1].sentAt > now) i--;
  return history.slice(i);
}

/** the time of the first logged request after `now`, if any (log entries are in time order) */
export function nextLoggedRequestAt(log: readonly LogEntry[], now: number): number | undefined {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid].at <= now) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < log.length; i++) if (log[i].kind === 'request') return log[i].at;
  return undefined;
}

/** the earlier of two optional times */
export function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/**
 * "Step back": the latest moment strictly before `now` at which something happened (an event
 * on the timeline), or the start. Going there shows the world just after that event.
 */
export function previousStop(lanes: readonly (readonly TimelineItem[])[], now: number, start: number): number | undefined {
  if (now <= start) return undefined;
  let best = start;
  for (const lane of lanes) {
    // lanes are sorted by time: the item just before the first one at or after now
    const i = lowerBound(lane, now) - 1;
    if (i >= 0 && lane[i].at > best) best = lane[i].at;
  }
  return best;
}

/** clamps a travel target to the span the simulator can show: never before the start */
export function clampTravel(t: number, start: number): number {
  return Number.isFinite(t) ? Math.max(start, Math.round(t)) : start;
}

/** the inline warning shown before a request would fork history */
export function forkWarning(requests: number, now: number, horizon: number, start: number): string {
  const later = `${formatRelative(now - start)} to ${formatRelative(horizon - start)}`;
  if (requests === 0) return `You are back at ${formatRelative(now - start)}. Sending now replaces the kept future (${later}).`;
  return `Sending now replaces ${plural(requests, 'later request')} (the kept future, ${later}).`;
}

/** the live region's sentence after time travel */
export function travelAnnouncement(opts: { from: number; to: number; horizon: number; start: number; kept: number }): string {
  const at = formatRelative(opts.to - opts.start);
  if (opts.to >= opts.horizon) return opts.from > opts.to ? `Clock at ${at}.` : `Back at the present, ${at}.`;
  const dir = opts.to < opts.from ? 'Went back to' : 'Moved forward to';
  const kept = opts.kept > 0 ? `${plural(opts.kept, 'later request')} kept` : 'the later timeline kept';
  return `${dir} ${at}; ${kept}. Move forward to replay, or send a request to replace them.`;
}

/** the body of a PutKeyPolicy request that puts `policy` (GetKeyPolicy's text) back on `keyId` */
export function putKeyPolicyBody(keyId: string, policy: string): string {
  return JSON.stringify({ KeyId: keyId, PolicyName: 'default', Policy: compactPolicy(policy) }, null, 2);
}

/** a policy as readable, indented JSON (or as it is when it does not parse) */
export function prettyPolicy(policy: string | object | undefined): string {
  if (policy === undefined) return '';
  if (typeof policy !== 'string') return JSON.stringify(policy, null, 2);
  try {
    return JSON.stringify(JSON.parse(policy), null, 2);
  } catch {
    return policy;
  }
}

/** one-line JSON for the Policy string member (an escaped multi-line string is hard to edit) */
function compactPolicy(policy: string): string {
  try {
    return JSON.stringify(JSON.parse(policy));
  } catch {
    return policy;
  }
}
