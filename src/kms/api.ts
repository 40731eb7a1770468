/**
 * The engine contract (the README's "The engine"). Others' tools and our own tests build
 * on these types: change them only by adding optional members.
 *
 * Every type the engine shares with the layers above it lives here, and this module imports no
 * other engine module but the key material's type: the records a store keeps (KeyRecord,
 * GrantRecord, AliasRecord, EngineMeta, WorldState), the input log (LogEntry), the store
 * protocol (StoredSimulator, StoreChange, SimulatorStore), the events (SimEvent, Decision) and
 * the simulator's options and interface. world.ts, events.ts and engine.ts re-export their part.
 */
import type { KeyMaterial } from './crypto/material';

// ---- records: what the world holds and a store keeps ------------------------------------------

export type KeyState =
  | 'Creating'
  | 'Enabled'
  | 'Disabled'
  | 'PendingDeletion'
  | 'PendingImport'
  | 'PendingReplicaDeletion'
  | 'Unavailable'
  | 'Updating';

export interface KeyRecord {
  keyId: string;
  arn: string;
  account: string;
  region: string;
  /** epoch ms */
  created: number;
  description: string;
  keySpec: string;
  keyUsage: string;
  origin: string;
  state: KeyState;
  /** epoch ms, while PendingDeletion */
  deletionDate?: number;
  pendingWindowInDays?: number;
  policy: string;
  keyMaterialId: string;
  material?: KeyMaterial;
  multiRegion: boolean;
  tags: { TagKey: string; TagValue: string }[];
}

export interface AliasRecord {
  aliasName: string;
  aliasArn: string;
  account: string;
  region: string;
  targetKeyId: string;
  created: number;
  updated: number;
}

/**
 * The id an alias record is kept under, in the world and in a store (StoreChange's records with
 * store 'aliases'): one account's alias names are unique per region.
 */
export function aliasRecordId(account: string, region: string, aliasName: string): string {
  return `${account}:${region}:${aliasName}`;
}

export interface GrantConstraints {
  EncryptionContextSubset?: Record<string, string>;
  EncryptionContextEquals?: Record<string, string>;
  SourceArn?: string;
}

export interface GrantRecord {
  grantId: string;
  keyId: string;
  keyArn: string;
  region: string;
  /** '' when CreateGrant had no Name, as ListGrants shows it */
  name: string;
  created: number;
  granteePrincipal?: string;
  retiringPrincipal?: string;
  granteeServicePrincipal?: string;
  retiringServicePrincipal?: string;
  /** arn:aws:iam::<account>:root of the caller that created it */
  issuingAccount: string;
  operations: string[];
  constraints?: GrantConstraints;
  /** per host: when the creation reaches it (epoch ms) */
  arrivals: number[];
  /** agenda sequence number of the first creation arrival (orders same-time arrivals on reload) */
  aseq?: number;
  /** set by RetireGrant/RevokeGrant; the grant leaves listings at once and hosts one by one */
  removed?: { change: 'retire' | 'revoke'; at: number; by: string; arrivals: number[]; aseq?: number };
}

/** the engine's own counters, persisted beside the world's records */
export interface EngineMeta {
  v: 1;
  now: number;
  rng: number;
  routingRng: number;
  requestRng: number;
  seq: number;
  roundRobin: number;
  agendaSeq: number;
}

/** everything a store keeps to resume a world exactly */
export interface WorldState {
  meta: EngineMeta;
  keys: KeyRecord[];
  aliases: AliasRecord[];
  grants: GrantRecord[];
}

// ---- events ----------------------------------------------------------------------------------

/*
 * The simulator's typed event stream: what the timeline, the history and the tests read.
 * Every event carries its virtual time `at` (epoch ms). The same seed and the same requests
 * give the same stream, byte for byte (xstate's inspection events are the model).
 */

/** Why a request was allowed or denied, kept outside the wire body. */
export interface Decision {
  allowed: boolean;
  /** index of the simulated KMS host that served the request */
  host: number;
  /** one sentence a learner can read: "Allowed by grant 0c23… (Decrypt) for arn:aws:iam::…:role/App" */
  summary: string;
  /** what granted or refused it */
  via:
    | { kind: 'key-policy'; sid?: string; statement: number }
    | { kind: 'identity-policy'; sid?: string; statement: number }
    | { kind: 'grant'; grantId: string }
    | { kind: 'grant-token'; grantId: string }
    | { kind: 'retiring-principal'; grantId: string }
    | { kind: 'issuing-account'; grantId: string }
    | { kind: 'explicit-deny'; policy: 'key-policy' | 'identity-policy'; sid?: string; statement: number }
    | { kind: 'none' }
    | { kind: 'not-required' };
  /** why each other candidate did not apply (statements, grants not yet at this host, constraints) */
  notes: string[];
}

export type GrantChange = 'create' | 'retire' | 'revoke';

export type SimEvent =
  | {
      type: '@kms.request';
      at: number;
      seq: number;
      requestId: string;
      operation: string;
      caller: string;
      host: number;
      status: number;
      errorType?: string;
      decision?: Decision;
    }
  | {
      type: '@kms.grant.changed';
      at: number;
      change: GrantChange;
      grantId: string;
      keyArn: string;
      grantee: string;
      operations: readonly string[];
      by: string;
      /** per host: the virtual time at which this change reaches it */
      arrivals: readonly number[];
    }
  | { type: '@kms.grant.arrived'; at: number; change: GrantChange; grantId: string; host: number }
  | { type: '@kms.key.changed'; at: number; keyArn: string; keyState: string; change: 'create' | 'enable' | 'disable' | 'schedule-deletion' | 'cancel-deletion' | 'delete' | 'policy' }
  | { type: '@kms.clock'; at: number; from: number };

export type SimEventType = SimEvent['type'];

// ---- the input log and the store protocol -------------------------------------------------------

/** one input the simulator was given, enough to replay it exactly */
export type LogEntry =
  | { kind: 'request'; at: number; method: string; url: string; headers: [string, string][]; body: string }
  | { kind: 'clock'; at: number; to: number };

export type StoreName = 'keys' | 'aliases' | 'grants';

/** what a store keeps of a simulator, and hands back to resume it */
export interface StoredSimulator {
  state: WorldState;
  log: LogEntry[];
  events: SimEvent[];
}

/**
 * One atomic write: the records a request (or clock move) touched, the engine's counters, and
 * the log entries and events it added. A store applies it in one transaction; the simulator
 * answers the request only after commit resolves. `replace` rewrites everything (the first save);
 * after seek the simulator sends a delta of what differs from the stored world.
 */
export type StoreChange =
  | {
      kind: 'delta';
      meta: EngineMeta;
      /** value null: the record is gone */
      records: { store: StoreName; id: string; value: unknown }[];
      log: { index: number; entry: LogEntry }[];
      /** the log is cut to this length first (a fork after seeking back) */
      truncateLogAt?: number;
      events: { index: number; event: SimEvent }[];
      /** the events are cut to this length first (a write after seek: the world's events differ from there) */
      truncateEventsAt?: number;
    }
  | { kind: 'replace'; snapshot: StoredSimulator };

/** where a simulator keeps its world; `openIndexedDbStore` in src/store is the browser one */
export interface SimulatorStore {
  load(): Promise<StoredSimulator | null>;
  commit(change: StoreChange): Promise<void>;
  /**
   * Optional: lets the simulator put off what seek() changed until it is idle. The simulator
   * passes a callback once its queue empties after a seek; the store calls it later (after a
   * turn of the event loop), and the simulator writes then if it is still idle (a request, clock
   * move, fork or flush() writes it first otherwise). Without it, a seek writes before it resolves.
   */
  idle?(callback: () => void): void;
}

/**
 * A principal that may call the simulator, identified by the access key id in a SigV4
 * Authorization header. Usually an IAM principal; an `arn` that is a service principal name
 * makes it an AWS service calling KMS itself:
 *
 *   { arn: 'logs.amazonaws.com', accessKeyId: 'AKIALOGSSERVICE00001' }
 *
 * A service's requests may carry the context the service would send, as playground request
 * headers: `x-playground-source-arn` (aws:SourceArn, checked against a grant's SourceArn
 * constraint) and `x-playground-source-account` (aws:SourceAccount; default: the account in
 * the source ARN). Other callers' source headers are ignored (the decision says so). Any
 * request may carry `x-playground-via-service: ec2.us-east-1.amazonaws.com` (kms:ViaService).
 * A service matches key policy statements with `Principal: {"Service": ...}` and grants whose
 * GranteeServicePrincipal (or RetiringServicePrincipal, to retire) names it; it has no IAM policy.
 */
export interface PrincipalConfig {
  /** IAM ARN of the principal, e.g. arn:aws:iam::111122223333:role/App, or a service principal name, e.g. logs.amazonaws.com */
  arn: string;
  /** the access key id that identifies it in a SigV4 Authorization header */
  accessKeyId: string;
  /** when given, SigV4 signatures made with this principal's key are verified */
  secretAccessKey?: string;
  /** its IAM identity policy (JSON text or object); not for a service principal */
  policy?: string | object;
  /** its IAM tags: aws:PrincipalTag/<key> in policies (and `${aws:PrincipalTag/<key>}` in policy variables) */
  tags?: Record<string, string>;
}

export interface PropagationOptions {
  /** earliest arrival of a grant change at a host, ms after the change */
  minMs: number;
  /** latest arrival, ms after the change */
  maxMs: number;
  /** 'uniform' between the bounds, or 'realistic': mostly seconds, with a tail to maxMs */
  distribution?: 'uniform' | 'realistic';
}

export type Routing = 'random' | 'round-robin' | { pinned: number };

export interface SimulatorOptions {
  seed?: number;
  region?: string;
  accountId?: string;
  /** virtual clock start, epoch ms */
  startTime?: number;
  propagation?: PropagationOptions;
  /** how many simulated KMS hosts serve the region (default 3) */
  hosts?: number;
  routing?: Routing;
  principals?: PrincipalConfig[];
  /**
   * a SigV4 access key id no principal holds: 'reject' (default) answers UnrecognizedClientException
   * as AWS does; 'root' serves it as the account root, as local emulators do
   */
  unknownAccessKeys?: 'root' | 'reject';
  /** persistence: the world is loaded from it at start and every change is committed to it */
  store?: SimulatorStore;
  /**
   * the AWS Organizations organization of each account, by account id, e.g.
   * { '111122223333': 'o-a1b2c3d4e5' }: aws:PrincipalOrgID of its principals (absent when not listed)
   */
  organizations?: Record<string, string>;
}

export interface VirtualClock {
  now(): number;
  /** moves time forward by ms (>= 0) and applies every change that is due */
  advance(ms: number): void;
  /** moves time to t; throws 'Unable to travel back in time' when t < now */
  set(t: number): void;
  /** advances to the moment every pending grant change has reached every host; returns now */
  settle(): number;
}

export interface Simulator {
  /** WHATWG Request in, Response out: AWS JSON 1.1, as KMS speaks it */
  fetch(request: Request): Promise<Response>;
  readonly clock: VirtualClock;
  /** every event so far, in order */
  readonly events: readonly SimEvent[];
  /** called for each new event; returns an unsubscribe function */
  subscribe(listener: (event: SimEvent) => void): () => void;
  /** the decision behind the most recent response (also sent as the x-playground-decision header) */
  readonly lastDecision: Decision | undefined;
}
