/**
 * References and checks of scenario v2 (docs/scenario-format.md "References", "Checks").
 *
 * - `{{stepId.Dotted.Path}}` in a request body, a caller or an expected value stands for the
 *   value at that path in the response body of the earlier step with that id.
 * - `expect` states what a response should be; checkExpectation says, in plain English, each
 *   way it is not.
 *
 * Pure functions of their arguments: no DOM, no clock, so replay stays deterministic.
 */
import { REFERENCE, type Expectation } from './format';
import { LIMITS } from './limits';

export type ResolveResult = { ok: true; value: unknown } | { ok: false; message: string };

/** How large a resolved value may grow: a few references can repeat a large response many times. */
export interface ResolveOptions {
  /**
   * the most UTF-8 bytes the resolved value may take as JSON text (what JSON.stringify gives);
   * LIMITS.requestBodyBytes (1 MiB, the engine's body limit) unless given
   */
  maxBytes?: number;
  /** what the value is, for the refusal ("a body", "a caller"); 'a value' unless given */
  what?: string;
}
export interface CheckResult {
  ok: boolean;
  failures: string[];
  /** what each failure is, index for index with `failures`, for readers that word it their own way */
  details?: CheckFailure[];
}

/** one failed part of an expectation */
export type CheckFailure =
  | { kind: 'status'; want: number; /** the status, and the error if any */ got: string }
  | { kind: 'error'; want: string; /** the error type and message, or the status when there was no error */ got: string }
  | {
      kind: 'match';
      path: string;
      want: unknown;
      /** absent when the response has no such member */
      got?: unknown;
      missing: boolean;
      /** a missing member's response when it is an error: its status, error type and message */
      response?: string;
    };

const MISSING: unique symbol = Symbol('missing');

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * The value at a dotted path: object members by name, array items by index, and `length` of
 * an array or a string. An empty path is the value itself.
 */
export function valueAtPath(root: unknown, path: string): unknown {
  if (path === '') return root;
  let node: unknown = root;
  for (const part of path.split('.')) {
    if (Array.isArray(node)) {
      if (part === 'length') node = node.length;
      else if (/^(0|[1-9]\d*)$/.test(part) && Number(part) < node.length) node = node[Number(part)];
      else return MISSING;
    } else if (typeof node === 'string' && part === 'length') {
      node = node.length;
    } else if (isPlainObject(node) && Object.prototype.hasOwnProperty.call(node, part)) {
      node = node[part];
    } else {
      return MISSING;
    }
  }
  return node;
}

/** unwinds a resolution that would pass its budget */
class OverBudget extends Error {}

/** what a resolution may still spend, in UTF-8 bytes of JSON text */
interface Budget {
  left: number;
}

function spend(budget: Budget, bytes: number): void {
  budget.left -= bytes;
  if (budget.left < 0) throw new OverBudget();
}

/**
 * The UTF-8 bytes of JSON.stringify(s), counted up to just past `limit` (then the count is only
 * known to be over it): work is bounded by the limit, not by the string.
 */
export function jsonStringBytes(s: string, limit = Infinity): number {
  let n = 2;
  for (let i = 0; i < s.length && n <= limit; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0x22 || c === 0x5c) n += 2; // \" and \\
      else if (c >= 0x20) n += 1;
      else n += c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6; // \b \t \n \f \r, else \u00XX
    } else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 6; // a lone surrogate is written \udXXX
    } else if (c >= 0xdc00 && c <= 0xdfff) n += 6;
    else n += 3;
  }
  return n;
}

/** Spends the JSON size of a value (a response member) on the budget, stopping once it is over. */
function spendJson(value: unknown, budget: Budget): void {
  if (typeof value === 'string') spend(budget, jsonStringBytes(value, budget.left));
  else if (Array.isArray(value)) {
    spend(budget, value.length === 0 ? 2 : 1 + value.length); // [ ] and the commas
    for (const item of value) spendJson(item, budget);
  } else if (isPlainObject(value)) {
    const keys = Object.keys(value);
    spend(budget, keys.length === 0 ? 2 : 1 + keys.length * 2); // { } , and :
    for (const key of keys) {
      spend(budget, jsonStringBytes(key, budget.left));
      spendJson(value[key], budget);
    }
  } else spend(budget, (JSON.stringify(value) ?? 'null').length); // numbers, true, false, null
}

function resolveString(text: string, responses: ReadonlyMap<string, unknown>, budget: Budget): ResolveResult {
  const literal = (): ResolveResult => {
    spend(budget, jsonStringBytes(text, budget.left));
    return { ok: true, value: text };
  };
  if (!text.includes('{{')) return literal();
  const matches = [...text.matchAll(REFERENCE)];
  if (matches.length === 0) return literal();
  const lookup = (id: string, dotted: string): ResolveResult => {
    if (!responses.has(id)) return { ok: false, message: `step '${id}' has no response (it has not run, or it is not a request step with that id)` };
    const path = dotted.startsWith('.') ? dotted.slice(1) : dotted;
    const body = responses.get(id);
    if (body === undefined) {
      return { ok: false, message: path === '' ? `step '${id}' has no response body` : `step '${id}' has no response member ${path} (its response had no JSON body)` };
    }
    const value = valueAtPath(body, path);
    if (value === MISSING || value === undefined) return { ok: false, message: `step '${id}' has no response member ${path}` };
    return { ok: true, value };
  };
  // exactly one reference: the referenced value, with its JSON type
  const only = matches[0];
  if (matches.length === 1 && only[0] === text) {
    const r = lookup(only[1], only[2]);
    if (r.ok) spendJson(r.value, budget);
    return r;
  }
  // otherwise: interpolate as text, each piece counted before it is added, so that the text
  // never grows past what is left of the budget
  let out = '';
  let counted = 2;
  const add = (piece: string) => {
    counted += jsonStringBytes(piece, budget.left - counted) - 2;
    if (counted > budget.left) throw new OverBudget();
    out += piece;
  };
  let last = 0;
  for (const m of matches) {
    const r = lookup(m[1], m[2]);
    if (!r.ok) return r;
    add(text.slice(last, m.index));
    add(typeof r.value === 'string' ? r.value : JSON.stringify(r.value));
    last = m.index! + m[0].length;
  }
  add(text.slice(last));
  // the whole text counted once more: a surrogate pair split between two pieces is 4 bytes, not 12
  spend(budget, jsonStringBytes(out, budget.left));
  return { ok: true, value: out };
}

function resolveValue(value: unknown, responses: ReadonlyMap<string, unknown>, budget: Budget): ResolveResult {
  if (typeof value === 'string') return resolveString(value, responses, budget);
  if (Array.isArray(value)) {
    spend(budget, value.length === 0 ? 2 : 1 + value.length);
    const out: unknown[] = [];
    for (const item of value) {
      const r = resolveValue(item, responses, budget);
      if (!r.ok) return r;
      out.push(r.value);
    }
    return { ok: true, value: out };
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    spend(budget, keys.length === 0 ? 2 : 1 + keys.length * 2);
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      spend(budget, jsonStringBytes(key, budget.left));
      const r = resolveValue(value[key], responses, budget);
      if (!r.ok) return r;
      // defineProperty: a "__proto__" key stays a plain data member
      Object.defineProperty(out, key, { value: r.value, enumerable: true, writable: true, configurable: true });
    }
    return { ok: true, value: out };
  }
  spendJson(value, budget);
  return { ok: true, value };
}

/** 1 MiB, 16 KiB, 1,000 bytes */
function bytesInWords(n: number): string {
  if (n >= 1_048_576 && n % 1_048_576 === 0) return `${n / 1_048_576} MiB`;
  if (n >= 1_024 && n % 1_024 === 0) return `${n / 1_024} KiB`;
  return `${n.toLocaleString('en-US')} bytes`;
}

/**
 * Replaces every reference in `value` (strings at any depth of a JSON value) by what it names
 * in `responses` (step id -> parsed response body). A copy is returned; `value` is not changed.
 * Fails with a message such as "step 'grant' has no response member GrantToken".
 *
 * The resolved value is counted as it is built (UTF-8 bytes of its JSON text): once it would pass
 * `maxBytes` (1 MiB, the engine's body limit, unless given), resolution stops and fails with
 * "this step's {{references}} would make a body over 1 MiB". A short link whose references repeat
 * a large response thousands of times so costs work in proportion to the limit, never to the size
 * it would have grown to.
 */
export function resolveReferences(value: unknown, responses: ReadonlyMap<string, unknown>, opts: ResolveOptions = {}): ResolveResult {
  const maxBytes = opts.maxBytes ?? LIMITS.requestBodyBytes;
  try {
    return resolveValue(value, responses, { left: maxBytes });
  } catch (e) {
    if (!(e instanceof OverBudget)) throw e;
    return { ok: false, message: `this step's {{references}} would make ${opts.what ?? 'a value'} over ${bytesInWords(maxBytes)}` };
  }
}

/** Deep equality of JSON values (object member order does not matter, array order does). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** `com.amazon.coral.service#AccessDeniedException:http://…` → `AccessDeniedException` (as the SDKs read it) */
export function bareErrorType(type: string): string {
  return type.replace(/^.*#/, '').replace(/:.*$/, '');
}

/** The error a response body carries: its `__type` and message (either casing), if any. */
function errorOf(body: unknown): { type: string; message?: string } | undefined {
  if (!isPlainObject(body) || typeof body.__type !== 'string') return undefined;
  const message = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : undefined;
  return message === undefined ? { type: bareErrorType(body.__type) } : { type: bareErrorType(body.__type), message };
}

function clip(text: string, max = 160): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

/** a value as a check's sentence shows it: JSON, clipped */
export function show(value: unknown): string {
  return clip(JSON.stringify(value) ?? String(value), 120);
}

/** `400 (AccessDeniedException: User: … is not authorized …)` or `200` */
function describeResponse(status: number, body: unknown): string {
  const e = errorOf(body);
  if (!e) return String(status);
  return `${status} (${e.message ? `${e.type}: ${clip(e.message)}` : e.type})`;
}

/**
 * Checks a response against an expectation. `body` is the parsed response body (undefined for
 * an empty body). Each failure is one plain-English sentence, e.g.
 * "expected status 200, got 400 (AccessDeniedException: User: … is not authorized …)".
 */
export function checkExpectation(expect: Expectation, status: number, body: unknown): CheckResult {
  const failures: string[] = [];
  const details: CheckFailure[] = [];
  const fail = (text: string, detail: CheckFailure) => {
    failures.push(text);
    details.push(detail);
  };
  if (expect.status !== undefined && expect.status !== status) {
    const got = describeResponse(status, body);
    fail(`expected status ${expect.status}, got ${got}`, { kind: 'status', want: expect.status, got });
  }
  if (expect.error !== undefined) {
    const want = bareErrorType(expect.error);
    const got = errorOf(body);
    if (!got) fail(`expected error ${want}, got ${status} with no error`, { kind: 'error', want, got: `${status} with no error` });
    else if (got.type !== want) {
      const shown = got.message ? `${got.type}: ${clip(got.message)}` : got.type;
      fail(`expected error ${want}, got ${shown}`, { kind: 'error', want, got: shown });
    }
  }
  for (const path of Object.keys(expect.match ?? {})) {
    const want = expect.match![path];
    const got = valueAtPath(body, path);
    if (got === MISSING || got === undefined) {
      const response = errorOf(body) ? describeResponse(status, body) : undefined;
      fail(`expected ${path} to be ${show(want)}, but the response has no ${path}${response ? ` (it is ${response})` : ''}`, { kind: 'match', path, want, missing: true, response });
    } else if (!jsonEqual(got, want)) {
      fail(`expected ${path} to be ${show(want)}, got ${show(got)}`, { kind: 'match', path, want, got, missing: false });
    }
  }
  return { ok: failures.length === 0, failures, details };
}
