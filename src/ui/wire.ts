/**
 * The wire as the playground speaks it: building a KMS JSON 1.1 request for the simulator and
 * capturing the response exactly as it came back (status, headers, body text). Pure helpers:
 * no DOM, no Svelte, so they are easy to test and reuse by the history and the code generators.
 */
import type { Decision } from '../kms/events';

export const TARGET_PREFIX = 'TrentService.';
export const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** The header the engine uses to report (and, on requests, to pin) the serving host. */
export const HOST_HEADER = 'x-playground-host';
export const DECISION_HEADER = 'x-playground-decision';
export const REQUEST_ID_HEADER = 'x-amzn-requestid';
/** aws:SourceArn of a service caller's request (the engine ignores it for other callers) */
export const SOURCE_ARN_HEADER = 'x-playground-source-arn';
export const SOURCE_ACCOUNT_HEADER = 'x-playground-source-account';
export const VIA_SERVICE_HEADER = 'x-playground-via-service';

/** a service principal name (logs.amazonaws.com), which the engine treats as an AWS service caller */
const SERVICE_NAME = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;
export function isServiceName(arn: string): boolean {
  return SERVICE_NAME.test(arn);
}

/** Who sends a request. The account root has no access key: it sends no Authorization header. */
export interface Caller {
  arn: string;
  /** absent for the account root */
  accessKeyId?: string;
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

export interface WireResponse {
  status: number;
  statusText: string;
  /** header names as the Headers API gives them (lower case), in the order it gives them */
  headers: readonly (readonly [string, string])[];
  body: string;
  requestId: string | undefined;
  host: number | undefined;
  decision: Decision | undefined;
}

/** SigV4 request time, yyyymmddThhmmssZ, from the virtual clock (UTC). */
/** a header of a logged request (sim.log keeps headers as [name, value] pairs) */
export function logHeader(headers: readonly (readonly [string, string])[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** a logged request (an entry of sim.log) in the editor's terms */
export interface LoggedRequest {
  /** the X-Amz-Target without its TrentService. prefix (as sent when it has none) */
  operation: string;
  /** false when the target did not start with TrentService. */
  trent: boolean;
  /** the principal whose access key id is in the credential scope; the root when there is none;
   *  undefined for an access key no principal has */
  callerArn: string | undefined;
  body: string;
  host?: number;
  sourceArn?: string;
}

/**
 * Decodes a logged request: the one reading of sim.log entries that the History pane after a
 * reload, share links and audience windows all use.
 */
export function loggedRequest(
  entry: { headers: readonly (readonly [string, string])[]; body: string },
  principals: readonly { arn: string; accessKeyId?: string }[],
  rootArn: string,
): LoggedRequest {
  const target = logHeader(entry.headers, 'x-amz-target') ?? '';
  const trent = target.startsWith(TARGET_PREFIX);
  const keyId = /Credential=([^/,\s]+)\//.exec(logHeader(entry.headers, 'authorization') ?? '')?.[1];
  const callerArn = keyId === undefined ? rootArn : principals.find((p) => p.accessKeyId === keyId)?.arn;
  const hostText = logHeader(entry.headers, HOST_HEADER);
  const host = hostText !== undefined && /^\d+$/.test(hostText) ? Number(hostText) : undefined;
  const sourceArn = logHeader(entry.headers, SOURCE_ARN_HEADER);
  return {
    operation: trent ? target.slice(TARGET_PREFIX.length) : target,
    trent,
    callerArn,
    body: entry.body,
    ...(host !== undefined ? { host } : {}),
    ...(sourceArn ? { sourceArn } : {}),
  };
}

export function amzDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function endpointFor(region: string): string {
  return `https://kms.${region}.amazonaws.com/`;
}

/**
 * Builds the Request the simulator receives. The caller is identified by its access key id in a
 * (deliberately unsigned) SigV4 Authorization header; no header means the account root.
 */
export function buildRequest(
  req: WireRequest,
  opts: { region: string; callers: readonly Caller[]; now: number },
): Request {
  const headers: Record<string, string> = {
    'Content-Type': CONTENT_TYPE,
    'X-Amz-Target': TARGET_PREFIX + req.operation,
  };
  const caller = opts.callers.find((c) => c.arn === req.callerArn);
  if (caller?.accessKeyId) {
    // an SDK would sign; principals configured without a secret key are not verified, so the
    // signature is a placeholder. The date comes from the virtual clock, as the scope's date.
    const date = amzDate(opts.now);
    headers['X-Amz-Date'] = date;
    headers.Authorization =
      `AWS4-HMAC-SHA256 Credential=${caller.accessKeyId}/${date.slice(0, 8)}/${opts.region}/kms/aws4_request, ` +
      'SignedHeaders=host;x-amz-date, Signature=0';
  }
  if (req.host !== undefined) headers[HOST_HEADER] = String(req.host);
  if (caller?.service && req.sourceArn) headers[SOURCE_ARN_HEADER] = req.sourceArn;
  return new Request(endpointFor(opts.region), { method: 'POST', headers, body: req.body });
}

/** Decodes the engine's x-playground-decision header (URI-encoded JSON); undefined when absent or unreadable. */
export function parseDecision(value: string | null): Decision | undefined {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(decodeURIComponent(value));
    if (parsed && typeof parsed === 'object' && 'allowed' in parsed && 'summary' in parsed) return parsed as Decision;
  } catch {
    /* a malformed header is shown raw in the headers list; the decision panel stays empty */
  }
  return undefined;
}

export async function captureResponse(res: Response): Promise<WireResponse> {
  const headers: [string, string][] = [];
  res.headers.forEach((value, name) => headers.push([name, value]));
  const body = await res.text();
  const hostText = res.headers.get(HOST_HEADER);
  const host = hostText !== null && hostText !== '' && Number.isFinite(Number(hostText)) ? Number(hostText) : undefined;
  return {
    status: res.status,
    statusText: res.statusText,
    headers,
    body,
    requestId: res.headers.get(REQUEST_ID_HEADER) ?? undefined,
    host,
    decision: parseDecision(res.headers.get(DECISION_HEADER)),
  };
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** "HTTP/1.1 400 Bad Request": the status text the response carried, else the standard reason phrase. */
export function statusLine(res: Pick<WireResponse, 'status' | 'statusText'>): string {
  const reason = res.statusText || REASONS[res.status] || '';
  return `HTTP/1.1 ${res.status}${reason ? ' ' + reason : ''}`;
}

/** The AWS error code of a response body ({"__type": "…"}), with any namespace stripped as SDKs do. */
export function errorType(res: Pick<WireResponse, 'status' | 'body'>): string | undefined {
  if (res.status < 400) return undefined;
  try {
    const parsed = JSON.parse(res.body) as { __type?: unknown };
    if (typeof parsed.__type === 'string') return parsed.__type.replace(/^.*#/, '').replace(/:.*$/, '');
  } catch {
    /* not JSON */
  }
  return undefined;
}

/** Pretty-prints JSON text; returns the text unchanged when it is not JSON. */
export function formatJson(text: string): string {
  if (!text.trim()) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** "arn:aws:iam::111122223333:role/App" → "role/App"; the root ARN → "root". */
export function shortPrincipal(arn: string): string {
  const m = /^arn:aws[a-z-]*:(?:iam|sts)::\d{12}:(.+)$/.exec(arn);
  if (m) return m[1];
  return arn;
}

/** "1234abcd-12ab-…" or a key ARN → its first 8 characters, for compact labels. */
export function shortKeyId(keyIdOrArn: string): string {
  const id = keyIdOrArn.replace(/^arn:[^:]+:kms:[^:]*:\d*:key\//, '');
  return id.length > 13 ? id.slice(0, 8) + '…' : id;
}

export function shortGrantId(grantId: string): string {
  return grantId.length > 12 ? grantId.slice(0, 8) + '…' : grantId;
}
