/**
 * The wire: AWS JSON 1.1 as KMS speaks it. The only place that reads a Request and writes a
 * Response, and the only place that turns a KmsError into an HTTP status and a
 * `{"__type","message"}` body.
 */
import type { Decision } from '../events';
import { KmsError } from '../errors';
import { unknownAccessKeyPrincipal, withSource, type Caller } from '../auth/caller';
import { CONTENT_TYPE, DECISION_HEADER, HOST_HEADER, SOURCE_ACCOUNT_HEADER, SOURCE_ARN_HEADER, SOURCE_IP_HEADER, SOURCE_VPC_HEADER, VIA_SERVICE_HEADER } from '../protocol';
import type { Engine, Outcome } from '../engine';
import { validateInput } from '../model/validate';
import { OPERATIONS, SHAPES, type OperationName } from '../model/shapes.generated';
import { encodeBase64 } from '../util/base64';
import { Interner } from '../util/intern';
import { checkSigV4Request, parseAuthorization, verifySignature } from './sigv4';
import {
  INCOMPLETE_SIGNATURE_EXCEPTION,
  INVALID_SIGNATURE_EXCEPTION,
  INVALID_SIGNATURE_MESSAGE,
  UNRECOGNIZED_CLIENT_EXCEPTION,
  UNRECOGNIZED_CLIENT_MESSAGE,
} from './authErrors';

export { CONTENT_TYPE };
/** KMS request bodies are small: the largest member is a 128 KiB key policy. */
export const MAX_BODY_BYTES = 1024 * 1024;
const TARGET = /^TrentService\.([A-Za-z]+)$/;
const HOST_REGION = /^kms(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

export interface WireOutcome {
  response: Response;
  /** the x-amzn-RequestId the response carries */
  requestId: string;
  operation: string;
  caller: string;
  host: number;
  status: number;
  errorType?: string;
  decision?: Decision;
}

/** operations whose outputs carry blobs (Uint8Array in the engine, base64 on the wire) */
const BLOB_OUTPUT: ReadonlySet<string> = new Set(
  (Object.keys(OPERATIONS) as OperationName[]).filter((op) => {
    const out = OPERATIONS[op].output;
    const shape = out ? SHAPES[out] : undefined;
    return shape?.type === 'structure' && Object.values(shape.members).some((m) => SHAPES[m]?.type === 'blob');
  }),
);

/** serializes an output: Uint8Array members become base64 strings, absent members are omitted */
export function toJson(output: unknown): string {
  return JSON.stringify(output, (_k, v) => (v instanceof Uint8Array ? encodeBase64(v) : v === null ? undefined : v));
}

const encoder = new TextEncoder();
/** UTF-8 length without encoding when the text is ASCII (it almost always is) */
function byteLength(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return encoder.encode(s).length;
  return s.length;
}

function respond(status: number, body: string, requestId: string, extra: Record<string, string> = {}): Response {
  return new Response(status === 200 && body === '' ? null : body, {
    status,
    headers: { 'Content-Type': CONTENT_TYPE, 'x-amzn-RequestId': requestId, 'Content-Length': String(byteLength(body)), ...extra },
  });
}

export function errorResponse(e: KmsError, requestId: string, extra: Record<string, string> = {}): Response {
  // KMS sends no message member for the errors it reports without one (InvalidCiphertextException, ...)
  const body = e.message === '' ? { __type: e.code } : { __type: e.code, message: e.message };
  return respond(e.status, JSON.stringify(body), requestId, { 'x-amzn-ErrorType': e.code, ...extra });
}

function playgroundHeaders(host: number, decision: SharedDecision | undefined): Record<string, string> {
  const h: Record<string, string> = { [HOST_HEADER]: String(host) };
  if (decision) h[DECISION_HEADER] = decision.header;
  return h;
}

/**
 * Decisions repeat request after request (the same caller, key and policy give the same text):
 * each distinct one is kept once, with its header value, so the event history shares them and
 * the header is encoded once. Nobody changes a decision once made.
 */
interface SharedDecision {
  decision: Decision;
  /** the x-playground-decision header value: URI-encoded JSON */
  header: string;
}

/**
 * What the wire keeps between the requests of one simulator: its table of shared decisions, the
 * last few of them, and the last endpoint's host name. Each simulator makes its own and passes it
 * to every handle() call, so two simulators on a page share nothing and a closed one's table goes
 * with it; handle() without one shares nothing.
 */
export class WireCache {
  readonly decisions = new Interner<SharedDecision>();
  /**
   * the last few shared decisions: a run of requests mostly repeats one of them (one per host),
   * and comparing members costs far less than the JSON text the table is keyed by
   */
  readonly recent: SharedDecision[] = [];
  /** the URL whose host name was read last, and that host name (requests repeat the endpoint) */
  lastUrl: string | undefined;
  lastHost: string | null = null;

  share(decision: Decision | undefined): SharedDecision | undefined {
    if (!decision) return undefined;
    const recent = this.recent;
    for (let i = 0; i < recent.length; i++) if (sameDecision(recent[i].decision, decision)) return recent[i];
    const json = JSON.stringify(decision);
    const shared = this.decisions.get(json, () => ({ decision, header: encodeURIComponent(json) }));
    if (recent.length === RECENT) recent.pop();
    recent.unshift(shared);
    return shared;
  }

  /** the URL's host name, null for a relative or odd URL */
  hostnameOf(url: string): string | null {
    if (url !== this.lastUrl) {
      try {
        this.lastHost = new URL(url).hostname;
      } catch {
        this.lastHost = null;
      }
      this.lastUrl = url;
    }
    return this.lastHost;
  }
}
const RECENT = 8;

type Via = Decision['via'] & { sid?: string; statement?: number; grantId?: string; policy?: string };
/** the same members with the same values (a decision has no members beyond its type's) */
function sameDecision(a: Decision, b: Decision): boolean {
  if (a === b) return true;
  if (a.allowed !== b.allowed || a.host !== b.host || a.summary !== b.summary || a.notes.length !== b.notes.length) return false;
  for (let i = 0; i < a.notes.length; i++) if (a.notes[i] !== b.notes[i]) return false;
  const x = a.via as Via;
  const y = b.via as Via;
  return x.kind === y.kind && x.sid === y.sid && x.statement === y.statement && x.grantId === y.grantId && x.policy === y.policy;
}

/** Which region a request is for: the SigV4 credential scope, else the kms.<region> host. */
function regionOf(url: string, scopeRegion: string | undefined, fallback: string, cache: WireCache): string {
  if (scopeRegion) return scopeRegion;
  const host = cache.hostnameOf(url);
  const m = host === null ? null : HOST_REGION.exec(host);
  return m ? m[1] : fallback;
}

/** the error a body read answers with when the reader of the body runs past the limit */
const tooLarge = () => new KmsError('RequestEntityTooLargeException', `Request body exceeds the ${MAX_BODY_BYTES}-byte limit.`, 413);
const noop = () => undefined;

/**
 * The error a request whose body did not finish arriving in time is answered with: a client
 * error, named as the AWS SDKs' retry logic knows it (docs/fidelity.md "Request bodies that
 * never end").
 */
export function requestTimeout(ms?: number): KmsError {
  const within = ms === undefined ? 'in time' : `within ${ms} ms`;
  return new KmsError('RequestTimeoutException', `The request body did not finish arriving ${within}; the connection was closed.`, 400);
}

/**
 * Reads a request body, refusing more than MAX_BODY_BYTES: by the declared Content-Length
 * when it is over the limit, else by what arrives, whatever Content-Length says: at most the
 * limit and one chunk more is read, then the stream is cancelled. One async function over the
 * stream's reader (a helper around the loop cost one more promise per request).
 *
 * `signal` stops the read early (the simulator's body timeout): the stream is cancelled and the
 * read answers with the abort reason when it is a KmsError, else with requestTimeout.
 */
export async function readBody(request: Request, pairs?: HeaderPairs, signal?: AbortSignal): Promise<string | KmsError> {
  const length = headerOf(request, pairs)('content-length');
  const declared = Number(length ?? '0');
  if (declared > MAX_BODY_BYTES) {
    // nothing of it is read: let the sender know it may stop
    if (request.body && !request.bodyUsed) request.body.cancel().catch(noop);
    return new KmsError('RequestEntityTooLargeException', `Request body of ${declared} bytes exceeds the ${MAX_BODY_BYTES}-byte limit.`, 413);
  }
  let stopped: KmsError | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const stream = request.body;
    if (!stream) return '';
    const reader = stream.getReader();
    if (signal) {
      // cancelling ends the pending read (it resolves as done), so the loop below sees `stopped`
      onAbort = () => {
        stopped = signal.reason instanceof KmsError ? signal.reason : requestTimeout();
        reader.cancel(stopped).catch(noop);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
    let first: Uint8Array | undefined;
    let chunks: Uint8Array[] | undefined;
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (stopped) return stopped;
      if (done) break;
      total += value.length;
      if (total > MAX_BODY_BYTES) {
        // not awaited: a stream whose cancel never settles must not hold the answer
        reader.cancel().catch(noop);
        return tooLarge();
      }
      if (first === undefined) first = value;
      else (chunks ??= [first]).push(value);
    }
    if (first === undefined) return '';
    if (chunks === undefined) return utf8.decode(first);
    const all = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) {
      all.set(c, off);
      off += c.length;
    }
    return utf8.decode(all);
  } catch (e) {
    return stopped ?? (e instanceof KmsError ? e : new KmsError('SerializationException', 'The request body could not be read.'));
  } finally {
    if (onAbort) signal!.removeEventListener('abort', onAbort);
  }
}

/**
 * A request whose body could not be read (too large, timed out) is logged with an empty body
 * and this header, which says what it was answered with, so replaying the log answers it the
 * same way instead of serving an empty body.
 */
export const BODY_ERROR_HEADER = 'x-playground-body-error';
/** the only errors BODY_ERROR_HEADER may carry, with their statuses */
const BODY_ERRORS: ReadonlyMap<string, number> = new Map([
  ['RequestEntityTooLargeException', 413],
  ['RequestTimeoutException', 400],
  ['SerializationException', 400],
]);

/** the BODY_ERROR_HEADER value for an error a body read answered with */
export function bodyErrorHeader(e: KmsError): string {
  return `${e.code} ${e.message}`;
}

/** the error a BODY_ERROR_HEADER value stands for; undefined when it names no body error */
export function bodyErrorFrom(value: string): KmsError | undefined {
  const space = value.indexOf(' ');
  const code = space < 0 ? value : value.slice(0, space);
  const status = BODY_ERRORS.get(code);
  return status === undefined ? undefined : new KmsError(code, space < 0 ? '' : value.slice(space + 1), status);
}

/**
 * Serves one request. Given the body already read, it answers synchronously whenever the
 * operation does (the grant operations do), which spares a promise and a microtask per call.
 */
export function handle(engine: Engine, request: Request, body?: string | KmsError, pairs?: HeaderPairs, cache: WireCache = new WireCache()): WireOutcome | Promise<WireOutcome> {
  const header = headerOf(request, pairs);
  if (body === undefined && request.method === 'POST') return readBody(request, pairs).then((read) => serveRead(engine, request, header, read, cache));
  return serveRead(engine, request, header, body ?? '', cache);
}

/** a request's header name/value pairs as its Headers iterate them: names in lower case, repeats joined */
export type HeaderPairs = readonly (readonly [string, string])[];

/**
 * Reads headers by lower-case name: from the pairs when the caller has them already (a search
 * of three or four pairs costs less than Headers.get, which validates and lower-cases the name
 * on every call), else from the request.
 */
function headerOf(request: Request, pairs: HeaderPairs | undefined): (name: string) => string | null {
  if (!pairs) return (name) => request.headers.get(name);
  return (name) => {
    for (let i = 0; i < pairs.length; i++) if (pairs[i][0] === name) return pairs[i][1];
    return null;
  };
}

function serveRead(engine: Engine, request: Request, header: (name: string) => string | null, read: string | KmsError, cache: WireCache): WireOutcome | Promise<WireOutcome> {
  const requestId = engine.nextRequestId();
  let operation = header('x-amz-target') ?? '';
  let callerArn = '';
  let host = -1;
  const fail = (e: KmsError, made?: Decision): WireOutcome => {
    const decision = cache.share(made);
    return {
      response: errorResponse(e, requestId, host >= 0 ? playgroundHeaders(host, decision) : {}),
      requestId,
      operation,
      caller: callerArn,
      host,
      status: e.status,
      errorType: e.code,
      decision: decision?.decision,
    };
  };

  // Transport-level checks come first, as at a real front end.
  if (request.method !== 'POST') {
    return fail(new KmsError('UnknownOperationException', `KMS accepts only POST requests; got ${request.method}.`));
  }
  if (read instanceof KmsError) return fail(read);
  const bodyText = read;

  const target = TARGET.exec(operation);
  const op = target?.[1];
  if (!op || !Object.hasOwn(OPERATIONS, op)) {
    return fail(new KmsError('UnknownOperationException', operation ? `Unknown operation ${operation}.` : 'The X-Amz-Target header is missing.'));
  }
  operation = op;

  // Who is calling
  let caller: Caller;
  const auth = parseAuthorization(header('authorization'), request.headers);
  let scopeRegion: string | undefined;
  if (auth === null) {
    caller = engine.callerFor(undefined);
  } else if ('error' in auth) {
    return fail(new KmsError(INCOMPLETE_SIGNATURE_EXCEPTION, auth.error));
  } else {
    const p = engine.principalsByKey.get(auth.accessKeyId) ?? unknownAccessKeyPrincipal(engine);
    if (!p) return fail(new KmsError(UNRECOGNIZED_CLIENT_EXCEPTION, UNRECOGNIZED_CLIENT_MESSAGE));
    scopeRegion = auth.region;
    if (p.secretAccessKey !== undefined) {
      const reject = checkSigV4Request(request, auth, { region: auth.region, service: 'kms' });
      if (reject) return fail(new KmsError(reject.type, reject.message));
      const ok = verifySignature({ method: request.method, url: request.url, headers: request.headers, body: bodyText }, auth, p.secretAccessKey);
      if (!ok) return fail(new KmsError(INVALID_SIGNATURE_EXCEPTION, INVALID_SIGNATURE_MESSAGE));
    }
    caller = p.caller;
  }
  // the request context AWS itself would add: source ARN/account (services only), via-service,
  // the network the request came from (aws:SourceIp, aws:SourceVpc)
  caller = withSource(caller, {
    sourceArn: header(SOURCE_ARN_HEADER),
    sourceAccount: header(SOURCE_ACCOUNT_HEADER),
    viaService: header(VIA_SERVICE_HEADER),
    sourceIp: header(SOURCE_IP_HEADER),
    sourceVpc: header(SOURCE_VPC_HEADER),
  });
  callerArn = caller.arn;
  const region = regionOf(request.url, scopeRegion, engine.region, cache);
  const pinned = header('x-playground-host');
  host = engine.pickHost(pinned === null ? undefined : Number(pinned));

  // The body
  let parsed: unknown;
  try {
    parsed = bodyText === '' ? {} : JSON.parse(bodyText);
  } catch {
    return fail(new KmsError('SerializationException', 'Start of structure or map found where not expected.'));
  }
  const v = validateInput(op as OperationName, parsed);
  if (!v.ok) return fail(new KmsError(v.code, v.message));

  // the engine answers an outcome, the decision beside the output or the error
  const settle = (o: Outcome): WireOutcome => {
    if (!o.ok) return fail(o.error, o.decision);
    const output = o.output;
    const text = output === undefined ? '' : BLOB_OUTPUT.has(op) ? toJson(output) : JSON.stringify(output);
    const decision = cache.share(o.decision);
    return { response: respond(200, text, requestId, playgroundHeaders(host, decision)), requestId, operation, caller: callerArn, host, status: 200, decision: decision?.decision };
  };
  const failed = (e: unknown): WireOutcome => {
    if (e instanceof KmsError) return fail(e);
    // A broken invariant in the simulator, not the caller's fault.
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return fail(new KmsError('KMSInternalException', `The KMS Grant Playground hit an internal error: ${message}`));
  };
  try {
    const r = engine.execute(op as OperationName, withoutNulls(v.value), caller, region, host);
    return r instanceof Promise ? r.then(settle).catch(failed) : settle(r);
  } catch (e) {
    return failed(e);
  }
}

/**
 * A JSON null member means "absent" to KMS (and to the validator): handlers never see one.
 * Iterative, with an explicit stack: a body nested 100,000 levels deep in a member nothing
 * validates must not overflow the call stack (it was answered 500).
 */
function withoutNulls(root: Record<string, unknown>): Record<string, unknown> {
  const stack: Record<string, unknown>[] = [root];
  for (let o = stack.pop(); o !== undefined; o = stack.pop()) {
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (v === null) delete o[k];
      else if (typeof v === 'object' && !Array.isArray(v)) stack.push(v as Record<string, unknown>);
    }
  }
  return root;
}

const utf8 = new TextDecoder();
