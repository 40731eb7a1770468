/**
 * Presenter and audience windows on one machine (issue 7 §6), over a BroadcastChannel.
 *
 * Following is deterministic by replay, not by state copies: the presenter sends its lesson
 * progress and its simulator's whole input log (`sim.log`: each request as sent, with caller,
 * pinned host and virtual time, and each clock move). The audience replays the entries it has
 * not applied yet into its own simulator of the same settings; the engine gives byte-identical
 * responses, ids, tokens and events for the same seed and inputs, so both windows show the same
 * history, responses and timeline. If the log no longer starts with what the audience applied
 * (the presenter reset the lesson, or went back in time and sent from there), the audience starts
 * a fresh simulator and replays everything. A log is small (a lesson is tens of requests), so
 * sending it whole each time keeps late joiners simple: an audience that opens late says `hello`
 * and the presenter answers with the current state.
 *
 * The playground's own Present (App.svelte) sends a `workspace` message instead: the workspace's
 * simulator settings with its input log, and the audience (WorkspaceAudience.svelte) does the same.
 */
import type { LogEntry, SimulatorOptions } from '../../kms/api';
import type { LessonSnapshot } from '../lessons/LessonPlayer.svelte';

/** a playground workspace presented (App.svelte's Present): its settings and whole input log */
export interface WorkspaceSnapshot {
  /** the workspace's id: another id is another world */
  id: string;
  name: string;
  options: SimulatorOptions;
  log: LogEntry[];
}

export type FollowMessage =
  | { type: 'hello' }
  | { type: 'state'; snapshot: LessonSnapshot; /** the time the presenter shows */ now: number }
  | { type: 'workspace'; snapshot: WorkspaceSnapshot; /** the time the presenter shows */ now: number }
  | { type: 'bye' };

export const CHANNEL_PREFIX = 'kms-playground:follow:';

export function isChannelId(x: string | null): x is string {
  return x !== null && /^[A-Za-z0-9_-]{1,64}$/.test(x);
}

export function newChannelId(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface FollowChannel {
  post(m: FollowMessage): void;
  close(): void;
}

/** opens the channel; undefined where BroadcastChannel is missing */
export function openFollowChannel(id: string, onMessage: (m: FollowMessage) => void): FollowChannel | undefined {
  if (typeof BroadcastChannel !== 'function') return undefined;
  const channel = new BroadcastChannel(CHANNEL_PREFIX + id);
  channel.onmessage = (e: MessageEvent) => {
    const m = e.data as Partial<FollowMessage> | null;
    if (m && (m.type === 'hello' || m.type === 'bye' || ((m.type === 'state' || m.type === 'workspace') && typeof m.snapshot === 'object' && m.snapshot !== null))) onMessage(m as FollowMessage);
  };
  return {
    post: (m) => channel.postMessage(m),
    close: () => channel.close(),
  };
}
