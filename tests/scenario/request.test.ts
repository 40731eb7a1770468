/**
 * The one request builder (src/scenario/request.ts): what it sends for the root, for a principal
 * without a secret and for one with a secret, the playground headers, signatures the AWS SDK's
 * signer agrees with for any body (non-ASCII and 1 MiB included), and loggedRequest reading back
 * what it built.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/kms/index';
import { CONTENT_TYPE, HOST_HEADER, SOURCE_ACCOUNT_HEADER, SOURCE_ARN_HEADER, SOURCE_IP_HEADER, SOURCE_VPC_HEADER, TARGET_PREFIX, VIA_SERVICE_HEADER } from '../../src/kms/protocol';
import { buildKmsRequest, kmsRequestHeaders, loggedRequest, type KmsRequestInput } from '../../src/scenario/request';
import { amzDate, UNSIGNED_SIGNATURE } from '../../src/scenario/sigv4';

const ACCOUNT = '111122223333';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const AT = Date.UTC(2026, 0, 1, 12, 30, 5, 250);
const KEY = { accessKeyId: 'AKIAAPPROLEEXAMPLE01', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

class NodeSha256 {
  #h;
  constructor(secret?: unknown) {
    this.#h = secret ? createHmac('sha256', secret as Uint8Array) : createHash('sha256');
  }
  update(data: Uint8Array | string) {
    this.#h.update(data);
  }
  async digest() {
    return new Uint8Array(this.#h.digest());
  }
  reset() {}
}

/** the Authorization header the AWS SDK's signer gives the same request */
async function sdkAuthorization(input: KmsRequestInput & { credentials: { accessKeyId: string; secretAccessKey: string } }): Promise<string> {
  const signer = new SignatureV4({ service: 'kms', region: input.region, credentials: input.credentials, sha256: NodeSha256, applyChecksum: false });
  const host = `kms.${input.region}.amazonaws.com`;
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: host,
      path: '/',
      query: {},
      headers: { 'content-type': CONTENT_TYPE, host, 'x-amz-target': TARGET_PREFIX + input.operation },
      body: input.body,
    },
    { signingDate: new Date(input.now) },
  );
  return signed.headers.authorization;
}

describe('buildKmsRequest', () => {
  it('sends the root unsigned: AWS JSON 1.1, the target, no date, no Authorization', () => {
    const req = buildKmsRequest({ operation: 'CreateKey', body: '{}', now: AT, region: 'eu-west-1' });
    expect(req.method).toBe('POST');
    expect(req.url).toBe('https://kms.eu-west-1.amazonaws.com/');
    expect([...req.headers]).toEqual([
      ['content-type', 'application/x-amz-json-1.1'],
      ['x-amz-target', 'TrentService.CreateKey'],
    ]);
  });

  it('names a principal without a secret by its key, with a placeholder signature', () => {
    const headers = kmsRequestHeaders({ operation: 'ListKeys', body: '{}', credentials: { accessKeyId: KEY.accessKeyId }, now: AT, region: 'us-east-1' });
    expect(headers['x-amz-date']).toBe('20260101T123005Z');
    expect(headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/20260101/us-east-1/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${UNSIGNED_SIGNATURE}`,
    );
  });

  it('signs as the AWS SDK does, for bodies with non-ASCII text, for a 1 MiB body and at the last second of a day', async () => {
    const bodies = [
      '{}',
      JSON.stringify({ KeyId: 'alias/ü-ключ', EncryptionContext: { note: 'naïve 🔑 \u2028' }, Plaintext: 'AAAA' }),
      JSON.stringify({ Policy: 'x'.repeat(1024 * 1024 - 20) }),
    ];
    for (const body of bodies) {
      for (const [region, now] of [['us-east-1', AT], ['ap-southeast-2', Date.UTC(2027, 11, 31, 23, 59, 59, 999)]] as const) {
        const input = { operation: 'Encrypt', body, credentials: KEY, now, region };
        expect(kmsRequestHeaders(input).authorization, `${region} ${body.length}`).toBe(await sdkAuthorization(input));
      }
    }
  });

  it('carries the host pin and the source context as playground headers, after the signed ones', () => {
    const req = buildKmsRequest({
      operation: 'Decrypt',
      body: '{}',
      credentials: KEY,
      now: AT,
      region: 'us-east-1',
      host: 0,
      sourceArn: 'arn:aws:s3:::bucket',
      sourceAccount: ACCOUNT,
      viaService: 'ec2.us-east-1.amazonaws.com',
      sourceIp: '203.0.113.7',
      sourceVpc: 'vpc-1a2b3c4d',
    });
    expect(req.headers.get(HOST_HEADER)).toBe('0');
    expect(req.headers.get(SOURCE_ARN_HEADER)).toBe('arn:aws:s3:::bucket');
    expect(req.headers.get(SOURCE_ACCOUNT_HEADER)).toBe(ACCOUNT);
    expect(req.headers.get(VIA_SERVICE_HEADER)).toBe('ec2.us-east-1.amazonaws.com');
    expect(req.headers.get(SOURCE_IP_HEADER)).toBe('203.0.113.7');
    expect(req.headers.get(SOURCE_VPC_HEADER)).toBe('vpc-1a2b3c4d');
    // the playground headers are not signed: the signature is the one the request has without them
    expect(req.headers.get('authorization')).toBe(kmsRequestHeaders({ operation: 'Decrypt', body: '{}', credentials: KEY, now: AT, region: 'us-east-1' }).authorization);
  });

  it('dates the request by the virtual clock: the same inputs give the same request, a second later another signature', () => {
    const input = { operation: 'ListKeys', body: '{}', credentials: KEY, now: AT, region: 'us-east-1' };
    expect(kmsRequestHeaders(input)).toEqual(kmsRequestHeaders({ ...input }));
    expect(kmsRequestHeaders(input)['x-amz-date']).toBe(amzDate(AT));
    expect(kmsRequestHeaders({ ...input, now: AT + 1_000 }).authorization).not.toBe(kmsRequestHeaders(input).authorization);
  });

  it('is answered by the engine: a signed principal, a placeholder for one without a secret, the root', async () => {
    const sim = createSimulator({
      seed: 3,
      accountId: ACCOUNT,
      startTime: AT,
      principals: [
        { arn: APP, ...KEY, policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] } },
        { arn: `arn:aws:iam::${ACCOUNT}:role/Ops`, accessKeyId: 'AKIAOPSROLEEXAMPLE01' },
      ],
    });
    const send = (credentials?: { accessKeyId: string; secretAccessKey?: string }) =>
      sim.fetch(buildKmsRequest({ operation: 'ListKeys', body: '{}', credentials, now: sim.clock.now(), region: 'us-east-1' }));
    expect((await send(KEY)).status).toBe(200);
    expect((await send()).status).toBe(200);
    const ops = await send({ accessKeyId: 'AKIAOPSROLEEXAMPLE01' });
    expect(ops.headers.get('x-amzn-errortype') ?? '').not.toMatch(/Signature/);
  });
});

describe('loggedRequest', () => {
  it('reads back what buildKmsRequest built: operation, caller, body, host and source ARN', () => {
    const principals = [{ arn: APP, accessKeyId: KEY.accessKeyId }];
    const built = buildKmsRequest({ operation: 'GenerateDataKey', body: '{"KeySpec":"AES_256"}', credentials: KEY, now: AT, region: 'us-east-1', host: 2, sourceArn: 'arn:aws:s3:::b' });
    const entry = { headers: [...built.headers], body: '{"KeySpec":"AES_256"}' };
    expect(loggedRequest(entry, principals, ROOT)).toEqual({ operation: 'GenerateDataKey', trent: true, callerArn: APP, body: entry.body, host: 2, sourceArn: 'arn:aws:s3:::b' });
    const root = buildKmsRequest({ operation: 'ListKeys', body: '{}', now: AT, region: 'us-east-1' });
    expect(loggedRequest({ headers: [...root.headers], body: '{}' }, principals, ROOT)).toEqual({ operation: 'ListKeys', trent: true, callerArn: ROOT, body: '{}' });
    // a key nobody holds names no caller
    const stranger = buildKmsRequest({ operation: 'ListKeys', body: '{}', credentials: { accessKeyId: 'AKIANOBODYEXAMPLE001' }, now: AT, region: 'us-east-1' });
    expect(loggedRequest({ headers: [...stranger.headers], body: '{}' }, principals, ROOT).callerArn).toBeUndefined();
  });
});
