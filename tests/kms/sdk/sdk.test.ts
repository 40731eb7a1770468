/**
 * The real AWS SDK for JavaScript v3 (@aws-sdk/client-kms) against the simulator.
 *
 * SimHttpHandler is a Smithy HttpHandler that turns the SDK's signed HttpRequest into a WHATWG
 * Request (as @smithy/fetch-http-handler does) and hands it to `sim.fetch`; the Response goes
 * back as an HttpResponse whose body is the web ReadableStream (or an empty Blob), which the
 * SDK's stream collector reads. Every principal has a secret, so every signature is verified.
 *
 * The lifecycle runs as different principals: an administrator creates the key and the grants,
 * the grantee uses its grant (by token before the grant has propagated, then without), the
 * retiring principal lists and retires, the administrator revokes; then the error shapes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { HttpResponse, buildQueryString, type HttpHandler, type HttpRequest } from '@smithy/core/protocols';
import {
  CancelKeyDeletionCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DryRunOperationException,
  EnableKeyCommand,
  EncryptCommand,
  GenerateRandomCommand,
  InvalidGrantTokenException,
  InvalidMarkerException,
  KMSClient,
  KMSServiceException,
  ListGrantsCommand,
  ListRetirableGrantsCommand,
  NotFoundException,
  RetireGrantCommand,
  RevokeGrantCommand,
  ScheduleKeyDeletionCommand,
  paginateListGrants,
  type GrantListEntry,
} from '@aws-sdk/client-kms';
import { createSimulator, HANDLERS, type SimulatorWithEngine } from '../../../src/kms/index';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const START = Date.UTC(2026, 0, 1);

const ADMIN = { arn: `arn:aws:iam::${ACCOUNT}:user/KeyAdmin`, accessKeyId: 'AKIASDKADMIN00000000', secretAccessKey: 'admin/secret/0000000000000000000000000' };
const APP = { arn: `arn:aws:iam::${ACCOUNT}:role/AppRole`, accessKeyId: 'AKIASDKAPPROLE000000', secretAccessKey: 'app/secret/000000000000000000000000000' };
const RETIRER = { arn: `arn:aws:iam::${ACCOUNT}:role/Retirer`, accessKeyId: 'AKIASDKRETIRER000000', secretAccessKey: 'retirer/secret/0000000000000000000000' };
const ROOT = { arn: `arn:aws:iam::${ACCOUNT}:root`, accessKeyId: 'AKIASDKROOT000000000', secretAccessKey: 'root/secret/00000000000000000000000000' };

const INVALID_SIGNATURE_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const DRY_RUN_MESSAGE = 'The request would have succeeded, but the DryRun option is set.';

interface Wire {
  target: string;
  status: number;
  text: string;
}

/**
 * A Smithy HttpHandler over `sim.fetch`: the request as @smithy/fetch-http-handler builds it,
 * the response as it wraps fetch's (a ReadableStream body, or a Blob when there is none).
 */
class SimHttpHandler implements HttpHandler {
  readonly wire: Wire[] = [];
  constructor(private readonly sim: SimulatorWithEngine) {}

  async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    let path = request.path;
    const query = buildQueryString(request.query || {});
    if (query) path += `?${query}`;
    const url = `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}${path}`;
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : (request.body as BodyInit | undefined);
    const res = await this.sim.fetch(new Request(url, { method: request.method, headers: new Headers(request.headers), body }));
    // keep a copy of what went over the wire, to compare with what the SDK makes of it
    this.wire.push({ target: request.headers['x-amz-target'] ?? '', status: res.status, text: await res.clone().text() });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    return {
      response: new HttpResponse({ statusCode: res.status, reason: res.statusText, headers, body: res.body ?? (await res.blob()) }),
    };
  }
  updateHttpClientConfig(): void {}
  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
  get last(): Wire {
    return this.wire[this.wire.length - 1];
  }
}

function world() {
  const sim = createSimulator({
    seed: 2026,
    region: REGION,
    accountId: ACCOUNT,
    startTime: START,
    // grants take 2..5 s to reach the hosts: before that only a grant token works
    propagation: { minMs: 2_000, maxMs: 5_000 },
    principals: [
      ROOT,
      { ...ADMIN, policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] } },
      APP,
      { ...RETIRER, policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:ListRetirableGrants', Resource: '*' }] } },
    ],
  });
  const handler = new SimHttpHandler(sim);
  const client = (p: { accessKeyId: string; secretAccessKey: string }) =>
    new KMSClient({ region: REGION, credentials: { accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey }, maxAttempts: 1, requestHandler: handler });
  return { sim, handler, client };
}

/** the rejection of `p`, which must be a KMSServiceException */
async function failure(p: Promise<unknown>): Promise<KMSServiceException> {
  const e = await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KMSServiceException);
  return e as KMSServiceException;
}

/** the SDK's error carries the AWS exception name, the HTTP status and the wire message */
function expectError(e: KMSServiceException, handler: SimHttpHandler, name: string, message?: string) {
  const wire = JSON.parse(handler.last.text) as { __type: string; message: string };
  expect({ name: e.name, status: e.$metadata.httpStatusCode, fault: e.$fault }).toEqual({ name, status: 400, fault: 'client' });
  expect(wire.__type).toBe(name);
  expect(e.message).toBe(wire.message);
  if (message !== undefined) expect(e.message).toBe(message);
  expect(e.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
}

describe('@aws-sdk/client-kms over sim.fetch: a grant lifecycle as different principals', () => {
  const { sim, handler, client } = world();
  const admin = client(ADMIN);
  const app = client(APP);
  const retirer = client(RETIRER);
  let keyId = '';
  let keyArn = '';
  let grantId = '';
  let grantToken = '';

  beforeAll(async () => {
    const out = await admin.send(new CreateKeyCommand({ Description: 'sdk round trip' }));
    keyId = out.KeyMetadata!.KeyId!;
    keyArn = out.KeyMetadata!.Arn!;
  });

  it('CreateKey (as an IAM administrator) returns KeyMetadata with Date timestamps', async () => {
    const out = await admin.send(new DescribeKeyCommand({ KeyId: keyId }));
    const m = out.KeyMetadata!;
    expect(m).toMatchObject({ KeyId: keyId, Arn: keyArn, AWSAccountId: ACCOUNT, Enabled: true, KeyState: 'Enabled', KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT', Description: 'sdk round trip' });
    expect(m.CreationDate).toBeInstanceOf(Date);
    expect(m.CreationDate!.getTime()).toBe(START);
    expect(out.$metadata).toMatchObject({ httpStatusCode: 200 });
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // the signature was really checked: the engine saw the administrator
    expect(sim.events.at(-1)).toMatchObject({ type: '@kms.request', operation: 'DescribeKey', caller: ADMIN.arn, status: 200 });
  });

  it('the grantee is denied before it has a grant (AccessDeniedException, not modelled by KMS)', async () => {
    const e = await failure(app.send(new DescribeKeyCommand({ KeyId: keyId })));
    expectError(e, handler, 'AccessDeniedException', `User: ${APP.arn} is not authorized to perform: kms:DescribeKey on resource: ${keyArn} because no identity-based policy allows the kms:DescribeKey action`);
  });

  it('CreateGrant DryRun surfaces DryRunOperationException and creates nothing', async () => {
    const e = await failure(admin.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: APP.arn, Operations: ['DescribeKey'], DryRun: true })));
    expect(e).toBeInstanceOf(DryRunOperationException);
    expectError(e, handler, 'DryRunOperationException', DRY_RUN_MESSAGE);
    expect((await admin.send(new ListGrantsCommand({ KeyId: keyId }))).Grants).toEqual([]);
  });

  it('CreateGrant for a role with a RetiringPrincipal', async () => {
    const out = await admin.send(
      new CreateGrantCommand({
        KeyId: keyId,
        GranteePrincipal: APP.arn,
        RetiringPrincipal: RETIRER.arn,
        Operations: ['DescribeKey', 'Encrypt', 'Decrypt', 'GenerateDataKey'],
        Name: 'sdk-app-grant',
      }),
    );
    expect(out.GrantId).toMatch(/^[0-9a-f]{64}$/);
    expect(out.GrantToken).toMatch(/^[A-Za-z0-9_-]+$/);
    grantId = out.GrantId!;
    grantToken = out.GrantToken!;
  });

  it('before the grant propagates the grantee needs the grant token (GrantTokens)', async () => {
    const denied = await failure(app.send(new DescribeKeyCommand({ KeyId: keyId })));
    expect(denied.name).toBe('AccessDeniedException');
    const out = await app.send(new DescribeKeyCommand({ KeyId: keyId, GrantTokens: [grantToken] }));
    expect(out.KeyMetadata!.Arn).toBe(keyArn);
    expect(out.KeyMetadata!.CreationDate).toBeInstanceOf(Date);
  });

  it('after propagation the grantee needs no token', async () => {
    sim.clock.settle();
    const out = await app.send(new DescribeKeyCommand({ KeyId: keyArn }));
    expect(out.KeyMetadata!.KeyId).toBe(keyId);
  });

  it('a bad grant token surfaces InvalidGrantTokenException', async () => {
    const e = await failure(app.send(new DescribeKeyCommand({ KeyId: keyId, GrantTokens: ['not-a-grant-token'] })));
    expect(e).toBeInstanceOf(InvalidGrantTokenException);
    expectError(e, handler, 'InvalidGrantTokenException');
  });

  it('ListGrants paginates with paginateListGrants (Limit/Marker/NextMarker/Truncated)', async () => {
    for (let i = 0; i < 4; i++) {
      await admin.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: APP.arn, Operations: ['Decrypt'], Name: `sdk-extra-${i}` }));
    }
    const pages: GrantListEntry[][] = [];
    for await (const page of paginateListGrants({ client: admin, pageSize: 2 }, { KeyId: keyId })) pages.push(page.Grants ?? []);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const all = pages.flat();
    expect(new Set(all.map((g) => g.GrantId)).size).toBe(5);
    const mine = all.find((g) => g.GrantId === grantId)!;
    expect(mine).toMatchObject({ KeyId: keyArn, GranteePrincipal: APP.arn, RetiringPrincipal: RETIRER.arn, IssuingAccount: `arn:aws:iam::${ACCOUNT}:root`, Name: 'sdk-app-grant' });
    expect(mine.Operations).toEqual(expect.arrayContaining(['DescribeKey', 'Encrypt', 'Decrypt', 'GenerateDataKey']));
    expect(mine.CreationDate).toBeInstanceOf(Date);
    // the wire said Truncated/NextMarker on the first two pages only
    const listed = handler.wire.filter((w) => w.target === 'TrentService.ListGrants').slice(-3).map((w) => JSON.parse(w.text) as { Truncated: boolean; NextMarker?: string });
    expect(listed.map((l) => [l.Truncated, typeof l.NextMarker])).toEqual([
      [true, 'string'],
      [true, 'string'],
      [false, 'undefined'],
    ]);
  });

  it('a bad Marker surfaces InvalidMarkerException', async () => {
    const e = await failure(admin.send(new ListGrantsCommand({ KeyId: keyId, Marker: 'not-a-marker' })));
    expect(e).toBeInstanceOf(InvalidMarkerException);
    expectError(e, handler, 'InvalidMarkerException');
  });

  it('ListRetirableGrants as the retiring principal lists the grant', async () => {
    const out = await retirer.send(new ListRetirableGrantsCommand({ RetiringPrincipal: RETIRER.arn }));
    expect(out.Truncated).toBe(false);
    expect(out.Grants!.map((g) => g.GrantId)).toEqual([grantId]);
    expect(out.Grants![0].CreationDate).toBeInstanceOf(Date);
  });

  it('RetireGrant DryRun by the retiring principal surfaces DryRunOperationException', async () => {
    const e = await failure(retirer.send(new RetireGrantCommand({ GrantToken: grantToken, DryRun: true })));
    expect(e).toBeInstanceOf(DryRunOperationException);
    expectError(e, handler, 'DryRunOperationException', DRY_RUN_MESSAGE);
  });

  it('RetireGrant by token as the retiring principal resolves (empty body)', async () => {
    const out = await retirer.send(new RetireGrantCommand({ GrantToken: grantToken }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(Object.keys(out)).toEqual(['$metadata']);
    expect(handler.last).toMatchObject({ target: 'TrentService.RetireGrant', status: 200, text: '' });
    const grants = (await admin.send(new ListGrantsCommand({ KeyId: keyId }))).Grants!;
    expect(grants.map((g) => g.GrantId)).not.toContain(grantId);
    expect((await retirer.send(new ListRetirableGrantsCommand({ RetiringPrincipal: RETIRER.arn }))).Grants).toEqual([]);
  });

  it('the retired grant keeps working until the retirement reaches the hosts, then AccessDenied', async () => {
    // "the grantee principal might still be able to use its permissions for a brief period" (docs/sources.md, Grants)
    expect((await app.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyId).toBe(keyId);
    sim.clock.settle();
    const e = await failure(app.send(new DescribeKeyCommand({ KeyId: keyId })));
    expectError(e, handler, 'AccessDeniedException');
  });

  it('RevokeGrant as the administrator resolves (empty body), DryRun first', async () => {
    const victim = (await admin.send(new ListGrantsCommand({ KeyId: keyId }))).Grants![0].GrantId!;
    const dry = await failure(admin.send(new RevokeGrantCommand({ KeyId: keyId, GrantId: victim, DryRun: true })));
    expectError(dry, handler, 'DryRunOperationException', DRY_RUN_MESSAGE);
    const out = await admin.send(new RevokeGrantCommand({ KeyId: keyArn, GrantId: victim }));
    expect(Object.keys(out)).toEqual(['$metadata']);
    expect(handler.last).toMatchObject({ target: 'TrentService.RevokeGrant', status: 200, text: '' });
    expect((await admin.send(new ListGrantsCommand({ KeyId: keyId }))).Grants!.map((g) => g.GrantId)).not.toContain(victim);
  });

  it('a revoked or retired grant is gone: RevokeGrant again is NotFoundException', async () => {
    const e = await failure(admin.send(new RevokeGrantCommand({ KeyId: keyId, GrantId: grantId })));
    expect(e).toBeInstanceOf(NotFoundException);
    expectError(e, handler, 'NotFoundException');
  });

  it('DisableKey and EnableKey resolve with empty bodies', async () => {
    const off = await admin.send(new DisableKeyCommand({ KeyId: keyId }));
    expect(Object.keys(off)).toEqual(['$metadata']);
    expect(handler.last).toMatchObject({ target: 'TrentService.DisableKey', status: 200, text: '' });
    expect((await admin.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata).toMatchObject({ Enabled: false, KeyState: 'Disabled' });
    const on = await admin.send(new EnableKeyCommand({ KeyId: keyId }));
    expect(Object.keys(on)).toEqual(['$metadata']);
    expect(handler.last).toMatchObject({ target: 'TrentService.EnableKey', status: 200, text: '' });
    expect((await admin.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata).toMatchObject({ Enabled: true, KeyState: 'Enabled' });
  });

  it('ScheduleKeyDeletion returns DeletionDate as a Date; CancelKeyDeletion returns the key ARN', async () => {
    const k = (await admin.send(new CreateKeyCommand({}))).KeyMetadata!;
    const out = await admin.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
    expect(out).toMatchObject({ KeyId: k.Arn, KeyState: 'PendingDeletion', PendingWindowInDays: 7 });
    expect(out.DeletionDate).toBeInstanceOf(Date);
    expect(out.DeletionDate!.getTime()).toBe(sim.clock.now() + 7 * 86_400_000);
    expect((await admin.send(new CancelKeyDeletionCommand({ KeyId: k.KeyId }))).KeyId).toBe(k.Arn);
  });

  const crypto = Object.hasOwn(HANDLERS, 'Encrypt') && Object.hasOwn(HANDLERS, 'Decrypt');
  it.runIf(crypto)('Encrypt and Decrypt round-trip a Uint8Array, the grantee using a fresh grant by token', async () => {
    sim.clock.settle(); // no earlier grant change is still on its way
    const g = await admin.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: APP.arn, Operations: ['Encrypt', 'Decrypt'], Constraints: { EncryptionContextSubset: { app: 'sdk' } } }));
    const plaintext = new TextEncoder().encode('grant playground \u2713 bytes \u0000\u00ff');
    const enc = await app.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: { app: 'sdk', extra: '1' }, GrantTokens: [g.GrantToken!] }));
    expect(enc.CiphertextBlob).toBeInstanceOf(Uint8Array);
    expect(enc.KeyId).toBe(keyArn);
    expect(enc.EncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
    const dec = await app.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { app: 'sdk', extra: '1' }, GrantTokens: [g.GrantToken!] }));
    expect(dec.Plaintext).toBeInstanceOf(Uint8Array);
    expect(Array.from(dec.Plaintext!)).toEqual(Array.from(plaintext));
    expect(dec.KeyId).toBe(keyArn);
    // the grant's constraint holds: another context is refused even with the token
    const e = await failure(app.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: { app: 'other' }, GrantTokens: [g.GrantToken!] })));
    expectError(e, handler, 'AccessDeniedException');
  });
});

describe('@aws-sdk/client-kms over sim.fetch: error shapes', () => {
  const { handler, client } = world();
  const admin = client(ADMIN);

  it('NotFoundException for a key that does not exist', async () => {
    const id = '1234abcd-12ab-34cd-56ef-1234567890ab';
    const e = await failure(admin.send(new DescribeKeyCommand({ KeyId: id })));
    expect(e).toBeInstanceOf(NotFoundException);
    expectError(e, handler, 'NotFoundException', `Key 'arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}' does not exist`);
  });

  it('NotFoundException for a malformed key id', async () => {
    const e = await failure(admin.send(new DescribeKeyCommand({ KeyId: 'fake-key-id' })));
    expectError(e, handler, 'NotFoundException', "Invalid keyId 'fake-key-id'");
  });

  it('ValidationException (Coral range message) for GenerateRandom 0 and 1025', async () => {
    const zero = await failure(admin.send(new GenerateRandomCommand({ NumberOfBytes: 0 })));
    expectError(zero, handler, 'ValidationException', "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1");
    const big = await failure(admin.send(new GenerateRandomCommand({ NumberOfBytes: 1025 })));
    expectError(big, handler, 'ValidationException', "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
  });

  it('GenerateRandom returns the bytes as a Uint8Array', async () => {
    const out = await admin.send(new GenerateRandomCommand({ NumberOfBytes: 44 }));
    expect(out.Plaintext).toBeInstanceOf(Uint8Array);
    expect(out.Plaintext!.length).toBe(44);
  });

  it('InvalidSignatureException for a request signed with the wrong secret', async () => {
    const e = await failure(client({ accessKeyId: ADMIN.accessKeyId, secretAccessKey: 'not-the-secret' }).send(new DescribeKeyCommand({ KeyId: 'fake-key-id' })));
    expectError(e, handler, 'InvalidSignatureException', INVALID_SIGNATURE_MESSAGE);
  });

  it('UnrecognizedClientException for an unknown access key id', async () => {
    const e = await failure(client({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'whatever' }).send(new DescribeKeyCommand({ KeyId: 'fake-key-id' })));
    expectError(e, handler, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  });

  it('the account root (with its own verified key) may CreateKey without an IAM policy', async () => {
    const out = await client(ROOT).send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }));
    expect(out.KeyMetadata).toMatchObject({ KeySpec: 'HMAC_256', MacAlgorithms: ['HMAC_SHA_256'], KeyManager: 'CUSTOMER' });
    expect(out.KeyMetadata!.EncryptionAlgorithms).toBeUndefined();
  });
});
