/**
 * One policy evaluated against one request: which statements allow, which deny, and why each
 * of the others does not apply (principal, action, resource, then conditions).
 *
 * Pure: no clock, no randomness, no I/O.
 */

import { chargeSteps, withStepBudget } from '../glob';
import { anyPattern, compiled, principalMatch, type CompiledStatement } from './compile';
import { checkCondition, EMPTY_INDEX, joined, list, SHOWN_VALUES, VARIABLE_OPERATORS } from './conditions';
import { POLICY_STEP_BUDGET, type ConditionIndex, type ContextValue, type ParsedPolicy, type ParsedPrincipal, type PolicyEvaluation, type RequestContext, type StatementMatch, type StatementMiss } from './types';
import { compileSteps, expandedCondition, expandedResources } from './variables';

/**
 * the request's condition keys by lower-cased name (built only when a statement has conditions,
 * once per request: the key policy and the IAM policy share it)
 */
function contextIndex(conditions: Readonly<Record<string, ContextValue>>): Map<string, ContextValue> {
  let m = indexes.get(conditions);
  if (m === undefined) indexes.set(conditions, (m = buildIndex(conditions)));
  return m;
}
/** a memo by the conditions object, which a caller does not change once it has passed it in */
const indexes = new WeakMap<object, Map<string, ContextValue>>();

function indexOf(ctx: RequestContext): ConditionIndex {
  if (ctx.conditionIndex) return ctx.conditionIndex();
  return ctx.conditions ? contextIndex(ctx.conditions) : EMPTY_INDEX;
}

/** the request's condition keys by lower-cased name (undefined values left out) */
export function buildConditionIndex(conditions: Readonly<Record<string, ContextValue>>): Map<string, ContextValue> {
  return buildIndex(conditions);
}

function buildIndex(conditions: Readonly<Record<string, ContextValue>>): Map<string, ContextValue> {
  const m = new Map<string, ContextValue>();
  for (const k of Object.keys(conditions)) {
    const v = conditions[k];
    if (v !== undefined) m.set(k.toLowerCase(), v);
  }
  return m;
}

/**
 * The last evaluation of each policy whose answer did not read the request's condition keys:
 * the same policy, action, resource and principal then give the same answer, and a burst of
 * calls by one caller on one key (the common case) evaluates the policy once. Evaluations are
 * read, never changed, by their users, so the memo hands back the same object.
 *
 * Kept with the policy (PolicyState), and only a memo: a policy is never changed once parsed (a
 * new text is a new ParsedPolicy), and the answer is a function of the policy and what the memo
 * compares.
 */
interface Memo {
  action: string;
  resource: string;
  arn: string;
  account: string;
  service: string | undefined;
  result: PolicyEvaluation;
}

/**
 * Answers by value: the last evaluation of each policy whose answer read condition keys, with
 * what it could have read: for each key a statement names (in a condition, or as a policy
 * variable), its value, the name the request set it under and that value's source (all that
 * describe() shows). A request with the same action, resource, principal and the same three for
 * every such key gets the same answer, so a stream of requests that differ only in keys no
 * statement reads (the time, ...) evaluates the policy once. Only for contexts that say where
 * their values come from (conditionName / conditionSource), and never for an evaluation that ran
 * out of steps. Kept with the policy too, a memo of the same kind as Memo.
 */
interface ValueMemo extends Memo {
  /** per key of `keysRead(policy)`: value, name as set, source */
  values: ContextValue[];
  names: (string | undefined)[];
  sources: (string | undefined)[];
  /**
   * the matching steps the evaluation took, charged again on every repeat so that glob.ts counts
   * the same work as evaluating again would (compiling expanded text is left out: a repeat finds
   * it compiled)
   */
  steps: number;
}

/**
 * What evaluating a policy keeps for it, in one place found by one lookup: its statements
 * compiled, the keys they read, and the two memos above. A policy is never changed once parsed.
 */
interface PolicyState {
  compiled: readonly CompiledStatement[];
  /** the lower-cased condition keys the statements can read (conditions and policy variables), once asked */
  keys: readonly string[] | undefined;
  memo: Memo | undefined;
  valueMemo: ValueMemo | undefined;
}
const states = new WeakMap<ParsedPolicy, PolicyState>();

function stateOf(policy: ParsedPolicy): PolicyState {
  let st = states.get(policy);
  if (st === undefined) states.set(policy, (st = { compiled: policy.statements.map(compiled), keys: undefined, memo: undefined, valueMemo: undefined }));
  return st;
}

function keysRead(policy: ParsedPolicy, st: PolicyState): readonly string[] {
  if (st.keys !== undefined) return st.keys;
  const set = new Set<string>();
  for (const s of policy.statements) {
    for (const c of s.conditions) {
      set.add(c.key.toLowerCase());
      if (s.variables && VARIABLE_OPERATORS.has(c.base)) for (const v of c.values) variableKeys(v, set);
    }
    if (s.variables) for (const r of s.resource ?? s.notResource ?? []) variableKeys(r, set);
  }
  return (st.keys = [...set]);
}

/** the keys the policy variables of `text` name, as variables.ts `expand` reads them */
function variableKeys(text: string, into: Set<string>): void {
  let i = 0;
  for (;;) {
    const j = text.indexOf('${', i);
    if (j < 0) return;
    const end = text.indexOf('}', j + 2);
    if (end < 0) return;
    const inner = text.slice(j + 2, end);
    i = end + 1;
    if (inner === '*' || inner === '?' || inner === '$') continue;
    const comma = inner.indexOf(',');
    into.add((comma < 0 ? inner : inner.slice(0, comma)).trim().toLowerCase());
  }
}

function sameValue(a: ContextValue, b: ContextValue): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function samePrincipal(m: Memo, ctx: RequestContext): boolean {
  const p = ctx.principal;
  return m.action === ctx.action && m.resource === ctx.resource && m.arn === p.arn && m.account === p.account && m.service === p.service;
}

/** the memo's answer when this request reads the same as the one it was made for */
function byValue(policy: ParsedPolicy, st: PolicyState, ctx: RequestContext): PolicyEvaluation | undefined {
  const m = st.valueMemo;
  if (m === undefined || !samePrincipal(m, ctx)) return undefined;
  const idx = indexOf(ctx);
  const keys = keysRead(policy, st);
  for (let i = 0; i < keys.length; i++) {
    const v = idx.get(keys[i]);
    if (!sameValue(v, m.values[i])) return undefined;
    if (v === undefined) continue;
    const e = ctx.conditionKey?.(keys[i]);
    const name = e !== undefined ? e.name : ctx.conditionName!(keys[i]);
    if (name !== m.names[i] || (e !== undefined ? e.source : ctx.conditionSource!(name!)) !== m.sources[i]) return undefined;
  }
  chargeSteps(m.steps);
  return m.result;
}

function rememberByValue(policy: ParsedPolicy, st: PolicyState, ctx: RequestContext, result: PolicyEvaluation, steps: number): void {
  const idx = indexOf(ctx);
  const keys = keysRead(policy, st);
  const values: ContextValue[] = [];
  const names: (string | undefined)[] = [];
  const sources: (string | undefined)[] = [];
  for (const k of keys) {
    const v = idx.get(k);
    values.push(v);
    const e = v === undefined ? undefined : ctx.conditionKey?.(k);
    const name = e !== undefined ? e.name : v === undefined ? undefined : ctx.conditionName!(k);
    names.push(name);
    sources.push(e !== undefined ? e.source : name === undefined ? undefined : ctx.conditionSource!(name));
  }
  const p = ctx.principal;
  st.valueMemo = { action: ctx.action, resource: ctx.resource, arn: p.arn, account: p.account, service: p.service, result, values, names, sources, steps };
}

/**
 * Which statements of `policy` apply to the request: Allow and Deny matches, and for every other
 * statement the first reason it does not apply (principal, action, resource, then conditions).
 */
export function evaluatePolicy(policy: ParsedPolicy, ctx: RequestContext): PolicyEvaluation {
  const st = stateOf(policy);
  const memo = st.memo;
  if (memo !== undefined && samePrincipal(memo, ctx)) return memo.result;
  const byValues = ctx.conditionName !== undefined && ctx.conditionSource !== undefined;
  if (byValues) {
    const hit = byValue(policy, st, ctx);
    if (hit !== undefined) return hit;
  }
  conditionsRead = false;
  const compiled0 = compileSteps();
  const run = withStepBudget(POLICY_STEP_BUDGET, () => evaluate(policy, st.compiled, ctx, false));
  let result: PolicyEvaluation;
  if (run.ok) result = run.value;
  else {
    result = evaluate(policy, st.compiled, ctx, true);
    result.exhausted = `The policy's conditions took more than ${POLICY_STEP_BUDGET.toLocaleString('en-US')} steps of matching against this request's values, so the playground stopped evaluating them and failed closed: every statement with conditions that otherwise applies counts as a Deny if it is one, and does not apply if it is an Allow. Real AWS would evaluate them.`;
  }
  const principal = ctx.principal;
  if (!conditionsRead) st.memo = { action: ctx.action, resource: ctx.resource, arn: principal.arn, account: principal.account, service: principal.service, result };
  else if (byValues && run.ok) rememberByValue(policy, st, ctx, result, run.steps - (compileSteps() - compiled0));
  return result;
}

/** set by evaluate() when a statement's conditions had to be checked (read right after it, by evaluatePolicy) */
let conditionsRead = false;

/** `skipConditions`: the budget ran out, so conditions are not evaluated and fail closed */
function evaluate(policy: ParsedPolicy, compiledStatements: readonly CompiledStatement[], ctx: RequestContext, skipConditions: boolean): PolicyEvaluation {
  const allows: StatementMatch[] = [];
  const denies: StatementMatch[] = [];
  const misses: StatementMiss[] = [];
  const action = ctx.action.toLowerCase();
  const resourcePolicy = policy.kind === 'resource';
  let idx: ConditionIndex | undefined;

  const statements = policy.statements;
  for (let si = 0; si < statements.length; si++) {
    const s = statements[si];
    const c = compiledStatements[si];
    let reason: string | null = null;
    let pm: 'direct' | 'account' | undefined;

    if (resourcePolicy) {
      if (c.principal) {
        const m = principalMatch(c.principal, ctx.principal);
        if (m) pm = m;
        else reason = `Principal ${who(ctx)} is not in ${list(principalList(s.principal!))}`;
      } else if (c.notPrincipal) {
        const m = principalMatch(c.notPrincipal, ctx.principal);
        if (m) reason = `Principal ${who(ctx)} is excluded by NotPrincipal ${list(principalList(s.notPrincipal!))}`;
        else pm = 'direct';
      } else {
        reason = 'Statement has no Principal';
      }
    }

    if (!reason) {
      if (c.actions) {
        if (!anyPattern(c.actions, action)) reason = `Action ${ctx.action} is not in ${list(s.action!)}`;
      } else if (c.notActions) {
        if (anyPattern(c.notActions, action)) reason = `Action ${ctx.action} is excluded by NotAction ${list(s.notAction!)}`;
      } else {
        reason = 'Statement has no Action or NotAction element, so it has no effect';
      }
    }

    let used: string[] | undefined;
    if (!reason && c.resourceVariables && !skipConditions) {
      // the answer now depends on the request's values: not one to remember
      conditionsRead = true;
      idx ??= indexOf(ctx);
      used = [];
      const ps = expandedResources(c.resources ? s.resource! : s.notResource!, idx, used, ctx, c);
      if (typeof ps === 'string') reason = ps;
      else if (c.resources) {
        if (!anyPattern(ps, ctx.resource)) reason = `Resource ${ctx.resource} is not in ${list(s.resource!)} (${joined(used, '; ')})`;
      } else if (anyPattern(ps, ctx.resource)) reason = `Resource ${ctx.resource} is excluded by NotResource ${list(s.notResource!)} (${joined(used, '; ')})`;
    } else if (c.resourceVariables && skipConditions && !reason) {
      conditionsRead = true;
      if (s.effect === 'Allow') reason = `Resource not evaluated: the policy's conditions exceeded the matching budget for this request (the statement fails closed)`;
    } else if (!reason) {
      if (c.resources) {
        if (!anyPattern(c.resources, ctx.resource)) reason = `Resource ${ctx.resource} is not in ${list(s.resource!)}`;
      } else if (c.notResources) {
        if (anyPattern(c.notResources, ctx.resource)) reason = `Resource ${ctx.resource} is excluded by NotResource ${list(s.notResource!)}`;
      } else {
        reason = 'Statement has no Resource or NotResource element, so it has no effect';
      }
    }

    if (!reason && c.conditions.length && skipConditions) {
      conditionsRead = true;
      if (s.effect === 'Allow') reason = `Conditions not evaluated: the policy's conditions exceeded the matching budget for this request (the statement fails closed)`;
    } else if (!reason && c.conditions.length) {
      // the answer now depends on the request's condition keys: not one to remember
      conditionsRead = true;
      idx ??= indexOf(ctx);
      for (let ci = 0; ci < c.conditions.length; ci++) {
        let cc = c.conditions[ci];
        if (c.conditionVariables[ci]) {
          const e = expandedCondition(cc, idx, (used ??= []), ctx);
          if (typeof e === 'string') {
            reason = e;
            break;
          }
          cc = e;
        }
        reason = checkCondition(cc, idx);
        if (reason) {
          const d = ctx.describe && idx.has(cc.keyLc) ? (ctx.describeLc ? ctx.describeLc(cc.keyLc) : ctx.describe(cc.src.key)) : undefined;
          if (d) reason += ` (${d})`;
          if (used?.length) reason += ` (${joined(used, '; ')})`;
          break;
        }
      }
    }

    if (reason) {
      // (one literal or the other, each with its properties in the order they always had)
      misses.push(s.sid !== undefined ? { index: s.index, effect: s.effect, reason, sid: s.sid } : { index: s.index, effect: s.effect, reason });
      continue;
    }
    const match: StatementMatch = { index: s.index, effect: s.effect };
    if (s.sid !== undefined) match.sid = s.sid;
    if (pm) match.principalMatch = pm;
    if ((c.conditions.length && !skipConditions) || used?.length) {
      const values: string[] = [];
      const seen = new Set<string>();
      if (!skipConditions && ctx.describe) {
        for (const cc of c.conditions) {
          if (seen.has(cc.keyLc) || values.length >= SHOWN_VALUES) continue;
          seen.add(cc.keyLc);
          values.push((ctx.describeLc ? ctx.describeLc(cc.keyLc) : ctx.describe(cc.src.key)) ?? `${cc.src.key}: not in the request`);
        }
      }
      if (used) values.push(...used);
      if (values.length) match.values = values;
    }
    (s.effect === 'Deny' ? denies : allows).push(match);
  }
  return { allows, denies, misses };
}

function who(ctx: RequestContext): string {
  return ctx.principal.service ?? ctx.principal.arn;
}

function principalList(p: ParsedPrincipal): string[] {
  return [...(p.any ? ['*'] : []), ...p.aws, ...p.service];
}
