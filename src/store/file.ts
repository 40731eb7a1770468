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
 * shape (each member the engine and the views read, in every key, alias and grant record and
 * every event, with the boundary checks of src/scenario/validate.ts), then restores it into a
 * scratch engine and checks the world's invariants, so what it accepts is a world the simulator
 * can resume and the workspace views can show.
 */
import type { EngineMeta, GrantChange, KeyState, SimEvent, StoredSimulator } from '../kms/api';
import { checkSnapshotResumes as resumes, simulatorHosts } from '../kms/index';
import { decodeBase64Lenient, encodeBase64 } from '../kms/util/base64';
import { LIMITS } from '../scenario/limits';
import { has, isRecord, kind, readClock, readInt, readLog, readRecord, readSimulatorOptions, readText, Refusal, refuse, show, type TextRule } from '../scenario/validate';
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

/** a value JSON.stringify keeps exactly: bytes and non-finite numbers become marker objects */
export function toJsonSafe(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $num: String(value) };
  if (value instanceof Uint8Array) return { $bytes: encodeBase64(value) };
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
    const bytes = typeof o.$bytes === 'string' ? decodeBase64Lenient(o.$bytes) : null;
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

/**
 * Copies the SimulatorOptions a workspace may carry, field by field, through the one boundary
 * check (src/scenario/validate.ts); throws a Refusal that says what is wrong in words.
 */
function parseOptions(x: unknown, path = 'workspace.options'): WorkspaceOptions {
  return readSimulatorOptions(x, path);
}

type Obj = Record<string, unknown>;

/** refuses (a Refusal naming `path`, as every boundary check does) unless cond holds */
function need(cond: unknown, path: string, what: string): asserts cond {
  if (!cond) refuse(path, what);
}

/** the own member o[k] (never one inherited from a prototype) */
const own = (o: Obj, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

/** any text a saved world holds (a key policy, a description, an ARN): the stored log's body bound */
const STORED_TEXT: TextRule = { max: LIMITS.logBodyLength };

const text = (o: Obj, k: string, path: string): string => readText(own(o, k), `${path}.${k}`, STORED_TEXT);
const optionalText = (o: Obj, k: string, path: string): void => {
  if (has(o, k)) text(o, k, path);
};
const clock = (o: Obj, k: string, path: string): number => readClock(own(o, k), `${path}.${k}`);
const count = (o: Obj, k: string, path: string): number => readInt(own(o, k), `${path}.${k}`, 0, Number.MAX_SAFE_INTEGER);
function oneOf<T extends string>(o: Obj, k: string, path: string, values: readonly T[]): T {
  const x = own(o, k);
  if (x === undefined) refuse(`${path}.${k}`, 'is missing');
  if (!values.includes(x as T)) refuse(`${path}.${k}`, `${show(x)} is not one of ${values.map((v) => `'${v}'`).join(', ')}`);
  return x as T;
}
function flag(o: Obj, k: string, path: string): boolean {
  const x = own(o, k);
  if (typeof x !== 'boolean') refuse(`${path}.${k}`, x === undefined ? 'is missing' : `must be true or false, not ${kind(x)}`);
  return x;
}
function list(o: Obj, k: string, path: string, what: string, each: (x: unknown, path: string) => unknown): unknown[] {
  const x = own(o, k);
  if (x === undefined) refuse(`${path}.${k}`, 'is missing');
  if (!Array.isArray(x)) refuse(`${path}.${k}`, `must be a list of ${what}, not ${kind(x)}`);
  x.forEach((v, i) => each(v, `${path}.${k}[${i}]`));
  return x;
}
const eachText = (x: unknown, path: string) => readText(x, path, STORED_TEXT);
/** one time per host: as many as the workspace runs hosts, each a clock reading */
function arrivals(o: Obj, k: string, path: string, hosts: number | undefined): void {
  const times = list(o, k, path, 'times (one per host)', readClock);
  if (hosts !== undefined && times.length !== hosts) refuse(`${path}.${k}`, `lists ${times.length} arrival times; the workspace runs ${hosts} hosts, and each needs one`);
}
const hostIndex = (x: unknown, path: string, hosts: number | undefined) => readInt(x, path, 0, (hosts ?? LIMITS.optionHosts) - 1, 'a host (counting from 0)');
function bytes(o: Obj, k: string, path: string): void {
  need(own(o, k) instanceof Uint8Array, `${path}.${k}`, `must be stored bytes ({ "$bytes": "<base64>" }), not ${kind(own(o, k))}`);
}

const KEY_STATES = ['Creating', 'Enabled', 'Disabled', 'PendingDeletion', 'PendingImport', 'PendingReplicaDeletion', 'Unavailable', 'Updating'] as const satisfies readonly KeyState[];
const GRANT_CHANGES = ['create', 'retire', 'revoke'] as const satisfies readonly GrantChange[];
const KEY_CHANGES = ['create', 'enable', 'disable', 'schedule-deletion', 'cancel-deletion', 'delete', 'policy'] as const;
const META_FIELDS = ['now', 'rng', 'routingRng', 'requestRng', 'seq', 'roundRobin', 'agendaSeq'] as const;

/** a KeyRecord: every member the engine reads (its tags for aws:ResourceTag, its state, its material) */
function checkKey(x: unknown, path: string): void {
  const k = readRecord(x, path, 'a key record (an object)');
  for (const f of ['keyId', 'arn', 'account', 'region', 'description', 'keySpec', 'keyUsage', 'origin', 'policy', 'keyMaterialId']) text(k, f, path);
  oneOf(k, 'state', path, KEY_STATES);
  clock(k, 'created', path);
  if (has(k, 'deletionDate')) clock(k, 'deletionDate', path);
  if (has(k, 'pendingWindowInDays')) readInt(k.pendingWindowInDays, `${path}.pendingWindowInDays`, 7, 30, 'days');
  flag(k, 'multiRegion', path);
  list(k, 'tags', path, 'tags ({ "TagKey": …, "TagValue": … })', (t, p) => {
    const tag = readRecord(t, p, 'a tag (an object with TagKey and TagValue)');
    text(tag, 'TagKey', p);
    text(tag, 'TagValue', p);
  });
  if (has(k, 'material')) {
    const p = `${path}.material`;
    const m = readRecord(k.material, p, 'key material (an object)');
    const sort = oneOf(m, 'kind', p, ['secret', 'pair', 'unsupported']);
    if (sort === 'secret') bytes(m, 'bytes', p);
    else if (sort === 'pair') {
      bytes(m, 'pkcs8', p);
      bytes(m, 'spki', p);
    } else text(m, 'reason', p);
  }
}

function checkAlias(x: unknown, path: string): void {
  const a = readRecord(x, path, 'an alias record (an object)');
  for (const f of ['aliasName', 'aliasArn', 'account', 'region', 'targetKeyId']) text(a, f, path);
  clock(a, 'created', path);
  clock(a, 'updated', path);
}

function checkEncryptionContext(x: unknown, path: string): void {
  const o = readRecord(x, path, 'an encryption context (an object of text values)');
  for (const k of Object.keys(o)) readText(o[k], `${path}.${k}`, STORED_TEXT);
}

function checkGrant(x: unknown, path: string, hosts: number | undefined): void {
  const g = readRecord(x, path, 'a grant record (an object)');
  for (const f of ['grantId', 'keyId', 'keyArn', 'region', 'name', 'issuingAccount']) text(g, f, path);
  clock(g, 'created', path);
  for (const f of ['granteePrincipal', 'granteeServicePrincipal', 'retiringPrincipal', 'retiringServicePrincipal']) optionalText(g, f, path);
  need(has(g, 'granteePrincipal') || has(g, 'granteeServicePrincipal'), path, 'has no grantee (granteePrincipal or granteeServicePrincipal)');
  list(g, 'operations', path, 'operation names', eachText);
  arrivals(g, 'arrivals', path, hosts);
  if (has(g, 'aseq')) count(g, 'aseq', path);
  if (has(g, 'constraints')) {
    const p = `${path}.constraints`;
    const c = readRecord(g.constraints, p, 'grant constraints (an object)');
    if (has(c, 'EncryptionContextSubset')) checkEncryptionContext(c.EncryptionContextSubset, `${p}.EncryptionContextSubset`);
    if (has(c, 'EncryptionContextEquals')) checkEncryptionContext(c.EncryptionContextEquals, `${p}.EncryptionContextEquals`);
    optionalText(c, 'SourceArn', p);
  }
  if (has(g, 'removed')) {
    const p = `${path}.removed`;
    const r = readRecord(g.removed, p, 'a removal (an object with change, at, by and arrivals)');
    oneOf(r, 'change', p, ['retire', 'revoke']);
    clock(r, 'at', p);
    text(r, 'by', p);
    arrivals(r, 'arrivals', p, hosts);
    if (has(r, 'aseq')) count(r, 'aseq', p);
  }
}

/** a SimEvent: the members of its type, as the timeline and the history read them */
function checkEvent(x: unknown, path: string, hosts: number | undefined): void {
  const e = readRecord(x, path, 'a simulator event (an object)');
  const type = oneOf(e, 'type', path, ['@kms.request', '@kms.grant.changed', '@kms.grant.arrived', '@kms.key.changed', '@kms.clock'] as const satisfies readonly SimEvent['type'][]);
  clock(e, 'at', path);
  switch (type) {
    case '@kms.request': {
      count(e, 'seq', path);
      for (const f of ['requestId', 'operation', 'caller']) text(e, f, path);
      hostIndex(own(e, 'host'), `${path}.host`, hosts);
      readInt(own(e, 'status'), `${path}.status`, 100, 599, 'an HTTP status');
      optionalText(e, 'errorType', path);
      if (has(e, 'decision')) {
        const p = `${path}.decision`;
        const d = readRecord(e.decision, p, 'a decision (an object)');
        flag(d, 'allowed', p);
        hostIndex(own(d, 'host'), `${p}.host`, hosts);
        text(d, 'summary', p);
        text(readRecord(own(d, 'via'), `${p}.via`, 'what decided (an object with a kind)'), 'kind', `${p}.via`);
        list(d, 'notes', p, 'notes (text)', eachText);
      }
      return;
    }
    case '@kms.grant.changed':
      oneOf(e, 'change', path, GRANT_CHANGES);
      for (const f of ['grantId', 'keyArn', 'grantee', 'by']) text(e, f, path);
      list(e, 'operations', path, 'operation names', eachText);
      arrivals(e, 'arrivals', path, hosts);
      return;
    case '@kms.grant.arrived':
      oneOf(e, 'change', path, GRANT_CHANGES);
      text(e, 'grantId', path);
      hostIndex(own(e, 'host'), `${path}.host`, hosts);
      return;
    case '@kms.key.changed':
      text(e, 'keyArn', path);
      text(e, 'keyState', path);
      oneOf(e, 'change', path, KEY_CHANGES);
      return;
    case '@kms.clock':
      clock(e, 'from', path);
      return;
  }
}

function checkList(x: unknown, path: string, what: string, each: (x: unknown, path: string) => void): void {
  if (x === undefined) refuse(path, 'is missing');
  if (!Array.isArray(x)) refuse(path, `must be a list of ${what}, not ${kind(x)}`);
  for (let i = 0; i < x.length; i++) each(x[i], `${path}[${i}]`);
}

/**
 * Checks a decoded snapshot's shape: every member the engine and the views read, in each key,
 * alias and grant record and each event, refused in words that name the member (a Refusal).
 * `hosts`, when given, is the number of hosts the workspace runs: arrival times must be one per
 * host, and a host index below it. Semantic checks follow in parseWorkspaceFile.
 */
function checkSnapshotShape(x: unknown, path = 'snapshot', hosts?: number): StoredSimulator {
  const snap = readRecord(x, path, 'a saved simulator (an object with state, log and events)');
  const s = readRecord(own(snap, 'state'), `${path}.state`, 'the saved world (an object)');
  const m = readRecord(own(s, 'meta'), `${path}.state.meta`, "the world's counters (an object)");
  need(m.v === 1, `${path}.state.meta.v`, `is ${show(m.v)}; this playground reads saved worlds of version 1`);
  for (const f of META_FIELDS) need(typeof m[f] === 'number' && Number.isFinite(m[f]), `${path}.state.meta.${f}`, `must be a finite number, not ${kind(m[f])}`);
  readClock(m.now, `${path}.state.meta.now`);
  checkList(own(s, 'keys'), `${path}.state.keys`, 'key records', checkKey);
  checkList(own(s, 'aliases'), `${path}.state.aliases`, 'alias records', checkAlias);
  checkList(own(s, 'grants'), `${path}.state.grants`, 'grant records', (g, p) => checkGrant(g, p, hosts));
  // the input log goes through the one boundary check: times, operations, addresses, headers
  const log = readLog(own(snap, 'log'), `${path}.log`);
  checkList(own(snap, 'events'), `${path}.events`, 'events', (e, p) => checkEvent(e, p, hosts));
  return { state: { meta: m as unknown as EngineMeta, keys: s.keys as never, aliases: s.aliases as never, grants: s.grants as never }, log, events: snap.events as never };
}

/**
 * Checks that a snapshot resumes: restores it into a scratch engine made with the workspace's
 * options and runs the invariant checks the fuzzers use. Returns what is wrong, or null.
 */
export function checkSnapshotResumes(snapshot: StoredSimulator, options: WorkspaceOptions): string | null {
  return resumes(snapshot, options);
}

/** how many hosts a simulator made with these options runs; refuses options the engine cannot use */
function hostsOf(options: WorkspaceOptions): number {
  try {
    return simulatorHosts(options);
  } catch (e) {
    return refuse('workspace.options', `cannot make a simulator: ${e instanceof Error ? e.message : String(e)}`);
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
  if (!isRecord(x) || x.format !== WORKSPACE_FORMAT) {
    return { ok: false, error: 'not-a-workspace', detail: `This is not a KMS Playground workspace file (no "format": "${WORKSPACE_FORMAT}").` };
  }
  if (!Number.isInteger(x.v) || (x.v as number) < 1) return { ok: false, error: 'bad-shape', detail: 'The file has no valid version number "v".' };
  if ((x.v as number) > WORKSPACE_FILE_VERSION) {
    return { ok: false, error: 'newer-version', detail: `The file is workspace format version ${x.v}; this playground reads up to version ${WORKSPACE_FILE_VERSION}. Open it in a newer playground.` };
  }
  try {
    const w = readRecord(own(x, 'workspace'), 'workspace', "an object with the workspace's name and options");
    const name = readName(w.name, 'workspace.name');
    const options = parseOptions(fromJsonSafe(w.options));
    // even an empty workspace needs options a simulator accepts: otherwise it would import and
    // then fail to open
    const hosts = hostsOf(options);
    if (x.snapshot === null) return { ok: true, name, options, snapshot: null };
    let decoded: unknown;
    try {
      decoded = fromJsonSafe(x.snapshot);
    } catch (e) {
      return refuse('snapshot:', (e as Error).message);
    }
    const snapshot = checkSnapshotShape(decoded, 'snapshot', hosts);
    const problem = checkSnapshotResumes(snapshot, options);
    if (problem) refuse('snapshot', `holds a world the simulator cannot resume: ${problem}`);
    return { ok: true, name, options, snapshot };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, error: 'bad-shape', detail: e.message };
    // a file is data: whatever else goes wrong reading it is still an answer, never an exception
    return { ok: false, error: 'bad-shape', detail: `The file cannot be read (${e instanceof Error ? e.message : String(e)}).` };
  }
}
