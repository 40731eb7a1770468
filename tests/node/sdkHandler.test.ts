/**
 * kmsRequestHandler: the AWS SDK v3 in process, and the credential rule of unknownAccessKeys.
 */
import { describe, expect, it } from 'vitest';
import { CreateGrantCommand, CreateKeyCommand, DescribeKeyCommand, EncryptCommand, KMSClient, KMSServiceException } from '@aws-sdk/client-kms';
import { createSimulator } from '../../src/kms/index';
import { kmsRequestHandler, sdkRequestUrl } from '../../src/kms/sdkHandler';

const ACCOUNT = '111122223333';
const APP = { arn: `arn:aws:iam::${ACCOUNT}:role/App`, accessKeyId: 'AKIAAPPROLE000000000', secretAccessKey: 'app-secret' };

function client(sim: ReturnType<typeof createSimulator>, accessKeyId: string, secretAccessKey = 'whatever') {
  return new KMSClient({ region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1, requestHandler: kmsRequestHandler(sim) });
}

async function rejection(p: Promise<unknown>): Promise<KMSServiceException> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(KMSServiceException);
  return e as KMSServiceException;
}

describe('kmsRequestHandler', () => {
  it("serves any credentials as the account root with unknownAccessKeys: 'root'", async () => {
    const sim = createSimulator({ accountId: ACCOUNT, unknownAccessKeys: 'root' });
    const kms = client(sim, 'AKIAANYTHINGATALL000');
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'from the SDK' }));
    expect(KeyMetadata?.Arn).toMatch(new RegExp(`^arn:aws:kms:us-east-1:${ACCOUNT}:key/`));
    const d = await kms.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId }));
    expect(d.KeyMetadata?.Description).toBe('from the SDK');
    expect((sim.lastDecision as { caller?: string } | undefined)?.caller ?? JSON.stringify(sim.lastDecision)).toContain(`${ACCOUNT}:root`);
  });

  it('keeps the strict answer by default: an unknown access key is UnrecognizedClientException', async () => {
    const sim = createSimulator({ accountId: ACCOUNT });
    const e = await rejection(client(sim, 'AKIAANYTHINGATALL000').send(new CreateKeyCommand({})));
    expect(e.name).toBe('UnrecognizedClientException');
    expect(e.$metadata.httpStatusCode).toBe(400);
  });

  it("maps a configured principal's key to it and verifies its signature, also in 'root' mode", async () => {
    const sim = createSimulator({ accountId: ACCOUNT, unknownAccessKeys: 'root', principals: [APP] });
    const root = client(sim, 'AKIAROOTBYDEFAULT000');
    const { KeyMetadata } = await root.send(new CreateKeyCommand({}));
    const keyId = KeyMetadata!.KeyId!;
    // the role has no IAM policy and no grant: denied, so it is not served as the root
    const denied = await rejection(client(sim, APP.accessKeyId, APP.secretAccessKey).send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([1]) })));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain('role/App');
    // a wrong secret for a held key is a bad signature, not the root
    const forged = await rejection(client(sim, APP.accessKeyId, 'not-the-secret').send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([1]) })));
    expect(forged.name).toBe('InvalidSignatureException');
    // granted, the role may encrypt (with the grant token, before the grant has propagated)
    const g = await root.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: APP.arn, Operations: ['Encrypt'] }));
    const ok = await client(sim, APP.accessKeyId, APP.secretAccessKey).send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([1, 2, 3]), GrantTokens: [g.GrantToken!] }));
    expect(ok.CiphertextBlob?.length).toBeGreaterThan(3);
  });

  it('builds the URL the SDK addresses', () => {
    expect(sdkRequestUrl({ method: 'POST', protocol: 'https:', hostname: 'kms.eu-west-1.amazonaws.com', path: '/', headers: {} })).toBe('https://kms.eu-west-1.amazonaws.com/');
    expect(sdkRequestUrl({ method: 'GET', protocol: 'http', hostname: 'localhost', port: 4599, path: '/x', query: { b: 'a b', a: ['1', '2'], c: null }, headers: {} })).toBe('http://localhost:4599/x?a=1&a=2&b=a%20b&c');
  });
});
