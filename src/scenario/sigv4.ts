/**
 * AWS Signature Version 4 for the requests replay sends, with WebCrypto (browser and Node 20).
 * Time comes from the virtual clock, so the same scenario always yields the same signature.
 * Reference: AWS General Reference, "Create a signed AWS API request" (canonical request,
 * string to sign, signing key HMAC chain AWS4<secret> → date → region → service → aws4_request).
 */

export const SIGNED_HEADERS = ['content-type', 'host', 'x-amz-date', 'x-amz-target'] as const;

/** `20260101T000000Z` for a virtual time in epoch ms. */
export function amzDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

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
export async function authorization(input: SignInput): Promise<string> {
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
      await sha256Hex(input.body),
    ].join('\n');
    const stringToSign = ['AWS4-HMAC-SHA256', input.date, scope, await sha256Hex(canonicalRequest)].join('\n');
    let key = await hmac(utf8(`AWS4${input.secretAccessKey}`), day);
    key = await hmac(key, input.region);
    key = await hmac(key, input.service);
    key = await hmac(key, 'aws4_request');
    signature = hex(await hmac(key, stringToSign));
  }
  return `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

function utf8(s: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(s);
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

async function sha256Hex(data: string): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(data))));
}

async function hmac(key: Uint8Array<ArrayBuffer>, data: string): Promise<Uint8Array<ArrayBuffer>> {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, utf8(data)));
}
