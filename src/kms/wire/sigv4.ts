/**
 * AWS Signature Version 4 (header form) parsing and verification for the simulator's
 * `fetch(Request) => Response` endpoint.
 *
 * Recommended use, mirroring the order in which AWS reports authentication errors:
 *
 *   const auth = parseAuthorization(req.headers.get('authorization'), req.headers);
 *   null                  -> 400 MissingAuthenticationTokenException, MISSING_AUTHENTICATION_TOKEN_MESSAGE
 *   { error }             -> 400 IncompleteSignatureException, error
 *   checkSigV4Request(req, auth, { region, service: 'kms', nowMs })
 *   non-null rejection    -> 400 rejection.type, rejection.message
 *   unknown accessKeyId   -> 400 UnrecognizedClientException, UNRECOGNIZED_CLIENT_MESSAGE
 *   !verifySignature(...) -> 400 InvalidSignatureException, INVALID_SIGNATURE_MESSAGE
 *
 * The canonicalisation follows @smithy/signature-v4 (what @aws-sdk/client-kms signs with):
 * header values have CR/LF turned into spaces, runs of spaces/tabs collapsed and one leading /
 * trailing space removed; the path is normalised and URI-escaped again; query keys and values
 * are decoded, re-escaped (RFC 3986) and sorted. Pure: WebCrypto is not needed, hashing is
 * synchronous (../util/sha256), so verification is synchronous too.
 *
 * Browser note: a WHATWG `Request` built in a browser silently drops forbidden headers such as
 * `host` and `content-length`, both of which the SDK signs. When a signed `host` or
 * `content-length` header is absent, the value the wire would have carried is used instead: the
 * URL's host, and the UTF-8 byte length of the body.
 */

import { hmacSha256, sha256, toHex } from '../util/sha256';
import { formatAmzDate } from './amzDate';
import {
  HOST_MUST_BE_SIGNED_MESSAGE,
  INCOMPLETE_SIGNATURE_EXCEPTION,
  INVALID_SIGNATURE_EXCEPTION,
  REQUIRES_CREDENTIAL,
  REQUIRES_DATE,
  REQUIRES_SIGNATURE,
  REQUIRES_SIGNED_HEADERS,
  credentialElementsMessage,
  dateFormatMessage,
  missingParametersMessage,
  notKeyValuePairMessage,
  scopeDateMessage,
  scopeRegionMessage,
  scopeServiceMessage,
  scopeTerminatorMessage,
  signatureExpiredMessage,
  signatureNotYetCurrentMessage,
  unsupportedAlgorithmMessage,
} from './authErrors';

const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
const SIGV4_TERMINATOR = 'aws4_request';
/** Allowed clock skew between the request date and the server clock (AWS: 15 minutes). */
const SIGV4_MAX_SKEW_MS = 15 * 60 * 1000;

export interface SigV4Auth {
  accessKeyId: string;
  date: string /* yyyymmdd */;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** Fifth credential-scope element as sent; parseAuthorization always sets it. Should be 'aws4_request'. */
  terminator?: string;
}

export interface SigV4Request {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

const encoder = new TextEncoder();
const utf8 = (s: string): Uint8Array => encoder.encode(s);

const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Parses `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=...`.
 * null for a missing (or empty) header; `{ error }` for a malformed one, where `error` is the
 * message AWS returns with IncompleteSignatureException. Checks, in order: every comma- or
 * whitespace-separated parameter is key=value; Credential, Signature and SignedHeaders are present
 * (and, if `requestHeaders` is given, an X-Amz-Date or Date header: AWS reports these together);
 * the algorithm is AWS4-HMAC-SHA256; the credential has five '/'-separated elements.
 * Parameter names are case-sensitive; unknown parameters are ignored; the last duplicate wins.
 */
export function parseAuthorization(
  header: string | null,
  requestHeaders?: Headers,
): SigV4Auth | null | { error: string } {
  if (header == null) return null;
  const full = header.trim();
  if (full === '') return null;

  const sp = full.search(/\s/);
  const algorithm = sp < 0 ? full : full.slice(0, sp);
  const rest = sp < 0 ? '' : full.slice(sp + 1);

  const params = new Map<string, string>();
  for (const token of rest.split(/[\s,]+/)) {
    if (token === '') continue;
    const eq = token.indexOf('=');
    if (eq < 0) return { error: notKeyValuePairMessage(token, full) };
    params.set(token.slice(0, eq), token.slice(eq + 1));
  }

  const credential = params.get('Credential');
  const signature = params.get('Signature');
  const signedHeaders = params.get('SignedHeaders');
  const missing: string[] = [];
  if (credential === undefined) missing.push(REQUIRES_CREDENTIAL);
  if (signature === undefined) missing.push(REQUIRES_SIGNATURE);
  if (signedHeaders === undefined) missing.push(REQUIRES_SIGNED_HEADERS);
  if (requestHeaders && !requestHeaders.has('x-amz-date') && !requestHeaders.has('date')) {
    missing.push(REQUIRES_DATE);
  }
  if (missing.length > 0) return { error: missingParametersMessage(missing, full) };

  if (algorithm !== SIGV4_ALGORITHM) return { error: unsupportedAlgorithmMessage(algorithm) };

  const scope = credential!.split('/');
  if (scope.length !== 5) return { error: credentialElementsMessage(credential!) };

  return {
    accessKeyId: scope[0],
    date: scope[1],
    region: scope[2],
    service: scope[3],
    terminator: scope[4],
    signedHeaders: signedHeaders!.split(';'),
    signature: signature!,
  };
}

export interface SigV4Expectation {
  /** Region the endpoint serves, e.g. 'us-east-1'. */
  region: string;
  /** Service the endpoint serves: 'kms'. */
  service: string;
  /** Simulated server clock (epoch ms). If given, requests dated more than 15 minutes away are rejected. */
  nowMs?: number;
}

export interface SigV4Rejection {
  type: typeof INCOMPLETE_SIGNATURE_EXCEPTION | typeof INVALID_SIGNATURE_EXCEPTION;
  message: string;
}

/** The request timestamp: X-Amz-Date, else Date. */
function requestDate(headers: Headers): string | null {
  return headers.get('x-amz-date') ?? headers.get('date');
}

/** Epoch ms of a yyyymmddThhmmssZ timestamp; null if malformed or not a real date/time. */
function parseAmzDate(amzDate: string): number | null {
  const m = ISO_BASIC.exec(amzDate);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const t = new Date(ms);
  if (t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return ms;
}

// the formatter lives in a module of its own, so the page can sign requests without this verifier
export { formatAmzDate };

/**
 * The checks AWS makes after parsing and before comparing signatures, with its messages:
 * a date header exists (IncompleteSignature), Host is signed (InvalidSignature), the date is
 * ISO-8601 basic (IncompleteSignature), it is within 15 minutes of `nowMs` if given
 * (InvalidSignature), and the credential scope names the expected region and service, the
 * 'aws4_request' terminator and the request's date (InvalidSignature; AWS joins all the scope
 * complaints into one message). null when everything holds.
 */
export function checkSigV4Request(
  req: { headers: Headers },
  auth: SigV4Auth,
  expected: SigV4Expectation,
): SigV4Rejection | null {
  const amzDate = requestDate(req.headers);
  if (amzDate === null) {
    const header = (req.headers.get('authorization') ?? '').trim();
    return { type: INCOMPLETE_SIGNATURE_EXCEPTION, message: missingParametersMessage([REQUIRES_DATE], header) };
  }
  if (!auth.signedHeaders.includes('host') && !auth.signedHeaders.includes(':authority')) {
    return { type: INVALID_SIGNATURE_EXCEPTION, message: HOST_MUST_BE_SIGNED_MESSAGE };
  }
  const t = parseAmzDate(amzDate);
  if (t === null) return { type: INCOMPLETE_SIGNATURE_EXCEPTION, message: dateFormatMessage(amzDate) };
  if (expected.nowMs !== undefined) {
    const now = formatAmzDate(expected.nowMs);
    if (t < expected.nowMs - SIGV4_MAX_SKEW_MS) {
      return {
        type: INVALID_SIGNATURE_EXCEPTION,
        message: signatureExpiredMessage(amzDate, formatAmzDate(expected.nowMs - SIGV4_MAX_SKEW_MS), now),
      };
    }
    if (t > expected.nowMs + SIGV4_MAX_SKEW_MS) {
      return {
        type: INVALID_SIGNATURE_EXCEPTION,
        message: signatureNotYetCurrentMessage(amzDate, formatAmzDate(expected.nowMs + SIGV4_MAX_SKEW_MS), now),
      };
    }
  }
  const problems: string[] = [];
  if (auth.region !== expected.region) problems.push(scopeRegionMessage(auth.region));
  if (auth.service !== expected.service) problems.push(scopeServiceMessage(expected.service));
  const terminator = auth.terminator ?? SIGV4_TERMINATOR;
  if (terminator !== SIGV4_TERMINATOR) problems.push(scopeTerminatorMessage(terminator));
  if (auth.date !== amzDate.slice(0, 8)) problems.push(scopeDateMessage(auth.date, amzDate));
  if (problems.length > 0) return { type: INVALID_SIGNATURE_EXCEPTION, message: problems.join(' ') };
  return null;
}

/** RFC 3986 escaping as @smithy/core's escapeUri: encodeURIComponent plus !'()*. */
function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

/** Canonical URI: normalise '.', '..' and empty segments, then URI-escape the (already encoded) path. */
function canonicalPath(pathname: string): string {
  const segments: string[] = [];
  for (const seg of pathname.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  const lead = pathname.startsWith('/') ? '/' : '';
  const trail = segments.length > 0 && pathname.endsWith('/') ? '/' : '';
  return escapeUri(lead + segments.join('/') + trail).replace(/%2F/g, '/');
}

/** Canonical query string, or null if the query has a malformed percent-escape. */
function canonicalQuery(search: string): string | null {
  const raw = search.startsWith('?') ? search.slice(1) : search;
  if (raw === '') return '';
  const byKey = new Map<string, string[]>();
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    } catch {
      return null;
    }
    if (key.toLowerCase() === 'x-amz-signature') continue;
    const k = escapeUri(key);
    const list = byKey.get(k);
    const pair = `${k}=${escapeUri(value)}`;
    if (list) list.push(pair);
    else byKey.set(k, [pair]);
  }
  return [...byKey.keys()]
    .sort()
    .map((k) => byKey.get(k)!.sort().join('&'))
    .join('&');
}

function canonicalHeaderValue(v: string): string {
  return v.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');
}

export interface SigV4Computation {
  canonicalRequest: string;
  stringToSign: string;
  /** The signature the request should carry (lowercase hex). */
  signature: string;
}

/**
 * Recomputes the SigV4 canonical request, string to sign and signature for `req` as described by
 * `auth`, using the secret key. null when the request cannot have been validly signed: no (or a
 * malformed) X-Amz-Date/Date, a date not matching the credential scope date, a signed header
 * that is absent (other than host/content-length, see the browser note above), a body that does
 * not match x-amz-content-sha256, an unparseable URL or query. Useful for debugging views.
 */
export function computeSignature(
  req: SigV4Request,
  auth: SigV4Auth,
  secretAccessKey: string,
): SigV4Computation | null {
  const amzDate = requestDate(req.headers);
  if (amzDate === null || parseAmzDate(amzDate) === null) return null;
  if (amzDate.slice(0, 8) !== auth.date) return null;

  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return null;
  }
  const query = canonicalQuery(url.search);
  if (query === null) return null;

  const bodyBytes = utf8(req.body);
  const payloadHash = toHex(sha256(bodyBytes));
  const declaredHash = req.headers.get('x-amz-content-sha256');
  if (declaredHash !== null && declaredHash !== payloadHash) return null;

  const lines: string[] = [];
  for (const name of auth.signedHeaders) {
    let value = req.headers.get(name);
    if (value === null) {
      const lower = name.toLowerCase();
      if (lower === 'host') value = url.host;
      else if (lower === 'content-length') value = String(bodyBytes.length);
      else return null;
    }
    lines.push(`${name}:${canonicalHeaderValue(value)}`);
  }

  const canonicalRequest = [
    req.method,
    canonicalPath(url.pathname),
    query,
    ...lines,
    '',
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');

  const scope = `${auth.date}/${auth.region}/${auth.service}/${SIGV4_TERMINATOR}`;
  const stringToSign = `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${toHex(sha256(utf8(canonicalRequest)))}`;

  const kDate = hmacSha256(utf8('AWS4' + secretAccessKey), utf8(auth.date));
  const kRegion = hmacSha256(kDate, utf8(auth.region));
  const kService = hmacSha256(kRegion, utf8(auth.service));
  const kSigning = hmacSha256(kService, utf8(SIGV4_TERMINATOR));
  const signature = toHex(hmacSha256(kSigning, utf8(stringToSign)));

  return { canonicalRequest, stringToSign, signature };
}

/** Compares two strings in time independent of where they first differ. */
function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Recomputes the SigV4 signature of a request (method, path, query, the signed headers, the body
 * text, x-amz-date, optional x-amz-security-token / x-amz-content-sha256 when signed) with the
 * secret key and compares it with `auth.signature`. Synchronous. The key is derived for the
 * scope the client declared (`auth.region`/`auth.service`) with the 'aws4_request' terminator;
 * use checkSigV4Request to hold the scope to the endpoint's region and service.
 */
export function verifySignature(req: SigV4Request, auth: SigV4Auth, secretAccessKey: string): boolean {
  const computed = computeSignature(req, auth, secretAccessKey);
  return computed !== null && timingSafeEqual(computed.signature, auth.signature);
}
