/**
 * Condition operators compiled into matchers, and one condition checked against a request's
 * condition keys (IAM User Guide, "IAM JSON policy elements: Condition operators": missing keys,
 * negated operators, ...IfExists, Null; "Single-valued vs. multivalued context keys" and "Creating
 * a condition that tests multiple key values": ForAllValues / ForAnyValue, empty sets; negated
 * operators with several values behave as a logical AND (NOR)).
 *
 * Pure: no clock, no randomness, no I/O.
 */

import { chargeSteps, compileGlob, matchGlob, startsWith, type Glob } from '../glob';
import type { ConditionIndex, ConditionOperatorName, ContextValue, ParsedCondition } from './types';

/** a compiled wildcard pattern (glob.ts: linear-time, no RegExp) */
export type Pattern = Glob;
export const compilePattern = compileGlob;
const testPattern = matchGlob;

export function anyPattern(ps: readonly Pattern[], s: string): boolean {
  for (let i = 0; i < ps.length; i++) if (testPattern(ps[i], s)) return true;
  return false;
}

/** epoch milliseconds of a date condition value (ISO 8601 or epoch seconds), or null */
export function dateValue(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

/**
 * The last expansion of one statement's Resource list or one condition's values (policy
 * variables), kept with the compiled statement or condition, so per policy: the expanded texts
 * and what was compiled from them, found in (or put in) variables.ts's memos of expanded text
 * while the count of entries those have let go stood at `dropped`. While it still does, the same
 * texts would find the same compiled object there with no steps charged, so it is handed back
 * without building the memo's key again.
 */
export interface KeptExpansion<T> {
  texts: readonly string[];
  value: T;
  dropped: number;
}

/** a policy variable of a template: `${name}` or `${name, 'fallback'}` */
export interface Variable {
  /** what stands between the braces, as written */
  inner: string;
  name: string;
  lc: string;
  fallback: string | undefined;
}

/**
 * A policy string split once into literal text and the variables variables.ts `expand` substitutes (`${*}`,
 * `${?}` and `${$}` are literal text already). Kept with the compiled statement or condition.
 */
export interface Template {
  text: string;
  parts: (string | Variable)[];
}

export type ValueTest = (v: string) => boolean;

export interface CompiledCondition {
  src: ParsedCondition;
  keyLc: string;
  /** StringNotEquals, NotIpAddress, ArnNotLike, ...: true when no policy value matches */
  negated: boolean;
  /** does this request value match any policy value (the positive form of the operator)? */
  any: ValueTest;
  /** the policy values as reasons show them, once one has */
  shown?: string;
  /** "Condition <operator> <key>", once a reason has it */
  label?: string;
  /** the parts of the reasons a single value gets that do not depend on the value, once written */
  valueHead?: string;
  valueTail?: string;
  notPresent?: string;
  /** when its values hold policy variables: their last expansion (variables.ts) */
  expansion?: KeptExpansion<CompiledCondition>;
  /** when its values hold policy variables: each value's template (null: none), made on first use */
  templates?: (Template | null)[];
  /** Null: whether the policy's values include "true" (the key must be absent) / "false" (present), any case */
  nullWantsTrue: boolean;
  nullWantsFalse: boolean;
}

/** negated operator → its positive form (a Map: an operator name never reaches Object.prototype) */
const NEGATED: ReadonlyMap<ConditionOperatorName, ConditionOperatorName> = new Map([
  ['StringNotEquals', 'StringEquals'],
  ['StringNotEqualsIgnoreCase', 'StringEqualsIgnoreCase'],
  ['StringNotLike', 'StringLike'],
  ['NumericNotEquals', 'NumericEquals'],
  ['DateNotEquals', 'DateEquals'],
  ['ArnNotEquals', 'ArnLike'],
  ['ArnNotLike', 'ArnLike'],
  ['NotIpAddress', 'IpAddress'],
]);

/** splits an ARN into its six parts (the last keeps its colons), or null */
function arnParts(s: string): string[] | null {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const c = s.indexOf(':', from);
    if (c < 0) return null;
    out.push(s.slice(from, c));
    from = c + 1;
  }
  out.push(s.slice(from));
  return out;
}

function numeric(s: string): number {
  return s.trim() === '' ? NaN : Number(s);
}

function positiveTest(base: ConditionOperatorName, values: readonly string[]): ValueTest {
  switch (base) {
    case 'StringEquals': {
      const set = new Set(values);
      return (v) => set.has(v);
    }
    case 'StringEqualsIgnoreCase': {
      const set = new Set(values.map((x) => x.toLowerCase()));
      return (v) => set.has(v.toLowerCase());
    }
    case 'StringLike': {
      const ps = values.map(compilePattern);
      return (v) => anyPattern(ps, v);
    }
    case 'NumericEquals':
    case 'NumericLessThan':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThan':
    case 'NumericGreaterThanEquals': {
      const ns = values.map(numeric).filter((n) => !Number.isNaN(n));
      const cmp =
        base === 'NumericEquals'
          ? (a: number, b: number) => a === b
          : base === 'NumericLessThan'
            ? (a: number, b: number) => a < b
            : base === 'NumericLessThanEquals'
              ? (a: number, b: number) => a <= b
              : base === 'NumericGreaterThan'
                ? (a: number, b: number) => a > b
                : (a: number, b: number) => a >= b;
      return (v) => {
        const n = numeric(v);
        return !Number.isNaN(n) && ns.some((p) => cmp(n, p));
      };
    }
    case 'DateEquals':
    case 'DateLessThan':
    case 'DateLessThanEquals':
    case 'DateGreaterThan':
    case 'DateGreaterThanEquals': {
      const ds = values.map(dateValue).filter((d): d is number => d !== null);
      const cmp =
        base === 'DateEquals'
          ? (a: number, b: number) => a === b
          : base === 'DateLessThan'
            ? (a: number, b: number) => a < b
            : base === 'DateLessThanEquals'
              ? (a: number, b: number) => a <= b
              : base === 'DateGreaterThan'
                ? (a: number, b: number) => a > b
                : (a: number, b: number) => a >= b;
      return (v) => {
        const d = dateValue(v);
        return d !== null && ds.some((p) => cmp(d, p));
      };
    }
    case 'Bool': {
      const set = new Set(values.map((x) => x.toLowerCase()));
      return (v) => set.has(v.toLowerCase());
    }
    case 'BinaryEquals': {
      const set = new Set(values);
      return (v) => set.has(v);
    }
    case 'IpAddress': {
      const nets = values.map(parseCidr).filter((n): n is Cidr => n !== null);
      return (v) => {
        const ip = parseIp(v);
        return ip !== null && nets.some((n) => inCidr(ip, n));
      };
    }
    case 'ArnEquals':
    case 'ArnLike': {
      // each of the six colon-separated parts is matched on its own; a value that is not an
      // ARN only matches a pattern that is not one either ("*")
      // Most ARN patterns name their first five parts without wildcards (arn:aws:iam::<account>)
      // and start their resource part with some literal text (role/App-*). Such patterns are
      // grouped by those five parts, and within a group bucketed by the first `minHead`
      // characters of their resource part (the shortest literal head in the group): a value is
      // then compared only with the patterns of its own group and bucket, found by two Map
      // lookups, so a long list of role ARNs costs about one comparison, not one per pattern.
      // The rest are tried one by one, part by part.
      const groups = new Map<string, ArnGroup>();
      const others: ({ whole: Pattern } | { parts: (Pattern | string)[] })[] = [];
      const wild = (x: string) => x.includes('*') || x.includes('?');
      const grouped: { prefix: string; head: string; last: Pattern | string }[] = [];
      for (const p of values) {
        const ps = arnParts(p);
        if (!ps) {
          others.push({ whole: compilePattern(p) });
          continue;
        }
        if (ps.slice(0, 5).some(wild)) {
          others.push({ parts: ps.map((x) => (wild(x) ? compilePattern(x) : x)) });
          continue;
        }
        const r = ps[5];
        let h = 0;
        while (h < r.length && r.charCodeAt(h) !== 42 && r.charCodeAt(h) !== 63) h++;
        grouped.push({ prefix: ps.slice(0, 5).join(':') + ':', head: r.slice(0, h), last: wild(r) ? compilePattern(r) : r });
      }
      for (const g of grouped) {
        let e = groups.get(g.prefix);
        if (!e) groups.set(g.prefix, (e = { minHead: Infinity, buckets: new Map() }));
        e.minHead = Math.min(e.minHead, g.head.length, 64);
      }
      for (const g of grouped) {
        const e = groups.get(g.prefix)!;
        const k = g.head.slice(0, e.minHead);
        let b = e.buckets.get(k);
        if (!b) e.buckets.set(k, (b = []));
        b.push({ head: g.head, last: g.last });
      }
      // one group (the usual list of one account's roles): its five parts are compared in place
      const only = groups.size === 1 ? [...groups][0] : undefined;
      return (v) => {
        if (groups.size) {
          // the value's first five parts and the start of its sixth (a group's prefix holds
          // exactly five colons, its last at its end: the value starts with it just when the
          // value's first five parts are the group's)
          let at = -1;
          let e: ArnGroup | undefined;
          if (only !== undefined) {
            if (startsWith(v, only[0])) {
              at = only[0].length - 1;
              e = only[1];
            }
          } else {
            for (let i = 0; i < 5 && (at = v.indexOf(':', at + 1)) >= 0; i++);
            e = at >= 0 ? groups.get(v.slice(0, at + 1)) : undefined;
          }
          if (e) {
            const r = v.slice(at + 1);
            const b = r.length >= e.minHead ? e.buckets.get(r.slice(0, e.minHead)) : undefined;
            if (b) {
              for (const c of b) {
                if (!startsWith(r, c.head)) continue;
                if (typeof c.last === 'string' ? c.last === r : testPattern(c.last, r)) return true;
              }
            }
          }
        }
        if (!others.length) return false;
        const vp = arnParts(v);
        for (const p of others) {
          if ('whole' in p) {
            if (testPattern(p.whole, v)) return true;
            continue;
          }
          if (!vp) continue;
          let all = true;
          for (let j = 0; j < 6 && all; j++) {
            const pp = p.parts[j];
            all = typeof pp === 'string' ? pp === vp[j] : testPattern(pp, vp[j]);
          }
          if (all) return true;
        }
        return false;
      };
    }
    default:
      // negated operators and Null are handled by the caller
      return () => false;
  }
}

/** ARN patterns with the same first five parts, bucketed by the first `minHead` characters of their resource part */
interface ArnGroup {
  minHead: number;
  buckets: Map<string, { head: string; last: Pattern | string }[]>;
}

export function compileCondition(c: ParsedCondition): CompiledCondition {
  const pos = NEGATED.get(c.base);
  const lower = c.base === 'Null' ? c.values.map((v) => v.toLowerCase()) : [];
  return {
    src: c,
    keyLc: c.key.toLowerCase(),
    negated: pos !== undefined,
    any: positiveTest(pos ?? c.base, c.values),
    nullWantsTrue: lower.includes('true'),
    nullWantsFalse: lower.includes('false'),
  };
}
// ---- IP addresses (IpAddress / NotIpAddress) ------------------------------------------------

interface Cidr {
  v6: boolean;
  addr: bigint;
  bits: number;
}

function parseIp(s: string): { v6: boolean; addr: bigint } | null {
  const t = s.trim();
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(t)) {
    const parts = t.split('.').map(Number);
    if (parts.some((p) => p > 255)) return null;
    return { v6: false, addr: BigInt(((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3]) };
  }
  if (!/^[0-9a-fA-F:]+$/.test(t) || !t.includes(':')) return null;
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let addr = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    addr = (addr << 16n) + BigInt(parseInt(g, 16));
  }
  return { v6: true, addr };
}

function parseCidr(s: string): Cidr | null {
  const [ip, len] = s.split('/');
  const a = parseIp(ip);
  if (!a) return null;
  const max = a.v6 ? 128 : 32;
  const bits = len === undefined ? max : Number(len);
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return null;
  return { ...a, bits };
}

function inCidr(ip: { v6: boolean; addr: bigint }, n: Cidr): boolean {
  if (ip.v6 !== n.v6) return false;
  const shift = BigInt((n.v6 ? 128 : 32) - n.bits);
  return ip.addr >> shift === n.addr >> shift;
}

/** a value quoted for a reason; a long one is cut (a request value can be a megabyte long) */
export const q = (s: string) => (s.length > SHOWN_CHARS ? `'${s.slice(0, SHOWN_CHARS)}…' (${s.length} characters)` : `'${s}'`);
/** a list of values for a reason, the first SHOWN_VALUES of them */
export const qs = (xs: readonly string[]) => `[${xs.slice(0, SHOWN_VALUES).map(q).join(', ')}${xs.length > SHOWN_VALUES ? `, … ${xs.length - SHOWN_VALUES} more` : ''}]`;
const SHOWN_CHARS = 200;
export const SHOWN_VALUES = 20;
export const list = (xs: readonly string[]) => `[${joined(xs, ', ')}]`;

/**
 * xs.join(sep) for strings, put together without copying them (join writes one new string, which
 * for the long lists and sentences of a decision costs more than the rest of it)
 */
export function joined(xs: readonly string[], sep: string): string {
  if (xs.length === 0) return '';
  let out = xs[0];
  for (let i = 1; i < xs.length; i++) out += sep + xs[i];
  return out;
}

/** evaluates one condition; returns null when it holds, else the reason it does not */
export function checkCondition(c: CompiledCondition, idx: ConditionIndex): string | null {
  const { src } = c;
  const raw = idx.get(c.keyLc);
  // the request's value: one (a string, or a boolean or number written as one), or several
  let one: string | undefined;
  let several: readonly string[] | undefined;
  if (raw !== undefined) {
    if (typeof raw === 'string') one = raw;
    else if (typeof raw === 'boolean' || typeof raw === 'number') one = String(raw);
    else if (raw.length > 0) several = raw;
  }
  const present = one !== undefined || several !== undefined;

  if (src.base === 'Null') {
    if (present ? c.nullWantsFalse : c.nullWantsTrue) return null;
    return present ? `${labelOf(c)}: the key is present (${qs(valueList(one, several))}), the policy wants it absent` : notPresent(c);
  }

  if (src.set === 'ForAllValues') {
    if (!present) return null;
    const bad = valueList(one, several).filter((v) => !holds(c, v));
    if (!bad.length) return null;
    return c.negated ? `${labelOf(c)}: value ${q(bad[0])} is in ${shown(c)}` : `${labelOf(c)}: value ${q(bad[0])} not in ${shown(c)}`;
  }
  if (src.set === 'ForAnyValue') {
    // IfExists does not rescue a missing key here: the set operator already decides
    if (!present) return notPresent(c);
    const vs = valueList(one, several);
    for (let i = 0; i < vs.length; i++) if (holds(c, vs[i])) return null;
    return c.negated ? `${labelOf(c)}: every value of ${qs(vs)} is in ${shown(c)}` : `${labelOf(c)}: no value of ${qs(vs)} in ${shown(c)}`;
  }

  // single-valued operator
  if (!present) {
    if (src.ifExists || c.negated) return null;
    return notPresent(c);
  }
  if (several !== undefined && several.length > 1) {
    return `${labelOf(c)}: the request has several values ${qs(several)}; a multivalued key needs ForAnyValue: or ForAllValues:`;
  }
  const v = one ?? several![0];
  if (holds(c, v)) return null;
  // "<label>: value 'v' not in [...]" (or "matches [...]"), around the value the same each time
  return (c.valueHead ??= `${labelOf(c)}: value `) + q(v) + (c.valueTail ??= c.negated ? ` matches ${shown(c)}` : ` not in ${shown(c)}`);
}

/** the request's values as a list (only for the set operators and the reasons that show them all) */
function valueList(one: string | undefined, several: readonly string[] | undefined): readonly string[] {
  return several ?? [one!];
}

/** "<label>: the key is not present in the request" (written once) */
function notPresent(c: CompiledCondition): string {
  return (c.notPresent ??= `${labelOf(c)}: the key is not present in the request`);
}

/** does one request value satisfy the condition's operator (negated operators: match no policy value)? */
function holds(c: CompiledCondition, v: string): boolean {
  // the value is read (hashed, lower-cased, parsed, split) at least once by native code, about
  // four characters for one step of a matcher; the wildcard matchers count their own on top
  chargeSteps((v.length >> 2) + 1);
  return c.negated ? !c.any(v) : c.any(v);
}

/** "Condition StringEquals kms:EncryptionContext:app", the start of every reason (written once) */
function labelOf(c: CompiledCondition): string {
  return (c.label ??= `Condition ${c.src.operator} ${c.src.key}`);
}

export const EMPTY_INDEX = new Map<string, ContextValue>();

/** the policy values of a condition as a reason shows them (written once: they never change) */
function shown(c: CompiledCondition): string {
  return (c.shown ??= qs(c.src.values));
}

// ---- policy variables ------------------------------------------------------------------------

/**
 * The operators whose values may hold policy variables: "You can use policy variables in the
 * Resource element and in string comparisons in the Condition element" (IAM User Guide, "IAM
 * policy elements: Variables and tags"); ARN operators compare strings too.
 */
export const VARIABLE_OPERATORS: ReadonlySet<string> = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
]);
