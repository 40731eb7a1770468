/**
 * The request the simulator receives when the editor sends: built and signed by
 * src/scenario/request.ts (the builder replay uses too), which is loaded with the engine rather
 * than with the page's first load (SigV4's SHA-256 and HMAC are not needed to paint the page).
 * Sends wait for the engine anyway; `loadSigner()` is awaited before a request is built, and from
 * then on `buildRequest` is synchronous, so a request can still be built and sent with nothing
 * awaited in between.
 */
import type { buildKmsRequest } from '../scenario/request';

export interface Caller {
  arn: string;
  /** absent for the account root */
  accessKeyId?: string;
  /** the principal's secret key, when configured with one: its requests are then really signed */
  secretAccessKey?: string;
  /** short label for menus and the timeline, e.g. "role/App", "root" or "service logs.amazonaws.com" */
  label: string;
  /** set when the caller is an AWS service principal (its requests may carry a source ARN) */
  service?: boolean;
}

export interface WireRequest {
  operation: string;
  callerArn: string;
  body: string;
  /** pins the host that serves the request (the engine's x-playground-host request header) */
  host?: number;
  /** aws:SourceArn, sent only when the caller is a service (x-playground-source-arn) */
  sourceArn?: string;
}

let build: typeof buildKmsRequest | undefined;
let loading: Promise<void> | undefined;

/** loads the request builder (once; a failed load is tried again on the next call) */
export function loadSigner(): Promise<void> {
  if (build) return Promise.resolve();
  loading ??= import('../scenario/request').then(
    (m) => {
      build = m.buildKmsRequest;
    },
    (e: unknown) => {
      loading = undefined;
      throw e;
    },
  );
  return loading;
}

/**
 * The Request the simulator receives when the editor sends `req` at virtual time `now`. The
 * caller is identified by its access key id in a SigV4 Authorization header, signed when it has a
 * secret key (a placeholder signature otherwise); no header means the account root. Call
 * `loadSigner()` first.
 */
export function buildRequest(req: WireRequest, opts: { region: string; callers: readonly Caller[]; now: number }): Request {
  if (!build) throw new Error('buildRequest: the request builder is not loaded yet (await loadSigner() first)');
  const caller = opts.callers.find((c) => c.arn === req.callerArn);
  return build({
    operation: req.operation,
    body: req.body,
    credentials: caller?.accessKeyId ? { accessKeyId: caller.accessKeyId, secretAccessKey: caller.secretAccessKey } : undefined,
    now: opts.now,
    region: opts.region,
    host: req.host,
    sourceArn: caller?.service && req.sourceArn ? req.sourceArn : undefined,
  });
}
