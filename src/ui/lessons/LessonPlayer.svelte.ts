/**
 * One lesson being played: which step the learner is on, which checks passed, and the responses
 * later steps refer to ({{stepId.Path}}). The requests themselves go through a Session (the same
 * editor, history, timeline and state panes as the playground), one in-memory simulator per
 * lesson, built from the lesson's settings.
 *
 * A request the learner sends counts as the current step's attempt when it is the step's
 * operation; anything else is the learner's own (it shows in the history, the lesson ignores it).
 * Progress (step, checks, and the simulator's input log) is a small JSON snapshot: the page saves
 * it across reloads and a presenter broadcasts it to audience windows; either side rebuilds the
 * simulator by replaying the inputs (src/ui/follow/inputs.ts).
 */
import type { LogEntry } from '../../kms/api';
import type { Session, HistoryEntry } from '../Session.svelte';
import { isTimeTravelSimulator } from '../deferredSimulator';
import { formatDuration } from '../format';
import { errorType } from '../wire';
import { callerLabel, failureText, referencedSteps, stepTitle, type Expectation, type LessonInfo, type LessonRequestStep, type LessonStep } from './model';
import { checkExpectation, resolveReferences } from './source';

export interface CheckResult {
  ok: boolean;
  /** plain-English reasons, empty when ok */
  failures: readonly string[];
  /** the history entry that was checked */
  entry: number;
}

/** what survives a reload and travels to an audience window */
export interface LessonSnapshot {
  v: 1;
  lesson: string;
  step: number;
  /** per step index: its check (request steps) */
  checks: [number, CheckResult][];
  /** per step index: done (clock and note steps) */
  done: number[];
  /** the simulator's input log */
  log: LogEntry[];
}

export class LessonPlayer {
  readonly lesson: LessonInfo;
  readonly steps: readonly LessonStep[];
  #session = $state.raw<Session>() as Session;
  #index = $state.raw(0);
  #checks = $state.raw<ReadonlyMap<number, CheckResult>>(new Map());
  #done = $state.raw<ReadonlySet<number>>(new Set());
  #message = $state.raw('');
  /** history entries already looked at */
  #cursor = 0;

  constructor(lesson: LessonInfo, session: Session) {
    this.lesson = lesson;
    this.steps = lesson.scenario.steps;
    this.#session = session;
  }

  get session(): Session {
    return this.#session;
  }

  /** a fresh session (Reset, or an audience catching up from scratch): progress starts over */
  replaceSession(session: Session): void {
    this.#session.dispose();
    this.#session = session;
    this.#index = 0;
    this.#checks = new Map();
    this.#done = new Set();
    this.#message = '';
    this.#cursor = 0;
  }

  get index(): number {
    return this.#index;
  }

  get step(): LessonStep | undefined {
    return this.steps[this.#index];
  }

  get total(): number {
    return this.steps.length;
  }

  get atEnd(): boolean {
    return this.#index >= this.steps.length - 1;
  }

  /** the steps passed or done so far */
  get completed(): number {
    let n = 0;
    this.steps.forEach((_, i) => {
      if (this.isComplete(i)) n++;
    });
    return n;
  }

  /** every request and clock step is done (notes need only be read) */
  get finished(): boolean {
    return this.steps.every((s, i) => s.kind === 'note' || this.isComplete(i));
  }

  isComplete(i: number): boolean {
    const s = this.steps[i];
    if (!s) return false;
    if (s.kind === 'request') return this.#checks.get(i)?.ok === true;
    return this.#done.has(i);
  }

  check(i = this.#index): CheckResult | undefined {
    return this.#checks.get(i);
  }

  /** what the player says about the current step: a missing reference, a clock move */
  get message(): string {
    return this.#message;
  }

  // ---- responses and references ------------------------------------------------------------

  /** step id -> parsed body of the response that passed its check */
  responses(): Map<string, unknown> {
    const out = new Map<string, unknown>();
    const history = this.#session.history;
    for (const [i, c] of this.#checks) {
      const id = this.steps[i]?.id;
      if (!c.ok) continue;
      const res = history[c.entry - 1]?.response;
      if (!id || !res) continue;
      try {
        out.set(id, res.body ? JSON.parse(res.body) : {});
      } catch {
        out.set(id, {});
      }
    }
    return out;
  }

  /** the step's body with its references resolved, or why they cannot be */
  resolvedBody(step: LessonRequestStep): { ok: true; text: string } | { ok: false; text: string; message: string } {
    const r = resolveReferences(step.body, this.responses());
    if (r.ok) return { ok: true, text: JSON.stringify(r.value, null, 2) };
    const missing = referencedSteps(step.body).filter((id) => !this.responses().has(id));
    const which = missing
      .map((id) => {
        const i = this.steps.findIndex((s) => s.id === id);
        return i >= 0 ? `step ${i + 1} (${stepTitle(this.steps[i], i)})` : `step "${id}"`;
      })
      .join(' and ');
    return {
      ok: false,
      text: JSON.stringify(step.body, null, 2),
      message: which
        ? `This request uses the response of ${which}, which has not succeeded yet. Run that step first, or fill in the value yourself.`
        : `This request refers to an earlier response that is missing: ${r.message}.`,
    };
  }

  // ---- moving through the lesson -----------------------------------------------------------

  /** shows step i and loads its request into the editor */
  goTo(i: number): void {
    if (i < 0 || i >= this.steps.length) return;
    this.#index = i;
    this.load();
  }

  next(): void {
    this.goTo(this.#index + 1);
  }

  previous(): void {
    this.goTo(this.#index - 1);
  }

  /**
   * Loads the current step's request into the editor: target, caller, host and the body with
   * references resolved. A step that happens later on the clock (`at`) moves the clock there.
   */
  load(): void {
    const step = this.step;
    this.#message = '';
    // a note is done once shown
    if (step?.kind === 'note' && !this.#done.has(this.#index)) this.#done = new Set([...this.#done, this.#index]);
    if (step?.kind !== 'request') return;
    const s = this.#session;
    const start = s.config.startTime;
    if (step.at !== undefined && start + step.at > s.sim.clock.now()) {
      s.advance(start + step.at - s.sim.clock.now());
      this.#message = `This step happens ${formatDuration(step.at)} after the start: the clock moved there.`;
    }
    s.setTarget(step.target);
    const body = this.resolvedBody(step);
    s.body = body.text;
    const caller = this.callerOf(step);
    s.callerArn = caller ?? s.rootArn;
    s.pinnedHost = step.host;
    s.sourceArn = step.sourceArn ?? '';
    if (!body.ok) this.#message = body.message;
    else if (caller === undefined) this.#message = `This step's caller (${step.caller}) refers to a response that is missing: run the earlier steps first.`;
  }

  /** the step's caller ARN with references resolved (root when it names none); undefined when a reference is missing */
  callerOf(step: LessonRequestStep): string | undefined {
    if (step.caller === undefined) return this.#session.rootArn;
    const r = resolveReferences(step.caller, this.responses());
    return r.ok && typeof r.value === 'string' ? r.value : undefined;
  }

  /** "Run this step": sends the step's request as the lesson wrote it */
  async run(): Promise<void> {
    const step = this.step;
    if (step?.kind !== 'request') return;
    this.load();
    await this.#session.send();
    this.observe();
  }

  /** a clock step's button */
  moveClock(): void {
    const step = this.step;
    if (!step || (step.kind !== 'advance' && step.kind !== 'settle')) return;
    if (step.kind === 'advance') this.#session.advance(step.ms);
    else this.#session.settle();
    this.#done = new Set([...this.#done, this.#index]);
  }

  /** a note step is done once read (shown, or passed with Next) */
  markRead(): void {
    if (this.step?.kind === 'note') this.#done = new Set([...this.#done, this.#index]);
  }

  /**
   * Looks at history entries sent since the last call: one of the current step's operation is
   * its attempt and gets checked; others are the learner's own requests.
   */
  observe(): void {
    const history = this.#session.history;
    if (this.#cursor > history.length) this.#cursor = history.length; // a fork dropped entries
    for (; this.#cursor < history.length; this.#cursor++) {
      const entry = history[this.#cursor];
      const step = this.step;
      if (step?.kind !== 'request' || entry.operation !== step.target) continue;
      this.#checks = new Map([...this.#checks, [this.#index, this.#checkEntry(step, entry)]]);
    }
  }

  #checkEntry(step: LessonRequestStep, entry: HistoryEntry): CheckResult {
    const res = entry.response;
    if (!res) return { ok: false, failures: [`the simulator failed: ${entry.failure ?? 'no response'}`], entry: entry.n };
    let body: unknown = undefined;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      body = res.body;
    }
    const failures: string[] = [];
    const wantCaller = this.callerOf(step);
    if (wantCaller !== undefined && entry.callerArn !== wantCaller) failures.push(`this step is sent as ${callerLabel(wantCaller)}, but it was sent as ${callerLabel(entry.callerArn)}`);
    if (step.expect) {
      // expected values may refer to earlier responses too
      const expect = resolveReferences(step.expect, this.responses());
      if (expect.ok) {
        const r = checkExpectation(expect.value as Expectation, res.status, body);
        const responseShown = !!r.details?.some((d) => d.kind !== 'match');
        r.failures.forEach((text, i) => failures.push(failureText(r.details?.[i], text, responseShown)));
      }
      else failures.push(`the check needs an earlier response that is missing: ${expect.message}`);
    }
    else if (res.status >= 400) failures.push(`it failed with HTTP ${res.status}${errorType(res) ? ` (${errorType(res)})` : ''}`);
    return { ok: failures.length === 0, failures, entry: entry.n };
  }

  // ---- snapshots -----------------------------------------------------------------------------

  snapshot(): LessonSnapshot {
    const sim = this.#session.sim;
    const log = isTimeTravelSimulator(sim) ? [...sim.log] : [];
    return { v: 1, lesson: this.lesson.id, step: this.#index, checks: [...this.#checks], done: [...this.#done], log };
  }

  /** takes over step and checks from a snapshot whose inputs the session has replayed */
  adopt(snap: Pick<LessonSnapshot, 'step' | 'checks' | 'done'>): void {
    const history = this.#session.history.length;
    this.#index = Math.min(Math.max(0, snap.step), Math.max(0, this.steps.length - 1));
    this.#checks = new Map(snap.checks.filter(([i, c]) => i >= 0 && i < this.steps.length && c.entry <= history));
    this.#done = new Set(snap.done.filter((i) => i >= 0 && i < this.steps.length));
    this.#cursor = history;
  }
}

/** reads a saved snapshot defensively (storage is input like any other) */
export function parseSnapshot(x: unknown, lessonId: string): LessonSnapshot | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const o = x as Partial<LessonSnapshot>;
  if (o.v !== 1 || o.lesson !== lessonId || typeof o.step !== 'number' || !Array.isArray(o.checks) || !Array.isArray(o.done) || !Array.isArray(o.log)) return undefined;
  const checks = o.checks.filter(
    (c): c is [number, CheckResult] =>
      Array.isArray(c) && typeof c[0] === 'number' && !!c[1] && typeof c[1].ok === 'boolean' && Array.isArray(c[1].failures) && typeof c[1].entry === 'number',
  );
  const log = o.log.filter((e): e is LogEntry => !!e && typeof e === 'object' && (e.kind === 'clock' || e.kind === 'request') && typeof e.at === 'number');
  return { v: 1, lesson: lessonId, step: o.step, checks, done: o.done.filter((d) => typeof d === 'number'), log };
}
