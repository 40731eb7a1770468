import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest, HttpResponse } from '@smithy/core/protocols';
import { CreateGrantCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import {
  checkSigV4Request,
  computeSignature,
  parseAuthorization,
  verifySignature,
  type SigV4Auth,
  type SigV4Request,
} from '../../../src/kms/wire/sigv4';
import {
  INCOMPLETE_SIGNATURE_EXCEPTION,
  INVALID_SIGNATURE_EXCEPTION,
  INVALID_SIGNATURE_MESSAGE,
  MISSING_AUTHENTICATION_TOKEN_EXCEPTION,
  MISSING_AUTHENTICATION_TOKEN_MESSAGE,
  UNRECOGNIZED_CLIENT_EXCEPTION,
  UNRECOGNIZED_CLIENT_MESSAGE,
  authErrorBody,
} from '../../../src/kms/wire/authErrors';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SIGNING_DATE = new Date('2026-01-01T12:34:56Z');
const AMZ_DATE = '20260101T123456Z';
const NOW_MS = SIGNING_DATE.getTime();
const KMS = { region: 'us-east-1', service: 'kms' };

interface SignOptions {
  target?: string;
  body?: string;
  secret?: string;
  accessKeyId?: string;
  sessionToken?: string;
  region?: string;
  service?: string;
  query?: Record<string, string | string[]>;
  path?: string;
  applyChecksum?: boolean;
  extraHeaders?: Record<string, string>;
}

/** Signs a KMS-shaped request with the real @smithy/signature-v4, headers as @aws-sdk/client-kms sends them. */
async function signKms(opts: SignOptions = {}): Promise<HttpRequest> {
  const body = opts.body ?? '{"KeyId":"alias/demo","Plaintext":"aGVsbG8="}';
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'https:',
    hostname: 'kms.us-east-1.amazonaws.com',
    path: opts.path ?? '/',
    query: opts.query ?? {},
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': opts.target ?? 'TrentService.Encrypt',
      'content-length': String(new TextEncoder().encode(body).length),
      'x-amz-user-agent': 'aws-sdk-js/3.1161.0',
      'user-agent': 'aws-sdk-js/3.1161.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2 api/kms#3.1161.0 m/E,e',
      host: 'kms.us-east-1.amazonaws.com',
      'amz-sdk-invocation-id': '1a6e90ff-ec8b-4244-bb34-04be14e83975',
      'amz-sdk-request': 'attempt=1; max=3',
      ...opts.extraHeaders,
    },
    body,
  });
  const signer = new SignatureV4({
    service: opts.service ?? 'kms',
    region: opts.region ?? 'us-east-1',
    credentials: {
      accessKeyId: opts.accessKeyId ?? AKID,
      secretAccessKey: opts.secret ?? SECRET,
      ...(opts.sessionToken ? { sessionToken: opts.sessionToken } : {}),
    },
    sha256: Sha256,
    applyChecksum: opts.applyChecksum,
  });
  return (await signer.sign(request, { signingDate: SIGNING_DATE })) as HttpRequest;
}

function urlOf(r: HttpRequest): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(r.query ?? {})) {
    for (const item of Array.isArray(v) ? v : [v]) if (item != null) params.append(k, item);
  }
  // Encode the query the way the SDK's fetch handler does (RFC 3986, spaces as %20).
  const q = [...params]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return `${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}${r.path}${q ? `?${q}` : ''}`;
}

function bodyText(body: unknown): string {
  if (body == null) return '';
  if (typeof body === 'string') return body;
  return new TextDecoder().decode(body as Uint8Array);
}

/** A WHATWG Request as the simulator's fetch receives it. */
function toFetchRequest(r: HttpRequest, dropForbidden = false): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(r.headers)) {
    // Browsers silently drop forbidden request headers such as host and content-length.
    if (dropForbidden && (k === 'host' || k === 'content-length')) continue;
    headers.set(k, v);
  }
  return new Request(urlOf(r), { method: r.method, headers, body: bodyText(r.body) });
}

async function fromFetch(req: Request): Promise<SigV4Request> {
  return { method: req.method, url: req.url, headers: req.headers, body: await req.text() };
}

async function signedWire(opts: SignOptions = {}, dropForbidden = false): Promise<SigV4Request> {
  return fromFetch(toFetchRequest(await signKms(opts), dropForbidden));
}

function mustParse(req: SigV4Request): SigV4Auth {
  const auth = parseAuthorization(req.headers.get('authorization'), req.headers);
  if (auth === null || 'error' in auth) throw new Error(`unexpected parse result ${JSON.stringify(auth)}`);
  return auth;
}

function withHeader(req: SigV4Request, name: string, value: string | null): SigV4Request {
  const headers = new Headers(req.headers);
  if (value === null) headers.delete(name);
  else headers.set(name, value);
  return { ...req, headers };
}

describe('error texts', () => {
  it('are the exact AWS texts', () => {
    expect(INVALID_SIGNATURE_MESSAGE).toBe(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
    expect(UNRECOGNIZED_CLIENT_MESSAGE).toBe('The security token included in the request is invalid.');
    expect(MISSING_AUTHENTICATION_TOKEN_MESSAGE).toBe('Request is missing Authentication Token');
    expect(authErrorBody(INVALID_SIGNATURE_EXCEPTION, INVALID_SIGNATURE_MESSAGE)).toBe(
      '{"__type":"InvalidSignatureException","message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}',
    );
  });
});

describe('verifying requests signed by @smithy/signature-v4', () => {
  it('parses and verifies a KMS request (with x-amz-content-sha256)', async () => {
    const req = await signedWire();
    expect(req.headers.get('x-amz-content-sha256')).toMatch(/^[0-9a-f]{64}$/);
    const auth = mustParse(req);
    expect(auth).toMatchObject({
      accessKeyId: AKID,
      date: '20260101',
      region: 'us-east-1',
      service: 'kms',
      terminator: 'aws4_request',
    });
    expect(auth.signedHeaders).toEqual([
      'amz-sdk-invocation-id',
      'amz-sdk-request',
      'content-length',
      'content-type',
      'host',
      'x-amz-content-sha256',
      'x-amz-date',
      'x-amz-target',
      'x-amz-user-agent',
    ]);
    expect(auth.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(checkSigV4Request(req, auth, { ...KMS, nowMs: NOW_MS })).toBeNull();
    expect(verifySignature(req, auth, SECRET)).toBe(true);
  });

  it('verifies without x-amz-content-sha256 (applyChecksum: false)', async () => {
    const req = await signedWire({ applyChecksum: false });
    expect(req.headers.has('x-amz-content-sha256')).toBe(false);
    expect(verifySignature(req, mustParse(req), SECRET)).toBe(true);
  });

  it('verifies a request with a session token, which is signed', async () => {
    const req = await signedWire({ sessionToken: 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ' });
    const auth = mustParse(req);
    expect(auth.signedHeaders).toContain('x-amz-security-token');
    expect(verifySignature(req, auth, SECRET)).toBe(true);
    expect(verifySignature(withHeader(req, 'x-amz-security-token', 'other'), auth, SECRET)).toBe(false);
    expect(verifySignature(withHeader(req, 'x-amz-security-token', null), auth, SECRET)).toBe(false);
  });

  it('verifies non-ASCII bodies (hashed as UTF-8)', async () => {
    const req = await signedWire({ body: '{"Description":"clé ✓ 鍵 🔑"}' });
    expect(verifySignature(req, mustParse(req), SECRET)).toBe(true);
  });

  it('verifies canonical query strings (escaping, ordering, repeated keys)', async () => {
    const req = await signedWire({
      query: { b: 'x y', a: ['2', '1'], 'k!*': "v'()~", empty: '' },
    });
    expect(verifySignature(req, mustParse(req), SECRET)).toBe(true);
    const other = { ...req, url: req.url.replace('b=x%20y', 'b=x%20z') };
    expect(verifySignature(other, mustParse(req), SECRET)).toBe(false);
  });

  it('verifies a non-root path', async () => {
    const req = await signedWire({ path: '/some/path-_.~' });
    expect(verifySignature(req, mustParse(req), SECRET)).toBe(true);
  });

  it('verifies when a browser dropped the forbidden host and content-length headers', async () => {
    const req = await signedWire({}, true);
    expect(req.headers.has('host')).toBe(false);
    expect(req.headers.has('content-length')).toBe(false);
    const auth = mustParse(req);
    expect(verifySignature(req, auth, SECRET)).toBe(true);
    // The fallbacks are the values the wire carries, so changing them still fails.
    expect(verifySignature({ ...req, url: 'https://kms.us-west-2.amazonaws.com/' }, auth, SECRET)).toBe(false);
    expect(verifySignature({ ...req, body: req.body + ' ' }, auth, SECRET)).toBe(false);
  });

  it('ignores changes to unsigned headers', async () => {
    const req = await signedWire();
    const auth = mustParse(req);
    expect(verifySignature(withHeader(req, 'user-agent', 'curl/8'), auth, SECRET)).toBe(true);
    expect(verifySignature(withHeader(req, 'x-forwarded-for', '10.0.0.1'), auth, SECRET)).toBe(true);
  });

  it('tolerates whitespace differences the canonical form removes', async () => {
    const req = await signedWire({ extraHeaders: { 'x-amz-meta-note': 'a   b\tc' } });
    const auth = mustParse(req);
    expect(auth.signedHeaders).toContain('x-amz-meta-note');
    expect(req.headers.get('x-amz-meta-note')).toBe('a   b\tc');
    expect(verifySignature(req, auth, SECRET)).toBe(true);
    expect(verifySignature(withHeader(req, 'x-amz-meta-note', 'a b c'), auth, SECRET)).toBe(true);
    expect(verifySignature(withHeader(req, 'x-amz-meta-note', 'a b d'), auth, SECRET)).toBe(false);
  });

  describe('rejects tampering', () => {
    it.each<[string, (r: SigV4Request) => SigV4Request]>([
      ['body changed (x-amz-content-sha256 present)', (r) => ({ ...r, body: r.body.replace('demo', 'demo2') })],
      ['x-amz-target changed', (r) => withHeader(r, 'x-amz-target', 'TrentService.Decrypt')],
      ['content-type changed', (r) => withHeader(r, 'content-type', 'application/json')],
      ['signed header removed', (r) => withHeader(r, 'amz-sdk-invocation-id', null)],
      ['x-amz-date changed within the day', (r) => withHeader(r, 'x-amz-date', '20260101T123457Z')],
      ['x-amz-date moved to another day', (r) => withHeader(r, 'x-amz-date', '20260102T123456Z')],
      ['x-amz-date removed', (r) => withHeader(r, 'x-amz-date', null)],
      ['x-amz-content-sha256 changed', (r) => withHeader(r, 'x-amz-content-sha256', '0'.repeat(64))],
      ['host changed', (r) => withHeader(r, 'host', 'kms.us-west-2.amazonaws.com')],
      ['method changed', (r) => ({ ...r, method: 'PUT' })],
      ['path changed', (r) => ({ ...r, url: r.url.replace(/\/$/, '/x') })],
      ['query added', (r) => ({ ...r, url: r.url + '?a=b' })],
    ])('%s', async (_name, tamper) => {
      const req = await signedWire();
      const auth = mustParse(req);
      expect(verifySignature(tamper(req), auth, SECRET)).toBe(false);
    });

    it('body changed without x-amz-content-sha256', async () => {
      const req = await signedWire({ applyChecksum: false });
      expect(verifySignature({ ...req, body: req.body + ' ' }, mustParse(req), SECRET)).toBe(false);
    });

    it('wrong secret, altered signature, altered scope', async () => {
      const req = await signedWire();
      const auth = mustParse(req);
      expect(verifySignature(req, auth, SECRET.slice(0, -1) + 'X')).toBe(false);
      expect(verifySignature(req, auth, '')).toBe(false);
      const flipped = auth.signature.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
      expect(verifySignature(req, { ...auth, signature: flipped }, SECRET)).toBe(false);
      expect(verifySignature(req, { ...auth, signature: auth.signature.toUpperCase() }, SECRET)).toBe(false);
      expect(verifySignature(req, { ...auth, signature: '' }, SECRET)).toBe(false);
      expect(verifySignature(req, { ...auth, region: 'us-west-2' }, SECRET)).toBe(false);
      expect(verifySignature(req, { ...auth, service: 'sts' }, SECRET)).toBe(false);
      expect(verifySignature(req, { ...auth, signedHeaders: auth.signedHeaders.slice(1) }, SECRET)).toBe(false);
    });

    it('a request signed for another region or service does not pass the scope check', async () => {
      const req = await signedWire({ region: 'eu-west-1', service: 'sts' });
      const auth = mustParse(req);
      // The signature itself is valid for the scope the client declared ...
      expect(verifySignature(req, auth, SECRET)).toBe(true);
      // ... but the endpoint rejects the scope first, with AWS's combined message.
      expect(checkSigV4Request(req, auth, KMS)).toEqual({
        type: INVALID_SIGNATURE_EXCEPTION,
        message:
          "Credential should be scoped to a valid region, not 'eu-west-1'. Credential should be scoped to correct service: 'kms'.",
      });
    });
  });

  it('computeSignature exposes the canonical request and string to sign', async () => {
    const req = await signedWire();
    const c = computeSignature(req, mustParse(req), SECRET)!;
    expect(c.canonicalRequest.split('\n').slice(0, 4)).toEqual(['POST', '/', '', 'amz-sdk-invocation-id:1a6e90ff-ec8b-4244-bb34-04be14e83975']);
    expect(c.stringToSign.split('\n').slice(0, 3)).toEqual(['AWS4-HMAC-SHA256', AMZ_DATE, '20260101/us-east-1/kms/aws4_request']);
  });
});

describe('AWS SigV4 test suite vector', () => {
  it('get-vanilla', () => {
    // From the AWS Signature Version 4 test suite (aws-sig-v4-test-suite/get-vanilla).
    const headers = new Headers({
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    });
    const req = { method: 'GET', url: 'https://example.amazonaws.com/', headers, body: '' };
    const auth = mustParse(req);
    expect(verifySignature(req, auth, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY')).toBe(true);
    expect(checkSigV4Request(req, auth, { region: 'us-east-1', service: 'service' })).toBeNull();
  });
});

describe('the real @aws-sdk/client-kms over a fetch-style endpoint', () => {
  const KNOWN_KEYS: Record<string, string> = { [AKID]: SECRET };

  /** A minimal endpoint: authenticate as AWS does, then answer ListKeys. */
  async function endpoint(request: Request): Promise<Response> {
    const req = await fromFetch(request);
    const fail = (type: string, message: string) =>
      new Response(JSON.stringify({ __type: type, message }), {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
      });
    const auth = parseAuthorization(req.headers.get('authorization'), req.headers);
    if (auth === null) return fail(MISSING_AUTHENTICATION_TOKEN_EXCEPTION, MISSING_AUTHENTICATION_TOKEN_MESSAGE);
    if ('error' in auth) return fail(INCOMPLETE_SIGNATURE_EXCEPTION, auth.error);
    const rejection = checkSigV4Request(req, auth, { ...KMS, nowMs: Date.now() });
    if (rejection) return fail(rejection.type, rejection.message);
    const secret = KNOWN_KEYS[auth.accessKeyId];
    if (secret === undefined) return fail(UNRECOGNIZED_CLIENT_EXCEPTION, UNRECOGNIZED_CLIENT_MESSAGE);
    if (!verifySignature(req, auth, secret)) return fail(INVALID_SIGNATURE_EXCEPTION, INVALID_SIGNATURE_MESSAGE);
    return new Response(JSON.stringify({ Keys: [], Truncated: false, target: req.headers.get('x-amz-target') }), {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
    });
  }

  function client(accessKeyId: string, secretAccessKey: string, seen: Request[] = [], dropForbidden = false) {
    return new KMSClient({
      region: 'us-east-1',
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 1,
      requestHandler: {
        async handle(httpRequest: HttpRequest) {
          const request = toFetchRequest(httpRequest, dropForbidden);
          seen.push(request.clone());
          const res = await endpoint(request);
          const headers: Record<string, string> = {};
          res.headers.forEach((v, k) => (headers[k] = v));
          const body = Readable.from([Buffer.from(await res.arrayBuffer())]);
          return { response: new HttpResponse({ statusCode: res.status, headers, body }) };
        },
      },
    });
  }

  it('accepts correctly signed ListKeys and CreateGrant calls', async () => {
    const seen: Request[] = [];
    const kms = client(AKID, SECRET, seen);
    const out = await kms.send(new ListKeysCommand({}));
    expect(out.Keys).toEqual([]);
    await kms.send(
      new CreateGrantCommand({
        KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
        GranteePrincipal: 'arn:aws:iam::111122223333:role/app',
        Operations: ['Decrypt'],
      }),
    );
    expect(seen.map((r) => r.headers.get('x-amz-target'))).toEqual(['TrentService.ListKeys', 'TrentService.CreateGrant']);
    expect(seen[0].headers.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/kms\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
  });

  it('accepts them when a browser dropped host and content-length', async () => {
    const seen: Request[] = [];
    const out = await client(AKID, SECRET, seen, true).send(new ListKeysCommand({}));
    expect(out.Keys).toEqual([]);
    expect(seen[0].headers.has('host')).toBe(false);
    expect(seen[0].headers.has('content-length')).toBe(false);
  });

  it('surfaces InvalidSignatureException for a wrong secret', async () => {
    await expect(client(AKID, 'not-the-secret').send(new ListKeysCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: INVALID_SIGNATURE_MESSAGE,
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('surfaces UnrecognizedClientException for an unknown access key', async () => {
    await expect(client('AKIAUNKNOWNKEY000000', SECRET).send(new ListKeysCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: UNRECOGNIZED_CLIENT_MESSAGE,
      $metadata: { httpStatusCode: 400 },
    });
  });
});

describe('parseAuthorization', () => {
  const VALID =
    'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123';

  it('parses the documented form', () => {
    expect(parseAuthorization(VALID)).toEqual({
      accessKeyId: 'AKID',
      date: '20260101',
      region: 'us-east-1',
      service: 'kms',
      terminator: 'aws4_request',
      signedHeaders: ['host', 'x-amz-date'],
      signature: 'abc123',
    });
  });

  it('accepts commas without spaces, surrounding whitespace, reordered and unknown parameters', () => {
    const a = parseAuthorization(
      '  AWS4-HMAC-SHA256   Signature=abc123,SignedHeaders=host;x-amz-date,Credential=AKID/20260101/us-east-1/kms/aws4_request, Foo=bar  ',
    );
    expect(a).toMatchObject({ accessKeyId: 'AKID', signature: 'abc123', signedHeaders: ['host', 'x-amz-date'] });
  });

  it('uses the last of duplicated parameters', () => {
    expect(parseAuthorization(`${VALID}, Signature=def456`)).toMatchObject({ signature: 'def456' });
  });

  it('returns null for a missing or empty header', () => {
    expect(parseAuthorization(null)).toBeNull();
    expect(parseAuthorization('')).toBeNull();
    expect(parseAuthorization('   ')).toBeNull();
  });

  it.each<[string, string, Headers | undefined, string]>([
    [
      'a parameter without "="',
      'AWS4-HMAC-SHA256 FooBar, BazBurp',
      undefined,
      "'FooBar' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 FooBar, BazBurp'.",
    ],
    [
      'a space inside the access key id (as in aws/aws-sdk-go#289)',
      'AWS4-HMAC-SHA256 Credential=AKIAXXXXXXXXXX /20150620/us-east-1/cloudformation/aws4_request, SignedHeaders=host;x-amz-date, Signature=240c93ba',
      undefined,
      "'/20150620/us-east-1/cloudformation/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential=AKIAXXXXXXXXXX /20150620/us-east-1/cloudformation/aws4_request, SignedHeaders=host;x-amz-date, Signature=240c93ba'.",
    ],
    [
      'a bearer token',
      'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig',
      undefined,
      "'eyJhbGciOiJIUzI1NiJ9.e30.sig' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig'.",
    ],
    [
      'missing Signature and SignedHeaders (as in brendanhay/amazonka#316)',
      'AWS4-HMAC-SHA256 Credential=ABCDEF',
      new Headers({ 'x-amz-date': AMZ_DATE }),
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=ABCDEF",
    ],
    [
      'nothing but the algorithm, and no date header',
      'AWS4-HMAC-SHA256',
      new Headers(),
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256",
    ],
    [
      'parameters complete but no date header',
      VALID,
      new Headers({ host: 'kms.us-east-1.amazonaws.com' }),
      `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${VALID}`,
    ],
    [
      'another algorithm',
      'AWS4-HMAC-SHA512 Credential=AKID/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=abc',
      undefined,
      "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.",
    ],
    [
      'a credential with six elements (as in kubernetes-sigs/aws-iam-authenticator#374)',
      'AWS4-HMAC-SHA256 Credential=foo/bar/20210531/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=abc',
      undefined,
      "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'foo/bar/20210531/us-east-1/sts/aws4_request'",
    ],
    [
      'a credential with one element',
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE, SignedHeaders=host, Signature=abc',
      undefined,
      "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE'",
    ],
  ])('rejects %s', (_name, header, headers, message) => {
    expect(parseAuthorization(header, headers)).toEqual({ error: message });
  });
});

describe('checkSigV4Request', () => {
  const auth: SigV4Auth = {
    accessKeyId: 'AKID',
    date: '20260101',
    region: 'us-east-1',
    service: 'kms',
    terminator: 'aws4_request',
    signedHeaders: ['host', 'x-amz-date'],
    signature: 'abc',
  };
  const req = { headers: new Headers({ 'x-amz-date': AMZ_DATE }) };

  it('passes a matching scope, with and without a clock', () => {
    expect(checkSigV4Request(req, auth, KMS)).toBeNull();
    expect(checkSigV4Request(req, auth, { ...KMS, nowMs: NOW_MS + 14 * 60_000 })).toBeNull();
  });

  it('accepts a Date header in ISO-8601 basic format when X-Amz-Date is absent', () => {
    expect(checkSigV4Request({ headers: new Headers({ date: AMZ_DATE }) }, auth, KMS)).toBeNull();
  });

  it('requires a date header', () => {
    const headers = new Headers({ authorization: 'AWS4-HMAC-SHA256 Credential=x' });
    expect(checkSigV4Request({ headers }, auth, KMS)).toEqual({
      type: INCOMPLETE_SIGNATURE_EXCEPTION,
      message:
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=x",
    });
  });

  it('requires host to be signed', () => {
    expect(checkSigV4Request(req, { ...auth, signedHeaders: ['x-amz-date'] }, KMS)).toEqual({
      type: INVALID_SIGNATURE_EXCEPTION,
      message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    });
  });

  it('requires an ISO-8601 basic date', () => {
    for (const bad of ['2026-01-01T12:34:56Z', 'Thu, 01 Jan 2026 12:34:56 GMT', '20261301T000000Z', '20260230T000000Z']) {
      expect(checkSigV4Request({ headers: new Headers({ 'x-amz-date': bad }) }, auth, KMS)).toEqual({
        type: INCOMPLETE_SIGNATURE_EXCEPTION,
        message: `Date must be in ISO-8601 'basic format'. Got '${bad}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      });
    }
  });

  it('rejects requests more than 15 minutes from the simulated clock', () => {
    expect(checkSigV4Request(req, auth, { ...KMS, nowMs: NOW_MS + 15 * 60_000 + 1000 })).toEqual({
      type: INVALID_SIGNATURE_EXCEPTION,
      message: 'Signature expired: 20260101T123456Z is now earlier than 20260101T123457Z (20260101T124957Z - 15 min.)',
    });
    expect(checkSigV4Request(req, auth, { ...KMS, nowMs: NOW_MS - 15 * 60_000 - 1000 })).toEqual({
      type: INVALID_SIGNATURE_EXCEPTION,
      message: 'Signature not yet current: 20260101T123456Z is still later than 20260101T123455Z (20260101T121955Z + 15 min.)',
    });
  });

  it('joins every scope complaint into one message', () => {
    const bad = { ...auth, date: 'foobar', region: 'wrong-region', service: 'wrong-service', terminator: 'aws5_request' };
    expect(checkSigV4Request(req, bad, KMS)).toEqual({
      type: INVALID_SIGNATURE_EXCEPTION,
      message:
        "Credential should be scoped to a valid region, not 'wrong-region'. Credential should be scoped to correct service: 'kms'. " +
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. " +
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: 'foobar' != '20260101', from '20260101T123456Z'.",
    });
  });
});
