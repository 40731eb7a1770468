/**
 * Lessons as the player sees them: the step types of scenario format v2 (id, title, note,
 * expect), narrative text split into paragraphs and code spans, and the sentences the player and
 * the handout say about a step ("Advance the clock 10 s", "Expect HTTP 200"). Pure: no DOM, no
 * Svelte, so it is tested on its own (tests/ui/lessons.test.ts).
 *
 * The step types are scenario format v2's (src/scenario/format.ts), under the player's names.
 */
import type { SimulatorOptions } from '../../kms/api';
import { REFERENCE, type AdvanceStep, type Expectation, type Scenario, type SettleStep, type Step } from '../../scenario/format';
import { formatDuration } from '../format';

export type {
  Expectation,
  Step as LessonStep,
  RequestStep as LessonRequestStep,
  AdvanceStep as LessonAdvanceStep,
  SettleStep as LessonSettleStep,
  NoteStep as LessonNoteStep,
  Scenario as LessonScenario,
} from '../../scenario/format';

/** a built-in lesson (src/scenario/lessons), or a shared scenario shown as one */
export interface LessonInfo {
  id: string;
  title: string;
  summary: string;
  scenario: Scenario;
}

// ---- narrative ----------------------------------------------------------------------------

export type Span = { code: boolean; text: string };

/** "First `CreateKey`.\n\nThen…" → paragraphs of text and code spans (rendered as elements, never as HTML) */
export function narrative(text: string | undefined): Span[][] {
  if (!text || !text.trim()) return [];
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim().replace(/\s*\n\s*/g, ' '))
    .filter((p) => p.length > 0)
    .map((p) => {
      const spans: Span[] = [];
      const parts = p.split('`');
      // an odd number of backticks leaves the last one as text
      const paired = parts.length % 2 === 1;
      parts.forEach((part, i) => {
        const code = i % 2 === 1 && (paired || i < parts.length - 1);
        const t = code ? part : i % 2 === 1 ? '`' + part : part;
        if (t) spans.push({ code, text: t });
      });
      return spans;
    });
}

/** the narrative of a step: its note (a note step's text when it has none) */
export function stepNarrative(step: Step): string {
  if (step.kind === 'note') return step.note ? `${step.note}\n\n${step.text}` : step.text;
  return step.note ?? '';
}

/** a heading for the step: its title, or what it does */
export function stepTitle(step: Step, index: number): string {
  if (step.title) return step.title;
  switch (step.kind) {
    case 'request':
      return `Send ${step.target}`;
    case 'advance':
      return `Let ${formatDuration(step.ms)} pass`;
    case 'settle':
      return 'Let every grant arrive';
    case 'note':
      return `Step ${index + 1}`;
  }
}

/** the label of a clock step's button */
export function clockAction(step: AdvanceStep | SettleStep): string {
  return step.kind === 'advance' ? `Advance the clock ${formatDuration(step.ms)}` : 'Let every grant arrive';
}

/** "Expect HTTP 200 and Grants.0.Name = "x"" */
export function describeExpectation(expect: Expectation | undefined): string[] {
  if (!expect) return [];
  const out: string[] = [];
  if (expect.error !== undefined) out.push(`the error ${expect.error}${expect.status !== undefined ? ` (HTTP ${expect.status})` : ''}`);
  else if (expect.status !== undefined) out.push(`HTTP ${expect.status}${expect.status === 200 ? ' (success)' : ''}`);
  for (const [path, value] of Object.entries(expect.match ?? {})) out.push(`${path} to be ${JSON.stringify(value)}`);
  return out;
}

export function callerLabel(arn: string | undefined): string {
  if (!arn) return 'the account root';
  const m = /^arn:aws[a-z-]*:(?:iam|sts)::\d{12}:(.+)$/.exec(arn);
  return m ? (m[1] === 'root' ? 'the account root' : m[1]) : arn;
}

// ---- references -------------------------------------------------------------------------------

/** the step ids a value refers to with {{stepId.Path}} */
export function referencedSteps(value: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') for (const m of v.matchAll(REFERENCE)) out.add(m[1]);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return [...out];
}

// ---- the simulator --------------------------------------------------------------------------

/**
 * The simulator options a lesson session uses: the scenario's own, minus principals' secret keys.
 * The editor's requests carry a placeholder signature (src/ui/wire.ts), so a principal with a
 * secret would refuse every call the learner sends; without one, the caller is still identified
 * by its access key id, and everything else (ids, routing, propagation) is the same.
 */
export function lessonSimulatorOptions(options: SimulatorOptions): SimulatorOptions {
  return { ...options, principals: (options.principals ?? []).map(({ secretAccessKey: _secret, ...p }) => p) };
}
