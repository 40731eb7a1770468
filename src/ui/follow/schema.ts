/**
 * What an audience window accepts from its channel, checked field by field. A message is data
 * from another window: anything on the channel that is not exactly one of the shapes below (a
 * stray object, a forged message, a message from another release of the playground) is dropped
 * here, before any of it reaches the simulator or the UI, so a bad message can never throw later
 * (a URL `new Request` rejects, a time `toISOString` rejects, a step index past the lesson's end).
 *
 * Every parser returns a fresh value built from the fields it checked (never the input object),
 * or undefined.
 */
import type { LogEntry, SimulatorOptions } from '../../kms/api';
import { checkLog, checkSimulatorOptions } from '../../scenario/validate';

/** the protocol's version: a window of another release ignores messages it cannot read */
export const PROTOCOL = 2;

/** the latest and earliest times `Date` can show (virtual times are epoch ms) */
const MAX_TIME = 8.64e15;
export const LIMITS = Object.freeze({
  /** log entries in one message (a workspace of 200,000 inputs is far past anything the UI handles) */
  entries: 200_000,
  /** names, ids and free text */
  text: 1_024,
  /** lesson steps, and failure lines of one check */
  steps: 10_000,
  failures: 100,
});

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isTime = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && Math.abs(x) <= MAX_TIME;
const isIndex = (x: unknown, max = Number.MAX_SAFE_INTEGER): x is number => Number.isSafeInteger(x) && (x as number) >= 0 && (x as number) <= max;
const isText = (x: unknown, max: number = LIMITS.text): x is string => typeof x === 'string' && x.length <= max;

/** methods `new Request` rejects (the log check allows any upper-case word) */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * Input log entries (`sim.log`), checked as a workspace file's are (src/scenario/validate.ts:
 * times, http(s) URLs, header names and values, body sizes), and fit for `new Request`.
 */
function parseLogEntries(x: unknown): LogEntry[] | undefined {
  if (!Array.isArray(x) || x.length > LIMITS.entries) return undefined;
  const checked = checkLog(x, 'log.entries');
  if (!checked.ok) return undefined;
  return checked.value.every((e) => e.kind === 'clock' || !FORBIDDEN_METHODS.has(e.method)) ? checked.value : undefined;
}

/** one input of a simulator's log */
export function parseLogEntry(x: unknown): LogEntry | undefined {
  return parseLogEntries([x])?.[0];
}

/** a part of the presenter's log: entries `from` on; the presenter's log is `from + entries.length` long */
export interface LogDelta {
  from: number;
  entries: LogEntry[];
}

function parseLogDelta(x: unknown): LogDelta | undefined {
  if (!isObj(x) || !isIndex(x.from)) return undefined;
  const entries = parseLogEntries(x.entries);
  return entries ? { from: x.from, entries } : undefined;
}

/** a lesson step's check, as the presenter's LessonPlayer keeps it */
export interface FollowCheck {
  ok: boolean;
  failures: string[];
  entry: number;
}

/** the presenter's place in its lesson (the log travels beside it) */
export interface LessonProgress {
  lesson: string;
  step: number;
  checks: [number, FollowCheck][];
  done: number[];
}

function parseCheck(x: unknown): FollowCheck | undefined {
  if (!isObj(x) || typeof x.ok !== 'boolean' || !isIndex(x.entry) || !Array.isArray(x.failures) || x.failures.length > LIMITS.failures) return undefined;
  if (!x.failures.every((f) => isText(f, LIMITS.text * 4))) return undefined;
  return { ok: x.ok, failures: [...(x.failures as string[])], entry: x.entry };
}

function parseLessonProgress(x: unknown): LessonProgress | undefined {
  if (!isObj(x) || !isText(x.lesson) || !isIndex(x.step, LIMITS.steps) || !Array.isArray(x.checks) || !Array.isArray(x.done)) return undefined;
  if (x.checks.length > LIMITS.steps || x.done.length > LIMITS.steps) return undefined;
  const checks: [number, FollowCheck][] = [];
  for (const c of x.checks) {
    if (!Array.isArray(c) || c.length !== 2 || !isIndex(c[0], LIMITS.steps)) return undefined;
    const check = parseCheck(c[1]);
    if (!check) return undefined;
    checks.push([c[0] as number, check]);
  }
  if (!x.done.every((d) => isIndex(d, LIMITS.steps))) return undefined;
  return { lesson: x.lesson, step: x.step, checks, done: [...(x.done as number[])] };
}

/** a presented workspace: which one, and the settings its simulator was made with */
export interface WorkspaceInfo {
  id: string;
  name: string;
  options: SimulatorOptions;
}

function parseWorkspaceInfo(x: unknown): WorkspaceInfo | undefined {
  if (!isObj(x) || !isText(x.id) || x.id === '' || !isText(x.name)) return undefined;
  const options = checkSimulatorOptions(x.options);
  return options.ok ? { id: x.id, name: x.name, options: options.value } : undefined;
}

/** messages, presenter to audience and back; each carries the presentation's key */
export type FollowMessage =
  /** an audience asks for everything (it opened late, reloaded, or missed a part) */
  | { type: 'hello' }
  /** the presenter closed its window */
  | { type: 'bye' }
  /** a lesson presented (lesson.html's Present): its progress, the log since `log.from`, the time shown */
  | { type: 'lesson'; progress: LessonProgress; log: LogDelta; now: number }
  /** a playground workspace presented (index.html's Present) */
  | { type: 'workspace'; workspace: WorkspaceInfo; log: LogDelta; now: number };

/** the envelope on the wire: the protocol version and the presentation's key beside the message */
export type WireMessage = FollowMessage & { v: typeof PROTOCOL; key: string };

/**
 * Reads a message from the channel: undefined unless it is of this protocol, carries `key`, and
 * has exactly one of the shapes above.
 */
export function parseFollowMessage(x: unknown, key: string): FollowMessage | undefined {
  if (!isObj(x) || x.v !== PROTOCOL || typeof x.key !== 'string' || !sameKey(x.key, key)) return undefined;
  switch (x.type) {
    case 'hello':
    case 'bye':
      return { type: x.type };
    case 'lesson': {
      const progress = parseLessonProgress(x.progress);
      const log = progress && isTime(x.now) ? parseLogDelta(x.log) : undefined;
      return progress && log ? { type: 'lesson', progress, log, now: x.now as number } : undefined;
    }
    case 'workspace': {
      const workspace = parseWorkspaceInfo(x.workspace);
      const log = workspace && isTime(x.now) ? parseLogDelta(x.log) : undefined;
      return workspace && log ? { type: 'workspace', workspace, log, now: x.now as number } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Why a message that carries `key` was not read: 'version' (another release of the playground
 * sent it), 'shape' (it is not one of the protocol's messages); undefined for a message without
 * the key, which says nothing about the presentation.
 */
export function refusal(x: unknown, key: string): 'version' | 'shape' | undefined {
  if (!isObj(x) || typeof x.key !== 'string' || !sameKey(x.key, key)) return undefined;
  return x.v !== PROTOCOL ? 'version' : parseFollowMessage(x, key) ? undefined : 'shape';
}

/** compares two keys in time that depends on their length only */
export function sameKey(a: string, b: string): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
