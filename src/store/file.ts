/**
 * The workspace file: a versioned JSON document that carries one workspace (its options and
 * its whole stored simulator: world, input log, events) between browsers.
 *
 *   { "format": "kms-playground-workspace", "v": 1, "exportedAt": 1767225600000,
 *     "workspace": { "name": "…", "created": …, "updated": …, "options": { "seed": 42, … } },
 *     "snapshot": { "state": { "meta": …, "keys": […], "aliases": […], "grants": […] },
 *                   "log": […], "events": […] } }
 *
 * JSON has no bytes and no Infinity, so the snapshot is encoded: a Uint8Array (key material)
 * becomes `{ "$bytes": "<base64>" }`, a non-finite number `{ "$num": "Infinity" }`, and an
 * object of the data's own that happens to have one of those keys is wrapped as
 * `{ "$esc": { … } }` (an encryption context may use any key name).
 *
 * Input from outside goes through `parseWorkspaceFile`: it returns a
 * result, never throws, copies the accepted option fields one by one, checks the snapshot's
 * shape, then restores it into a scratch engine and checks the world's invariants, so what it
 * accepts is a world the simulator can resume.
 */
import type { StoredSimulator } from '../kms/api';
import { Engine, type EngineMeta } from '../kms/engine';
import { checkInvariants } from '../kms/invariants';
import { kind, readClock, readLog, readSimulatorOptions, Refusal } from '../scenario/validate';
import type { WorkspaceOptions } from './schema';
import { readName } from './util';

export const WORKSPACE_FORMAT = 'kms-playground-workspace';
export const WORKSPACE_FILE_VERSION = 1;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export interface WorkspaceFileV1 {
  format: typeof WORKSPACE_FORMAT;
  v: 1;
  /** wall-clock epoch ms, when the caller gave one */
  exportedAt?: number;
  workspace: { id?: string; name: string; created?: number; updated?: number; options: WorkspaceOptions };
  /** a StoredSimulator, encoded with `toJsonSafe` */
  snapshot: JsonValue;
}
export type WorkspaceFile = WorkspaceFileV1;

export type ImportError = 'not-a-workspace' | 'newer-version' | 'bad-shape';
export type ParsedWorkspaceFile = { ok: true; name: string; options: WorkspaceOptions; snapshot: StoredSimulator | null } | { ok: false; error: ImportError; detail: string };

// ---------------------------------------------------------------------------------------------
// JSON-safe encoding
// ---------------------------------------------------------------------------------------------

const MARKERS = ['$bytes', '$num', '$esc'];

/** o[k] = value as a plain data member, even for k '__proto__' (assignment would set the prototype) */
function define(o: object, k: string, value: unknown): void {
  Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function base64ToBytes(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** a value JSON.stringify keeps exactly: bytes and non-finite numbers become marker objects */
export function toJsonSafe(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $num: String(value) };
  if (value instanceof Uint8Array) return { $bytes: bytesToBase64(value) };
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : toJsonSafe(v)));
  if (typeof value === 'object') {
    const out: { [k: string]: JsonValue } = {};
    let marked = false;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (MARKERS.includes(k)) marked = true;
      define(out, k, toJsonSafe(v));
    }
    return marked ? { $esc: out } : out;
  }
  throw new TypeError(`cannot encode a ${typeof value} in a workspace file`);
}

/** the inverse of toJsonSafe; throws a TypeError on a malformed marker */
export function fromJsonSafe(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromJsonSafe);
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === '$bytes') {
    const bytes = typeof o.$bytes === 'string' ? base64ToBytes(o.$bytes) : null;
    if (!bytes) throw new TypeError('a $bytes member (stored bytes) is not base64 text');
    return bytes;
  }
  if (keys.length === 1 && keys[0] === '$num') {
    if (o.$num === 'Infinity') return Infinity;
    if (o.$num === '-Infinity') return -Infinity;
    if (o.$num === 'NaN') return NaN;
    throw new TypeError('a $num member (a stored number) is not Infinity, -Infinity or NaN');
  }
  const inner = keys.length === 1 && keys[0] === '$esc' && o.$esc !== null && typeof o.$esc === 'object' && !Array.isArray(o.$esc) ? (o.$esc as Record<string, unknown>) : o;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inner)) define(out, k, fromJsonSafe(v));
  return out;
}

export function makeWorkspaceFile(
  workspace: { id: string; name: string; created: number; updated: number; options: WorkspaceOptions },
  snapshot: StoredSimulator | null,
  exportedAt?: number,
): WorkspaceFile {
  const file: WorkspaceFile = {
    format: WORKSPACE_FORMAT,
    v: 1,
    workspace: { id: workspace.id, name: workspace.name, created: workspace.created, updated: workspace.updated, options: toJsonSafe(workspace.options) as WorkspaceOptions },
    snapshot: snapshot === null ? null : toJsonSafe(snapshot),
  };
  if (exportedAt !== undefined) file.exportedAt = exportedAt;
  return file;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

class ShapeError extends Error {}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x);
function need(cond: unknown, path: string, what: string): asserts cond {
  if (!cond) throw new ShapeError(`${path} ${what}`);
}
const num = (x: unknown): x is number => typeof x === 'number' && !Number.isNaN(x);
const str = (x: unknown): x is string => typeof x === 'string';

/**
 * Copies the SimulatorOptions a workspace may carry, field by field, through the one boundary
 * check (src/scenario/validate.ts); throws a Refusal that says what is wrong in words.
 */
export function parseOptions(x: unknown, path = 'workspace.options'): WorkspaceOptions {
  return readSimulatorOptions(x, path);
}

const META_FIELDS = ['now', 'rng', 'routingRng', 'requestRng', 'seq', 'roundRobin', 'agendaSeq'] as const;

function checkRecords(list: unknown, path: string, id: string, fields: Record<string, (x: unknown) => boolean>): void {
  need(Array.isArray(list), path, `must be a list of records, not ${kind(list)}`);
  list.forEach((r, i) => {
    need(isObj(r), `${path}[${i}]`, `must be a record (an object), not ${kind(r)}`);
    need(str(r[id]), `${path}[${i}].${id}`, `must be text, not ${kind(r[id])}`);
    for (const [k, check] of Object.entries(fields)) need(check(r[k]), `${path}[${i}].${k}`, r[k] === undefined ? 'is missing' : `is ${kind(r[k])}, which is not what this member holds`);
  });
}
const numbers = (x: unknown) => Array.isArray(x) && x.every(num);

/** checks a decoded snapshot's shape; semantic checks follow in parseWorkspaceFile */
export function checkSnapshotShape(x: unknown, path = 'snapshot'): StoredSimulator {
  need(isObj(x), path, `must be a saved simulator (an object with state, log and events), not ${kind(x)}`);
  const s = x.state;
  need(isObj(s), `${path}.state`, `must be the saved world (an object), not ${kind(s)}`);
  const m = s.meta;
  need(isObj(m), `${path}.state.meta`, `must be the world's counters (an object), not ${kind(m)}`);
  need(m.v === 1, `${path}.state.meta.v`, `is ${kind(m.v) === 'a number' ? m.v : kind(m.v)}; this playground reads saved worlds of version 1`);
  for (const f of META_FIELDS) need(typeof m[f] === 'number' && Number.isFinite(m[f]), `${path}.state.meta.${f}`, `must be a finite number, not ${kind(m[f])}`);
  readClock(m.now, `${path}.state.meta.now`);
  checkRecords(s.keys, `${path}.state.keys`, 'keyId', { arn: str, account: str, region: str, state: str, keySpec: str, keyUsage: str, policy: str, created: num });
  checkRecords(s.aliases, `${path}.state.aliases`, 'aliasName', { account: str, region: str, targetKeyId: str, aliasArn: str });
  checkRecords(s.grants, `${path}.state.grants`, 'grantId', {
    keyId: str,
    keyArn: str,
    region: str,
    name: str,
    created: num,
    issuingAccount: str,
    operations: (v) => Array.isArray(v) && v.every(str),
    arrivals: numbers,
  });
  (s.grants as Obj[]).forEach((g, i) => {
    need(str(g.granteePrincipal) || str(g.granteeServicePrincipal), `${path}.state.grants[${i}]`, 'has no grantee');
    if (g.removed !== undefined) need(isObj(g.removed) && numbers(g.removed.arrivals) && num(g.removed.at), `${path}.state.grants[${i}].removed`, 'is not a removal (an object with the time "at" and the arrival times "arrivals")');
  });
  // the input log goes through the one boundary check: times, operations, addresses, headers
  const log = readLog(x.log, `${path}.log`);
  need(Array.isArray(x.events), `${path}.events`, `must be a list of events, not ${kind(x.events)}`);
  x.events.forEach((e, i) => need(isObj(e) && str(e.type) && e.type.startsWith('@kms.') && Number.isFinite(e.at), `${path}.events[${i}]`, 'is not a simulator event (an object with a type starting @kms. and a time "at")'));
  return { state: { meta: m as unknown as EngineMeta, keys: s.keys as never, aliases: s.aliases as never, grants: s.grants as never }, log, events: x.events as never };
}

/**
 * Checks that a snapshot resumes: restores it into a scratch engine made with the workspace's
 * options and runs the invariant checks the fuzzers use. Returns what is wrong, or null.
 */
export function checkSnapshotResumes(snapshot: StoredSimulator, options: WorkspaceOptions): string | null {
  try {
    const engine = new Engine(options);
    engine.restore(structuredClone(snapshot.state), snapshot.events);
    const broken = checkInvariants(engine.world);
    return broken.length ? broken.slice(0, 3).join('; ') : null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** why a simulator cannot be made with these options (the engine's own words), or null */
function optionsProblem(options: WorkspaceOptions): string | null {
  try {
    new Engine(options);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** validates an imported document (a parsed JSON value, or the JSON text) */
export function parseWorkspaceFile(input: unknown): ParsedWorkspaceFile {
  let x = input;
  if (typeof x === 'string') {
    try {
      x = JSON.parse(x);
    } catch {
      return { ok: false, error: 'not-a-workspace', detail: 'The file is not JSON.' };
    }
  }
  if (!isObj(x) || x.format !== WORKSPACE_FORMAT) {
    return { ok: false, error: 'not-a-workspace', detail: `This is not a KMS Playground workspace file (no "format": "${WORKSPACE_FORMAT}").` };
  }
  if (!Number.isInteger(x.v) || (x.v as number) < 1) return { ok: false, error: 'bad-shape', detail: 'The file has no valid version number "v".' };
  if ((x.v as number) > WORKSPACE_FILE_VERSION) {
    return { ok: false, error: 'newer-version', detail: `The file is workspace format version ${x.v}; this playground reads up to version ${WORKSPACE_FILE_VERSION}. Open it in a newer playground.` };
  }
  try {
    need(isObj(x.workspace), 'workspace', `must be an object with the workspace's name and options, not ${kind(x.workspace)}`);
    const w = x.workspace;
    const name = readName(w.name, 'workspace.name');
    const options = parseOptions(fromJsonSafe(w.options));
    if (x.snapshot === null) {
      // an empty workspace still needs options a simulator accepts (a principal's IAM policy is
      // parsed only by the engine): otherwise it would import and then fail to open
      const problem = optionsProblem(options);
      if (problem) throw new ShapeError(`workspace.options cannot make a simulator: ${problem}`);
      return { ok: true, name, options, snapshot: null };
    }
    let decoded: unknown;
    try {
      decoded = fromJsonSafe(x.snapshot);
    } catch (e) {
      throw new ShapeError(`snapshot: ${(e as Error).message}`);
    }
    const snapshot = checkSnapshotShape(decoded);
    const problem = checkSnapshotResumes(snapshot, options);
    if (problem) throw new ShapeError(`snapshot holds a world the simulator cannot resume: ${problem}`);
    return { ok: true, name, options, snapshot };
  } catch (e) {
    if (e instanceof ShapeError || e instanceof Refusal) return { ok: false, error: 'bad-shape', detail: e.message };
    // a file is data: whatever else goes wrong reading it is still an answer, never an exception
    return { ok: false, error: 'bad-shape', detail: `The file cannot be read (${e instanceof Error ? e.message : String(e)}).` };
  }
}
