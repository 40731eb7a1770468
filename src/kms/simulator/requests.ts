/**
 * Serving requests: fetch's (logged, evented, written), and the reads that leave no trace
 * (peek, decide, accessMatrix), which run against a copy of the counters a request moves
 * (counters.ts) and drop it.
 */
import type { SimEvent } from '../api';
import type { KmsError } from '../errors';
import { BODY_ERROR_HEADER, bodyErrorFrom, bodyErrorHeader, handle, readBody, requestTimeout } from '../wire/http';
import { computeAccessMatrix, worldAt, type AccessMatrix, type AccessMatrixOptions, type DecideOutcome } from '../accessMatrix';
import { isPeekable } from '../operations';
import type { SimCore } from './core';
import { maybeCheckpoint, record } from './history';
import { commit } from './persistence';
import { BODY_TIMEOUT_MS } from './types';

/**
 * Starts reading a request's body at once, before the request enters the queue: a body that
 * is slow to arrive arrives meanwhile, and with a timer one that never ends is given up
 * bodyTimeoutMs after this call (the stream is cancelled), so it holds up the requests queued
 * behind it for at most that long.
 */
export function startRead(core: SimCore, request: Request, headers: [string, string][]): Promise<string | KmsError> {
  const timer = core.options.timer;
  if (!timer) return readBody(request, headers);
  const bodyTimeoutMs = core.options.bodyTimeoutMs ?? BODY_TIMEOUT_MS;
  const abort = new AbortController();
  const cancel = timer(() => abort.abort(requestTimeout(bodyTimeoutMs)), bodyTimeoutMs);
  return readBody(request, headers, abort.signal).then((read) => {
    cancel();
    return read;
  });
}

/**
 * Serves a request: `read` is its body read, started when fetch() was called (replay reads
 * the body of the logged request here).
 */
export async function serve(core: SimCore, request: Request, headers = core.interner.headers(request.headers), read?: Promise<string | KmsError>): Promise<Response> {
  let body = await (read ?? readBody(request, headers));
  const engine = core.engine;
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
  record(core, { kind: 'request', at, method: request.method, url: core.interner.url(request.url), headers: logged, body: typeof body === 'string' ? body : '' });
  const handled = handle(engine, request, body, headers, core.wire);
  const out = handled instanceof Promise ? await handled : handled;
  core.lastDecision = out.decision;
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
  maybeCheckpoint(core);
  if (core.store && !core.replaying) await commit(core);
  return out.response;
}

/** sim.fetch */
export function fetchRequest(core: SimCore, request: Request): Promise<Response> {
  let headers: [string, string][];
  let read: Promise<string | KmsError>;
  try {
    headers = core.interner.headers(request.headers);
    read = startRead(core, request, headers);
  } catch (e) {
    // not a Request: a rejection, as fetch gives, never a throw
    return Promise.reject(e);
  }
  return core.queue.enqueue(() => serve(core, request, headers, read));
}

function withHeader(headers: Headers, name: string, value: string): Headers {
  const h = new Headers(headers);
  h.set(name, value);
  return h;
}

/** sim.peek: a read-only operation answered as if it never happened */
export function peek(core: SimCore, request: Request): Promise<Response> {
  const op = /^TrentService\.(\w+)$/.exec(request.headers.get('x-amz-target') ?? '')?.[1];
  if (!op || !isPeekable(op)) return Promise.reject(new TypeError(`peek() serves only read-only operations; got ${op ?? 'no X-Amz-Target'}`));
  const read = startRead(core, request, core.interner.headers(request.headers));
  return core.queue.enqueue(async () => {
    const engine = core.engine;
    const pinned = request.headers.get('x-playground-host');
    const req = pinned === null ? new Request(request.url, { method: request.method, headers: withHeader(request.headers, 'x-playground-host', '0') }) : request;
    const body = await read;
    const handled = engine.scratch(() => handle(engine, req, body, undefined, core.wire));
    return (handled instanceof Promise ? await handled : handled).response;
  });
}

/** sim.decide: what fetch would answer up to the operation itself, and why; no trace */
export function decide(core: SimCore, request: Request, opts: { host?: number; at?: number } = {}): Promise<DecideOutcome> {
  let read: Promise<string | KmsError>;
  try {
    read = startRead(core, request, core.interner.headers(request.headers));
  } catch (e) {
    return Promise.reject(e);
  }
  return core.queue.enqueue(async () => {
    const body = await read;
    const engine = core.engine;
    const pinned = opts.host ?? request.headers.get('x-playground-host') ?? 0;
    const req = new Request(request.url, { method: request.method, headers: withHeader(request.headers, 'x-playground-host', String(pinned)) });
    const now = engine.clock.now();
    const at = Math.max(now, opts.at ?? now);
    // deciding runs against scratch counters: the request id it draws moves only a copy
    const handled = engine.deciding(() => handle(engine, req, body, undefined, core.wire), { at, view: worldAt(engine.world, now, at) });
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
  });
}

/** sim.accessMatrix: decide() for each principal × operation × host of a key; no trace */
export function accessMatrix(core: SimCore, keyId: string, opts: AccessMatrixOptions = {}): Promise<AccessMatrix> {
  // every request the matrix decides runs in the engine's deciding mode, against scratch counters
  return core.queue.enqueue(async () => computeAccessMatrix(core.engine, keyId, opts));
}
