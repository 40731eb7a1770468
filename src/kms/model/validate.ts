/**
 * Model validation of a request body, the way the Coral front end of KMS does it before the
 * service sees the request. Pure and synchronous: no DOM, no clock, no randomness.
 *
 * Two stages, as in Coral:
 *
 * 1. Deserialization (`SerializationException`): a JSON value of the wrong type for its member.
 *    The first mismatch in document order wins. Messages, from recordings of real Coral JSON
 *    services (kinesalite's tests run against Kinesis; athena-local / floci probes of Athena
 *    and SES in 2026-09; SPEC §1.1):
 *      - `Start of structure or map found where not expected.`  object where a scalar/list is expected
 *      - `Start of list found where not expected`               array where a scalar/map/structure is expected
 *      - `Expected null`                                        scalar where a structure is expected
 *      - `Expected list or null` / `Expected map or null`       scalar where a list / map is expected
 *      - `STRING_VALUE can not be converted to an Integer`, `TRUE_VALUE … to an Integer`,
 *        `NUMBER_VALUE can not be converted to a String`, `FALSE_VALUE … to a String`,
 *        `STRING_VALUE can not be converted to an Boolean` (sic), `NUMBER_VALUE … to a Boolean`
 *      - `'<v>' can not be converted to a Blob: <reason>` for a string that is not strict
 *        base64 (reasons in ../util/base64.ts; Kinesis recording).
 *    INFERRED by analogy (no recording): `NUMBER_VALUE can not be converted to an Integer` for a
 *    number with a fraction (Athena truncates 1.5 to 1 instead; we reject so the body is never
 *    changed), `<X>_VALUE can not be converted to a Blob` for a non-string blob,
 *    `<X>_VALUE can not be converted to a Date` for a non-number timestamp, `… to a Long`.
 *    A body that is not a JSON object: an array gets `Start of list found where not expected`;
 *    a scalar or null gets an empty message (Athena answers those without a message; the wire
 *    layer may omit the member).
 *
 * 2. Constraints (`ValidationException`), all failures collected, in the shape's member order,
 *    depth first: required, length (strings in UTF-16 code units, like Java's String.length;
 *    blobs in decoded bytes; lists in items; maps in entries), numeric range, enum, pattern.
 *    `N validation error(s) detected: e1; e2`, each `Value '<v>' at '<path>' failed to satisfy
 *    constraint: <constraint>`. Paths are lower-camel member names joined with `.`; list
 *    items of structures are `<list>.<1-based index>.member`.
 *
 * Choices where neither the model nor a recording says (also in the report for docs/fidelity.md):
 *    - a member that is JSON `null` counts as absent (Athena probe).
 *    - sensitive members (Plaintext…) are never echoed, not even as `null`: `Value at 'plaintext'`
 *      (an emulator's KMS probes show this for a missing Plaintext).
 *    - blobs are never echoed when present (`Value at 'ciphertextBlob'`), `Value null` when missing.
 *    - a list of simple values (strings, enums) is checked as a whole, like real AWS reports
 *      lists of strings: one failure at the list path, echoing the list, listing every
 *      constraint of the item shape: `Value '[Foo]' at 'operations' failed to satisfy
 *      constraint: Member must satisfy constraint: [Member must satisfy enum value set: […]]`.
 *      A null item adds `Member must not be null` to that list. Maps are checked the same way
 *      with `Map keys must satisfy constraint: […]` then `Map value must satisfy constraint: […]`.
 *    - a null item in a list of structures: `Value null at 'tags.1.member' … Member must not be null`.
 *    - echo format of collections follows Java's toString: `[a, b]`, `{k=v, k2=v2}`.
 */
import { OPERATIONS, SHAPES, type OperationName, type ShapeDef } from './shapes.generated';
import { base64DecodedLength, base64DecodedLengthOfValid, base64Problem } from '../util/base64';
import { compileJavaPattern } from './javaRegex';

export type ValidationResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; code: 'SerializationException' | 'ValidationException'; message: string };

/** Coral's member path segment: the member name with its first character lower-cased. */
export function lowerCamel(name: string): string {
  return name.length === 0 ? name : name[0]!.toLowerCase() + name.slice(1);
}

// ---------------------------------------------------------------------------------------------
// Compiled shapes

const enum Kind {
  String,
  Integer,
  Long,
  Boolean,
  Blob,
  Timestamp,
  List,
  Map,
  Structure,
}

interface Member {
  readonly name: string;
  /** lowerCamel(name) */
  readonly path: string;
  readonly required: boolean;
  readonly node: Node;
}

interface Node {
  name: string;
  kind: Kind;
  /** min/max length (string, blob, list, map) or value (integer, long); ±Infinity when absent */
  min: number;
  max: number;
  re: RegExp | null;
  pattern: string;
  enumSet: ReadonlySet<string> | null;
  enumText: string;
  /** never echo the value (shape is sensitive, or holds sensitive items) */
  sensitive: boolean;
  /** list item or map value */
  item: Node | null;
  /** map key */
  key: Node | null;
  members: readonly Member[];
  byName: ReadonlyMap<string, Member>;
  /** a simple value (not list/map/structure) */
  simple: boolean;
  /** for simple nodes: "Member must …" texts of all its constraints, joined with ", " */
  constraintList: string;
  /** whether the constraint pass has anything to check below this node */
  checked: boolean;
}

const KINDS: Readonly<Record<ShapeDef['type'], Kind>> = {
  string: Kind.String,
  integer: Kind.Integer,
  long: Kind.Long,
  boolean: Kind.Boolean,
  blob: Kind.Blob,
  timestamp: Kind.Timestamp,
  list: Kind.List,
  map: Kind.Map,
  structure: Kind.Structure,
};

const nodes = new Map<string, Node>();
const regexCache = new Map<string, RegExp>();

function nodeFor(name: string): Node {
  const cached = nodes.get(name);
  if (cached) return cached;
  const def = SHAPES[name];
  if (!def) throw new Error(`validate: unknown shape ${name}`);
  const n: Node = {
    name,
    kind: KINDS[def.type],
    min: -Infinity,
    max: Infinity,
    re: null,
    pattern: '',
    enumSet: null,
    enumText: '',
    sensitive: false,
    item: null,
    key: null,
    members: [],
    byName: new Map(),
    simple: true,
    constraintList: '',
    checked: false,
  };
  nodes.set(name, n); // before recursing, so recursive shapes terminate
  if ('min' in def && def.min !== undefined) n.min = def.min;
  if ('max' in def && def.max !== undefined) n.max = def.max;
  if ('sensitive' in def && def.sensitive) n.sensitive = true;
  switch (def.type) {
    case 'string':
      if (def.pattern !== undefined) {
        n.pattern = def.pattern;
        let re = regexCache.get(def.pattern);
        if (!re) regexCache.set(def.pattern, (re = compileJavaPattern(def.pattern)));
        n.re = re;
      }
      if (def.enum) {
        n.enumSet = new Set(def.enum);
        n.enumText = `Member must satisfy enum value set: [${def.enum.join(', ')}]`;
      }
      break;
    case 'list':
      n.simple = false;
      n.item = nodeFor(def.member);
      n.sensitive ||= n.item.sensitive;
      break;
    case 'map':
      n.simple = false;
      n.key = nodeFor(def.key);
      n.item = nodeFor(def.value);
      n.sensitive ||= n.item.sensitive || n.key.sensitive;
      break;
    case 'structure': {
      n.simple = false;
      const required = new Set(def.required);
      const members: Member[] = [];
      const byName = new Map<string, Member>();
      for (const [m, shape] of Object.entries(def.members)) {
        const member: Member = { name: m, path: lowerCamel(m), required: required.has(m), node: nodeFor(shape) };
        members.push(member);
        byName.set(m, member);
      }
      n.members = members;
      n.byName = byName;
      break;
    }
    default:
      break;
  }
  n.constraintList = n.simple ? constraintTexts(n).join(', ') : '';
  n.checked = isChecked(n, new Set());
  return n;
}

/** Constraint texts in the order Coral lists them for items: max, min, pattern, enum. */
function constraintTexts(n: Node): string[] {
  const t: string[] = [];
  const what = n.kind === Kind.Integer || n.kind === Kind.Long ? 'value' : 'length';
  if (n.max !== Infinity) t.push(`Member must have ${what} less than or equal to ${n.max}`);
  if (n.min !== -Infinity) t.push(`Member must have ${what} greater than or equal to ${n.min}`);
  if (n.re) t.push(`Member must satisfy regular expression pattern: ${n.pattern}`);
  if (n.enumSet) t.push(n.enumText);
  return t;
}

function isChecked(n: Node, seen: Set<Node>): boolean {
  if (seen.has(n)) return false;
  seen.add(n);
  switch (n.kind) {
    case Kind.List:
    case Kind.Map:
      return true; // null items are reported, so lists and maps are always walked
    case Kind.Structure:
      return n.members.some((m) => m.required || isChecked(m.node, seen));
    default:
      return n.min !== -Infinity || n.max !== Infinity || n.re !== null || n.enumSet !== null;
  }
}

/**
 * compiled input structure per operation (null: the operation has no input shape), compiled with
 * the operation's first request: compiling all of them (their patterns are regular expressions)
 * would hold up the engine's loading, and with it a page's first answer. The model has no
 * recursive shape, so what a node compiles to does not depend on the order.
 */
const ROOTS = new Map<string, Node | null>();
function rootFor(op: string): Node | null | undefined {
  let root = ROOTS.get(op);
  if (root === undefined && Object.hasOwn(OPERATIONS, op)) {
    const input = OPERATIONS[op as OperationName].input;
    root = input === null ? null : nodeFor(input);
    ROOTS.set(op, root);
  }
  return root;
}

// ---------------------------------------------------------------------------------------------
// Stage 1: JSON types

const MSG_MAP_START = 'Start of structure or map found where not expected.';
const MSG_LIST_START = 'Start of list found where not expected';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `<JSON token>_VALUE can not be converted to <target>`, or the start-of-container message */
function mismatch(v: unknown, target: string): string {
  switch (typeof v) {
    case 'string':
      return `STRING_VALUE can not be converted to ${target}`;
    case 'number':
      return `NUMBER_VALUE can not be converted to ${target}`;
    case 'boolean':
      return `${v ? 'TRUE' : 'FALSE'}_VALUE can not be converted to ${target}`;
    default:
      return Array.isArray(v) ? MSG_LIST_START : MSG_MAP_START;
  }
}

/** first type mismatch under `v` (not null), or null */
function typeError(n: Node, v: unknown): string | null {
  switch (n.kind) {
    case Kind.String:
      return typeof v === 'string' ? null : mismatch(v, 'a String');
    case Kind.Integer:
      if (typeof v === 'number') return Number.isInteger(v) ? null : 'NUMBER_VALUE can not be converted to an Integer';
      return mismatch(v, 'an Integer');
    case Kind.Long:
      if (typeof v === 'number') return Number.isInteger(v) ? null : 'NUMBER_VALUE can not be converted to a Long';
      return mismatch(v, 'a Long');
    case Kind.Boolean:
      if (typeof v === 'boolean') return null;
      // recorded spelling: "an Boolean" after STRING_VALUE, "a Boolean" after NUMBER_VALUE
      return typeof v === 'string' ? 'STRING_VALUE can not be converted to an Boolean' : mismatch(v, 'a Boolean');
    case Kind.Blob:
      if (typeof v === 'string') {
        if (base64DecodedLength(v) >= 0) return null;
        return `'${v}' can not be converted to a Blob: ${base64Problem(v)}`;
      }
      return mismatch(v, 'a Blob');
    case Kind.Timestamp:
      return typeof v === 'number' ? null : mismatch(v, 'a Date');
    case Kind.List: {
      if (!Array.isArray(v)) return isObject(v) ? MSG_MAP_START : 'Expected list or null';
      const item = n.item!;
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (x === null || x === undefined) continue;
        const e = typeError(item, x);
        if (e !== null) return e;
      }
      return null;
    }
    case Kind.Map: {
      if (!isObject(v)) return Array.isArray(v) ? MSG_LIST_START : 'Expected map or null';
      const value = n.item!;
      // own keys only: a map's keys are the caller's (`__proto__`, `constructor` are keys too)
      for (const k of Object.keys(v)) {
        const x = v[k];
        if (x === null || x === undefined) continue;
        const e = typeError(value, x);
        if (e !== null) return e;
      }
      return null;
    }
    case Kind.Structure: {
      if (!isObject(v)) return Array.isArray(v) ? MSG_LIST_START : 'Expected null';
      // fast pass in member order; only when it finds a problem, look again in document order
      // (a streaming deserializer reports the first one it meets). Unknown members are skipped.
      const members = n.members;
      let bad = false;
      for (let i = 0; i < members.length; i++) {
        const m = members[i]!;
        const x = v[m.name];
        if (x === null || x === undefined) continue;
        if (typeError(m.node, x) !== null) {
          bad = true;
          break;
        }
      }
      if (!bad) return null;
      for (const k of Object.keys(v)) {
        const m = n.byName.get(k);
        if (m === undefined) continue;
        const x = v[k];
        if (x === null || x === undefined) continue;
        const e = typeError(m.node, x);
        if (e !== null) return e;
      }
      return null;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Stage 2: constraints

/** path segments of the value being checked; turned into text only when something fails */
const path: (string | number)[] = [];
let errors: string[] | null = null;

function fail(valueText: string, constraint: string): void {
  (errors ??= []).push(`${valueText} at '${path.join('.')}' failed to satisfy constraint: ${constraint}`);
}

/** Java-toString-like rendering of a JSON value, for `Value '<v>'` */
function render(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(render).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}=${render(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

/** the "Value …" part for a present value */
function valueText(n: Node, v: unknown): string {
  if (n.sensitive || n.kind === Kind.Blob) return 'Value';
  return `Value '${render(v)}'`;
}

function checkStructure(n: Node, obj: Record<string, unknown>): void {
  const members = n.members;
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    const v = obj[m.name];
    if (v === null || v === undefined) {
      if (m.required) {
        path.push(m.path);
        fail(m.node.sensitive ? 'Value' : 'Value null', 'Member must not be null');
        path.pop();
      }
      continue;
    }
    if (!m.node.checked) continue;
    path.push(m.path);
    checkValue(m.node, v);
    path.pop();
  }
}

/** true when a simple value satisfies every constraint of n (nulls fail) */
function simpleOk(n: Node, v: unknown): boolean {
  if (v === null || v === undefined) return false;
  switch (n.kind) {
    case Kind.String: {
      const s = v as string;
      if (s.length < n.min || s.length > n.max) return false;
      if (n.enumSet !== null && !n.enumSet.has(s)) return false;
      return n.re === null || n.re.test(s);
    }
    case Kind.Integer:
    case Kind.Long:
      return (v as number) >= n.min && (v as number) <= n.max;
    case Kind.Blob: {
      const len = base64DecodedLengthOfValid(v as string);
      return len >= n.min && len <= n.max;
    }
    default:
      return true;
  }
}

function checkValue(n: Node, v: unknown): void {
  switch (n.kind) {
    case Kind.String: {
      const s = v as string;
      if (s.length < n.min) fail(valueText(n, v), `Member must have length greater than or equal to ${n.min}`);
      if (s.length > n.max) fail(valueText(n, v), `Member must have length less than or equal to ${n.max}`);
      if (n.enumSet !== null && !n.enumSet.has(s)) fail(valueText(n, v), n.enumText);
      if (n.re !== null && !n.re.test(s)) fail(valueText(n, v), `Member must satisfy regular expression pattern: ${n.pattern}`);
      return;
    }
    case Kind.Integer:
    case Kind.Long: {
      const x = v as number;
      if (x < n.min) fail(valueText(n, v), `Member must have value greater than or equal to ${n.min}`);
      if (x > n.max) fail(valueText(n, v), `Member must have value less than or equal to ${n.max}`);
      return;
    }
    case Kind.Blob: {
      const len = base64DecodedLengthOfValid(v as string);
      if (len < n.min) fail(valueText(n, v), `Member must have length greater than or equal to ${n.min}`);
      if (len > n.max) fail(valueText(n, v), `Member must have length less than or equal to ${n.max}`);
      return;
    }
    case Kind.List: {
      const list = v as readonly unknown[];
      if (list.length < n.min) fail(valueText(n, v), `Member must have length greater than or equal to ${n.min}`);
      if (list.length > n.max) fail(valueText(n, v), `Member must have length less than or equal to ${n.max}`);
      const item = n.item!;
      if (item.simple) {
        let bad = false;
        let sawNull = false;
        for (let i = 0; i < list.length; i++) {
          const x = list[i];
          if (x === null || x === undefined) sawNull = true;
          else if (item.checked && !simpleOk(item, x)) bad = true;
        }
        if (bad || sawNull) fail(valueText(n, v), `Member must satisfy constraint: [${itemConstraints(item, sawNull)}]`);
        return;
      }
      for (let i = 0; i < list.length; i++) {
        const x = list[i];
        path.push(i + 1, 'member');
        if (x === null || x === undefined) fail('Value null', 'Member must not be null');
        else if (item.checked) checkValue(item, x);
        path.pop();
        path.pop();
      }
      return;
    }
    case Kind.Map: {
      const map = v as Record<string, unknown>;
      if (n.min !== -Infinity || n.max !== Infinity) {
        const size = Object.keys(map).length;
        if (size < n.min) fail(valueText(n, v), `Member must have length greater than or equal to ${n.min}`);
        if (size > n.max) fail(valueText(n, v), `Member must have length less than or equal to ${n.max}`);
      }
      const key = n.key!;
      const value = n.item!;
      if (key.checked) {
        let bad = false;
        for (const k of Object.keys(map)) if (!simpleOk(key, k)) bad = true;
        if (bad) fail(valueText(n, v), `Map keys must satisfy constraint: [${key.constraintList}]`);
      }
      if (value.simple) {
        let bad = false;
        let sawNull = false;
        for (const k of Object.keys(map)) {
          const x = map[k];
          if (x === null || x === undefined) sawNull = true;
          else if (value.checked && !simpleOk(value, x)) bad = true;
        }
        if (bad || sawNull) fail(valueText(n, v), `Map value must satisfy constraint: [${itemConstraints(value, sawNull)}]`);
        return;
      }
      for (const k of Object.keys(map)) {
        const x = map[k];
        path.push(k);
        if (x === null || x === undefined) fail('Value null', 'Member must not be null');
        else if (value.checked) checkValue(value, x);
        path.pop();
      }
      return;
    }
    case Kind.Structure:
      checkStructure(n, v as Record<string, unknown>);
      return;
    default:
      return;
  }
}

function itemConstraints(item: Node, withNotNull: boolean): string {
  if (!withNotNull) return item.constraintList;
  return item.constraintList === '' ? 'Member must not be null' : `${item.constraintList}, Member must not be null`;
}

// ---------------------------------------------------------------------------------------------

/**
 * Validates a parsed request body against the operation's input shape. On success `value` is
 * the body itself, unchanged (unknown members are kept and ignored).
 */
export function validateInput(op: OperationName, body: unknown): ValidationResult {
  const root = rootFor(op);
  if (root === undefined) throw new Error(`validateInput: unknown operation ${String(op)}`);
  if (!isObject(body)) {
    return { ok: false, code: 'SerializationException', message: Array.isArray(body) ? MSG_LIST_START : '' };
  }
  if (root === null) return { ok: true, value: body };
  const typeProblem = typeError(root, body);
  if (typeProblem !== null) return { ok: false, code: 'SerializationException', message: typeProblem };
  if (root.checked) {
    if (path.length !== 0) path.length = 0; // only after an exception escaped a previous call
    errors = null;
    checkStructure(root, body);
    if (errors !== null) {
      const list: string[] = errors;
      errors = null;
      const n = list.length;
      return {
        ok: false,
        code: 'ValidationException',
        message: `${n} validation error${n === 1 ? '' : 's'} detected: ${list.join('; ')}`,
      };
    }
  }
  return { ok: true, value: body };
}
