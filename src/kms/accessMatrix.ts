/**
 * Decisions without effects: who may call what on a key, at each host, now and when that
 * changes. Beyond the IAM policy simulator, which knows neither grants nor hosts.
 *
 * A decision runs the operation's own handler (the same code fetch runs) with a context that
 * stops it once every authorization and key-state check the handler makes has passed, before it
 * draws randomness or changes anything: handlers check everything first and mutate last, and
 * this context ends them at the boundary. So a decision cannot disagree with what fetch answers
 * about authorization: it is the same code, on the same records.
 *
 * "When that changes" looks at the world as it will be at a later virtual time without moving
 * the clock: a read-only view whose host views hold the grants that will have reached each host
 * by then (from the propagation agenda), and without the keys whose deletion is due by then.
 */
import type { Decision } from './events';
import type { Engine, ExecuteResult } from './engine';
import { KmsError } from './errors';
import { World, type GrantRecord, type KeyRecord } from './world';
import { validateInput } from './model/validate';
import type { OperationName } from './model/shapes.generated';
import { HANDLERS } from './ops/index';
import { encryptionAlgorithmsFor, macAlgorithmsFor, signingAlgorithmsFor, keyAgreementAlgorithmsFor } from './crypto/algorithms';
import type { KeySpec } from './crypto/material';

export { DECIDED, DecideCtx, ranThrough } from './ops/decide';

/**
 * The world as it will be at virtual time t (>= now), for reading only: every grant change due by
 * t has reached its hosts, and keys whose deletion is due by t are gone (with their aliases).
 * The same world when nothing changes by then. Nothing of `world` is modified: the view shares
 * its records and indexes and holds copies of only what differs.
 */
export function worldAt(world: World, now: number, t: number, grants?: readonly GrantRecord[]): World {
  if (!(t > now)) return world;
  // the grants with a change still on its way (or only `grants`, when the caller knows which matter)
  const changing = new Map<string, GrantRecord>();
  if (grants) {
    for (const g of grants) changing.set(g.grantId, g);
  } else {
    for (const p of world.agenda.toArray()) {
      const g = p.at <= t ? world.grants.get(p.grantId) : undefined;
      if (g) changing.set(g.grantId, g);
    }
  }
  const gone: string[] = [];
  for (const k of world.keys.values()) if (k.state === 'PendingDeletion' && k.deletionDate !== undefined && k.deletionDate <= t) gone.push(k.keyId);
  if (changing.size === 0 && gone.length === 0) return world;
  const props: PropertyDescriptorMap = {};
  if (changing.size) {
    const hostViews = world.hostViews.map((view, h) => {
      let added: Set<string> | undefined;
      let removed: Set<string> | undefined;
      for (const [id, g] of changing) {
        const visible = World.visibleAt(g, h, t);
        if (visible === view.has(id)) continue;
        if (visible) (added ??= new Set()).add(id);
        else (removed ??= new Set()).add(id);
      }
      return added || removed ? new OverlaySet(view, added ?? new Set(), removed ?? new Set()) : view;
    });
    props.hostViews = { value: hostViews };
  }
  if (gone.length) {
    const ids = new Set(gone);
    props.keys = { value: new Map([...world.keys].filter(([id]) => !ids.has(id))) };
    props.aliases = { value: new Map([...world.aliases].filter(([, a]) => !ids.has(a.targetKeyId))) };
  }
  return Object.create(world, props) as World;
}

/**
 * A host's view at a later time without copying it (a host of a large world sees tens of
 * thousands of grants): the view as it is, plus the grants that will have arrived, minus those
 * whose removal will have. Read only.
 */
class OverlaySet extends Set<string> {
  constructor(
    readonly base: ReadonlySet<string>,
    readonly added: ReadonlySet<string>,
    readonly removed: ReadonlySet<string>,
  ) {
    super();
  }
  override has(id: string): boolean {
    return this.added.has(id) || (this.base.has(id) && !this.removed.has(id));
  }
  override get size(): number {
    return this.base.size + this.added.size - this.removed.size;
  }
  override *values(): SetIterator<string> {
    for (const id of this.base) if (!this.removed.has(id)) yield id;
    yield* this.added;
  }
  override keys(): SetIterator<string> {
    return this.values();
  }
  override *entries(): SetIterator<[string, string]> {
    for (const id of this.values()) yield [id, id];
  }
  override [Symbol.iterator](): SetIterator<string> {
    return this.values();
  }
  override forEach(fn: (value: string, key: string, set: Set<string>) => void, thisArg?: unknown): void {
    for (const id of this.values()) fn.call(thisArg, id, id, this);
  }
  override add(): this {
    throw new TypeError('a view of a later time is read only');
  }
  override delete(): boolean {
    throw new TypeError('a view of a later time is read only');
  }
  override clear(): void {
    throw new TypeError('a view of a later time is read only');
  }
}

/** what a request would be answered, up to the operation itself */
export interface DecideOutcome {
  operation: string;
  /** the caller's ARN ('' when the request failed before the caller was known) */
  caller: string;
  host: number;
  /**
   * 200 when every check up to the operation passed (authorization and the key-state rules):
   * the operation would run, and may still fail on what only running it checks (a ciphertext, a
   * signature). Otherwise the status fetch answers, with its error.
   */
  status: number;
  errorType?: string;
  message?: string;
  /** why it was allowed or denied; absent when the request failed before authorization */
  decision?: Decision;
  /** the authorization's verdict (decision.allowed); undefined when it failed before authorization */
  allowed?: boolean;
}

/** the outcome of an error a decision ended with */
function errorOutcome(base: Pick<DecideOutcome, 'operation' | 'caller' | 'host'>, e: KmsError, decision: Decision | undefined): DecideOutcome {
  const out: DecideOutcome = { ...base, status: e.status, errorType: e.code, message: e.message };
  if (decision) {
    out.decision = decision;
    out.allowed = decision.allowed;
  }
  return out;
}

/**
 * Decides one request with an already validated input, as fetch would serve it at host `host`,
 * on `view` (the world now, or worldAt a later time `at`). Through the engine's own run and
 * execute, in their deciding mode: no request id, no host pick, no randomness, no event.
 */
function decideInput(engine: Engine, op: OperationName, input: Record<string, unknown>, callerArn: string, host: number, at: number, view: World): DecideOutcome | Promise<DecideOutcome> {
  const base = { operation: op as string, caller: callerArn, host };
  const toOutcome = (r: ExecuteResult): DecideOutcome => {
    if (!r.ok) return errorOutcome(base, r.error, r.decision);
    const out: DecideOutcome = { ...base, status: 200 };
    if (r.decision) {
      out.decision = r.decision;
      out.allowed = r.decision.allowed;
    }
    return out;
  };
  const broken = (e: unknown): DecideOutcome => {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return errorOutcome(base, new KmsError('KMSInternalException', `The KMS Grant Playground hit an internal error: ${message}`), undefined);
  };
  let r: ExecuteResult | Promise<ExecuteResult>;
  try {
    r = engine.deciding(() => engine.run(op, input, { caller: callerArn, host }), { at, view });
  } catch (e) {
    return broken(e);
  }
  return r instanceof Promise ? r.then(toOutcome, broken) : toOutcome(r);
}

// ---- the access matrix ---------------------------------------------------------------------

export interface AccessMatrixOptions {
  /** principal ARNs, rows (default: the account root, then every configured principal) */
  principals?: readonly string[];
  /** operations, columns (default: matrixOperations(key)) */
  operations?: readonly string[];
  /** the encryption context the requests that take one carry (symmetric keys only) */
  encryptionContext?: Record<string, string>;
  /** virtual time to decide at, at or after now (default now); a later one is looked ahead to */
  at?: number;
  /** the most later times looked at per host for "when it changes" (default 64) */
  lookahead?: number;
}

/** what makes a cell's answer change at a later time */
export type MatrixCause =
  | { kind: 'grant'; grantId: string; change: 'create' | 'retire' | 'revoke' }
  | { kind: 'key-deletion' };

export interface MatrixChange {
  /** virtual time of the change (epoch ms) */
  at: number;
  status: number;
  errorType?: string;
  allowed?: boolean;
  summary: string;
  cause: MatrixCause;
}

export interface MatrixCell extends DecideOutcome {
  /** the first later time this host answers differently, and how; absent when nothing pending changes it */
  next?: MatrixChange;
}

export interface MatrixColumn {
  operation: string;
}

export interface AccessMatrix {
  keyId: string;
  keyArn: string;
  keyState: string;
  /** the virtual time decided at */
  at: number;
  hosts: number;
  principals: string[];
  operations: string[];
  /** request bodies (JSON text), [principal][operation]: what each cell decided, to send as is */
  bodies: string[][];
  /** [principal][operation][host] */
  cells: MatrixCell[][][];
  /**
   * the earliest later time any cell's answer may change (a cell's `next`, the key's deletion, or
   * the last time looked ahead to when there were more): until then, with no new input, every
   * answer stays as it is, so a view following a playing clock need not ask again before it
   */
  stableUntil?: number;
  /** when the key is pending deletion: when it is deleted */
  deletionDate?: number;
}

/** crypto operations each kind of key takes (the API reference's key-type tables) */
function cryptoOperations(key: Pick<KeyRecord, 'keySpec' | 'keyUsage'>): string[] {
  const symmetric = key.keySpec === 'SYMMETRIC_DEFAULT';
  switch (key.keyUsage) {
    case 'ENCRYPT_DECRYPT':
      return symmetric
        ? ['Encrypt', 'Decrypt', 'ReEncrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext']
        : ['Encrypt', 'Decrypt', 'ReEncrypt', 'GetPublicKey'];
    case 'SIGN_VERIFY':
      return ['Sign', 'Verify', 'GetPublicKey'];
    case 'GENERATE_VERIFY_MAC':
      return ['GenerateMac', 'VerifyMac'];
    case 'KEY_AGREEMENT':
      return ['DeriveSharedSecret', 'GetPublicKey'];
    default:
      return ['GetPublicKey'];
  }
}

/** key and grant management that names the key alone */
export const MANAGEMENT_OPERATIONS: readonly string[] = [
  'DescribeKey',
  'CreateGrant',
  'ListGrants',
  'GetKeyPolicy',
  'PutKeyPolicy',
  'DisableKey',
  'EnableKey',
  'ScheduleKeyDeletion',
  'CancelKeyDeletion',
];

/** the operations valid for a key's usage and spec, crypto first, that the simulator answers */
export function matrixOperations(key: Pick<KeyRecord, 'keySpec' | 'keyUsage'>): string[] {
  return [...cryptoOperations(key), ...MANAGEMENT_OPERATIONS].filter((op) => Object.hasOwn(HANDLERS, op));
}

const SAMPLE = 'SGVsbG8sIGdyYW50cyE='; // "Hello, grants!"
/** a placeholder blob for a signature, MAC or public key: checked only after authorization */
const BLOB = 'AAAA';

/**
 * The request each cell decides: small, valid for the key, and as sendable as it is (Decrypt and
 * ReEncrypt are dry runs that ignore the ciphertext, so they need none and change nothing).
 */
export function matrixRequest(op: string, key: KeyRecord, caller: { arn: string; account: string }, rootArn: string, ec?: Record<string, string>): Record<string, unknown> {
  // another account's caller names the key by its ARN (a key id is looked up in the caller's account)
  const KeyId = caller.account === key.account ? key.keyId : key.arn;
  const callerArn = caller.arn;
  const spec = key.keySpec as KeySpec;
  const symmetric = key.keySpec === 'SYMMETRIC_DEFAULT';
  const withEc = symmetric && ec && Object.keys(ec).length ? ec : undefined;
  const encAlg = symmetric ? undefined : encryptionAlgorithmsFor(spec, key.keyUsage).at(-1);
  const put = (o: Record<string, unknown>, k: string, v: unknown) => {
    if (v !== undefined) o[k] = v;
    return o;
  };
  switch (op) {
    case 'Encrypt':
      return put(put({ KeyId, Plaintext: SAMPLE }, 'EncryptionAlgorithm', encAlg), 'EncryptionContext', withEc);
    case 'Decrypt':
      return put(put({ KeyId, DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] }, 'EncryptionAlgorithm', encAlg), 'EncryptionContext', withEc);
    case 'ReEncrypt': {
      const o: Record<string, unknown> = { SourceKeyId: KeyId, DestinationKeyId: KeyId, DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] };
      put(o, 'SourceEncryptionAlgorithm', encAlg);
      put(o, 'DestinationEncryptionAlgorithm', encAlg);
      put(o, 'SourceEncryptionContext', withEc);
      return put(o, 'DestinationEncryptionContext', withEc);
    }
    case 'GenerateDataKey':
    case 'GenerateDataKeyWithoutPlaintext':
      return put({ KeyId, KeySpec: 'AES_256' }, 'EncryptionContext', withEc);
    case 'GenerateDataKeyPair':
    case 'GenerateDataKeyPairWithoutPlaintext':
      return put({ KeyId, KeyPairSpec: 'ECC_NIST_P256' }, 'EncryptionContext', withEc);
    case 'Sign':
      return { KeyId, Message: SAMPLE, MessageType: 'RAW', SigningAlgorithm: signingAlgorithmsFor(spec)[0] ?? 'ECDSA_SHA_256' };
    case 'Verify':
      return { KeyId, Message: SAMPLE, MessageType: 'RAW', Signature: BLOB, SigningAlgorithm: signingAlgorithmsFor(spec)[0] ?? 'ECDSA_SHA_256' };
    case 'GenerateMac':
      return { KeyId, Message: SAMPLE, MacAlgorithm: macAlgorithmsFor(spec)[0] ?? 'HMAC_SHA_256' };
    case 'VerifyMac':
      return { KeyId, Message: SAMPLE, MacAlgorithm: macAlgorithmsFor(spec)[0] ?? 'HMAC_SHA_256', Mac: BLOB };
    case 'DeriveSharedSecret':
      return { KeyId, KeyAgreementAlgorithm: keyAgreementAlgorithmsFor(spec)[0] ?? 'ECDH', PublicKey: BLOB };
    case 'GetKeyPolicy':
      return { KeyId, PolicyName: 'default' };
    case 'PutKeyPolicy':
      return { KeyId, PolicyName: 'default', Policy: key.policy };
    case 'ScheduleKeyDeletion':
      return { KeyId, PendingWindowInDays: 7 };
    case 'UpdateKeyDescription':
      return { KeyId, Description: key.description };
    case 'CreateGrant':
      // a grant for the caller itself (a service caller names the account root), of the first
      // operation a grant on this key can carry
      return { KeyId, GranteePrincipal: callerArn.startsWith('arn:') ? callerArn : rootArn, Operations: [cryptoOperations(key)[0] === 'GetPublicKey' ? 'DescribeKey' : cryptoOperations(key)[0]] };
    default:
      return { KeyId };
  }
}

/** an outcome's answer, for telling when it changes */
const answerOf = (o: DecideOutcome) => `${o.status} ${o.errorType ?? ''} ${o.allowed ?? ''}`;

/**
 * The access matrix of a key: every principal × every operation × every host, decided at `at`,
 * with the first later time each cell's answer changes. Reads only: the caller saves and restores
 * the engine's counters (nothing here moves them) and nothing in the world is changed.
 */
export async function computeAccessMatrix(engine: Engine, keyId: string, opts: AccessMatrixOptions = {}): Promise<AccessMatrix> {
  const world = engine.world;
  const now = engine.clock.now();
  const at = Math.max(now, opts.at ?? now);
  const base = worldAt(world, now, at);
  // the key as it is now, for the requests' bodies (by `at` it may be deleted: the cells say so)
  const key = world.keys.get(keyId) ?? [...world.keys.values()].find((k) => k.arn === keyId);
  if (!key) throw new RangeError(`accessMatrix: there is no key ${keyId}`);
  const root = `arn:aws:iam::${engine.accountId}:root`;
  const principals = [...(opts.principals ?? [root, ...[...engine.principalsByArn.keys()].filter((a) => a !== root)])];
  const operations = [...(opts.operations ?? matrixOperations(key))];
  const hosts = engine.hosts;

  // later times a cell's answer may change at: the arrivals still to come, at its host, of the
  // changes to this principal's grants on the key that carry its operation (only those can
  // allow it: authorization looks at no other grant), and the key's deletion
  const lookahead = Math.max(0, opts.lookahead ?? 64);
  const pending: GrantRecord[] = [];
  const seen = new Set<string>();
  for (const p of world.agenda.toArray()) {
    if (seen.has(p.grantId)) continue;
    seen.add(p.grantId);
    const g = world.grants.get(p.grantId);
    if (g && g.keyId === key.keyId) pending.push(g);
  }
  const deletion = key.state === 'PendingDeletion' && key.deletionDate !== undefined && key.deletionDate > at ? key.deletionDate : undefined;
  let stableUntil = deletion ?? Infinity;
  const timesFor = (grantee: string, op: string, h: number): number[] => {
    const grantOps = op === 'ReEncrypt' ? ['ReEncryptFrom', 'ReEncryptTo'] : [op];
    const ts = new Set<number>();
    for (const g of pending) {
      if (World.granteeOf(g) !== grantee || !grantOps.some((o) => g.operations.includes(o))) continue;
      if (g.arrivals[h] > at) ts.add(g.arrivals[h]);
      if (g.removed && g.removed.arrivals[h] > at) ts.add(g.removed.arrivals[h]);
    }
    const all = [...ts].filter((t) => deletion === undefined || t < deletion).sort((a, b) => a - b);
    const list = all.slice(0, lookahead);
    // beyond the last time looked at, nothing is known
    if (all.length > lookahead) stableUntil = Math.min(stableUntil, list.length ? list[list.length - 1] : at);
    if (deletion !== undefined) list.push(deletion);
    return list;
  };
  const views = new Map<number, World>();
  const viewAt = (t: number) => {
    let v = views.get(t);
    if (!v) views.set(t, (v = worldAt(world, now, t, pending)));
    return v;
  };
  const causeAt = (grantee: string, h: number, t: number, decision: Decision | undefined): MatrixCause => {
    if (t === deletion) return { kind: 'key-deletion' };
    const via = decision?.via as { grantId?: string } | undefined;
    const arriving = pending.filter((g) => World.granteeOf(g) === grantee && (g.arrivals[h] === t || g.removed?.arrivals[h] === t));
    const g = arriving.find((x) => x.grantId === via?.grantId) ?? arriving[0];
    if (!g) return { kind: 'key-deletion' };
    return { kind: 'grant', grantId: g.grantId, change: g.removed?.arrivals[h] === t ? g.removed.change : 'create' };
  };

  const bodies: string[][] = [];
  const cells: MatrixCell[][][] = [];
  for (const arn of principals) {
    const caller = engine.callerFor(arn);
    const rowBodies: string[] = [];
    const row: MatrixCell[][] = [];
    for (const op of operations) {
      const body = JSON.stringify(matrixRequest(op, key, caller, root, opts.encryptionContext));
      rowBodies.push(body);
      const decideAt = async (h: number, t: number, view: World): Promise<DecideOutcome> => {
        if (!Object.hasOwn(HANDLERS, op)) return { operation: op, caller: caller.arn, host: h, status: 400, errorType: 'UnknownOperationException', message: `Unknown operation TrentService.${op}.` };
        // the wire's model validation, on a fresh parse (handlers may keep what they are given)
        const v = validateInput(op as OperationName, JSON.parse(body));
        if (!v.ok) return { operation: op, caller: caller.arn, host: h, status: 400, errorType: v.code, message: v.message };
        return decideInput(engine, op as OperationName, v.value, caller.arn, h, t, view);
      };
      const perHost: MatrixCell[] = [];
      for (let h = 0; h < hosts; h++) {
        const cell: MatrixCell = await decideAt(h, at, base);
        const answer = answerOf(cell);
        for (const t of timesFor(caller.principalArn, op, h)) {
          const later = await decideAt(h, t, viewAt(t));
          if (answerOf(later) === answer) continue;
          const next: MatrixChange = { at: t, status: later.status, summary: later.decision?.summary ?? later.message ?? later.errorType ?? '', cause: causeAt(caller.principalArn, h, t, later.decision) };
          if (later.errorType) next.errorType = later.errorType;
          if (later.allowed !== undefined) next.allowed = later.allowed;
          cell.next = next;
          stableUntil = Math.min(stableUntil, t);
          break;
        }
        perHost.push(cell);
      }
      row.push(perHost);
    }
    bodies.push(rowBodies);
    cells.push(row);
  }
  const out: AccessMatrix = { keyId: key.keyId, keyArn: key.arn, keyState: key.state, at, hosts, principals, operations, bodies, cells };
  if (stableUntil !== Infinity) out.stableUntil = stableUntil;
  if (key.state === 'PendingDeletion' && key.deletionDate !== undefined) out.deletionDate = key.deletionDate;
  return out;
}
