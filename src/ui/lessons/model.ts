/**
 * Lessons as the player sees them: the step types of scenario format v2 (id, title, note,
 * expect), narrative text split into paragraphs and code spans, and the sentences the player and
 * the handout say about a step ("Advance the clock 10 s", "Expect HTTP 200"). Pure: no DOM, no
 * Svelte, so it is tested on its own (tests/ui/lessons.test.ts).
 *
 * The step types are scenario format v2's (src/scenario/format.ts), under the player's names.
 */
import { decodeBase64Lenient, latin1Text } from '../../kms/util/base64';
import { REFERENCE, type AdvanceStep, type Expectation, type Scenario, type SettleStep, type Step } from '../../scenario/format';
import { show, type CheckFailure } from '../../scenario/expect';
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

/**
 * What a step expects, as clauses a learner reads ("HTTP 200 (success)", "the first grant has 2
 * operations", "the key's KeyState is Enabled"): member names and values as code spans. A value
 * that is a reference (`{{grant.GrantId}}`) stays text, for readableReferences to label.
 */
export function expectationParts(expect: Expectation | undefined): Span[][] {
  if (!expect) return [];
  const out: Span[][] = [];
  if (expect.error !== undefined) out.push([t('the error '), c(expect.error), ...(expect.status !== undefined ? [t(` (HTTP ${expect.status})`)] : [])]);
  else if (expect.status !== undefined) out.push([t(`HTTP ${expect.status}${expect.status === 200 ? ' (success)' : ''}`)]);
  for (const [path, value] of Object.entries(expect.match ?? {})) out.push(matchClause(path, value));
  return out;
}

/** the clauses of expectationParts as plain text: "HTTP 200 (success)", "the response lists 1 grant" */
export function describeExpectation(expect: Expectation | undefined): string[] {
  return expectationParts(expect).map(spansText);
}

export function spansText(spans: readonly Span[]): string {
  return spans.map((s) => s.text).join('');
}

const t = (text: string): Span => ({ code: false, text });
const c = (text: string): Span => ({ code: true, text });
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];
const INDEX = /^\d+$/;

/** "Grants" → "grants", "GrantTokens" → "grant tokens" */
function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** "Grants" → "grant", "Aliases" → "alias", "Policies" → "policy" */
function singular(plural: string): string {
  const w = words(plural);
  if (w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.endsWith('ses')) return w.slice(0, -2);
  return w.endsWith('s') ? w.slice(0, -1) : w;
}

/** "Grants", 0 → "the first grant"; "Grants", 11 → "grant #12" */
function item(list: string, index: number): string {
  return index < ORDINALS.length ? `the ${ORDINALS[index]} ${singular(list)}` : `${singular(list)} #${index + 1}`;
}

/** the owner a path prefix names: "Grants.0" → "the first grant", "KeyMetadata" → "the key"; else none */
function owner(segments: readonly string[]): string | undefined {
  const n = segments.length;
  if (n >= 2 && INDEX.test(segments[n - 1]) && !INDEX.test(segments[n - 2])) return item(segments[n - 2], Number(segments[n - 1]));
  if (n === 1 && segments[0] === 'KeyMetadata') return 'the key';
  return undefined;
}

/** the base64 of printable ASCII text, decoded ("aGVsbG8=" → "hello"); undefined otherwise */
function base64Text(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  const bytes = decodeBase64Lenient(value);
  if (!bytes || bytes.length === 0) return undefined;
  const text = latin1Text(bytes);
  return /^[\x20-\x7e]+$/.test(text) ? text : undefined;
}

function valueSpans(field: string, value: unknown): Span[] {
  if (value === '') return [t('an empty string')];
  if (typeof value === 'string') {
    // a whole reference reads «GrantId from step 3» once readableReferences has labelled it
    if (/^\{\{[^{}]+\}\}$/.test(value)) return [t(value)];
    const decoded = field === 'Plaintext' ? base64Text(value) : undefined;
    return [c(value), ...(decoded !== undefined ? [t(` (“${decoded}” in base64)`)] : [])];
  }
  return [c(JSON.stringify(value))];
}

/** one `expect.match` entry as a clause */
function matchClause(path: string, value: unknown): Span[] {
  const segments = path.split('.');
  const last = segments[segments.length - 1];
  if (last === 'length' && segments.length >= 2 && typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    const list = segments[segments.length - 2];
    const count = value === 0 ? `no ${words(list)}` : `${value} ${value === 1 ? singular(list) : words(list)}`;
    const prefix = segments.slice(0, -2);
    const who = owner(prefix);
    if (who) return [t(`${who} has ${count}`)];
    if (prefix.length === 0) return [t(`the response lists ${count}`)];
    return [c(segments.slice(0, -1).join('.')), t(` lists ${count}`)];
  }
  // the longest prefix that names an owner ("Grants.0", "KeyMetadata"), the rest is the member
  for (let k = segments.length - 1; k >= 1; k--) {
    const who = owner(segments.slice(0, k));
    if (who) return [t(`${who}’s `), c(segments.slice(k).join('.')), t(' is '), ...valueSpans(last, value)];
  }
  return [c(path), t(' is '), ...valueSpans(last, value)];
}

/**
 * A failed check in a learner's words, from the check's own description: "Expected: the first
 * grant has 2 operations. Got: 3." `responseShown`: another failure of the same check already
 * shows the response's status and error, so a missing member need not repeat it.
 */
export function failureText(failure: CheckFailure | undefined, text: string, responseShown = false): string {
  if (!failure) return text;
  if (failure.kind === 'status') return `Expected: HTTP ${failure.want}${failure.want === 200 ? ' (success)' : ''}. Got: ${failure.got}.`;
  if (failure.kind === 'error') return `Expected: the error ${failure.want}. Got: ${failure.got}.`;
  const expected = spansText(matchClause(failure.path, failure.want));
  if (failure.missing) return `Expected: ${expected}. The response has no ${failure.path}${!responseShown && failure.response ? ` (it is ${failure.response})` : ''}.`;
  return `Expected: ${expected}. Got: ${show(failure.got)}.`;
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

