/**
 * kmsRequestHandler(sim): the simulator as the `requestHandler` of an AWS SDK for JavaScript v3
 * client, so `@aws-sdk/client-kms` talks to it in process, with no server and no network:
 *
 *   const sim = createSimulator({ unknownAccessKeys: 'root' });
 *   const kms = new KMSClient({
 *     region: 'us-east-1',
 *     credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'any' },
 *     requestHandler: kmsRequestHandler(sim),
 *   });
 *
 * The types here are structural (the shapes of Smithy's HttpRequest, HttpResponse and
 * HttpHandler), so this package does not depend on the SDK. The SDK's signed request becomes a
 * WHATWG Request with the same headers and body, so SigV4 is verified for principals that have
 * a secret; with `unknownAccessKeys: 'root'`, credentials no principal holds act as the account
 * root, as local emulators treat them. The response body goes back as bytes, which every SDK
 * runtime (Node, browsers, React Native) reads without a stream collector.
 */
import type { Simulator } from './api';

/** Smithy's HttpRequest, as far as this handler reads it */
export interface SdkHttpRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | (string | null)[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** Smithy's HttpResponse, as this handler builds it */
export interface SdkHttpResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** Smithy's HttpHandler: what a client's `requestHandler` option takes */
export interface SdkRequestHandler {
  handle(request: SdkHttpRequest, options?: { abortSignal?: { aborted: boolean } }): Promise<{ response: SdkHttpResponse }>;
  updateHttpClientConfig(key: never, value: never): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy?(): void;
}

function queryString(query: SdkHttpRequest['query']): string {
  const parts: string[] = [];
  for (const key of Object.keys(query ?? {}).sort()) {
    const value = query![key];
    const k = encodeURIComponent(key);
    if (value === null) parts.push(k);
    else if (Array.isArray(value)) for (const v of value) parts.push(v === null ? k : `${k}=${encodeURIComponent(v)}`);
    else parts.push(`${k}=${encodeURIComponent(value)}`);
  }
  return parts.join('&');
}

/** The URL the SDK addresses, e.g. https://kms.us-east-1.amazonaws.com/ */
export function sdkRequestUrl(request: SdkHttpRequest): string {
  const query = queryString(request.query);
  const protocol = request.protocol.endsWith(':') ? request.protocol : `${request.protocol}:`;
  return `${protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}${request.path}${query ? `?${query}` : ''}`;
}

/** the request's body as fetch takes it (the SDK sends KMS requests as a JSON string) */
function bodyOf(request: SdkHttpRequest): BodyInit | undefined {
  const { body, method } = request;
  if (method === 'GET' || method === 'HEAD' || body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer || body instanceof ReadableStream || body instanceof Blob) return body as BodyInit;
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength) as Uint8Array<ArrayBuffer>;
  return String(body);
}

function abortError(): Error {
  const e = new Error('Request aborted');
  e.name = 'AbortError';
  return e;
}

/**
 * A Smithy HttpHandler that serves every request of an AWS SDK v3 client from `sim`: pass it as
 * the client's `requestHandler`. Any region and endpoint work (the simulator takes the region
 * from the signature's scope or the host name).
 */
export function kmsRequestHandler(sim: Pick<Simulator, 'fetch'>): SdkRequestHandler {
  return {
    async handle(request, options) {
      if (options?.abortSignal?.aborted) throw abortError();
      const body = bodyOf(request);
      // a streamed body needs duplex 'half' (fetch's rule), which the DOM typings do not know yet
      const init = { method: request.method, headers: new Headers(request.headers), body, duplex: body instanceof ReadableStream ? 'half' : undefined } as RequestInit;
      const res = await sim.fetch(new Request(sdkRequestUrl(request), init));
      const headers: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (options?.abortSignal?.aborted) throw abortError();
      return { response: { statusCode: res.status, reason: res.statusText, headers, body: bytes } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
  };
}
