/**
 * The wire as the playground speaks it, in the UI's terms: the request the editor sends (built
 * and signed by src/scenario/request.ts through ./signer.ts, the same builder replay uses) and the
 * response exactly as it came back (status, headers, body text). Pure helpers: no DOM, no
 * Svelte, so they are easy to test and reuse by the history and the code generators.
 */
import type { Decision } from '../kms/events';
import { DECISION_HEADER, HOST_HEADER, REQUEST_ID_HEADER } from '../kms/protocol';
export { loggedRequest, logHeader, type LoggedRequest } from '../scenario/logged';

/** a service principal name (logs.amazonaws.com), which the engine treats as an AWS service caller */
const SERVICE_NAME = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;
export function isServiceName(arn: string): boolean {
  return SERVICE_NAME.test(arn);
}

export { buildRequest, loadSigner, type Caller, type WireRequest } from './signer';

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

/** Decodes the engine's x-playground-decision header (URI-encoded JSON); undefined when absent or unreadable. */
function parseDecision(value: string | null): Decision | undefined {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(decodeURIComponent(value));
    if (parsed && typeof parsed === 'object' && 'allowed' in parsed && 'summary' in parsed) return parsed as Decision;
  } catch {
    /* a malformed header is shown raw in the headers list; the decision panel stays empty */
  }
  return undefined;
}

/**
 * A body's text, read from its stream. Response.text() settles only in a later task, and the
 * browser may render a frame before that task: an answer the simulator has ready in the click's
 * own task would then wait for the frame after the click, then show in the next. Reading the
 * stream settles in microtasks, so the answer reaches the page in the task that served it.
 */
async function bodyText(res: Response): Promise<string> {
  const stream = res.body;
  if (!stream) return '';
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
}

export async function captureResponse(res: Response): Promise<WireResponse> {
  const headers: [string, string][] = [];
  res.headers.forEach((value, name) => headers.push([name, value]));
  const body = await bodyText(res);
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
