/**
 * The KMS Grant Playground engine: a simulated AWS KMS that speaks the real wire protocol.
 *
 *   const sim = createSimulator({ seed: 42, propagation: { minMs: 0, maxMs: 0 } });
 *   const res = await sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', {
 *     method: 'POST',
 *     headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.CreateKey' },
 *     body: '{}',
 *   }));
 *
 * Pure and deterministic: the same options and the same requests give byte-identical
 * responses and events. Requests are served one at a time, in the order fetch was called.
 *
 * Time travel (raftscope's checkpoints/seek/fork): the simulator keeps the log of what it was
 * given (requests and clock moves, with their virtual times). `seek(t)` rebuilds the world as
 * it was at t by replaying that log into a fresh engine; the later entries are kept so seeking
 * forward again is possible, until the next request or clock move forks history there.
 */
import type { LogEntry, Simulator, SimulatorOptions, StoreChange, StoredSimulator, StoreName, VirtualClock } from './api';
import type { Decision, SimEvent } from './events';
import { Engine, type WorldState } from './engine';
import type { GrantRecord, World } from './world';
import { diffWorlds, firstEventDifference, type RecordChange } from './worldDiff';
import { BODY_ERROR_HEADER, bodyErrorFrom, bodyErrorHeader, handle, readBody, requestTimeout } from './wire/http';
import type { KmsError } from './errors';
import { Interner } from './util/intern';
import { computeAccessMatrix, worldAt, type AccessMatrix, type AccessMatrixOptions, type DecideOutcome } from './accessMatrix';

export type { Simulator, SimulatorOptions, PrincipalConfig, PropagationOptions, Routing, VirtualClock, LogEntry, SimulatorStore, StoreChange, StoredSimulator, StoreName } from './api';
export type { EngineMeta, WorldState } from './engine';
export type { KeyRecord, GrantRecord, AliasRecord } from './world';
export type { Decision, SimEvent, SimEventType, GrantChange } from './events';
export { Engine, DEFAULTS } from './engine';
export { KmsError } from './errors';
export { HANDLERS, OPERATION_GROUPS, SUPPORTED_OPERATIONS } from './ops/index';
export { DEFAULT_PROPAGATION } from './propagation';
export { World } from './world';
export { createMemoryStore, type MemoryStore } from './memoryStore';
export { checkInvariants } from './invariants';
export { matrixOperations, matrixRequest, MANAGEMENT_OPERATIONS } from './accessMatrix';
export type { AccessMatrix, AccessMatrixOptions, DecideOutcome, MatrixCell, MatrixChange, MatrixCause } from './accessMatrix';

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

/** the least number of log entries between two checkpoints */
const CHECKPOINT_EVERY = 50;
/** ...and at least worldSize / CHECKPOINT_SPREAD, so copying the world costs O(1) per input */
const CHECKPOINT_SPREAD = 32;
/** the most checkpoints kept; older ones are thinned */
export const MAX_CHECKPOINTS = 32;
/** ...and the records they hold together stay under this many times the world's (plus a floor) */
export const CHECKPOINT_RECORD_BUDGET = 8;
export const CHECKPOINT_RECORD_FLOOR = 4_096;

interface Checkpoint {
  /** log entries before it */
  index: number;
  at: number;
  meta: WorldState['meta'];
  /** copies */
  keys: WorldState['keys'];
  aliases: WorldState['aliases'];
  /** the live records, shared (see maybeCheckpoint) */
  grants: readonly GrantRecord[];
  events: readonly SimEvent[];
  count: number;
}

/** the world a checkpoint holds, as fresh records a new engine may own and change */
function checkpointState(cp: Checkpoint): WorldState {
  const before = cp.meta.agendaSeq;
  const grants = cp.grants.map((g) => {
    const { removed, ...rest } = g;
    // a removal scheduled at or after the checkpoint's agenda sequence came after it
    // (records a store handed back may lack aseq: their removals are older than any checkpoint)
    return removed && (removed.aseq ?? -1) < before ? { ...rest, removed } : (rest as GrantRecord);
  });
  return { meta: { ...cp.meta }, keys: structuredClone(cp.keys), aliases: structuredClone(cp.aliases), grants };
}

/**
 * Drops checkpoints until at most `max` remain, each time the one picked by dropIndex.
 */
export function thinCheckpoints<T extends { index: number }>(cps: T[], end: number, max = MAX_CHECKPOINTS): void {
  while (cps.length > max) cps.splice(dropIndex(cps, end), 1);
}

/**
 * The checkpoint to drop next: never the newest; else the one whose gap to its neighbours is
 * smallest relative to its distance from the present `end`, so that what remains is dense near
 * the present and geometrically sparser into the past.
 */
function dropIndex(cps: readonly { index: number }[], end: number): number {
  let best = 0;
  let bestScore = Infinity;
  for (let i = 0; i < cps.length - 1; i++) {
    const gap = cps[i + 1].index - (i > 0 ? cps[i - 1].index : 0);
    const score = gap / (end - cps[i].index);
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

/** operations with no effect on the world, which peek() may serve */
export const PEEK_OPERATIONS: ReadonlySet<string> = new Set([
  'DescribeKey', 'ListKeys', 'ListAliases', 'ListGrants', 'ListRetirableGrants', 'GetKeyPolicy', 'ListKeyPolicies', 'GetPublicKey',
]);

/**
 * What a long history repeats request after request is kept once (the log and the events are
 * the bulk of time travel's memory): the endpoint URL and header pairs (wire/http.ts shares
 * identical decisions the same way).
 * Nobody changes log entries or events once recorded, so sharing is safe.
 */
const urls = new Interner<string>(256);
const headerPairs = new Interner<[string, string]>();

/** the pairs of the last request logged: requests mostly repeat their headers, pair for pair */
let lastPairs: [string, string][] = [];
function sharedHeaders(headers: Headers): [string, string][] {
  const out: [string, string][] = [];
  const last = lastPairs;
  for (const [name, value] of headers) {
    const i = out.length;
    // the same pair as the last request's at this place: no lookup key to build and hash
    out.push(i < last.length && last[i][0] === name && last[i][1] === value ? last[i] : headerPairs.get(name + '\n' + value, () => [name, value]));
  }
  lastPairs = out;
  return out;
}

function withHeader(headers: Headers, name: string, value: string): Headers {
  const h = new Headers(headers);
  h.set(name, value);
  return h;
}

export function createSimulator(options: SimulatorOptions & SimulatorHostOptions = {}): SimulatorWithEngine {
  let engine = new Engine(options);
  let queue: Promise<unknown> = Promise.resolve();
  let lastDecision: Decision | undefined;
  const listeners = new Set<(e: SimEvent) => void>();
  const log: LogEntry[] = [];
  /** index into log of the next entry not yet applied (log.length unless seeked back) */
  let cursor = 0;
  let replaying = false;
  const store = options.store;
  let storeError: Error | undefined;
  let committedLog = 0;
  let committedEvents = 0;
  let truncateAt: number | undefined;
  /**
   * Set after a seek until the next commit: the world and events the store holds (those of an
   * engine seek replaced, which no longer changes), and the records that engine changed after
   * its last commit. The next commit writes the difference to the live engine (worldDiff.ts),
   * so consecutive seeks write once, and a seek near the present writes a few records.
   */
  let base: { world: World; events: readonly SimEvent[]; forced: { store: StoreName; id: string }[] } | undefined;
  /** jobs enqueued and not yet finished */
  let active = 0;
  /** a store idle() callback is pending */
  let idleArmed = false;
  /** seek() calls whose job has not finished: clock moves and fork() are refused meanwhile */
  let seeking = 0;
  const notWhileSeeking = (what: string) => {
    if (seeking > 0) throw new SeekInProgressError(what);
  };
  const timer = options.timer;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? BODY_TIMEOUT_MS;

  /**
   * Starts reading a request's body at once, before the request enters the queue: a body that
   * is slow to arrive arrives meanwhile, and with a timer one that never ends is given up
   * bodyTimeoutMs after this call (the stream is cancelled), so it holds up the requests queued
   * behind it for at most that long.
   */
  function startRead(request: Request, headers: [string, string][]): Promise<string | KmsError> {
    if (!timer) return readBody(request, headers);
    const abort = new AbortController();
    const cancel = timer(() => abort.abort(requestTimeout(bodyTimeoutMs)), bodyTimeoutMs);
    return readBody(request, headers, abort.signal).then((read) => {
      cancel();
      return read;
    });
  }

  const attach = (e: Engine) => {
    // without a store nothing ever takes the world's change sets
    if (!store) e.world.trackChanges = false;
    e.subscribe((ev) => {
      if (!replaying) for (const l of listeners) l(ev);
    });
  };
  attach(engine);

  function record(entry: LogEntry): void {
    if (replaying) return;
    if (cursor < log.length) {
      // a new input after seeking back forks history
      log.length = cursor;
      dropCheckpointsAfter(cursor);
      truncateAt = Math.min(truncateAt ?? cursor, cursor);
      committedLog = Math.min(committedLog, cursor);
    }
    log.push(entry);
    cursor = log.length;
  }

  function moveClock(to: number): void {
    engine.advanceTo(to);
    record({ kind: 'clock', at: to, to });
    maybeCheckpoint();
    if (store) enqueue(() => commit());
  }

  function snapshot(): StoredSimulator {
    return { state: engine.state(), log: [...log], events: [...engine.events] };
  }

  /**
   * Hands the store everything changed since the last commit, in one write: what the requests
   * and clock moves touched, or after a seek the difference from the world the store holds.
   */
  async function commit(replace = false): Promise<void> {
    if (!store || storeError) return;
    let change: StoreChange;
    const logLength = log.length;
    const eventCount = engine.events.length;
    if (replace) {
      engine.world.takeChanges();
      change = { kind: 'replace', snapshot: snapshot() };
    } else {
      let records: RecordChange[];
      let from = committedEvents;
      if (base) {
        records = diffWorlds(base.world, engine.world, base.forced);
        engine.world.takeChanges();
        from = firstEventDifference(base.events, committedEvents, engine.events);
      } else records = engine.world.takeChanges();
      change = {
        kind: 'delta',
        meta: engine.meta(),
        records,
        log: log.slice(committedLog).map((entry, i) => ({ index: committedLog + i, entry })),
        events: engine.events.slice(from).map((event, i) => ({ index: from + i, event })),
      };
      if (truncateAt !== undefined) change.truncateLogAt = truncateAt;
      if (from < committedEvents) change.truncateEventsAt = from;
    }
    try {
      await store.commit(change);
      committedLog = logLength;
      committedEvents = eventCount;
      truncateAt = undefined;
      base = undefined;
    } catch (e) {
      storeError = e instanceof Error ? e : new Error(String(e));
    }
  }

  /**
   * Runs jobs one at a time, in order. When one ends with a seek's write still owed and nothing
   * else queued, the write happens: at once, or when the store says the simulator is idle
   * (SimulatorStore.idle), so a dragged time slider's seeks write once, after the last.
   */
  function enqueue<T>(job: () => Promise<T>): Promise<T> {
    active++;
    const run = async () => {
      try {
        if (loadFailure) throw loadFailure;
        return await job();
      } finally {
        active--;
        if (base && active === 0) await whenIdle();
      }
    };
    unsettled++;
    if (unsettled > 1) {
      const next = queue.then(run);
      queue = next.then(settle, settle);
      return next;
    }
    // Nothing queued or running (the store's load included): start now, a microtask sooner and
    // without chaining on a settled queue. The queue is published first, so a job enqueued
    // while this one's synchronous start runs (a listener flushing, say) waits for it.
    let done!: () => void;
    queue = new Promise<void>((resolve) => (done = resolve));
    const next = run();
    const finish = () => {
      settle();
      done();
    };
    next.then(finish, finish);
    return next;
  }
  /** jobs whose promise, store write after them included, has not settled yet */
  let unsettled = 0;
  const settle = () => {
    unsettled--;
  };
  /** why the store's saved simulator could not be loaded: every job rejects with it */
  let loadFailure: unknown;

  async function whenIdle(): Promise<void> {
    if (!store || storeError || !base) return;
    if (!store.idle) return commit();
    if (idleArmed) return;
    idleArmed = true;
    store.idle(() => {
      idleArmed = false;
      // a job running or queued writes it (or re-arms this when it ends)
      if (base && active === 0 && !storeError) void enqueue(async () => (base ? commit() : undefined));
    });
  }

  async function load(): Promise<void> {
    if (!store) return;
    let stored: StoredSimulator | null;
    try {
      stored = await store.load();
    } catch (e) {
      storeError = e instanceof Error ? e : new Error(String(e));
      return;
    }
    if (!stored) {
      await commit(true);
      return;
    }
    const fresh = new Engine(options);
    fresh.restore(stored.state, stored.events);
    engine = fresh;
    attach(fresh);
    // a loop, not push(...): a long saved log spread as arguments overflows the stack
    for (let i = 0; i < stored.log.length; i++) log.push(stored.log[i]);
    // saved after seeking back, the log runs past the world's time: resume at the same place
    // in it (seek applied the entries at or before now), so the next input forks history there
    cursor = log.length;
    while (cursor > 0 && log[cursor - 1].at > engine.clock.now()) cursor--;
    committedLog = log.length;
    committedEvents = engine.events.length;
  }
  const loading = load();
  unsettled++;
  queue = loading.then(settle, (e: unknown) => {
    loadFailure = e ?? new Error('the store could not be loaded');
    settle();
  });
  const ready = loading.then(() => undefined);

  const clock: VirtualClock = {
    now: () => engine.clock.now(),
    advance(ms: number) {
      notWhileSeeking('sim.clock.advance()');
      // virtual time is whole milliseconds: the log, events and the scenario format hold nothing finer
      if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`advance() takes a whole, non-negative number of milliseconds, got ${ms}`);
      moveClock(engine.clock.now() + ms);
    },
    set(t: number) {
      notWhileSeeking('sim.clock.set()');
      if (!Number.isSafeInteger(t)) throw new RangeError(`set() takes a time in whole milliseconds since the epoch, got ${t}`);
      if (t < engine.clock.now()) throw new RangeError('Unable to travel back in time');
      moveClock(t);
    },
    settle() {
      notWhileSeeking('sim.clock.settle()');
      moveClock(engine.settledAt());
      return engine.clock.now();
    },
  };

  /**
   * Serves a request: `read` is its body read, started when fetch() was called (replay reads
   * the body of the logged request here).
   */
  async function serve(request: Request, headers = sharedHeaders(request.headers), read?: Promise<string | KmsError>): Promise<Response> {
    let body = await (read ?? readBody(request, headers));
    // the time it is served at, read once the body is in: the clock may have moved meanwhile
    // (a caller advancing it right after fetch()), and the log must not run backwards
    const at = engine.clock.now();
    let logged = headers;
    if (typeof body !== 'string') {
      // logged so that replaying it answers the same error, not an empty body
      if (!headers.some(([name]) => name === BODY_ERROR_HEADER)) logged = [...headers, [BODY_ERROR_HEADER, bodyErrorHeader(body)]];
    } else if (body === '') {
      const marker = headers.find(([name]) => name === BODY_ERROR_HEADER);
      body = (marker && bodyErrorFrom(marker[1])) || body;
    }
    record({ kind: 'request', at, method: request.method, url: urls.get(request.url, () => request.url), headers: logged, body: typeof body === 'string' ? body : '' });
    const handled = handle(engine, request, body, headers);
    const out = handled instanceof Promise ? await handled : handled;
    lastDecision = out.decision;
    const e: SimEvent = {
      type: '@kms.request',
      at,
      seq: engine.nextSeq(),
      requestId: out.requestId,
      operation: out.operation,
      caller: out.caller,
      host: out.host,
      status: out.status,
    };
    if (out.errorType) e.errorType = out.errorType;
    if (out.decision) e.decision = out.decision;
    engine.emit(e);
    maybeCheckpoint();
    if (store && !replaying) await commit();
    return out.response;
  }

  /**
   * Checkpoints (raftscope's): copies of the world, so seek replays only the log entries after
   * the latest one at or before its target. Dropped when history forks before them.
   *
   * Bounded (issue #2): a checkpoint is taken once max(CHECKPOINT_EVERY, worldSize /
   * CHECKPOINT_SPREAD) entries have passed since the last one, so taking them costs O(1) per
   * input however large the world grows. At most MAX_CHECKPOINTS are kept, holding together at
   * most CHECKPOINT_RECORD_BUDGET times the world's records: past either, the one whose removal
   * leaves the smallest gap relative to its distance from the present goes (dropIndex), which
   * leaves them dense near the present and geometrically sparser into the past. Grant
   * records are shared, not copied: a record changes only once, when it is removed (and that
   * removal's agenda sequence number tells whether it came before the checkpoint), so a
   * checkpoint holds one reference per grant. Keys and aliases, which change in place, are
   * copied. Together: checkpoint memory stays within a small constant of the world's.
   */
  const checkpoints: Checkpoint[] = [];
  /** records (grants, keys, aliases) all checkpoints hold together */
  let held = 0;
  const recordsOf = (cp: Checkpoint) => cp.grants.length + cp.keys.length + cp.aliases.length;
  function dropCheckpointsAfter(index: number): void {
    while (checkpoints.length && checkpoints[checkpoints.length - 1].index > index) held -= recordsOf(checkpoints.pop()!);
  }
  function maybeCheckpoint(): void {
    if (replaying || log.length === 0) return;
    const last = checkpoints.length ? checkpoints[checkpoints.length - 1].index : 0;
    if (last >= log.length) return;
    const w = engine.world;
    const size = w.grants.size + w.keys.size + w.aliases.size;
    if (log.length - last < Math.max(CHECKPOINT_EVERY, Math.ceil(size / CHECKPOINT_SPREAD))) return;
    // the engine's event array only grows, so a reference and a length pin the prefix
    const cp: Checkpoint = {
      index: log.length,
      at: engine.clock.now(),
      meta: engine.meta(),
      keys: structuredClone([...w.keys.values()]),
      aliases: structuredClone([...w.aliases.values()]),
      grants: [...w.grants.values()],
      events: engine.events,
      count: engine.events.length,
    };
    checkpoints.push(cp);
    held += recordsOf(cp);
    const budget = CHECKPOINT_RECORD_BUDGET * size + CHECKPOINT_RECORD_FLOOR;
    while (checkpoints.length > MAX_CHECKPOINTS || (checkpoints.length > 1 && held > budget)) {
      held -= recordsOf(checkpoints.splice(dropIndex(checkpoints, log.length), 1)[0]);
    }
  }

  async function seekTo(t: number): Promise<void> {
    const fresh = new Engine(options);
    if (!store) fresh.world.trackChanges = false;
    const current = engine;
    replaying = true;
    engine = fresh;
    try {
      let start = 0;
      for (let c = checkpoints.length - 1; c >= 0; c--) {
        const cp = checkpoints[c];
        // every entry before cp.index happened at or before cp.at <= t
        if (cp.index <= log.length && cp.at <= t) {
          fresh.restore(checkpointState(cp), cp.events.slice(0, cp.count));
          start = cp.index;
          break;
        }
      }
      let i = start;
      for (; i < log.length; i++) {
        const entry = log[i];
        if (entry.at > t) break;
        if (entry.kind === 'clock') fresh.advanceTo(entry.to);
        else {
          if (entry.at > fresh.clock.now()) fresh.advanceTo(entry.at);
          await serve(new Request(entry.url, { method: entry.method, headers: entry.headers, body: entry.method === 'GET' || entry.method === 'HEAD' ? undefined : entry.body }));
        }
      }
      if (t > fresh.clock.now()) fresh.advanceTo(t);
      cursor = i;
    } catch (e) {
      engine = current;
      throw e;
    } finally {
      replaying = false;
    }
    attach(fresh);
    // the store still holds current's world (or, after earlier seeks not yet written, an older one)
    if (store && !base) base = { world: current.world, events: current.events, forced: current.world.takeChanges().map(({ store: s, id }) => ({ store: s, id })) };
    for (const l of listeners) l({ type: '@kms.clock', at: fresh.clock.now(), from: current.clock.now() });
  }

  return {
    get engine() {
      return engine;
    },
    clock,
    get events(): readonly SimEvent[] {
      return engine.events;
    },
    get lastDecision() {
      return lastDecision;
    },
    get log() {
      return log;
    },
    get horizon() {
      const last = log[log.length - 1];
      return Math.max(engine.clock.now(), last ? last.at : -Infinity);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fetch(request: Request): Promise<Response> {
      let headers: [string, string][];
      let read: Promise<string | KmsError>;
      try {
        headers = sharedHeaders(request.headers);
        read = startRead(request, headers);
      } catch (e) {
        // not a Request: a rejection, as fetch gives, never a throw
        return Promise.reject(e);
      }
      return enqueue(() => serve(request, headers, read));
    },
    seek(t: number): Promise<void> {
      if (!Number.isFinite(t)) return Promise.reject(new RangeError(`seek() takes a finite virtual time, got ${t}`));
      seeking++;
      let counted = true;
      const done = () => {
        if (counted) seeking--;
        counted = false;
      };
      const job = enqueue(async () => {
        try {
          await seekTo(t);
        } finally {
          // before the store write that may follow (enqueue's whenIdle): the world is rebuilt
          done();
        }
      });
      // a job that never ran (the store failed to load) still ends the seek
      job.then(done, done);
      return job;
    },
    peek(request: Request): Promise<Response> {
      const op = /^TrentService\.(\w+)$/.exec(request.headers.get('x-amz-target') ?? '')?.[1];
      if (!op || !PEEK_OPERATIONS.has(op)) return Promise.reject(new TypeError(`peek() serves only read-only operations; got ${op ?? 'no X-Amz-Target'}`));
      const read = startRead(request, sharedHeaders(request.headers));
      return enqueue(async () => {
        const saved = engine.saveCounters();
        const pinned = request.headers.get('x-playground-host');
        const req = pinned === null ? new Request(request.url, { method: request.method, headers: withHeader(request.headers, 'x-playground-host', '0') }) : request;
        try {
          const handled = handle(engine, req, await read);
          return (handled instanceof Promise ? await handled : handled).response;
        } finally {
          engine.restoreCounters(saved);
        }
      });
    },
    decide(request: Request, opts: { host?: number; at?: number } = {}): Promise<DecideOutcome> {
      let read: Promise<string | KmsError>;
      try {
        read = startRead(request, sharedHeaders(request.headers));
      } catch (e) {
        return Promise.reject(e);
      }
      return enqueue(async () => {
        const body = await read;
        const saved = engine.saveCounters();
        const pinned = opts.host ?? request.headers.get('x-playground-host') ?? 0;
        const req = new Request(request.url, { method: request.method, headers: withHeader(request.headers, 'x-playground-host', String(pinned)) });
        const now = engine.clock.now();
        const at = Math.max(now, opts.at ?? now);
        try {
          const handled = engine.deciding(() => handle(engine, req, body), { at, view: worldAt(engine.world, now, at) });
          const out = handled instanceof Promise ? await handled : handled;
          const text = await out.response.text();
          const outcome: DecideOutcome = { operation: out.operation, caller: out.caller, host: out.host, status: out.status };
          if (out.errorType) {
            outcome.errorType = out.errorType;
            try {
              const m = (JSON.parse(text) as { message?: unknown }).message;
              if (typeof m === 'string') outcome.message = m;
            } catch {
              /* no message */
            }
          }
          if (out.decision) {
            outcome.decision = out.decision;
            outcome.allowed = out.decision.allowed;
          }
          return outcome;
        } finally {
          engine.restoreCounters(saved);
        }
      });
    },
    accessMatrix(keyId: string, opts: AccessMatrixOptions = {}): Promise<AccessMatrix> {
      return enqueue(async () => {
        const saved = engine.saveCounters();
        try {
          return await computeAccessMatrix(engine, keyId, opts);
        } finally {
          engine.restoreCounters(saved);
        }
      });
    },
    fork() {
      notWhileSeeking('sim.fork()');
      if (cursor < log.length) {
        log.length = cursor;
        dropCheckpointsAfter(cursor);
        truncateAt = Math.min(truncateAt ?? cursor, cursor);
        committedLog = Math.min(committedLog, cursor);
        if (store) void enqueue(() => commit());
      }
    },
    ready,
    flush: () => enqueue(async () => (base ? commit() : undefined)),
    get storeError() {
      return storeError;
    },
    checkpointStats() {
      return { count: checkpoints.length, records: held, indexes: checkpoints.map((cp) => cp.index) };
    },
  };
}
