/**
 * The scenario format: a seed, some settings and a script of steps, replayed exactly
 * (docs/scenario-format.md). A scenario is what a share link, a file and a lesson carry; it
 * never holds simulator state, only what to send and when.
 *
 * Every version that was ever published keeps a migration to the next one in MIGRATIONS, and
 * input from outside (URL, file, storage) goes through parseScenario (migrate, then validate),
 * which copies the accepted fields one by one so nothing else travels with them.
 */
import { TARGET_PREFIX } from '../kms/protocol';
import type { PrincipalConfig, PropagationOptions, Routing, SimulatorOptions } from '../kms/api';
import { LIMITS, PATTERNS } from './limits';
import { copyJson, has, isRecord, kind, readInt, readJsonObject, readRecord, readSettings, readText, Refusal, refuse, show, type ScenarioSettings } from './validate';

export { LIMITS, PATTERNS } from './limits';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** Any JSON value (what a response body holds, and what `expect.match` compares with). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The simulator settings a scenario may carry; every member has a default (DEFAULT_SETTINGS). */
export type { ScenarioSettings } from './validate';

/**
 * What a request step expects of its response; replay reports every miss in plain English
 * (expect.ts) and goes on. Every member is optional; an empty expectation always holds.
 */
export interface Expectation {
  /** the HTTP status, e.g. 200 or 400 */
  status?: number;
  /** the error's `__type`, e.g. 'AccessDeniedException' (any namespace prefix is ignored) */
  error?: string;
  /**
   * dotted path into the response body -> expected value (deep equality), e.g.
   * { "Grants.length": 1, "KeyMetadata.KeyState": "Enabled", "Grants.0.Name": "app" }.
   * Values may hold {{stepId.Path}} references, like request bodies.
   */
  match?: Record<string, JsonValue>;
}

/** Members every v2 step may carry. */
export interface StepMeta {
  /** names the step for references ({{id.Path}}) and for the lesson player; unique in a scenario */
  id?: string;
  /** a short heading (at most 120 characters) */
  title?: string;
  /** the narrative, plain text: paragraphs separated by a blank line, `backticks` mark code */
  note?: string;
}

export interface RequestStep extends StepMeta {
  kind: 'request';
  /** virtual ms offset from the start; the clock is moved forward to it before sending (never back) */
  at?: number;
  /**
   * principal ARN; default: the account root (arn:aws:iam::<accountId>:root).
   * May be, or contain, a {{stepId.Path}} reference.
   */
  caller?: string;
  /** the KMS operation, e.g. 'CreateGrant' (sent as X-Amz-Target: TrentService.CreateGrant) */
  target: string;
  /**
   * the JSON request body. Any string in it (at any depth) may hold {{stepId.Dotted.Path}}
   * references to the response body of an earlier step: a string that is exactly one
   * reference takes the referenced value with its JSON type, otherwise the value is
   * interpolated as text.
   */
  body: Record<string, unknown>;
  /**
   * aws:SourceArn of the request, sent as the x-playground-source-arn header: the resource a
   * service caller acts for (the engine ignores it for callers that are not AWS services)
   */
  sourceArn?: string;
  /** aws:SourceAccount, sent as x-playground-source-account (default: the account in sourceArn) */
  sourceAccount?: string;
  /** kms:ViaService, sent as x-playground-via-service, e.g. ec2.us-east-1.amazonaws.com */
  viaService?: string;
  /** pin this request to one simulated host (0-based) */
  host?: number;
  expect?: Expectation;
}
export interface AdvanceStep extends StepMeta {
  kind: 'advance';
  ms: number;
}
export interface SettleStep extends StepMeta {
  kind: 'settle';
}
export interface NoteStep extends StepMeta {
  kind: 'note';
  text: string;
}
export type Step = RequestStep | AdvanceStep | SettleStep | NoteStep;

export interface ScenarioV2 {
  v: 2;
  title?: string;
  /** what the scenario is about, plain text like a step note */
  description?: string;
  /** seeds every random choice of the simulator (ids, routing, propagation delays): uint32 */
  seed: number;
  settings?: ScenarioSettings;
  steps: Step[];
}

/** The latest version. */
export type Scenario = ScenarioV2;
export const SCENARIO_VERSION = 2;

/** v1: as v2 without step ids, titles, expectations, references or a description. */
export type StepV1 =
  | { kind: 'request'; at?: number; caller?: string; target: string; body: Record<string, unknown>; note?: string; host?: number }
  | { kind: 'advance'; ms: number; note?: string }
  | { kind: 'settle'; note?: string }
  | { kind: 'note'; text: string };
export interface ScenarioV1 {
  v: 1;
  title?: string;
  seed: number;
  settings?: ScenarioSettings;
  steps: StepV1[];
}

/**
 * v0: the pre-release format of the development builds, kept only so that its links still open.
 * It had no settings object and called its steps `requests`:
 * `{ v: 0, seed, region?, hosts?, requests: [{ t?, op, input?, as? }] }`, where `t` is the
 * virtual ms offset, `op` the operation ('CreateGrant' or 'TrentService.CreateGrant'), `input`
 * the body and `as` the caller ARN.
 */
export interface ScenarioV0 {
  v: 0;
  seed: number;
  region?: string;
  hosts?: number;
  requests: { t?: number; op: string; input?: Record<string, unknown>; as?: string }[];
}

// ---------------------------------------------------------------------------------------------
// Defaults and limits
// ---------------------------------------------------------------------------------------------

/**
 * Every setting with its value. `organizations` has no default: it is there only when the
 * scenario names at least one account (a simulator without it knows of no organization).
 */
export type ResolvedSettings = Required<Omit<ScenarioSettings, 'organizations'>> & Pick<ScenarioSettings, 'organizations'>;

/**
 * The settings a scenario gets when it does not name them. They are part of the format since v1 (a
 * link made today must replay the same way next year), so they are not the engine's defaults:
 * replay always passes every setting to createSimulator. Changing one of them needs a new
 * format version and a migration that writes the old value into older scenarios.
 */
export const DEFAULT_SETTINGS: Readonly<{
  region: string;
  accountId: string;
  startTime: number;
  hosts: number;
  routing: Routing;
  propagation: Readonly<PropagationOptions>;
  principals: readonly PrincipalConfig[];
}> = Object.freeze({
  region: 'us-east-1',
  accountId: '111122223333',
  /** 2026-01-01T00:00:00.000Z */
  startTime: 1_767_225_600_000,
  hosts: 3,
  routing: 'random',
  // AWS: a grant change is "typically" visible "within seconds" but can take "up to five
  // minutes" (KMS API Reference, CreateGrant; Developer Guide, grants.html). The same values as
  // the engine's DEFAULT_PROPAGATION today, but frozen here: the engine may change its own.
  propagation: Object.freeze({ minMs: 500, maxMs: 300_000, distribution: 'realistic' as const }),
  principals: Object.freeze([]),
});

/**
 * A reference inside a request body string, a caller or an expected value:
 * `{{stepId}}` or `{{stepId.Dotted.Path}}` (global: use with matchAll or replace).
 * Text between `{{` and `}}` that is not of this form stays literal.
 */
export const REFERENCE = /\{\{([A-Za-z][A-Za-z0-9_-]{0,31})((?:\.[A-Za-z0-9_$@:-]+)*)\}\}/g;

export function rootArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}

/** A copy of a map of own string members (a key named __proto__ stays a member). */
function copyMap(m: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(m));
}

/** A copy of a principal, its tags copied too (the policy is only read, never changed). */
function copyPrincipal(p: PrincipalConfig): PrincipalConfig {
  const out = { ...p };
  if (p.tags !== undefined) out.tags = copyMap(p.tags);
  return out;
}

/** Every setting, the scenario's own where given and the default otherwise (fresh copies). */
export function resolveSettings(settings: ScenarioSettings | undefined): ResolvedSettings {
  const s = settings ?? {};
  const d = DEFAULT_SETTINGS;
  const propagation = s.propagation ?? d.propagation;
  const routing = s.routing ?? d.routing;
  const out: ResolvedSettings = {
    region: s.region ?? d.region,
    accountId: s.accountId ?? d.accountId,
    startTime: s.startTime ?? d.startTime,
    hosts: s.hosts ?? d.hosts,
    routing: typeof routing === 'string' ? routing : { pinned: routing.pinned },
    propagation: {
      minMs: propagation.minMs,
      maxMs: propagation.maxMs,
      distribution: propagation.distribution ?? d.propagation.distribution,
    },
    principals: (s.principals ?? d.principals).map(copyPrincipal),
  };
  if (s.organizations !== undefined && Object.keys(s.organizations).length > 0) out.organizations = copyMap(s.organizations);
  return out;
}

/**
 * The scenario settings that make a simulator of `options` again (the inverse of
 * simulatorOptions, up to defaults). A propagation without `distribution` is written out as the
 * engine reads it ('uniform'): the format's own default is 'realistic', so leaving it out would
 * replay different arrival times.
 */
export function settingsFromOptions(options: SimulatorOptions): ScenarioSettings {
  const s: ScenarioSettings = {};
  if (options.region !== undefined) s.region = options.region;
  if (options.accountId !== undefined) s.accountId = options.accountId;
  if (options.startTime !== undefined) s.startTime = options.startTime;
  if (options.hosts !== undefined) s.hosts = options.hosts;
  if (options.routing !== undefined) s.routing = options.routing;
  if (options.propagation !== undefined) s.propagation = { ...options.propagation, distribution: options.propagation.distribution ?? 'uniform' };
  if (options.principals !== undefined) s.principals = options.principals.map(copyPrincipal);
  if (options.organizations !== undefined && Object.keys(options.organizations).length > 0) s.organizations = copyMap(options.organizations);
  return s;
}

/** The options replay passes to createSimulator; a live session should use the same. */
export function simulatorOptions(scenario: Scenario): SimulatorOptions {
  return { seed: scenario.seed, ...resolveSettings(scenario.settings) };
}

/**
 * The same scenario without the settings that equal their defaults (what a link carries),
 * its members in canonical order.
 * A propagation without `distribution` means the default distribution.
 */
export function stripDefaults(scenario: Scenario): Scenario {
  // canonical key order (v, title, description, seed, settings, steps): equal scenarios encode to equal links
  const out = { v: scenario.v } as Scenario;
  if (scenario.title !== undefined) out.title = scenario.title;
  if (scenario.description !== undefined) out.description = scenario.description;
  out.seed = scenario.seed;
  const settings = scenario.settings && stripDefaultSettings(scenario.settings);
  if (settings) out.settings = settings;
  out.steps = scenario.steps;
  return out;
}

function stripDefaultSettings(settings: ScenarioSettings): ScenarioSettings | undefined {
  const d = DEFAULT_SETTINGS;
  const out: ScenarioSettings = {};
  if (settings.region !== undefined && settings.region !== d.region) out.region = settings.region;
  if (settings.accountId !== undefined && settings.accountId !== d.accountId) out.accountId = settings.accountId;
  if (settings.startTime !== undefined && settings.startTime !== d.startTime) out.startTime = settings.startTime;
  if (settings.hosts !== undefined && settings.hosts !== d.hosts) out.hosts = settings.hosts;
  if (settings.routing !== undefined && !sameRouting(settings.routing, d.routing)) out.routing = settings.routing;
  const p = settings.propagation;
  if (p) {
    const distribution = p.distribution ?? d.propagation.distribution;
    const same = p.minMs === d.propagation.minMs && p.maxMs === d.propagation.maxMs && distribution === d.propagation.distribution;
    if (!same) {
      out.propagation = { minMs: p.minMs, maxMs: p.maxMs };
      if (distribution !== d.propagation.distribution) out.propagation.distribution = distribution;
    }
  }
  if (settings.principals && settings.principals.length > 0) out.principals = settings.principals;
  if (settings.organizations && Object.keys(settings.organizations).length > 0) out.organizations = settings.organizations;
  return Object.keys(out).length > 0 ? out : undefined;
}

function sameRouting(a: Routing, b: Routing): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.pinned === b.pinned;
}

// ---------------------------------------------------------------------------------------------
// Validation: a field-by-field copy of the latest version
// ---------------------------------------------------------------------------------------------

export type ScenarioError = 'unknown-version' | 'bad-shape';
export type ScenarioResult =
  | { ok: true; scenario: Scenario }
  | { ok: false; error: ScenarioError; detail: string };

/** Text of a given length and, when given, form; `what` says the form in words for a refusal. */
function str(x: unknown, path: string, max: number, what?: { pattern: RegExp; what: string }, min = 0): string {
  return readText(x, path, { max, min, pattern: what?.pattern, what: what?.what });
}

function int(x: unknown, path: string, min: number, max: number, unit = ''): number {
  return readInt(x, path, min, max, unit);
}

const STEP_ID = { pattern: PATTERNS.stepId, what: 'a step id (a letter, then up to 31 letters, digits, - or _)' };
const TARGET = { pattern: PATTERNS.target, what: 'an operation name (such as CreateGrant, without TrentService.)' };
const SOURCE_ARN = { pattern: PATTERNS.sourceArn, what: 'a source ARN (visible ASCII characters, no spaces)' };
const ACCOUNT = { pattern: PATTERNS.accountId, what: 'a 12-digit AWS account id' };
const SERVICE = { pattern: PATTERNS.servicePrincipal, what: 'an AWS service name (such as ec2.us-east-1.amazonaws.com)' };
const ERROR_TYPE = { pattern: PATTERNS.errorType, what: 'an error type (such as AccessDeniedException)' };
const MATCH_PATH = { pattern: PATTERNS.path, what: 'a dotted path into the response (such as Grants.0.Name)' };

interface StepContext {
  hosts: number;
  callers: Set<string>;
  /** ids of the earlier request steps (references may name only these) */
  requestIds: Set<string>;
  /** every id so far (ids are unique across all steps) */
  ids: Set<string>;
}

/** Checks that every {{id.path}} in `text` names an earlier request step. */
function checkReferences(text: string, path: string, ctx: StepContext): void {
  for (const m of text.matchAll(REFERENCE)) {
    if (!ctx.requestIds.has(m[1])) refuse(path, `refers to step '${m[1]}', but no earlier request step has that id`);
  }
}

/** Checks the references in every string of a copied JSON value. */
function checkJsonReferences(x: unknown, path: string, ctx: StepContext): void {
  if (typeof x === 'string') {
    if (x.includes('{{')) checkReferences(x, path, ctx);
  } else if (Array.isArray(x)) {
    x.forEach((v, i) => checkJsonReferences(v, `${path}[${i}]`, ctx));
  } else if (x !== null && typeof x === 'object') {
    for (const key of Object.keys(x)) checkJsonReferences((x as Record<string, unknown>)[key], `${path}.${key}`, ctx);
  }
}

function readExpectation(x: unknown, path: string, ctx: StepContext): Expectation {
  const o = readRecord(x, path);
  const out: Expectation = {};
  if (has(o, 'status')) out.status = int(o.status, `${path}.status`, 100, 599);
  if (has(o, 'error')) out.error = str(o.error, `${path}.error`, LIMITS.errorLength, ERROR_TYPE, 1);
  if (has(o, 'match')) {
    const m = readRecord(o.match, `${path}.match`);
    const keys = Object.keys(m);
    if (keys.length > LIMITS.matchEntries) refuse(`${path}.match`, `holds ${keys.length} entries; at most ${LIMITS.matchEntries} are allowed`);
    const match: Record<string, JsonValue> = {};
    const budget = { nodes: LIMITS.jsonNodes };
    for (const key of keys) {
      str(key, `${path}.match`, LIMITS.pathLength, MATCH_PATH, 1);
      const value = copyJson(m[key], `${path}.match.${key}`, 0, budget) as JsonValue;
      checkJsonReferences(value, `${path}.match.${key}`, ctx);
      Object.defineProperty(match, key, { value, enumerable: true, writable: true, configurable: true });
    }
    out.match = match;
  }
  return out;
}

function readMeta(o: Record<string, unknown>, path: string, ctx: StepContext, step: StepMeta): void {
  if (has(o, 'id')) {
    const id = str(o.id, `${path}.id`, LIMITS.stepIdLength, STEP_ID, 1);
    if (ctx.ids.has(id)) refuse(`${path}.id`, `'${id}' is already the id of an earlier step`);
    ctx.ids.add(id);
    step.id = id;
  }
  if (has(o, 'title')) step.title = str(o.title, `${path}.title`, LIMITS.stepTitleLength);
}

function readNote(o: Record<string, unknown>, path: string, step: StepMeta): void {
  if (has(o, 'note')) step.note = str(o.note, `${path}.note`, LIMITS.noteLength);
}

function readStep(x: unknown, path: string, ctx: StepContext): Step {
  const o = readRecord(x, path);
  switch (o.kind) {
    case 'request': {
      // built in the order the encoder writes: kind, id, title, at, caller, sourceArn, sourceAccount, viaService, target, body, host, expect, note
      const step = { kind: 'request' } as RequestStep;
      readMeta(o, path, ctx, step);
      if (has(o, 'at')) step.at = int(o.at, `${path}.at`, 0, LIMITS.timeMs, 'milliseconds');
      if (has(o, 'caller')) {
        const caller = str(o.caller, `${path}.caller`, LIMITS.callerLength, undefined, 1);
        if (caller.includes('{{') && new RegExp(REFERENCE.source).test(caller)) {
          // resolved at replay time, which checks the result against the configured callers
          checkReferences(caller, `${path}.caller`, ctx);
        } else if (!ctx.callers.has(caller)) {
          refuse(`${path}.caller`, `${show(caller)} is neither the account root nor a principal in settings.principals`);
        }
        step.caller = caller;
      }
      if (has(o, 'sourceArn')) step.sourceArn = str(o.sourceArn, `${path}.sourceArn`, LIMITS.arnLength, SOURCE_ARN, 1);
      if (has(o, 'sourceAccount')) step.sourceAccount = str(o.sourceAccount, `${path}.sourceAccount`, 12, ACCOUNT);
      if (has(o, 'viaService')) step.viaService = str(o.viaService, `${path}.viaService`, 256, SERVICE);
      step.target = str(o.target, `${path}.target`, 64, TARGET);
      step.body = readJsonObject(o.body, `${path}.body`);
      checkJsonReferences(step.body, `${path}.body`, ctx);
      if (has(o, 'host')) step.host = int(o.host, `${path}.host`, 0, ctx.hosts - 1, 'a host (counting from 0)');
      if (has(o, 'expect')) step.expect = readExpectation(o.expect, `${path}.expect`, ctx);
      readNote(o, path, step);
      if (step.id !== undefined) ctx.requestIds.add(step.id);
      return step;
    }
    case 'advance': {
      const step = { kind: 'advance' } as AdvanceStep;
      readMeta(o, path, ctx, step);
      step.ms = int(o.ms, `${path}.ms`, 0, LIMITS.timeMs, 'milliseconds');
      readNote(o, path, step);
      return step;
    }
    case 'settle': {
      const step: SettleStep = { kind: 'settle' };
      readMeta(o, path, ctx, step);
      readNote(o, path, step);
      return step;
    }
    case 'note': {
      const step = { kind: 'note' } as NoteStep;
      readMeta(o, path, ctx, step);
      step.text = str(o.text, `${path}.text`, LIMITS.textLength);
      readNote(o, path, step);
      return step;
    }
    default:
      return refuse(`${path}.kind`, `${show(o.kind)} is not 'request', 'advance', 'settle' or 'note'`);
  }
}

/**
 * Checks a latest-version scenario and returns a copy holding only the known fields. Older
 * versions are refused with 'unknown-version': pass them to parseScenario, which migrates.
 * Checks beyond the JSON Schema: a caller must be the root or a configured principal, host
 * numbers must be below `hosts`, minMs <= maxMs, principal ARNs and key ids are unique, step
 * ids are unique, and every {{id.path}} reference names an earlier request step.
 */
export function validateScenario(x: unknown): ScenarioResult {
  try {
    const o = readRecord(x, 'scenario');
    if (!has(o, 'v')) refuse('v', 'is missing (this is not a scenario)');
    if (typeof o.v !== 'number') refuse('v', `must be a version number, not ${kind(o.v)}`);
    if (o.v !== SCENARIO_VERSION) {
      const older = Number.isInteger(o.v) && o.v >= 0 && o.v < SCENARIO_VERSION;
      return {
        ok: false,
        error: 'unknown-version',
        detail: older
          ? `format v${o.v} is older than v${SCENARIO_VERSION}: migrate it (parseScenario)`
          : `format v${o.v} is not supported (this playground reads up to v${SCENARIO_VERSION})`,
      };
    }
    const out = { v: SCENARIO_VERSION } as Scenario;
    if (has(o, 'title')) out.title = str(o.title, 'title', LIMITS.titleLength);
    if (has(o, 'description')) out.description = str(o.description, 'description', LIMITS.descriptionLength);
    out.seed = int(o.seed, 'seed', 0, LIMITS.seedMax);
    if (has(o, 'settings')) {
      const settings = readSettings(o.settings);
      if (Object.keys(settings).length > 0) out.settings = settings;
    }
    const resolved = resolveSettings(out.settings);
    const callers = new Set([rootArn(resolved.accountId), ...resolved.principals.map((p) => p.arn)]);
    if (!Array.isArray(o.steps)) refuse('steps', `must be a list of steps, not ${kind(o.steps)}`);
    if (o.steps.length > LIMITS.steps) refuse('steps', `holds ${o.steps.length} steps; at most ${LIMITS.steps} are allowed`);
    const ctx: StepContext = { hosts: resolved.hosts, callers, requestIds: new Set(), ids: new Set() };
    out.steps = o.steps.map((s, i) => readStep(s, `steps[${i}]`, ctx));
    return { ok: true, scenario: out };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, error: 'bad-shape', detail: e.message };
    // a throwing getter or a proxy: still an answer, never an exception
    return { ok: false, error: 'bad-shape', detail: `scenario cannot be read (${String(e)})` };
  }
}

// ---------------------------------------------------------------------------------------------
// Migrations
// ---------------------------------------------------------------------------------------------

/** Upgrades a document of version `from` to version `to` (= from + 1). */
export interface Migration {
  readonly to: number;
  /** one line for the docs and the share-link doctor */
  readonly summary: string;
  /** may throw MigrationError when the old document is not of its version's shape */
  up(doc: Record<string, unknown>): Record<string, unknown>;
}

class MigrationError extends Error {}

/** One migration per old version, keyed by the version it reads. Never edit a published entry. */
export const MIGRATIONS: Readonly<Record<number, Migration>> = Object.freeze({
  0: {
    to: 1,
    summary: 'v0 → v1: `requests` [{ t, op, input, as }] become `steps` of kind request; region and hosts move into `settings`',
    up(doc: Record<string, unknown>): Record<string, unknown> {
      if (!Array.isArray(doc.requests)) throw new MigrationError(`requests must be a list of requests, not ${kind(doc.requests)}`);
      const steps = doc.requests.map((r: unknown, i: number) => {
        if (!isRecord(r)) throw new MigrationError(`requests[${i}] must be an object of named members, not ${kind(r)}`);
        if (typeof r.op !== 'string') throw new MigrationError(`requests[${i}].op must be an operation name (text), not ${kind(r.op)}`);
        const step: Record<string, unknown> = { kind: 'request' };
        if (r.t !== undefined) step.at = r.t;
        if (r.as !== undefined) step.caller = r.as;
        step.target = r.op.startsWith(TARGET_PREFIX) ? r.op.slice(TARGET_PREFIX.length) : r.op;
        step.body = r.input ?? {};
        return step;
      });
      const settings: Record<string, unknown> = {};
      if (doc.region !== undefined) settings.region = doc.region;
      if (doc.hosts !== undefined) settings.hosts = doc.hosts;
      const out: Record<string, unknown> = { v: 1, seed: doc.seed };
      if (Object.keys(settings).length > 0) out.settings = settings;
      out.steps = steps;
      return out;
    },
  },
  1: {
    to: 2,
    summary: 'v1 → v2: nothing moves (v2 only adds step ids, titles, expectations, references and a description)',
    up(doc: Record<string, unknown>): Record<string, unknown> {
      return { ...doc, v: 2 };
    },
  },
});

export type MigrateResult =
  | { ok: true; doc: Record<string, unknown> & { v: number } }
  | { ok: false; error: ScenarioError; detail: string };

/**
 * Upgrades a document of any known version to `latest` by running the migrations in turn.
 * Only the version is checked here; the result still goes through validateScenario.
 * `table` and `latest` are parameters so tests can exercise chains that do not exist yet.
 */
export function migrate(
  x: { v: number },
  table: Readonly<Record<number, Migration>> = MIGRATIONS,
  latest: number = SCENARIO_VERSION,
): MigrateResult {
  try {
    if (!isRecord(x)) return { ok: false, error: 'bad-shape', detail: `scenario must be an object of named members, not ${kind(x)}` };
    let doc = x as Record<string, unknown>;
    for (;;) {
      const v = doc.v;
      if (typeof v !== 'number' || !Number.isInteger(v)) return { ok: false, error: 'bad-shape', detail: `v ${show(v)} is not a version number (a whole number)` };
      if (v === latest) return { ok: true, doc: doc as Record<string, unknown> & { v: number } };
      if (v > latest) return { ok: false, error: 'unknown-version', detail: `format v${v} is newer than this playground (reads up to v${latest})` };
      const m = Object.prototype.hasOwnProperty.call(table, v) ? table[v] : undefined;
      if (!m) return { ok: false, error: 'unknown-version', detail: `format v${v} is not supported (no migration from it)` };
      if (!(m.to > v)) return { ok: false, error: 'unknown-version', detail: `migration from v${v} does not move forward` };
      doc = m.up(doc);
      if (!isRecord(doc) || doc.v !== m.to) return { ok: false, error: 'bad-shape', detail: `migration v${v} → v${m.to} did not produce v${m.to}` };
    }
  } catch (e) {
    const detail = e instanceof MigrationError ? e.message : `cannot be migrated (${String(e)})`;
    return { ok: false, error: 'bad-shape', detail };
  }
}

/** Input from outside, of any known version: migrate, then validate. */
export function parseScenario(x: unknown): ScenarioResult {
  if (!isRecord(x)) return { ok: false, error: 'bad-shape', detail: `scenario must be an object of named members, not ${kind(x)}` };
  if (!has(x, 'v')) return { ok: false, error: 'bad-shape', detail: 'v is missing (this is not a scenario)' };
  const migrated = migrate(x as { v: number });
  return migrated.ok ? validateScenario(migrated.doc) : migrated;
}
