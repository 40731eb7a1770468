/**
 * One validation, at the boundary, of what comes from outside: a scenario's settings (share
 * links, scenario files, lessons), simulator options (workspaces, their files, the snapshots an
 * audience window receives) and the input log a workspace file carries.
 *
 * Each check copies the members it accepts one by one into a fresh object, so nothing else
 * travels with them (unknown members are dropped; a `__proto__` or `constructor` key is never
 * read through a prototype), and answers with a result instead of throwing. A refusal is one
 * sentence that names the field and says in plain words what is wrong with it, fit to show a
 * user as it is: "settings.region 'us-east-1$(touch…' is not an AWS region name (such as
 * us-east-1)".
 *
 * Principals: an ARN or an access key id listed twice is refused. The account's own root
 * (arn:aws:iam::<account>:root) listed among them is not a second caller: the entry configures
 * the root itself (the access key id that signs as the root, a secret, an IAM policy), and the
 * engine uses it for every request made as the root. The entry is kept for that; whoever lists
 * callers shows the root once (configuredCallers).
 *
 * Maps whose keys are chosen by whoever wrote the input (a principal's IAM tags, the
 * organizations by account) are copied with defineProperty, so a tag named `__proto__` or
 * `constructor`, which IAM allows, stays a tag: it is neither lost nor set as a prototype.
 */
import type { LogEntry, PrincipalConfig, PropagationOptions, Routing, SimulatorOptions } from '../kms/api';
import { parsePolicy } from '../kms/auth/policy';
import { TARGET_PREFIX } from '../kms/protocol';
import { LIMITS, PATTERNS } from './limits';

/** A checked value, or why it was refused (one plain sentence naming the field). */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** The settings a scenario may carry (format.ts re-exports this type). */
export interface ScenarioSettings {
  region?: string;
  accountId?: string;
  /** virtual clock start, epoch ms */
  startTime?: number;
  /** number of simulated KMS hosts */
  hosts?: number;
  routing?: Routing;
  propagation?: PropagationOptions;
  principals?: PrincipalConfig[];
  /**
   * the AWS Organizations organization of each account, by account id: aws:PrincipalOrgID of
   * that account's principals (SimulatorOptions.organizations)
   */
  organizations?: Record<string, string>;
}

/** What a simulator option set may hold once checked: every SimulatorOption but the store. */
export type CheckedOptions = Omit<SimulatorOptions, 'store'>;

/** The account and region a scenario or a simulator uses when it names none. */
const DEFAULT_ACCOUNT = '111122223333';
const DEFAULT_HOSTS = 3;

// ---------------------------------------------------------------------------------------------
// Refusals and how values are shown in them
// ---------------------------------------------------------------------------------------------

/** Thrown inside the readers below; every public check turns it into `{ ok: false }`. */
export class Refusal extends Error {}

export function refuse(path: string, reason: string): never {
  throw new Refusal(`${path} ${reason}`);
}

const SHOW_LENGTH = 40;

/** A value as a message quotes it: one short line, control characters written as escapes. */
export function show(x: unknown): string {
  if (typeof x === 'string') {
    const escaped = x.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\\']/g, (c) => {
      if (c === '\n') return '\\n';
      if (c === '\r') return '\\r';
      if (c === '\t') return '\\t';
      if (c === '\\' || c === "'") return `\\${c}`;
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    });
    return `'${escaped.length > SHOW_LENGTH ? `${escaped.slice(0, SHOW_LENGTH)}…` : escaped}'`;
  }
  if (typeof x === 'number') return String(x);
  return kind(x);
}

/** What sort of value x is, in words: "a list", "an object", "nothing". */
export function kind(x: unknown): string {
  if (x === undefined) return 'nothing';
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'a list';
  switch (typeof x) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return x ? 'true' : 'false';
    case 'function':
      return 'a function';
    case 'bigint':
      return 'a big integer';
    case 'symbol':
      return 'a symbol';
    default:
      return 'an object';
  }
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

// ---------------------------------------------------------------------------------------------
// Readers (they throw Refusal; the public checks catch it)
// ---------------------------------------------------------------------------------------------

export function isRecord(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** An own member that is not undefined (an inherited one, from a prototype, never counts). */
export function has(o: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key) && o[key] !== undefined;
}

/** The own value of o[key] (undefined for an inherited member). */
function own(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

export function readRecord(x: unknown, path: string, what = 'an object of named members'): Record<string, unknown> {
  if (x === undefined) refuse(path, 'is missing');
  if (!isRecord(x)) refuse(path, `must be ${what}, not ${kind(x)}`);
  return x;
}

export interface TextRule {
  max: number;
  min?: number;
  pattern?: RegExp;
  /** what the text must be, for the refusal: "an AWS region name (such as us-east-1)" */
  what?: string;
  /** refuse control characters (line breaks, tabs, NUL…) even where the pattern allows them */
  noControl?: boolean;
}

export function readText(x: unknown, path: string, rule: TextRule): string {
  if (x === undefined) refuse(path, 'is missing');
  if (typeof x !== 'string') refuse(path, `must be text${rule.what ? ` (${rule.what})` : ''}, not ${kind(x)}`);
  const min = rule.min ?? 0;
  if (x.length < min) refuse(path, min === 1 ? 'is empty' : `is ${x.length} characters long; it needs at least ${min}`);
  if (x.length > rule.max) refuse(path, `is ${count(x.length)} characters long; at most ${count(rule.max)} are allowed`);
  if (rule.noControl && PATTERNS.control.test(x)) refuse(path, `${show(x)} has a control character (such as a line break) in it`);
  if (rule.pattern && !rule.pattern.test(x)) refuse(path, `${show(x)} is not ${rule.what ?? 'in the expected form'}`);
  return x;
}

/** A whole number in [min, max]; `unit` names what it counts ("milliseconds"). */
export function readInt(x: unknown, path: string, min: number, max: number, unit = ''): number {
  if (typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max) return x;
  if (x === undefined) refuse(path, 'is missing');
  const range = `a whole number${unit ? ` of ${unit}` : ''} from ${count(min)} to ${count(max)}`;
  if (typeof x !== 'number') refuse(path, `must be ${range}, not ${kind(x)}`);
  return refuse(path, `${show(x)} is not ${range}`);
}

/** Copies a JSON value (plain objects, arrays, strings, finite numbers, booleans, null) within the bounds. */
export function copyJson(x: unknown, path: string, depth: number, budget: { nodes: number }): unknown {
  if (--budget.nodes < 0) refuse(path, `holds more than ${count(LIMITS.jsonNodes)} values`);
  if (x === null || typeof x === 'boolean') return x;
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) refuse(path, `${show(x)} is not a finite number`);
    return x;
  }
  if (typeof x === 'string') return readText(x, path, { max: LIMITS.jsonStringLength });
  if (depth >= LIMITS.jsonDepth) refuse(path, `nests deeper than ${LIMITS.jsonDepth} levels`);
  if (Array.isArray(x)) {
    const out: unknown[] = [];
    for (let i = 0; i < x.length; i++) out.push(copyJson(x[i], `${path}[${i}]`, depth + 1, budget));
    return out;
  }
  if (!isRecord(x)) refuse(path, `must be JSON (an object, list, text, number, true, false or null), not ${kind(x)}`);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(x)) {
    // defineProperty, not assignment: a "__proto__" key stays a plain data member
    Object.defineProperty(out, key, {
      value: copyJson(x[key], `${path}.${key}`, depth + 1, budget),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** A JSON object copied within the bounds of LIMITS (a request body, a policy object). */
export function readJsonObject(x: unknown, path: string): Record<string, unknown> {
  readRecord(x, path);
  return copyJson(x, path, 0, { nodes: LIMITS.jsonNodes }) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Fields
// ---------------------------------------------------------------------------------------------

const REGION: TextRule = { max: 32, pattern: PATTERNS.region, what: 'an AWS region name (such as us-east-1)' };
const ACCOUNT: TextRule = { max: 12, pattern: PATTERNS.accountId, what: 'a 12-digit AWS account id' };
const ARN: TextRule = {
  max: LIMITS.arnLength,
  min: 1,
  noControl: true,
  pattern: PATTERNS.principalArn,
  what: 'an IAM or STS principal ARN (such as arn:aws:iam::111122223333:role/App) or an AWS service name (such as logs.amazonaws.com)',
};
const ACCESS_KEY: TextRule = { max: 128, min: 1, pattern: PATTERNS.accessKeyId, what: 'an access key id (16 to 128 letters, digits or _)' };
const SECRET: TextRule = { max: LIMITS.secretLength, min: 1, pattern: PATTERNS.secretAccessKey, what: 'a secret access key (visible ASCII characters, no spaces)' };

function readRegion(x: unknown, path: string): string {
  return readText(x, path, REGION);
}

function readAccountId(x: unknown, path: string): string {
  return readText(x, path, ACCOUNT);
}

function readStartTime(x: unknown, path: string): number {
  return readInt(x, path, 0, LIMITS.startTimeMax, 'milliseconds since 1970 (up to the year 9999)');
}

/** A virtual clock reading in a stored log or world. */
export function readClock(x: unknown, path: string): number {
  return readInt(x, path, -LIMITS.clockMs, LIMITS.clockMs, 'milliseconds since 1970');
}

function readRouting(x: unknown, path: string, hosts: number): Routing {
  if (x === 'random' || x === 'round-robin') return x;
  if (isRecord(x) && has(x, 'pinned')) return { pinned: readInt(x.pinned, `${path}.pinned`, 0, hosts - 1, 'a host (counting from 0)') };
  return refuse(path, `${show(x)} is not 'random', 'round-robin' or { "pinned": <host> }`);
}

function readPropagation(x: unknown, path: string): PropagationOptions {
  const o = readRecord(x, path, 'an object with minMs and maxMs');
  const minMs = readInt(own(o, 'minMs'), `${path}.minMs`, 0, LIMITS.propagationMs, 'milliseconds');
  const maxMs = readInt(own(o, 'maxMs'), `${path}.maxMs`, 0, LIMITS.propagationMs, 'milliseconds');
  if (minMs > maxMs) refuse(path, `says changes arrive at the earliest ${count(minMs)} ms and at the latest ${count(maxMs)} ms after they are made: the earliest (minMs) must not be later than the latest (maxMs)`);
  const out: PropagationOptions = { minMs, maxMs };
  if (has(o, 'distribution')) {
    if (o.distribution !== 'uniform' && o.distribution !== 'realistic') refuse(`${path}.distribution`, `${show(o.distribution)} is not 'uniform' or 'realistic'`);
    out.distribution = o.distribution;
  }
  return out;
}

/**
 * An IAM identity policy: JSON text of an object, or an object, within LIMITS.policyLength, that
 * the engine's policy parser reads as the engine will when the simulator adds the principal (the
 * object's JSON text, parsed as an identity policy). Checking only that it is JSON would let in a
 * policy the simulator then refuses to start with: a workspace that never opens again.
 */
export function readPolicy(x: unknown, path: string): string | Record<string, unknown> {
  let out: string | Record<string, unknown>;
  let text: string;
  if (typeof x === 'string') {
    readText(x, path, { max: LIMITS.policyLength });
    let doc: unknown;
    try {
      doc = JSON.parse(x);
    } catch (e) {
      return refuse(path, `is not JSON text (${e instanceof Error ? e.message : String(e)})`);
    }
    if (!isRecord(doc)) refuse(path, `must be an IAM policy (a JSON object), not ${kind(doc)}`);
    readJsonObject(doc, path);
    out = text = x;
  } else {
    if (!isRecord(x)) refuse(path, `must be an IAM policy (a JSON object or its text), not ${kind(x)}`);
    out = readJsonObject(x, path);
    text = JSON.stringify(out);
    if (text.length > LIMITS.policyLength) refuse(path, `is ${count(text.length)} characters long as JSON; at most ${count(LIMITS.policyLength)} are allowed`);
  }
  const parsed = parsePolicy(text, 'identity');
  if (!parsed.ok) refuse(path, `is not an IAM policy the simulator can use: ${parsed.detail || parsed.message}`);
  return out;
}

const TAG_KEY: TextRule = {
  max: LIMITS.tagKeyLength,
  min: 1,
  noControl: true,
  pattern: PATTERNS.tagKey,
  what: 'an IAM tag key (letters, digits, spaces and _ . : / = + - @, not starting with aws:)',
};
const TAG_VALUE: TextRule = {
  max: LIMITS.tagValueLength,
  noControl: true,
  pattern: PATTERNS.tagValue,
  what: 'an IAM tag value (letters, digits, spaces and _ . : / = + - @)',
};
const ORG_ID: TextRule = { max: 34, min: 1, pattern: PATTERNS.orgId, what: 'an AWS Organizations id (o- and 10 to 32 lower-case letters or digits)' };

/** Sets an own data member (a key named __proto__ stays a member, never the prototype). */
function put(out: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A principal's IAM tags, `{ "<key>": "<value>" }`: aws:PrincipalTag/<key> in policies. At most
 * LIMITS.principalTags, keys and values as IAM allows them; IAM tag keys are unique without
 * regard to case, so two keys that differ only in case are refused.
 */
export function readPrincipalTags(x: unknown, path: string): Record<string, string> {
  const o = readRecord(x, path, 'an object of tag keys and values');
  const keys = Object.keys(o);
  if (keys.length > LIMITS.principalTags) refuse(path, `holds ${count(keys.length)} tags; at most ${LIMITS.principalTags} are allowed`);
  const out: Record<string, string> = {};
  const seen = new Map<string, string>();
  for (const key of keys) {
    readText(key, `${path} key`, TAG_KEY);
    const folded = key.toLowerCase();
    const same = seen.get(folded);
    if (same !== undefined) refuse(path, `has the tag keys ${show(same)} and ${show(key)}, which differ only in case; IAM tag keys are unique regardless of case`);
    seen.set(folded, key);
    put(out, key, readText(o[key], `${path}.${key}`, TAG_VALUE));
  }
  return out;
}

/**
 * The organizations, `{ "<account id>": "o-…" }`: aws:PrincipalOrgID of every principal of that
 * account. At most LIMITS.organizations accounts.
 */
export function readOrganizations(x: unknown, path: string): Record<string, string> {
  const o = readRecord(x, path, 'an object of account ids and organization ids');
  const keys = Object.keys(o);
  if (keys.length > LIMITS.organizations) refuse(path, `names ${count(keys.length)} accounts; at most ${LIMITS.organizations} are allowed`);
  const out: Record<string, string> = {};
  for (const account of keys) {
    readText(account, `${path} key`, ACCOUNT);
    put(out, account, readText(o[account], `${path}.${account}`, ORG_ID));
  }
  return out;
}

function readPrincipal(x: unknown, path: string): PrincipalConfig {
  const o = readRecord(x, path, 'an object with arn and accessKeyId');
  const out: PrincipalConfig = {
    arn: readText(own(o, 'arn'), `${path}.arn`, ARN),
    accessKeyId: readText(own(o, 'accessKeyId'), `${path}.accessKeyId`, ACCESS_KEY),
  };
  if (has(o, 'secretAccessKey')) out.secretAccessKey = readText(o.secretAccessKey, `${path}.secretAccessKey`, SECRET);
  if (has(o, 'policy')) {
    if (PATTERNS.servicePrincipal.test(out.arn)) refuse(`${path}.policy`, `is given, but ${out.arn} is an AWS service, which has no IAM policy`);
    out.policy = readPolicy(o.policy, `${path}.policy`);
  }
  if (has(o, 'tags')) {
    if (PATTERNS.servicePrincipal.test(out.arn)) refuse(`${path}.tags`, `are given, but ${out.arn} is an AWS service, which has no IAM tags`);
    out.tags = readPrincipalTags(o.tags, `${path}.tags`);
  }
  return out;
}

/**
 * The principals, each checked; an ARN or access key id listed twice is refused. The account's
 * root (`arn:aws:iam::<accountId>:root`) may be listed once: it configures the root caller.
 */
function readPrincipals(x: unknown, path: string, accountId: string): PrincipalConfig[] {
  if (x === undefined) refuse(path, 'is missing');
  if (!Array.isArray(x)) refuse(path, `must be a list of principals, not ${kind(x)}`);
  if (x.length > LIMITS.principals) refuse(path, `lists ${count(x.length)} principals; at most ${LIMITS.principals} are allowed`);
  const principals: PrincipalConfig[] = [];
  const arns = new Map<string, number>();
  const keys = new Map<string, number>();
  const root = `arn:aws:iam::${accountId}:root`;
  for (let i = 0; i < x.length; i++) {
    const p = readPrincipal(x[i], `${path}[${i}]`);
    const sameArn = arns.get(p.arn);
    if (sameArn !== undefined) {
      refuse(`${path}[${i}]`, p.arn === root ? `lists the account root a second time (it is already ${path}[${sameArn}])` : `lists ${p.arn} a second time (it is already ${path}[${sameArn}])`);
    }
    const sameKey = keys.get(p.accessKeyId);
    if (sameKey !== undefined) refuse(`${path}[${i}].accessKeyId`, `${show(p.accessKeyId)} is already the access key of ${path}[${sameKey}]; each principal needs its own`);
    arns.set(p.arn, i);
    keys.set(p.accessKeyId, i);
    principals.push(p);
  }
  return principals;
}

// the callers a person picks from (the root once, then the principals): callers.ts, apart from
// this module and its policy parser so that the page's first load does not carry the parser
export { configuredCallers } from './callers';

// ---------------------------------------------------------------------------------------------
// Settings and options
// ---------------------------------------------------------------------------------------------

interface Bounds {
  hosts: number;
}

function readCommon(o: Record<string, unknown>, path: string, bounds: Bounds, out: ScenarioSettings): void {
  if (has(o, 'region')) out.region = readRegion(o.region, `${path}.region`);
  if (has(o, 'accountId')) out.accountId = readAccountId(o.accountId, `${path}.accountId`);
  if (has(o, 'startTime')) out.startTime = readStartTime(o.startTime, `${path}.startTime`);
  if (has(o, 'hosts')) out.hosts = readInt(o.hosts, `${path}.hosts`, 1, bounds.hosts, 'hosts');
  if (has(o, 'routing')) out.routing = readRouting(o.routing, `${path}.routing`, out.hosts ?? DEFAULT_HOSTS);
  if (has(o, 'propagation')) out.propagation = readPropagation(o.propagation, `${path}.propagation`);
  if (has(o, 'principals')) out.principals = readPrincipals(o.principals, `${path}.principals`, out.accountId ?? DEFAULT_ACCOUNT);
  if (has(o, 'organizations')) out.organizations = readOrganizations(o.organizations, `${path}.organizations`);
}

/** Reads scenario settings; throws Refusal (format.ts uses it inside validateScenario). */
export function readSettings(x: unknown, path = 'settings'): ScenarioSettings {
  const o = readRecord(x, path);
  const out: ScenarioSettings = {};
  readCommon(o, path, { hosts: LIMITS.hosts }, out);
  return out;
}

function guard<T>(read: () => T, path: string): Checked<T> {
  try {
    return { ok: true, value: read() };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, error: e.message };
    // a throwing getter or a proxy: still an answer, never an exception
    return { ok: false, error: `${path} cannot be read (${e instanceof Error ? e.message : String(e)})` };
  }
}

/**
 * Checks a scenario's settings (every member optional) and returns a copy of the known members.
 * `path` names the object in refusals.
 */
export function checkSettings(x: unknown, path = 'settings'): Checked<ScenarioSettings> {
  return guard(() => readSettings(x, path), path);
}

/**
 * Checks simulator options (a workspace's, or a snapshot's an audience window receives) and
 * returns a copy of the known members; `store` and unknown members are dropped. Seeds are safe
 * non-negative integers and up to LIMITS.optionHosts hosts are allowed (a scenario allows fewer).
 */
export function checkSimulatorOptions(x: unknown, path = 'options'): Checked<SimulatorOptions> {
  return guard(() => readSimulatorOptions(x, path), path);
}

export function readSimulatorOptions(x: unknown, path = 'options'): CheckedOptions {
  const o = readRecord(x, path);
  const out: CheckedOptions = {};
  if (has(o, 'seed')) out.seed = readInt(o.seed, `${path}.seed`, 0, LIMITS.optionSeedMax);
  readCommon(o, path, { hosts: LIMITS.optionHosts }, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Hosts, URLs and the input log
// ---------------------------------------------------------------------------------------------

function readHost(x: unknown, path: string): string {
  return readText(x, path, { max: LIMITS.hostLength, min: 1, pattern: PATTERNS.host, what: 'a host name (such as kms.us-east-1.amazonaws.com)' });
}

/** An http: or https: address (anything else, javascript: or data: above all, is refused). */
function readUrl(x: unknown, path: string): string {
  const text = readText(x, path, { max: LIMITS.urlLength, min: 1, noControl: true });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse(path, `${show(text)} is not a web address`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') refuse(path, `${show(text)} is not an http or https address`);
  if (url.username !== '' || url.password !== '') refuse(path, `${show(text)} carries a user name or password`);
  readHost(url.hostname, `${path} (its host)`);
  return text;
}

/** An operation name, as after `TrentService.` in X-Amz-Target: letters only. */
function readOperation(x: unknown, path: string): string {
  return readText(x, path, { max: 64, min: 1, pattern: PATTERNS.operation, what: 'an operation name (letters only, such as CreateGrant)' });
}


const HEADER_VALUE_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** the quick test of one header; readHeader says what is wrong when it fails */
function headerOk(h: unknown): h is [string, string] {
  if (!Array.isArray(h) || h.length !== 2) return false;
  const name: unknown = h[0];
  const value: unknown = h[1];
  if (typeof name !== 'string' || typeof value !== 'string' || value.length > LIMITS.headerValueLength) return false;
  if (!PATTERNS.headerName.test(name) || HEADER_VALUE_CONTROL.test(value)) return false;
  if (name.length === 12 && name.toLowerCase() === 'x-amz-target') return value.startsWith(TARGET_PREFIX) && PATTERNS.operation.test(value.slice(TARGET_PREFIX.length)) && value.length <= TARGET_PREFIX.length + 64;
  return true;
}

function readHeader(h: unknown, p: string): [string, string] {
  if (!Array.isArray(h) || h.length !== 2) refuse(p, `must be a [name, value] pair, not ${kind(h)}`);
  const name = readText(h[0], `${p} (its name)`, { max: 128, min: 1, pattern: PATTERNS.headerName, what: 'a header name' });
  // a header value may hold tabs, never line breaks or other control characters
  const value = readText(h[1], `${p} (the value of ${name})`, { max: LIMITS.headerValueLength });
  if (HEADER_VALUE_CONTROL.test(value)) refuse(`${p} (the value of ${name})`, `${show(value)} has a control character (such as a line break) in it`);
  if (name.toLowerCase() === 'x-amz-target') {
    if (!value.startsWith(TARGET_PREFIX)) refuse(`${p} (the value of ${name})`, `${show(value)} does not name a KMS operation (TrentService.<operation>)`);
    readOperation(value.slice(TARGET_PREFIX.length), `${p} (the operation in ${name})`);
  }
  return [name, value];
}

function readHeaders(x: unknown, path: string): [string, string][] {
  if (!Array.isArray(x)) refuse(path, `must be a list of [name, value] pairs, not ${kind(x)}`);
  if (x.length > LIMITS.logHeaders) refuse(path, `holds ${count(x.length)} headers; at most ${LIMITS.logHeaders} are allowed`);
  const out: [string, string][] = new Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const h: unknown = x[i];
    // the path of a refusal is built only for a header that fails (a large log has 10⁵ of them)
    out[i] = headerOk(h) ? [h[0], h[1]] : readHeader(h, `${path}[${i}]`);
  }
  return out;
}

const isClockValue = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && Math.abs(x) <= LIMITS.clockMs;

/** Reads one entry of a simulator's input log (LogEntry), copied member by member. */
function readLogEntry(x: unknown, path: string, lastUrl?: { text?: string }): LogEntry {
  const o = readRecord(x, path, 'a log entry (an object)');
  const rawAt = own(o, 'at');
  const at = isClockValue(rawAt) ? rawAt : readClock(rawAt, `${path}.at`);
  if (o.kind === 'clock') {
    const to = own(o, 'to');
    return { kind: 'clock', at, to: isClockValue(to) ? to : readClock(to, `${path}.to`) };
  }
  if (o.kind !== 'request') refuse(`${path}.kind`, `${show(o.kind)} is not 'request' or 'clock'`);
  const rawMethod = own(o, 'method');
  const method = typeof rawMethod === 'string' && PATTERNS.method.test(rawMethod) ? rawMethod : readText(rawMethod, `${path}.method`, { max: 16, min: 1, pattern: PATTERNS.method, what: 'an HTTP method (such as POST)' });
  const rawUrl = own(o, 'url');
  // a log repeats one address: check each distinct one once
  const url = lastUrl?.text !== undefined && rawUrl === lastUrl.text ? lastUrl.text : readUrl(rawUrl, `${path}.url`);
  if (lastUrl) lastUrl.text = url;
  const headers = readHeaders(own(o, 'headers'), `${path}.headers`);
  const rawBody = own(o, 'body');
  const body = typeof rawBody === 'string' && rawBody.length <= LIMITS.logBodyLength ? rawBody : readText(rawBody, `${path}.body`, { max: LIMITS.logBodyLength });
  return { kind: 'request', at, method, url, headers, body };
}

/** Reads a whole input log; throws Refusal. */
export function readLog(x: unknown, path: string): LogEntry[] {
  if (!Array.isArray(x)) refuse(path, `must be a list of log entries, not ${kind(x)}`);
  const lastUrl: { text?: string } = {};
  const out: LogEntry[] = new Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = readLogEntry(x[i], `${path}[${i}]`, lastUrl);
  return out;
}

/** Checks a simulator's input log (a workspace file's, a snapshot's) and returns a copy. */
export function checkLog(x: unknown, path = 'log'): Checked<LogEntry[]> {
  return guard(() => readLog(x, path), path);
}
