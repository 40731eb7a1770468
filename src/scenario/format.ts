/**
 * The scenario format: a seed, some settings and a script of steps, replayed exactly
 * (docs/scenario-format.md). A scenario is what a share link, a file and a lesson carry; it
 * never holds simulator state, only what to send and when.
 *
 * Every version that was ever published keeps a migration to the next one in MIGRATIONS, and
 * input from outside (URL, file, storage) goes through parseScenario (migrate, then validate),
 * which copies the accepted fields one by one so nothing else travels with them.
 */
import type { PrincipalConfig, PropagationOptions, Routing, SimulatorOptions } from '../kms/api';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** The simulator settings a scenario may carry; every member has a default (DEFAULT_SETTINGS). */
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
}

export interface RequestStep {
  kind: 'request';
  /** virtual ms offset from the start; the clock is moved forward to it before sending (never back) */
  at?: number;
  /** principal ARN; default: the account root (arn:aws:iam::<accountId>:root) */
  caller?: string;
  /** the KMS operation, e.g. 'CreateGrant' (sent as X-Amz-Target: TrentService.CreateGrant) */
  target: string;
  /** the JSON request body */
  body: Record<string, unknown>;
  note?: string;
  /** pin this request to one simulated host (0-based) */
  host?: number;
}
export interface AdvanceStep {
  kind: 'advance';
  ms: number;
  note?: string;
}
export interface SettleStep {
  kind: 'settle';
  note?: string;
}
export interface NoteStep {
  kind: 'note';
  text: string;
}
export type Step = RequestStep | AdvanceStep | SettleStep | NoteStep;

export interface ScenarioV1 {
  v: 1;
  title?: string;
  /** seeds every random choice of the simulator (ids, routing, propagation delays): uint32 */
  seed: number;
  settings?: ScenarioSettings;
  steps: Step[];
}

/** The latest version. */
export type Scenario = ScenarioV1;
export const SCENARIO_VERSION = 1;

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

export type ResolvedSettings = Required<ScenarioSettings>;

/**
 * The settings a scenario gets when it does not name them. They are part of the v1 format (a
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

/** Bounds on what a scenario may hold: input comes from URLs and files written by anyone. */
export const LIMITS = Object.freeze({
  steps: 500,
  titleLength: 200,
  noteLength: 2_000,
  textLength: 4_000,
  callerLength: 2_048,
  principals: 50,
  arnLength: 2_048,
  secretLength: 128,
  policyLength: 32_768,
  /** any string inside a request body or a policy object */
  jsonStringLength: 65_536,
  /** nesting depth of a request body or policy object */
  jsonDepth: 16,
  /** values (objects, arrays, scalars) in one request body or policy object */
  jsonNodes: 10_000,
  seedMax: 0xffff_ffff,
  hosts: 32,
  /** the largest clock offset or advance: 10 years */
  timeMs: 10 * 366 * 24 * 3_600_000,
  /** the latest propagation delay: 7 days */
  propagationMs: 7 * 24 * 3_600_000,
  /** 9999-12-31T23:59:59.999Z, so that SigV4 dates keep four-digit years */
  startTimeMax: 253_402_300_799_999,
});

export const PATTERNS = Object.freeze({
  region: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/,
  accountId: /^\d{12}$/,
  target: /^[A-Za-z][A-Za-z0-9]{0,63}$/,
  principalArn: /^arn:aws[a-z-]*:(iam|sts)::\d{12}:\S+$/,
  accessKeyId: /^\w{16,128}$/,
  secretAccessKey: /^[\x21-\x7e]+$/,
});

export function rootArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}

/** Every setting, the scenario's own where given and the default otherwise (fresh copies). */
export function resolveSettings(settings: ScenarioSettings | undefined): ResolvedSettings {
  const s = settings ?? {};
  const d = DEFAULT_SETTINGS;
  const propagation = s.propagation ?? d.propagation;
  const routing = s.routing ?? d.routing;
  return {
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
    principals: (s.principals ?? d.principals).map((p) => ({ ...p })),
  };
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
  // canonical key order (v, title, seed, settings, steps): equal scenarios encode to equal links
  const out = { v: scenario.v } as Scenario;
  if (scenario.title !== undefined) out.title = scenario.title;
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

class ShapeError extends Error {}

function fail(path: string, message: string): never {
  throw new ShapeError(`${path}: ${message}`);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function record(x: unknown, path: string): Record<string, unknown> {
  if (!isRecord(x)) fail(path, 'must be an object');
  return x;
}

function has(o: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key) && o[key] !== undefined;
}

function str(x: unknown, path: string, max: number, pattern?: RegExp, min = 0): string {
  if (typeof x !== 'string') fail(path, 'must be a string');
  if (x.length < min) fail(path, `must have at least ${min} character${min === 1 ? '' : 's'}`);
  if (x.length > max) fail(path, `must have at most ${max} characters`);
  if (pattern && !pattern.test(x)) fail(path, `must match ${pattern.source}`);
  return x;
}

function int(x: unknown, path: string, min: number, max: number): number {
  if (typeof x !== 'number' || !Number.isInteger(x)) fail(path, 'must be an integer');
  if (x < min || x > max) fail(path, `must be between ${min} and ${max}`);
  return x;
}

/** Copies a JSON value (plain objects, arrays, strings, finite numbers, booleans, null). */
function copyJson(x: unknown, path: string, depth: number, budget: { nodes: number }): unknown {
  if (--budget.nodes < 0) fail(path, `holds more than ${LIMITS.jsonNodes} values`);
  if (x === null || typeof x === 'boolean') return x;
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) fail(path, 'must be a finite number');
    return x;
  }
  if (typeof x === 'string') return str(x, path, LIMITS.jsonStringLength);
  if (depth >= LIMITS.jsonDepth) fail(path, `nests deeper than ${LIMITS.jsonDepth} levels`);
  if (Array.isArray(x)) {
    const out: unknown[] = [];
    for (let i = 0; i < x.length; i++) out.push(copyJson(x[i], `${path}[${i}]`, depth + 1, budget));
    return out;
  }
  if (!isRecord(x)) fail(path, 'must be JSON (an object, array, string, number, boolean or null)');
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

function jsonObject(x: unknown, path: string): Record<string, unknown> {
  record(x, path);
  return copyJson(x, path, 0, { nodes: LIMITS.jsonNodes }) as Record<string, unknown>;
}

function readRouting(x: unknown, path: string, hosts: number): Routing {
  if (x === 'random' || x === 'round-robin') return x;
  if (isRecord(x) && has(x, 'pinned')) return { pinned: int(x.pinned, `${path}.pinned`, 0, hosts - 1) };
  return fail(path, "must be 'random', 'round-robin' or { pinned: <host> }");
}

function readPropagation(x: unknown, path: string): PropagationOptions {
  const o = record(x, path);
  const minMs = int(o.minMs, `${path}.minMs`, 0, LIMITS.propagationMs);
  const maxMs = int(o.maxMs, `${path}.maxMs`, minMs, LIMITS.propagationMs);
  const out: PropagationOptions = { minMs, maxMs };
  if (has(o, 'distribution')) {
    if (o.distribution !== 'uniform' && o.distribution !== 'realistic') fail(`${path}.distribution`, "must be 'uniform' or 'realistic'");
    out.distribution = o.distribution;
  }
  return out;
}

function readPrincipal(x: unknown, path: string): PrincipalConfig {
  const o = record(x, path);
  const out: PrincipalConfig = {
    arn: str(o.arn, `${path}.arn`, LIMITS.arnLength, PATTERNS.principalArn),
    accessKeyId: str(o.accessKeyId, `${path}.accessKeyId`, 128, PATTERNS.accessKeyId),
  };
  if (has(o, 'secretAccessKey')) out.secretAccessKey = str(o.secretAccessKey, `${path}.secretAccessKey`, LIMITS.secretLength, PATTERNS.secretAccessKey, 1);
  if (has(o, 'policy')) {
    out.policy = typeof o.policy === 'string' ? str(o.policy, `${path}.policy`, LIMITS.policyLength) : jsonObject(o.policy, `${path}.policy`);
  }
  return out;
}

function readSettings(x: unknown): ScenarioSettings {
  const o = record(x, 'settings');
  const out: ScenarioSettings = {};
  if (has(o, 'region')) out.region = str(o.region, 'settings.region', 32, PATTERNS.region);
  if (has(o, 'accountId')) out.accountId = str(o.accountId, 'settings.accountId', 12, PATTERNS.accountId);
  if (has(o, 'startTime')) out.startTime = int(o.startTime, 'settings.startTime', 0, LIMITS.startTimeMax);
  if (has(o, 'hosts')) out.hosts = int(o.hosts, 'settings.hosts', 1, LIMITS.hosts);
  const hosts = out.hosts ?? DEFAULT_SETTINGS.hosts;
  if (has(o, 'routing')) out.routing = readRouting(o.routing, 'settings.routing', hosts);
  if (has(o, 'propagation')) out.propagation = readPropagation(o.propagation, 'settings.propagation');
  if (has(o, 'principals')) {
    if (!Array.isArray(o.principals)) fail('settings.principals', 'must be an array');
    if (o.principals.length > LIMITS.principals) fail('settings.principals', `must hold at most ${LIMITS.principals} principals`);
    const principals = o.principals.map((p, i) => readPrincipal(p, `settings.principals[${i}]`));
    const arns = new Set<string>();
    const keys = new Set<string>();
    principals.forEach((p, i) => {
      if (arns.has(p.arn)) fail(`settings.principals[${i}].arn`, 'is configured twice');
      if (keys.has(p.accessKeyId)) fail(`settings.principals[${i}].accessKeyId`, 'is configured twice');
      arns.add(p.arn);
      keys.add(p.accessKeyId);
    });
    out.principals = principals;
  }
  return out;
}

function readStep(x: unknown, path: string, ctx: { hosts: number; callers: Set<string> }): Step {
  const o = record(x, path);
  switch (o.kind) {
    case 'request': {
      // built in the order the encoder writes: kind, at, caller, target, body, host, note
      const step = { kind: 'request' } as RequestStep;
      if (has(o, 'at')) step.at = int(o.at, `${path}.at`, 0, LIMITS.timeMs);
      if (has(o, 'caller')) {
        const caller = str(o.caller, `${path}.caller`, LIMITS.callerLength, undefined, 1);
        if (!ctx.callers.has(caller)) fail(`${path}.caller`, 'must be the account root or a principal in settings.principals');
        step.caller = caller;
      }
      step.target = str(o.target, `${path}.target`, 64, PATTERNS.target);
      step.body = jsonObject(o.body, `${path}.body`);
      if (has(o, 'host')) step.host = int(o.host, `${path}.host`, 0, ctx.hosts - 1);
      if (has(o, 'note')) step.note = str(o.note, `${path}.note`, LIMITS.noteLength);
      return step;
    }
    case 'advance': {
      const step: AdvanceStep = { kind: 'advance', ms: int(o.ms, `${path}.ms`, 0, LIMITS.timeMs) };
      if (has(o, 'note')) step.note = str(o.note, `${path}.note`, LIMITS.noteLength);
      return step;
    }
    case 'settle': {
      const step: SettleStep = { kind: 'settle' };
      if (has(o, 'note')) step.note = str(o.note, `${path}.note`, LIMITS.noteLength);
      return step;
    }
    case 'note':
      return { kind: 'note', text: str(o.text, `${path}.text`, LIMITS.textLength) };
    default:
      return fail(`${path}.kind`, "must be 'request', 'advance', 'settle' or 'note'");
  }
}

/**
 * Checks a latest-version scenario and returns a copy holding only the known fields. Older
 * versions are refused with 'unknown-version': pass them to parseScenario, which migrates.
 * Checks beyond the JSON Schema: a caller must be the root or a configured principal, host
 * numbers must be below `hosts`, minMs <= maxMs, principal ARNs and key ids are unique.
 */
export function validateScenario(x: unknown): ScenarioResult {
  try {
    const o = record(x, 'scenario');
    if (!has(o, 'v')) fail('v', 'is missing (not a scenario)');
    if (typeof o.v !== 'number') fail('v', 'must be a number');
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
    const out = { v: 1 } as Scenario;
    if (has(o, 'title')) out.title = str(o.title, 'title', LIMITS.titleLength);
    out.seed = int(o.seed, 'seed', 0, LIMITS.seedMax);
    if (has(o, 'settings')) {
      const settings = readSettings(o.settings);
      if (Object.keys(settings).length > 0) out.settings = settings;
    }
    const resolved = resolveSettings(out.settings);
    const callers = new Set([rootArn(resolved.accountId), ...resolved.principals.map((p) => p.arn)]);
    if (!Array.isArray(o.steps)) fail('steps', 'must be an array');
    if (o.steps.length > LIMITS.steps) fail('steps', `must hold at most ${LIMITS.steps} steps`);
    out.steps = o.steps.map((s, i) => readStep(s, `steps[${i}]`, { hosts: resolved.hosts, callers }));
    return { ok: true, scenario: out };
  } catch (e) {
    if (e instanceof ShapeError) return { ok: false, error: 'bad-shape', detail: e.message };
    // a throwing getter or a proxy: still an answer, never an exception
    return { ok: false, error: 'bad-shape', detail: `scenario: cannot be read (${String(e)})` };
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

export class MigrationError extends Error {}

/** One migration per old version, keyed by the version it reads. Never edit a published entry. */
export const MIGRATIONS: Readonly<Record<number, Migration>> = Object.freeze({
  0: {
    to: 1,
    summary: 'v0 → v1: `requests` [{ t, op, input, as }] become `steps` of kind request; region and hosts move into `settings`',
    up(doc: Record<string, unknown>): Record<string, unknown> {
      if (!Array.isArray(doc.requests)) throw new MigrationError('requests: must be an array');
      const steps = doc.requests.map((r: unknown, i: number) => {
        if (!isRecord(r)) throw new MigrationError(`requests[${i}]: must be an object`);
        if (typeof r.op !== 'string') throw new MigrationError(`requests[${i}].op: must be a string`);
        const step: Record<string, unknown> = { kind: 'request' };
        if (r.t !== undefined) step.at = r.t;
        if (r.as !== undefined) step.caller = r.as;
        step.target = r.op.startsWith('TrentService.') ? r.op.slice('TrentService.'.length) : r.op;
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
    if (!isRecord(x)) return { ok: false, error: 'bad-shape', detail: 'scenario: must be an object' };
    let doc = x as Record<string, unknown>;
    for (;;) {
      const v = doc.v;
      if (typeof v !== 'number' || !Number.isInteger(v)) return { ok: false, error: 'bad-shape', detail: 'v: must be an integer' };
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
  if (!isRecord(x)) return { ok: false, error: 'bad-shape', detail: 'scenario: must be an object' };
  if (!has(x, 'v')) return { ok: false, error: 'bad-shape', detail: 'v: is missing (not a scenario)' };
  const migrated = migrate(x as { v: number });
  return migrated.ok ? validateScenario(migrated.doc) : migrated;
}
