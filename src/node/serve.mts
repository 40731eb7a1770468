/**
 * The simulator as a local HTTP endpoint (node:http), for the AWS CLI, boto3 and every SDK:
 *
 *   const server = await serve({ port: 0 });
 *   // aws kms create-key --endpoint-url http://127.0.0.1:4599
 *   await server.close();
 *
 * Requests are passed to the simulator with their headers and body as they arrived, so SigV4
 * is verified for principals that have a secret. Credentials no principal holds act as the
 * account root (unknownAccessKeys: 'root'), as local emulators treat them.
 *
 * Besides KMS (POST /), the playground's own routes:
 *   GET  /_playground/clock                  {"now": <epoch ms>, "iso": "..."}
 *   POST /_playground/clock/advance {"ms":N}  moves the virtual clock forward N ms
 *   POST /_playground/clock/settle           to the moment every pending grant change has arrived
 *   GET  /_playground/events?since=N         the events from index N on, one JSON object a line;
 *                                            x-playground-event-count says where the next read starts
 * The virtual clock moves only through these: grants propagate when a test says so.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createSimulator, type SimulatorWithEngine } from '../kms/index';
import type { PrincipalConfig, SimulatorOptions, SimulatorStore, StoreChange } from '../kms/api';
import { createMemoryStore } from '../kms/memoryStore';
import { MAX_BODY_BYTES } from '../kms/wire/http';
import type { Scenario } from '../scenario/format';
import { LIMITS } from '../scenario/limits';
import { replayWith } from '../scenario/run';
import { makeWorkspaceFile, parseWorkspaceFile } from '../store/file';

export const DEFAULT_PORT = 4599;
export const DEFAULT_HOST = '127.0.0.1';
/** the largest request body served: the engine's own wire limit (KMS's own limits are far below it) */
export { MAX_BODY_BYTES };
/** the largest clock move one advance may ask for: 10 years, as a scenario's clock steps */
const MAX_ADVANCE_MS = LIMITS.timeMs;

export interface ServeOptions {
  /** TCP port; 0 picks a free one (default DEFAULT_PORT) */
  port?: number;
  /** address to listen on (default 127.0.0.1); anything but a loopback address needs allowRemote */
  host?: string;
  /** allow a host that other machines can reach (the simulator has no real security) */
  allowRemote?: boolean;
  /** simulator settings (seed, region, accountId, propagation, principals, ...) */
  simulator?: Omit<SimulatorOptions, 'store'>;
  /** principals added to those of the settings, the scenario or the persisted file */
  principals?: PrincipalConfig[];
  /** start by replaying this scenario */
  scenario?: Scenario;
  /**
   * a workspace file: loaded at start when it exists, and rewritten after requests and clock
   * moves (the world, the input log and the settings), so a restart resumes; a burst of
   * requests shares one write, and each is answered once a write that holds it has ended
   */
  persist?: string;
  /** one line per request and clock move (default: none) */
  log?: (line: string) => void;
  /** a problem that does not stop the server, such as a failed write of the persisted file (default: console.error) */
  warn?: (line: string) => void;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:4599 */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly sim: SimulatorWithEngine;
  readonly server: Server;
  /** stops listening, waits for the last write of the persisted file */
  close(): Promise<void>;
}

/** An error meant for the person who started the server: its message says what to do. */
export class ServeError extends Error {
  override name = 'ServeError';
}

/** 127.0.0.0/8, ::1 and localhost */
function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

function mergePrincipals(base: PrincipalConfig[] | undefined, extra: PrincipalConfig[] | undefined): PrincipalConfig[] | undefined {
  if (!extra?.length) return base;
  const byKey = new Map<string, PrincipalConfig>();
  for (const p of [...(base ?? []), ...extra]) byKey.set(p.accessKeyId, p);
  return [...byKey.values()];
}

/**
 * A SimulatorStore in memory that writes the whole workspace file after commits (to a
 * temporary file, then renamed over the old one, so a crash never leaves half a file).
 *
 * A commit does not wait for the disk: it schedules a write, and commits made while a write is
 * running join the one write queued after it, so a burst of requests rewrites the file once or
 * twice, not once per request. `written()` settles once a write that includes every commit so
 * far has ended; the server answers a request only then. A failed write never rejects: it is
 * kept as `failure()` (the server says so once), and nothing more is written.
 */
function fileStore(path: string, options: Omit<SimulatorOptions, 'store'>, initial: StoreChange | null): SimulatorStore & { written: () => Promise<void>; failure: () => Error | undefined } {
  const memory = createMemoryStore();
  /** the last write scheduled; it never rejects */
  let writing: Promise<void> = Promise.resolve();
  /** the write queued behind the running one, not yet started: later commits join it */
  let queued: Promise<void> | null = null;
  let failed: Error | undefined;
  let loaded = false;
  const created = Date.now();
  const write = async () => {
    const snapshot = await memory.load();
    const file = makeWorkspaceFile({ id: 'serve', name: 'kms-grant-playground serve', created, updated: Date.now(), options }, snapshot);
    const tmp = `${path}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify(file));
    await rename(tmp, path);
  };
  const noteOnce = (e: unknown) => {
    failed ??= e instanceof Error ? e : new Error(String(e));
  };
  const schedule = () => {
    if (failed || queued) return;
    queued = writing
      .then(() => {
        // from here on the write reads the memory store: a later commit needs the next write
        queued = null;
        return failed ? undefined : write();
      })
      .catch(noteOnce);
    writing = queued;
  };
  return {
    async load() {
      if (!loaded && initial) await memory.commit(initial);
      loaded = true;
      return memory.load();
    },
    async commit(change) {
      await memory.commit(change);
      schedule();
    },
    written: () => writing,
    failure: () => failed,
  };
}

async function readPersisted(path: string): Promise<{ options: Omit<SimulatorOptions, 'store'>; change: StoreChange | null } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ServeError(`Cannot read ${path}: ${(e as Error).message}`);
  }
  const parsed = parseWorkspaceFile(text);
  if (!parsed.ok) throw new ServeError(`${path} cannot be resumed: ${parsed.detail}`);
  return { options: parsed.options, change: parsed.snapshot ? { kind: 'replace', snapshot: parsed.snapshot } : null };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? null : new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (e.code === 'EADDRINUSE') reject(new ServeError(`Port ${port} on ${host} is already in use (another kms-grant-playground serve?). Stop that process, or choose another port with --port (--port 0 picks a free one).`));
      else if (e.code === 'EACCES') reject(new ServeError(`Not allowed to listen on port ${port} of ${host}: ports below 1024 need privileges. Choose another with --port.`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') reject(new ServeError(`Cannot listen on ${host}: this machine has no such address.`));
      else reject(new ServeError(`Cannot listen on ${host}:${port}: ${e.message}`));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Starts the endpoint. Rejects with a ServeError saying what to change when it cannot. */
export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ServeError(`The port must be a whole number from 0 to 65535, not ${port}.`);
  if (!isLoopback(host) && !options.allowRemote) {
    throw new ServeError(`Refusing to listen on ${host}: other machines could reach it, and the simulator checks no real credentials. Use a loopback address (127.0.0.1, the default), or pass --allow-remote if you mean it.`);
  }
  const log = options.log ?? (() => {});
  const persisted = options.persist ? await readPersisted(options.persist) : null;
  if (persisted && options.scenario) throw new ServeError(`${options.persist} already holds a world; to start from the scenario instead, remove the file or persist to another one.`);

  const settings: Omit<SimulatorOptions, 'store'> = persisted?.options ?? options.simulator ?? {};
  const timer = (callback: () => void, ms: number) => {
    const id = setTimeout(callback, ms);
    return () => clearTimeout(id);
  };
  let store: ReturnType<typeof fileStore> | undefined;
  const make = (opts: SimulatorOptions): SimulatorWithEngine => {
    const { store: _ignored, ...rest } = opts;
    const simOptions = { ...rest, principals: mergePrincipals(rest.principals, options.principals) };
    if (options.persist) store = fileStore(options.persist, simOptions, persisted?.change ?? null);
    return createSimulator({ ...simOptions, unknownAccessKeys: 'root', timer, store });
  };

  let sim: SimulatorWithEngine;
  if (options.scenario) {
    const { sim: replayed, results } = await replayWith(make, options.scenario);
    sim = replayed as SimulatorWithEngine;
    log(`replayed ${results.length} steps of ${options.scenario.title ? JSON.stringify(options.scenario.title) : 'the scenario'}`);
  } else {
    sim = make(settings);
  }
  await sim.ready;
  await sim.flush();
  await store?.written();
  const storeError = () => sim.storeError ?? store?.failure();
  const startError = storeError();
  if (startError) throw new ServeError(`Cannot keep the world in ${options.persist}: ${startError.message}`);
  /** a write that failed later (the disk filled up, the file was made read-only): said once */
  let storeErrorSaid = false;
  const checkStore = () => {
    const error = storeError();
    if (!error || storeErrorSaid) return;
    storeErrorSaid = true;
    (options.warn ?? ((line: string) => console.error(line)))(`Writing ${options.persist} failed (${error.message}): the simulator goes on in memory, and nothing more is saved.`);
  };
  /** waits for a write of the persisted file that includes everything done so far */
  const saved = async () => {
    await store?.written();
    checkStore();
  };

  sim.subscribe((e) => {
    if (e.type === '@kms.request') log(`${e.operation} ${e.status}${e.errorType ? ` ${e.errorType}` : ''} as ${e.caller} (host ${e.host})`);
  });

  /** clock moves, after the requests queued before them */
  const clockMove = async (move: () => number): Promise<number> => {
    await sim.flush();
    const now = move();
    await sim.flush();
    await saved();
    return now;
  };
  const clockBody = (now: number) => ({ now, iso: new Date(now).toISOString() });

  async function playground(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /_playground/clock':
        return json(res, 200, clockBody(sim.clock.now()));
      case 'POST /_playground/clock/advance': {
        const body = await readBody(req);
        let ms: unknown;
        try {
          ms = (JSON.parse(new TextDecoder().decode(body ?? new Uint8Array())) as { ms?: unknown })?.ms;
        } catch {
          return json(res, 400, { message: 'The body must be JSON: {"ms": <milliseconds>}.' });
        }
        if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0 || ms > MAX_ADVANCE_MS) {
          return json(res, 400, { message: `"ms" must be a whole number of milliseconds from 0 to ${MAX_ADVANCE_MS}, not ${JSON.stringify(ms) ?? 'missing'}.` });
        }
        let now: number;
        try {
          now = await clockMove(() => {
            sim.clock.advance(ms as number);
            return sim.clock.now();
          });
        } catch (e) {
          // the clock refuses a move it cannot make (past 9999-12-31T23:59:59.999Z): the request's fault
          if (e instanceof RangeError) return json(res, 400, { message: `The clock cannot advance ${ms} ms: ${e.message}.` });
          throw e;
        }
        log(`clock advanced ${ms} ms to ${new Date(now).toISOString()}`);
        return json(res, 200, clockBody(now));
      }
      case 'POST /_playground/clock/settle': {
        await readBody(req);
        const now = await clockMove(() => sim.clock.settle());
        log(`clock settled at ${new Date(now).toISOString()}`);
        return json(res, 200, clockBody(now));
      }
      case 'GET /_playground/events': {
        const sinceText = url.searchParams.get('since') ?? '0';
        const since = Number(sinceText);
        if (!/^\d+$/.test(sinceText) || !Number.isSafeInteger(since)) return json(res, 400, { message: `"since" must be an event index (0, 1, 2, ...), not ${JSON.stringify(sinceText)}.` });
        await sim.flush();
        const events = sim.events;
        const text = events.slice(since).map((e) => JSON.stringify(e) + '\n').join('');
        res.writeHead(200, { 'content-type': 'application/x-ndjson', 'content-length': Buffer.byteLength(text), 'x-playground-event-count': String(events.length) });
        res.end(text);
        return;
      }
      default:
        return json(res, 404, {
          message: `No playground route ${route}. There are GET /_playground/clock, POST /_playground/clock/advance {"ms":N}, POST /_playground/clock/settle and GET /_playground/events?since=N.`,
        });
    }
  }

  async function kms(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = req.method === 'GET' || req.method === 'HEAD' ? new Uint8Array() : await readBody(req);
    if (body === null) {
      return json(res, 413, { __type: 'RequestEntityTooLargeException', message: `The request body is larger than ${MAX_BODY_BYTES} bytes.` });
    }
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const init: RequestInit = { method: req.method, headers };
    if (req.method !== 'GET' && req.method !== 'HEAD') init.body = body as Uint8Array<ArrayBuffer>;
    const response = await sim.fetch(new Request(url, init));
    await saved();
    const out: Record<string, string> = {};
    response.headers.forEach((v, k) => {
      out[k] = v;
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    out['content-length'] = String(bytes.length);
    res.writeHead(response.status, out);
    res.end(bytes);
  }

  const server = createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
      if (!(req.url ?? '').startsWith('/')) throw new Error('not a path');
    } catch {
      return json(res, 400, { message: 'The request target must be a path such as /.' });
    }
    // A web page the developer happens to visit must not drive the simulator: browsers send
    // Origin (the SDKs, the CLI and curl do not), and a page that rebinds its own name to
    // 127.0.0.1 still sends its name as Host. Both are refused unless --allow-remote.
    if (!options.allowRemote) {
      const origin = req.headers.origin;
      if (origin !== undefined) return json(res, 403, { message: `Requests from web pages (Origin: ${JSON.stringify(origin.slice(0, 100))}) are refused; start with --allow-remote to accept them.` });
      const hostHeader = req.headers.host ?? '';
      const name = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0];
      if (!isLoopback(name)) return json(res, 403, { message: `The Host header ${JSON.stringify(hostHeader.slice(0, 100))} is not a loopback address; start with --allow-remote to accept it.` });
    }
    // the simulator sees the address the client signed for; the host header carries it
    const target = new URL(url.pathname + url.search, `http://localhost:${actualPort}`);
    const handler = url.pathname.startsWith('/_playground/') ? playground(req, res, url) : kms(req, res, target);
    handler.catch((e: unknown) => {
      if (!res.headersSent) json(res, 500, { __type: 'KMSInternalException', message: `The KMS Grant Playground server failed: ${e instanceof Error ? e.message : String(e)}` });
      else res.destroy();
    });
  });
  let actualPort = port;
  await listen(server, port, host);
  const address = server.address();
  actualPort = typeof address === 'object' && address ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${actualPort}`,
    host,
    port: actualPort,
    sim,
    server,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await sim.flush();
      await saved();
    },
  };
}
