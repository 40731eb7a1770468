import { describe, expect, it } from 'vitest';
import { makeSim } from '../helpers';

const post = (sim: ReturnType<typeof makeSim>['sim'], headers: Record<string, string>, body: BodyInit | null, method = 'POST') =>
  sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method, headers, body: method === 'GET' ? null : body }));

describe('the AWS JSON 1.1 wire', () => {
  it('answers with the JSON 1.1 content type and a request id on success and error', async () => {
    const { sim } = makeSim();
    const ok = await post(sim, { 'X-Amz-Target': 'TrentService.ListKeys', 'Content-Type': 'application/x-amz-json-1.1' }, '{}');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(ok.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await post(sim, { 'X-Amz-Target': 'TrentService.DescribeKey' }, '{"KeyId":"nope"}');
    expect(bad.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await bad.json()).toEqual({ __type: 'NotFoundException', message: "Invalid keyId 'nope'" });
  });

  it('sends an empty body for operations without output', async () => {
    const { sim, createKey } = makeSim();
    const key = await createKey();
    const r = await post(sim, { 'X-Amz-Target': 'TrentService.DisableKey' }, JSON.stringify({ KeyId: key.KeyId }));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-length')).toBe('0');
    expect(await r.text()).toBe('');
  });

  it('answers UnknownOperationException for an unknown or missing target', async () => {
    const { sim } = makeSim();
    for (const headers of [{ 'X-Amz-Target': 'TrentService.MakeCoffee' }, { 'X-Amz-Target': 'Kinesis_20131202.ListStreams' }, {}] as Record<string, string>[]) {
      const r = await post(sim, headers, '{}');
      expect(r.status).toBe(400);
      expect((await r.json()).__type).toBe('UnknownOperationException');
    }
  });

  it('answers SerializationException for a body that is not JSON, or not an object', async () => {
    const { sim } = makeSim();
    for (const body of ['{', 'not json', '[1,2]', '"text"', '42', 'null']) {
      const r = await post(sim, { 'X-Amz-Target': 'TrentService.ListKeys' }, body);
      expect(r.status, body).toBe(400);
      expect((await r.json()).__type, body).toBe('SerializationException');
    }
  });

  it('answers SerializationException for a member of the wrong JSON type', async () => {
    const { sim } = makeSim();
    const r = await post(sim, { 'X-Amz-Target': 'TrentService.ListGrants' }, '{"KeyId": 5}');
    expect(r.status).toBe(400);
    expect((await r.json()).__type).toBe('SerializationException');
  });

  it('treats an empty body as an empty object', async () => {
    const { sim } = makeSim();
    const r = await post(sim, { 'X-Amz-Target': 'TrentService.ListKeys' }, '');
    expect(r.status).toBe(200);
  });

  it('refuses a body over 1 MiB without reading it all', async () => {
    const { sim } = makeSim();
    const big = '{"Description":"' + 'x'.repeat(1024 * 1024 + 10) + '"}';
    const r = await post(sim, { 'X-Amz-Target': 'TrentService.CreateKey' }, big);
    expect(r.status).toBe(413);
    expect((await r.json()).__type).toBe('RequestEntityTooLargeException');
  });

  it('answers a GET with an AWS-style error, never a crash', async () => {
    const { sim } = makeSim();
    const r = await post(sim, { 'X-Amz-Target': 'TrentService.ListKeys' }, null, 'GET');
    expect(r.status).toBe(400);
    expect((await r.json()).__type).toBe('UnknownOperationException');
  });

  it('answers UnsupportedOperationException for KMS operations the playground does not simulate', async () => {
    const { sim } = makeSim();
    const r = await post(sim, { 'X-Amz-Target': 'TrentService.CreateCustomKeyStore' }, '{"CustomKeyStoreName":"x"}');
    expect(r.status).toBe(400);
    expect((await r.json()).__type).toBe('UnsupportedOperationException');
  });

  it('takes the region from the host name when the request is unsigned', async () => {
    const { sim } = makeSim();
    const r = await sim.fetch(new Request('https://kms.eu-west-1.amazonaws.com/', { method: 'POST', headers: { 'X-Amz-Target': 'TrentService.CreateKey' }, body: '{}' }));
    expect((await r.json()).KeyMetadata.Arn).toMatch(/^arn:aws:kms:eu-west-1:/);
  });

  it('gives byte-identical responses for the same seed and requests', async () => {
    async function run() {
      const { call } = makeSim({ seed: 1234 });
      const texts: string[] = [];
      const k = await call('CreateKey', { Description: 'd' });
      texts.push(k.text, k.headers.get('x-amzn-requestid')!);
      const g = await call('CreateGrant', { KeyId: k.json.KeyMetadata.KeyId, GranteePrincipal: 'arn:aws:iam::111122223333:role/A', Operations: ['Decrypt'] });
      texts.push(g.text, (await call('ListGrants', { KeyId: k.json.KeyMetadata.KeyId })).text);
      return texts;
    }
    expect(await run()).toEqual(await run());
  });
});

describe('key metadata', () => {
  const pairs: [string, string][] = [
    ['SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT'],
    ['RSA_2048', 'ENCRYPT_DECRYPT'],
    ['RSA_2048', 'SIGN_VERIFY'],
    ['ECC_NIST_P256', 'SIGN_VERIFY'],
    ['ECC_NIST_P384', 'KEY_AGREEMENT'],
    ['ECC_SECG_P256K1', 'SIGN_VERIFY'],
    ['ECC_NIST_EDWARDS25519', 'SIGN_VERIFY'],
    ['HMAC_224', 'GENERATE_VERIFY_MAC'],
    ['HMAC_512', 'GENERATE_VERIFY_MAC'],
    ['ML_DSA_44', 'SIGN_VERIFY'],
  ];
  for (const [spec, usage] of pairs) {
    it(`creates a ${spec} key for ${usage}`, async () => {
      const { call } = makeSim();
      const r = await call('CreateKey', { KeySpec: spec, KeyUsage: usage });
      expect(r.status, r.text).toBe(200);
      const m = r.json.KeyMetadata;
      expect(m).toMatchObject({ KeySpec: spec, KeyUsage: usage, KeyState: 'Enabled', Enabled: true, KeyManager: 'CUSTOMER', Origin: 'AWS_KMS', MultiRegion: false });
      if (usage === 'SIGN_VERIFY') expect(m.SigningAlgorithms.length).toBeGreaterThan(0);
      if (usage === 'GENERATE_VERIFY_MAC') expect(m.MacAlgorithms).toHaveLength(1);
      if (usage === 'KEY_AGREEMENT') expect(m.KeyAgreementAlgorithms).toEqual(['ECDH']);
    });
  }

  it('matches the recorded metadata of a symmetric key', async () => {
    const { call } = makeSim();
    const m = (await call('CreateKey', { Description: 'test key 123' })).json.KeyMetadata;
    expect(Object.keys(m)).toEqual(['AWSAccountId', 'Arn', 'CreationDate', 'CurrentKeyMaterialId', 'CustomerMasterKeySpec', 'Description', 'Enabled', 'EncryptionAlgorithms', 'KeyId', 'KeyManager', 'KeySpec', 'KeyState', 'KeyUsage', 'MultiRegion', 'Origin']);
    expect(m).toMatchObject({ CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT', EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'], KeyUsage: 'ENCRYPT_DECRYPT' });
    expect(m.CurrentKeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('requires KeyUsage for asymmetric keys and refuses incompatible pairs', async () => {
    const { call } = makeSim();
    expect((await call('CreateKey', { KeySpec: 'RSA_2048' })).message).toBe('You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.');
    expect((await call('CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'KEY_AGREEMENT' })).message).toBe('KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048');
  });

  it('moves a key through disable, schedule deletion, cancel and deletion at the end of the window', async () => {
    const { call, createKey, sim } = makeSim();
    const key = await createKey();
    await call('DisableKey', { KeyId: key.KeyId });
    expect((await call('DescribeKey', { KeyId: key.KeyId })).json.KeyMetadata.KeyState).toBe('Disabled');
    const s = await call('ScheduleKeyDeletion', { KeyId: key.KeyId, PendingWindowInDays: 7 });
    expect(s.json).toEqual({ KeyId: key.Arn, DeletionDate: sim.clock.now() / 1000 + 7 * 86400, KeyState: 'PendingDeletion', PendingWindowInDays: 7 });
    expect((await call('ScheduleKeyDeletion', { KeyId: key.KeyId })).type).toBe('KMSInvalidStateException');
    const c = await call('CancelKeyDeletion', { KeyId: key.KeyId });
    expect(c.json).toEqual({ KeyId: key.Arn });
    const d = (await call('DescribeKey', { KeyId: key.KeyId })).json.KeyMetadata;
    expect([d.KeyState, d.Enabled, d.DeletionDate]).toEqual(['Disabled', false, undefined]);
    expect((await call('CancelKeyDeletion', { KeyId: key.KeyId })).message).toBe(`${key.Arn} is not pending deletion (or pending replica deletion).`);
    await call('ScheduleKeyDeletion', { KeyId: key.KeyId, PendingWindowInDays: 7 });
    sim.clock.advance(7 * 86_400_000);
    expect((await call('DescribeKey', { KeyId: key.KeyId })).message).toBe(`Key '${key.Arn}' does not exist`);
  });

  it('resolves aliases by name and ARN where the operation takes them', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    expect((await call('CreateAlias', { AliasName: 'app', TargetKeyId: key.KeyId })).message).toMatch(/^Alias must start with the prefix "alias\/"/);
    expect((await call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: key.KeyId })).status).toBe(200);
    expect((await call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: key.KeyId })).type).toBe('AlreadyExistsException');
    expect((await call('DescribeKey', { KeyId: 'alias/app' })).json.KeyMetadata.KeyId).toBe(key.KeyId);
    expect((await call('DescribeKey', { KeyId: 'arn:aws:kms:us-east-1:111122223333:alias/app' })).json.KeyMetadata.KeyId).toBe(key.KeyId);
    expect((await call('DescribeKey', { KeyId: 'alias/none' })).message).toBe('Alias arn:aws:kms:us-east-1:111122223333:alias/none is not found.');
    const l = await call('ListAliases', {});
    expect(l.json.Aliases).toEqual([expect.objectContaining({ AliasName: 'alias/app', TargetKeyId: key.KeyId })]);
  });
});
