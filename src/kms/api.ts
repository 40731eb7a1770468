/**
 * The engine contract (the README's "The engine"). Others' tools and our own tests build
 * on these types: change them only by adding optional members.
 */
import type { Decision, SimEvent } from './events';
import type { EngineMeta, WorldState } from './engine';

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
