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

export type ResolveResult = { ok: true; value: unknown } | { ok: false; message: string };
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

/** Whether `path` leads somewhere in `root` (valueAtPath would not be missing). */
export function hasPath(root: unknown, path: string): boolean {
  return valueAtPath(root, path) !== MISSING;
}

function resolveString(text: string, responses: ReadonlyMap<string, unknown>): ResolveResult {
  if (!text.includes('{{')) return { ok: true, value: text };
  const matches = [...text.matchAll(REFERENCE)];
  if (matches.length === 0) return { ok: true, value: text };
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
  if (matches.length === 1 && only[0] === text) return lookup(only[1], only[2]);
  // otherwise: interpolate as text
  let out = '';
  let last = 0;
  for (const m of matches) {
    const r = lookup(m[1], m[2]);
    if (!r.ok) return r;
    out += text.slice(last, m.index) + (typeof r.value === 'string' ? r.value : JSON.stringify(r.value));
    last = m.index! + m[0].length;
  }
  return { ok: true, value: out + text.slice(last) };
}

/**
 * Replaces every reference in `value` (strings at any depth of a JSON value) by what it names
 * in `responses` (step id -> parsed response body). A copy is returned; `value` is not changed.
 * Fails with a message such as "step 'grant' has no response member GrantToken".
 */
export function resolveReferences(value: unknown, responses: ReadonlyMap<string, unknown>): ResolveResult {
  if (typeof value === 'string') return resolveString(value, responses);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const r = resolveReferences(item, responses);
      if (!r.ok) return r;
      out.push(r.value);
    }
    return { ok: true, value: out };
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const r = resolveReferences(value[key], responses);
      if (!r.ok) return r;
      // defineProperty: a "__proto__" key stays a plain data member
      Object.defineProperty(out, key, { value: r.value, enumerable: true, writable: true, configurable: true });
    }
    return { ok: true, value: out };
  }
  return { ok: true, value };
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
export function errorOf(body: unknown): { type: string; message?: string } | undefined {
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
