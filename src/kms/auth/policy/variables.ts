/**
 * Policy variables (`${aws:username}`) substituted with the request's values (IAM User Guide,
 * "IAM policy elements: Variables and tags"), and the patterns and conditions compiled from the
 * expanded text.
 */

import { chargeSteps, type Glob } from '../glob';
import { compileCondition, compilePattern, q, SHOWN_VALUES, type CompiledCondition, type KeptExpansion, type Pattern, type Template, type Variable } from './conditions';
import type { ConditionIndex, RequestContext } from './types';

type Expansion = { ok: true; text: string } | { ok: false; missing: string };

/**
 * Substitutes the policy variables of one policy string with the request's values, in one pass
 * (linear in the text and the values put in): `${key}` is the key's value (a multivalued key with
 * one value counts as that value), `${key, 'default'}` falls back to the default, `${*}`, `${?}`
 * and `${$}` stand for the characters themselves. A key the request does not have, with no
 * default, makes the expansion fail: the statement then does not match (IAM User Guide, "IAM
 * policy elements: Variables and tags": "If a policy variable references a key that is not
 * present in the request context, the policy element does not match"). In a wildcard pattern
 * (Resource, StringLike, Arn*), `${*}` and `${?}` become `?`: glob.ts has no escape, and `?`
 * matches the literal character among others (docs/fidelity.md §7).
 */
function expand(t: Template, idx: ConditionIndex, used: string[] | undefined, ctx: RequestContext): Expansion {
  let out = '';
  const parts = t.parts;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const v = idx.get(part.lc);
    let value: string | undefined;
    if (typeof v === 'string') value = v;
    else if (typeof v === 'number' || typeof v === 'boolean') value = String(v);
    else if (Array.isArray(v) && v.length === 1) value = v[0] as string;
    let source: string | undefined;
    if (value === undefined) {
      if (part.fallback === undefined) return { ok: false, missing: part.name };
      value = part.fallback;
      source = `the default the policy gives: the request has no ${part.name}`;
    } else source = ctx.describeLc ? ctx.describeLc(part.lc) : ctx.describe?.(part.name);
    if (used && used.length < SHOWN_VALUES) used.push(`\${${part.inner}} expanded to ${q(value)}${source ? ` (${source})` : ''}`);
    out += value;
  }
  chargeSteps(((t.text.length + out.length) >> 2) + 1);
  return { ok: true, text: out };
}

/** the template of a policy string; `wildcard`: it is a wildcard pattern (see `expand`) */
export function template(text: string, wildcard: boolean): Template {
  const parts: (string | Variable)[] = [];
  let lit = '';
  let i = 0;
  for (;;) {
    const j = text.indexOf('${', i);
    if (j < 0) break;
    const end = text.indexOf('}', j + 2);
    if (end < 0) break;
    lit += text.slice(i, j);
    const inner = text.slice(j + 2, end);
    i = end + 1;
    if (inner === '*' || inner === '?') {
      lit += wildcard ? '?' : inner;
      continue;
    }
    if (inner === '$') {
      lit += '$';
      continue;
    }
    const comma = inner.indexOf(',');
    const name = (comma < 0 ? inner : inner.slice(0, comma)).trim();
    let fallback: string | undefined;
    if (comma >= 0) {
      const d = inner.slice(comma + 1).trim();
      if (d.length >= 2 && d.charCodeAt(0) === 39 && d.charCodeAt(d.length - 1) === 39) fallback = d.slice(1, -1);
    }
    if (lit) parts.push(lit);
    lit = '';
    parts.push({ inner, name, lc: name.toLowerCase(), fallback });
  }
  lit += text.slice(i);
  if (lit) parts.push(lit);
  return { text, parts };
}

/**
 * compiled patterns and conditions of expanded policy text, the most recent few hundred. Module
 * state shared by every simulator, but a memo of immutable text: what it holds changes no answer,
 * only whether the compiling steps are charged again (a few steps a pattern, far below any budget).
 */
const expandedGlobs = new Map<string, Glob>();
const expandedConditions = new Map<string, CompiledCondition>();
const EXPANDED_KEPT = 256;
const EXPANDED_KEPT_CHARS = 4096;

/** the steps charged for compiling expanded text so far (evaluate.ts: what a repeat would not pay) */
let compileCharged = 0;
/**
 * how many entries the two memos above have let go so far: an entry found or put in them stays
 * until this count moves (a counter, not a memo)
 */
let dropped = 0;

function sameTexts(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
export function compileSteps(): number {
  return compileCharged;
}

function remember<T>(m: Map<string, T>, k: string, make: () => T): T {
  let v = m.get(k);
  if (v === undefined) {
    // compiling reads the pattern once: charged like the matching it prepares
    compileCharged += (k.length >> 2) + 1;
    chargeSteps((k.length >> 2) + 1);
    v = make();
    // a pattern made long by a request value (a variable can stand for a 1 MiB encryption
    // context value) is compiled for this request only, never kept
    if (k.length <= EXPANDED_KEPT_CHARS) {
      m.set(k, v);
      if (m.size > EXPANDED_KEPT) {
        m.delete(m.keys().next().value!);
        dropped++;
      }
    }
  }
  return v;
}

/** the statement's Resource / NotResource patterns for this request, or the reason there are none */
export function expandedResources(list: readonly string[], idx: ConditionIndex, used: string[], ctx: RequestContext, kept: { resourceExpansion?: KeptExpansion<Pattern[]>; resourceTemplates?: (Template | null)[] }): Pattern[] | string {
  const texts: string[] = [];
  const templates = (kept.resourceTemplates ??= list.map((r) => (r.includes('${') ? template(r, true) : null)));
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    const t = templates[i];
    if (t === null) {
      texts.push(r);
      continue;
    }
    const e = expand(t, idx, used, ctx);
    if (!e.ok) return `Resource ${r} uses the policy variable \${${e.missing}}, which this request has no value for, so the statement does not match`;
    texts.push(e.text);
  }
  const last = kept.resourceExpansion;
  if (last !== undefined && last.dropped === dropped && sameTexts(last.texts, texts)) return last.value;
  const before = dropped;
  let all = true;
  const out: Pattern[] = [];
  for (const text of texts) {
    out.push(remember(expandedGlobs, text, () => compilePattern(text)));
    if (text.length > EXPANDED_KEPT_CHARS) all = false;
  }
  if (all && dropped === before) kept.resourceExpansion = { texts, value: out, dropped };
  return out;
}

/** the templates of a condition's values (null for a value without variables) */
function conditionTemplates(base: string, values: readonly string[]): (Template | null)[] {
  const wildcard = base.endsWith('Like') || base.startsWith('Arn');
  return values.map((v) => (v.includes('${') ? template(v, wildcard) : null));
}

/** a condition whose values hold variables, expanded for this request, or the reason it cannot be */
export function expandedCondition(cc: CompiledCondition, idx: ConditionIndex, used: string[], ctx: RequestContext): CompiledCondition | string {
  const src = cc.src;
  const values: string[] = [];
  const templates = (cc.templates ??= conditionTemplates(src.base, src.values));
  for (let i = 0; i < src.values.length; i++) {
    const v = src.values[i];
    const t = templates[i];
    if (t === null) {
      values.push(v);
      continue;
    }
    const e = expand(t, idx, used, ctx);
    if (!e.ok) return `Condition ${src.operator} ${src.key}: the value ${q(v)} uses the policy variable \${${e.missing}}, which this request has no value for, so the statement does not match`;
    values.push(e.text);
  }
  const last = cc.expansion;
  if (last !== undefined && last.dropped === dropped && sameTexts(last.texts, values)) return last.value;
  const before = dropped;
  const k = `${src.operator}\u0000${src.key}\u0000${values.join('\u0000')}`;
  const out = remember(expandedConditions, k, () => compileCondition({ ...src, values }));
  if (k.length <= EXPANDED_KEPT_CHARS && dropped === before) cc.expansion = { texts: values, value: out, dropped };
  return out;
}
