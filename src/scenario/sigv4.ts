/**
 * AWS Signature Version 4 for the requests the playground sends (replay and the editor alike).
 * Time comes from the virtual clock, so the same scenario always yields the same signature.
 * Synchronous (the engine's SHA-256 and HMAC), so a request can be built and sent with nothing
 * awaited in between. The canonical request is built here, apart from the engine's verifier
 * (src/kms/wire/sigv4.ts), so that each checks the other; both match the AWS SDK's signer.
 * Reference: AWS General Reference, "Create a signed AWS API request" (canonical request,
 * string to sign, signing key HMAC chain AWS4<secret> → date → region → service → aws4_request).
 */
import { hmacSha256, sha256, toHex } from '../kms/util/sha256';

/** `20260101T000000Z` for a virtual time in epoch ms (the engine's own reading of X-Amz-Date) */
export { formatAmzDate as amzDate } from '../kms/wire/amzDate';

const SIGNED_HEADERS = ['content-type', 'host', 'x-amz-date', 'x-amz-target'] as const;

export interface SignInput {
  method: string;
  /** e.g. https://kms.us-east-1.amazonaws.com/ */
  url: string;
  /** lower-case names; must hold every name in SIGNED_HEADERS except host */
  headers: Record<string, string>;
  body: string;
  region: string;
  service: string;
  accessKeyId: string;
  /** undefined: the Authorization header names the key but carries a placeholder signature */
  secretAccessKey?: string;
  /** the x-amz-date value */
  date: string;
}

/** A placeholder for principals without a secret: the simulator does not verify their signatures. */
export const UNSIGNED_SIGNATURE = '0'.repeat(64);

/** The value of the Authorization header. */
export function authorization(input: SignInput): string {
  const day = input.date.slice(0, 8);
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const signedHeaders = SIGNED_HEADERS.join(';');
  let signature = UNSIGNED_SIGNATURE;
  if (input.secretAccessKey !== undefined) {
    const url = new URL(input.url);
    const values: Record<string, string> = { ...input.headers, host: url.host };
    const canonicalHeaders = SIGNED_HEADERS.map((h) => `${h}:${(values[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
    const canonicalRequest = [
      input.method,
      url.pathname || '/',
      url.search.slice(1),
      canonicalHeaders,
      signedHeaders,
      sha256Hex(input.body),
    ].join('\n');
    const stringToSign = ['AWS4-HMAC-SHA256', input.date, scope, sha256Hex(canonicalRequest)].join('\n');
    let key = hmacSha256(utf8(`AWS4${input.secretAccessKey}`), utf8(day));
    key = hmacSha256(key, utf8(input.region));
    key = hmacSha256(key, utf8(input.service));
    key = hmacSha256(key, utf8('aws4_request'));
    signature = toHex(hmacSha256(key, utf8(stringToSign)));
  }
  return `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

const encoder = new TextEncoder();
function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

function sha256Hex(data: string): string {
  return toHex(sha256(utf8(data)));
}
