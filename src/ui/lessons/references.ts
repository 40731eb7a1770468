/**
 * References (`{{stepId.Dotted.Path}}`, src/scenario/expect.ts) as a reader sees them: a docs
 * reader does not know the template syntax, so a reference reads «KeyMetadata.Arn from step 1».
 * Plain text and parts for the templates to render (never HTML).
 */
import { REFERENCE } from '../../scenario/format';
import { callerLabel, expectationParts, spansText, type Expectation, type LessonRequestStep, type LessonStep, type Span } from './model';
import { resolveReferences } from './source';

/** a run of literal text, or one reference with its readable label */
export type ReferencePart = { kind: 'text'; text: string } | { kind: 'ref'; text: string; label: string };

/** "KeyMetadata.Arn from step 1" ("the response of step 1" for the whole body) */
function referenceLabel(stepId: string, dotted: string, steps: readonly LessonStep[]): string {
  const i = steps.findIndex((s) => s.id === stepId);
  const from = i >= 0 ? `step ${i + 1}` : `step “${stepId}”`;
  const path = dotted.startsWith('.') ? dotted.slice(1) : dotted;
  return path ? `${path} from ${from}` : `the response of ${from}`;
}

/**
 * Splits `text` (typically a JSON body as shown) into literal runs and references. A reference
 * that is a whole JSON string (`"{{key.KeyMetadata.Arn}}"`) takes its quotes with it: the value
 * it stands for need not be a string.
 */
export function referenceParts(text: string, steps: readonly LessonStep[]): ReferencePart[] {
  const out: ReferencePart[] = [];
  const pattern = new RegExp(`"${REFERENCE.source}"|${REFERENCE.source}`, 'g');
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    const id = m[1] ?? m[3];
    const dotted = m[2] ?? m[4] ?? '';
    if (m.index > last) out.push({ kind: 'text', text: text.slice(last, m.index) });
    out.push({ kind: 'ref', text: m[0], label: referenceLabel(id, dotted, steps) });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** `text` with each reference written «KeyMetadata.Arn from step 1» */
export function readableReferences(text: string, steps: readonly LessonStep[]): string {
  if (!text.includes('{{')) return text;
  return referenceParts(text, steps)
    .map((p) => (p.kind === 'ref' ? `«${p.label}»` : p.text))
    .join('');
}

/** true when `text` holds at least one reference */
export function hasReferences(text: string): boolean {
  return text.includes('{{') && new RegExp(REFERENCE.source).test(text);
}

/** what the step card says about a request step's caller and expectations, references readable or filled in */
export interface StepCardText {
  caller: string;
  /** the expectations as plain text, one clause each */
  expected: string[];
  /** the same clauses with member names and values as code spans */
  expectedParts: Span[][];
}

/**
 * The caller and the expectations of a request step as the step card shows them: once the steps
 * they refer to have succeeded, with the values filled in; before, each reference as
 * «GrantId from step 3».
 */
export function stepCardText(step: LessonRequestStep, steps: readonly LessonStep[], responses: ReadonlyMap<string, unknown>): StepCardText {
  let caller = callerLabel(step.caller);
  if (step.caller !== undefined && hasReferences(step.caller)) {
    const r = resolveReferences(step.caller, responses);
    caller = r.ok && typeof r.value === 'string' ? callerLabel(r.value) : readableReferences(caller, steps);
  }
  let parts = expectationParts(step.expect);
  if (step.expect && parts.some((clause) => clause.some((s) => hasReferences(s.text)))) {
    const r = resolveReferences(step.expect, responses);
    parts = r.ok ? expectationParts(r.value as Expectation) : parts.map((clause) => clause.map((s) => ({ ...s, text: readableReferences(s.text, steps) })));
  }
  return { caller, expected: parts.map(spansText), expectedParts: parts };
}
