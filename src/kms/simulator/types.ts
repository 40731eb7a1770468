/** The simulator facade's public types: what createSimulator takes beyond SimulatorOptions and what it returns. */
import type { Simulator } from '../api';
import type { LogEntry } from '../api';
import type { Engine } from '../engine';
import type { AccessMatrix, AccessMatrixOptions, DecideOutcome } from '../accessMatrix';

/**
 * What only the page hosting the simulator can give it: real time. src/kms never reads the wall
 * clock or schedules timers itself; the composition root passes a timer built on setTimeout:
 *
 *   timer: (callback, ms) => { const id = setTimeout(callback, ms); return () => clearTimeout(id); }
 */
export interface SimulatorHostOptions {
  /**
   * Starts a real-time timer that calls `callback` after `ms` unless the function it returns is
   * called first. With it, a request body that has not finished arriving bodyTimeoutMs after
   * fetch() (or peek()) was called is given up: the request is answered 400
   * RequestTimeoutException, and the requests queued behind it go on. Without it, a body is
   * waited for as long as it takes, and so is everything queued behind it.
   */
  timer?: (callback: () => void, ms: number) => () => void;
  /** real milliseconds a request body may take to arrive, when there is a timer (default BODY_TIMEOUT_MS) */
  bodyTimeoutMs?: number;
}

/** the default bodyTimeoutMs: a body still arriving after 10 s is given up */
export const BODY_TIMEOUT_MS = 10_000;

/**
 * Thrown by clock moves (advance, set, settle) and fork() called between seek() and the
 * settling of its promise. A seek rebuilds the world, its clock included, by replaying the log;
 * a clock move in the middle would not be logged (or would be logged against the world being
 * replaced), and the world would no longer be what its log replays to. Await the seek first.
 * Requests are not refused: fetch() and peek() queue behind a seek and are served after it.
 */
export class SeekInProgressError extends Error {
  override name = 'SeekInProgressError';
  constructor(what: string) {
    super(`${what} was called while seek() is rebuilding the world; await the seek first (the clock and the history are part of what it rebuilds).`);
  }
}

export interface SimulatorWithEngine extends Simulator {
  /** the engine behind the wire, for tests, benchmarks and tools that skip HTTP */
  readonly engine: Engine;
  /** every input so far (requests and clock moves), in order */
  readonly log: readonly LogEntry[];
  /** the latest virtual time history reaches (later than now after seeking back) */
  readonly horizon: number;
  /** rebuilds the world as it was at virtual time t (t may be past or within the kept future) */
  seek(t: number): Promise<void>;
  /** drops the history after now, so what happens next replaces it */
  fork(): void;
  /**
   * Answers a read-only request (DescribeKey, ListGrants, GetKeyPolicy, ...; see PEEK_OPERATIONS)
   * as fetch would, but as if it never happened: not logged, no event, no store write, and no
   * randomness or routing consumed, so what follows replays identically. Inspectors (the UI's
   * state browser) read through it, which lets them look at the past after seek() without forking
   * it. Served by the host in the `x-playground-host` header, else host 0. Rejects for any other
   * operation.
   */
  peek(request: Request): Promise<Response>;
  /**
   * Decides a request without running it: what fetch would answer up to the operation itself
   * (the wire's parsing and SigV4 checks, the model's validation, authorization by key policy,
   * IAM policy and the grants this host has seen, the key-state rules), and why. Like peek it
   * leaves no trace: no log entry, no event, no randomness or routing drawn, nothing changed; any
   * operation may be decided. Status 200 means every check passed: the operation would run (and
   * could still fail on what only running it checks, a ciphertext or a signature). Served by
   * `opts.host`, else the host in `x-playground-host`, else host 0. `opts.at`, at or after now,
   * decides as of that later virtual time: grant changes due by then have reached their hosts,
   * keys due for deletion by then are gone; the clock does not move.
   */
  decide(request: Request, opts?: { host?: number; at?: number }): Promise<DecideOutcome>;
  /**
   * The access matrix of a key: each principal (default: the root, then every configured one) ×
   * each operation valid for the key × each host, decided as decide() does, with the first later
   * time each answer changes (a grant change still propagating, the key's deletion). No trace.
   */
  accessMatrix(keyId: string, opts?: AccessMatrixOptions): Promise<AccessMatrix>;
  /** resolves once the store (if any) has been loaded */
  readonly ready: Promise<void>;
  /** resolves once every change so far is committed to the store */
  flush(): Promise<void>;
  /** set when the store failed: the simulator keeps working in memory, unsaved */
  readonly storeError: Error | undefined;
  /** what time travel holds now, for tests and benchmarks: checkpoints and the records they hold */
  checkpointStats(): CheckpointStats;
}

export interface CheckpointStats {
  /** checkpoints kept */
  count: number;
  /** grant, key and alias records held by all checkpoints together */
  records: number;
  /** log indexes of the checkpoints, oldest first */
  indexes: number[];
}
