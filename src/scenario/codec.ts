/**
 * Share links: `v<version>.` + base64url(deflate-raw(minified JSON)), in the URL hash as `#s=…`.
 *
 * fflate level 9 gives the shortest links measured (485 chars for a 12-step workshop) and,
 * unlike CompressionStream, is synchronous and lets the decoder stop inflating as soon as the
 * output passes a limit. decodeScenario never throws: every failure is
 * a result the UI can show inline.
 */
import { deflateSync, Inflate } from 'fflate';
import { parseScenario, SCENARIO_VERSION, stripDefaults, validateScenario, type Scenario } from './format';
import { decodeBase64UrlLenient as fromBase64Url, encodeBase64Url as toBase64Url } from '../kms/util/base64';

/** Longest text decodeScenario reads (about 48 KB of compressed data). */
export const MAX_ENCODED_LENGTH = 65_536;
/** Largest JSON the decoder inflates; a longer stream is refused mid-way. */
export const MAX_JSON_BYTES = 1_048_576;
/** Above this many characters a link gets cut by chat tools (TypeScript-Website#541): offer a file. */
export const URL_SAFE_LENGTH = 2_000;
/** The hash parameter that carries a scenario: `#s=v2.…` */
export const HASH_PARAM = 's';

export type DecodeError = 'bad-encoding' | 'bad-compression' | 'too-large' | 'bad-json' | 'unknown-version' | 'bad-shape';
export type DecodeResult = { ok: true; scenario: Scenario } | { ok: false; error: DecodeError; detail: string };

/**
 * Encodes a valid scenario, leaving out the settings that equal their defaults.
 * Throws a TypeError when the scenario is invalid (a bug of the caller: such a link would not open).
 */
export function encodeScenario(s: Scenario): string {
  // validateScenario reads each principal's IAM policy with the engine's parser (validate.ts)
  const checked = validateScenario(s);
  if (!checked.ok) throw new TypeError(`encodeScenario: ${checked.error}: ${checked.detail}`);
  const json = JSON.stringify(stripDefaults(checked.scenario));
  const compressed = deflateSync(new TextEncoder().encode(json), { level: 9 });
  return `v${SCENARIO_VERSION}.${toBase64Url(compressed)}`;
}

/** Decodes what encodeScenario wrote, of this version or an older one. Never throws. */
export function decodeScenario(text: string): DecodeResult {
  try {
    return decode(text);
  } catch (e) {
    // not reachable by design; kept so that the promise "never throws" holds whatever happens
    return { ok: false, error: 'bad-encoding', detail: `cannot be decoded (${String(e)})` };
  }
}

function decode(text: unknown): DecodeResult {
  if (typeof text !== 'string') return { ok: false, error: 'bad-encoding', detail: 'not a string' };
  if (text.length > MAX_ENCODED_LENGTH) {
    return { ok: false, error: 'too-large', detail: `${text.length} characters; at most ${MAX_ENCODED_LENGTH} are read` };
  }
  // tolerate what chat tools and copy-paste add: surrounding or wrapped whitespace
  const compact = text.replace(/\s+/g, '');
  const m = /^v(0|[1-9]\d{0,5})\.(.*)$/s.exec(compact);
  if (!m) return { ok: false, error: 'bad-encoding', detail: 'does not start with a version prefix such as "v2."' };
  const version = Number(m[1]);
  if (version > SCENARIO_VERSION) {
    return { ok: false, error: 'unknown-version', detail: `format v${version} is newer than this playground (reads up to v${SCENARIO_VERSION})` };
  }
  const bytes = fromBase64Url(m[2]);
  if (!bytes) return { ok: false, error: 'bad-encoding', detail: 'the payload is not base64url' };
  const inflated = inflateBounded(bytes, MAX_JSON_BYTES);
  if (!inflated.ok) return inflated;
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(inflated.bytes);
  } catch {
    return { ok: false, error: 'bad-json', detail: 'the payload is not UTF-8 text' };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    return { ok: false, error: 'bad-json', detail: e instanceof Error ? e.message : 'not JSON' };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { ok: false, error: 'bad-shape', detail: 'scenario must be an object of named members (this is not a scenario)' };
  }
  const inner = (doc as { v?: unknown }).v;
  if (inner !== version) {
    return { ok: false, error: 'bad-shape', detail: `v: the link says v${version} but its content says ${JSON.stringify(inner) ?? 'nothing'}` };
  }
  // a principal's IAM policy is read by the engine's parser there (validate.ts readPolicy)
  return parseScenario(doc);
}

/** Inflates at most `limit` bytes, feeding small chunks so one push cannot expand far past it. */
function inflateBounded(
  data: Uint8Array,
  limit: number,
): { ok: true; bytes: Uint8Array } | { ok: false; error: 'too-large' | 'bad-compression'; detail: string } {
  // deflate expands at most ~1032:1, so a 256-byte chunk yields at most ~264 KB before we check
  const CHUNK = 256;
  const parts: Uint8Array[] = [];
  let total = 0;
  let over = false;
  const stream = new Inflate((chunk) => {
    total += chunk.length;
    if (total > limit) {
      over = true;
      return;
    }
    parts.push(chunk);
  });
  try {
    if (data.length === 0) stream.push(new Uint8Array(0), true);
    for (let i = 0; i < data.length && !over; i += CHUNK) {
      stream.push(data.subarray(i, i + CHUNK), i + CHUNK >= data.length);
    }
  } catch (e) {
    if (over) return tooLarge(limit);
    return { ok: false, error: 'bad-compression', detail: `not a deflate stream (${e instanceof Error ? e.message : String(e)})` };
  }
  if (over) return tooLarge(limit);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return { ok: true, bytes };
}

function tooLarge(limit: number) {
  return { ok: false as const, error: 'too-large' as const, detail: `expands past ${limit} bytes` };
}

// ---------------------------------------------------------------------------------------------
// URL hash
// ---------------------------------------------------------------------------------------------

export function scenarioToUrlHash(s: Scenario): string {
  return `#${HASH_PARAM}=${encodeScenario(s)}`;
}

/**
 * Reads the scenario from a location hash such as `#s=v2.…` (other `&`-separated parameters are
 * ignored). Returns null when the hash carries no scenario, so the caller can load the default
 * lesson quietly; a broken one gives an error result to show inline.
 */
export function scenarioFromHash(hash: string): DecodeResult | null {
  if (typeof hash !== 'string') return null;
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  const prefix = `${HASH_PARAM}=`;
  const param = body.split('&').find((p) => p.startsWith(prefix));
  if (param === undefined) return null;
  let value = param.slice(prefix.length);
  if (value.includes('%')) {
    try {
      value = decodeURIComponent(value); // a link that went through a percent-encoding tool
    } catch {
      return { ok: false, error: 'bad-encoding', detail: 'the link has broken percent-escapes' };
    }
  }
  return decodeScenario(value);
}

/** Whether `baseUrl + '#s=' + encoded` stays within URL_SAFE_LENGTH. */
export function fitsInUrl(encoded: string, baseUrl = ''): boolean {
  return baseUrl.length + 2 + HASH_PARAM.length + encoded.length <= URL_SAFE_LENGTH;
}

// base64url (RFC 4648 §5) without padding; decoding also takes the standard alphabet (some tools
// convert one alphabet into the other) and optional padding, and gives null, not an exception
export { toBase64Url, fromBase64Url };
