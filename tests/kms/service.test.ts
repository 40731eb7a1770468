/**
 * AWS service principals as callers (issue 3): grants to a GranteeServicePrincipal, their
 * SourceArn constraint checked against the request's simulated aws:SourceArn, key policy
 * statements naming a Service, aws:SourceArn / aws:SourceAccount / kms:ViaService conditions,
 * the RetiringServicePrincipal, and that an ordinary caller cannot pose as a service.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createSimulator, type Decision, type PrincipalConfig } from '../../src/kms/index';
import { authorization, amzDate } from '../../src/scenario/sigv4';

const ACCOUNT = '111122223333';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:user/Admin`;
const LOGS = 'logs.amazonaws.com';
const DYNAMO = 'dynamodb.amazonaws.com';
const GROUP = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:app`;
const OTHER_GROUP = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:other`;
const START = Date.UTC(2026, 0, 1);
const ALLOW_KMS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };

const PRINCIPALS: PrincipalConfig[] = [
  { arn: APP, accessKeyId: 'AKIAAPP0000000000000' },
  { arn: ADMIN, accessKeyId: 'AKIAADMIN00000000000', secretAccessKey: 'admin-secret', policy: ALLOW_KMS },
  { arn: LOGS, accessKeyId: 'AKIALOGS000000000000' },
  { arn: DYNAMO, accessKeyId: 'AKIADYNAMO0000000000' },
];

interface CallOptions {
  as?: string;
  sourceArn?: string;
  sourceAccount?: string;
  viaService?: string;
  host?: number;
}

function setup(opts: { principals?: PrincipalConfig[]; propagation?: { minMs: number; maxMs: number } } = {}) {
  const principals = opts.principals ?? PRINCIPALS;
  const sim = createSimulator({ seed: 3, accountId: ACCOUNT, startTime: START, propagation: opts.propagation ?? { minMs: 0, maxMs: 0 }, principals });
  async function call(target: string, body: unknown, o: CallOptions = {}) {
    const url = 'https://kms.us-east-1.amazonaws.com/';
    const text = JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${target}` };
    const p = o.as === undefined ? undefined : principals.find((x) => x.arn === o.as);
    if (o.as !== undefined && !p) throw new Error(`no principal ${o.as}`);
    if (p) {
      headers['x-amz-date'] = amzDate(sim.clock.now());
      headers.authorization = await authorization({
        method: 'POST',
        url,
        headers,
        body: text,
        region: 'us-east-1',
        service: 'kms',
        accessKeyId: p.accessKeyId,
        secretAccessKey: p.secretAccessKey,
        date: headers['x-amz-date'],
      });
    }
    if (o.sourceArn !== undefined) headers['x-playground-source-arn'] = o.sourceArn;
    if (o.sourceAccount !== undefined) headers['x-playground-source-account'] = o.sourceAccount;
    if (o.viaService !== undefined) headers['x-playground-via-service'] = o.viaService;
    if (o.host !== undefined) headers['x-playground-host'] = String(o.host);
    const res = await sim.fetch(new Request(url, { method: 'POST', headers, body: text }));
    const out = await res.text();
    const json = out ? JSON.parse(out) : undefined;
    const decision = sim.lastDecision as Decision;
    return { status: res.status, json, type: json?.__type as string | undefined, message: json?.message as string | undefined, decision };
  }
  async function key(body: Record<string, unknown> = {}): Promise<string> {
    const r = await call('CreateKey', body);
    expect(r.status).toBe(200);
    return r.json.KeyMetadata.Arn;
  }
  async function serviceGrant(keyArn: string, extra: Record<string, unknown> = {}) {
    const r = await call('CreateGrant', {
      KeyId: keyArn,
      GranteeServicePrincipal: LOGS,
      RetiringServicePrincipal: LOGS,
      Operations: ['Encrypt', 'Decrypt', 'DescribeKey', 'GenerateDataKey'],
      Constraints: { SourceArn: GROUP },
      ...extra,
    });
    expect(r.status).toBe(200);
    return r.json as { GrantId: string; GrantToken: string };
  }
  return { sim, call, key, serviceGrant };
}

function policy(statements: object[]): string {
  const admin = { Sid: 'Root', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' };
  return JSON.stringify({ Version: '2012-10-17', Statement: [admin, ...statements] });
}

describe('a grant to a service principal', () => {
  it('lets the service use the grant when its request carries the grant\'s source ARN', async () => {
    const { call, key, serviceGrant } = setup();
    const k = await key();
    const g = await serviceGrant(k);
    const r = await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=' }, { as: LOGS, sourceArn: GROUP });
    expect(r.status).toBe(200);
    expect(r.decision.allowed).toBe(true);
    expect(r.decision.via).toEqual({ kind: 'grant', grantId: g.GrantId });
    expect(r.decision.summary).toContain(LOGS);
  });

  it('denies the service when the request comes from another source ARN, naming both ARNs', async () => {
    const { call, key, serviceGrant } = setup();
    const k = await key();
    await serviceGrant(k);
    const r = await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=' }, { as: LOGS, sourceArn: OTHER_GROUP });
    expect(r.status).toBe(400);
    expect(r.type).toBe('AccessDeniedException');
    expect(r.message).toBe(`User: ${LOGS} is not authorized to perform: kms:Encrypt on resource: ${k} because no resource-based policy allows the kms:Encrypt action`);
    expect(r.decision.allowed).toBe(false);
    expect(r.decision.summary).toContain(`requires SourceArn ${GROUP}`);
    expect(r.decision.summary).toContain(`the request came from ${OTHER_GROUP}`);
  });

  it('denies the service when its request carries no source ARN at all', async () => {
    const { call, key, serviceGrant } = setup();
    const k = await key();
    await serviceGrant(k);
    const r = await call('GenerateDataKey', { KeyId: k, KeySpec: 'AES_256' }, { as: LOGS });
    expect(r.type).toBe('AccessDeniedException');
    expect(r.decision.summary).toContain('carried no source ARN');
  });

  it('checks SourceArn on DescribeKey only when the request specifies one', async () => {
    const { call, key, serviceGrant } = setup();
    const k = await key();
    await serviceGrant(k);
    expect((await call('DescribeKey', { KeyId: k }, { as: LOGS })).status).toBe(200);
    expect((await call('DescribeKey', { KeyId: k }, { as: LOGS, sourceArn: GROUP })).status).toBe(200);
    expect((await call('DescribeKey', { KeyId: k }, { as: LOGS, sourceArn: OTHER_GROUP })).type).toBe('AccessDeniedException');
  });

  it('does not let another service use it, whatever source ARN it sends', async () => {
    const { call, key, serviceGrant } = setup();
    const k = await key();
    await serviceGrant(k);
    const r = await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=' }, { as: DYNAMO, sourceArn: GROUP });
    expect(r.type).toBe('AccessDeniedException');
    expect(r.decision.summary).toContain(DYNAMO);
  });

  it('keeps its SourceArn constraint when the service presents the grant token before the grant arrives', async () => {
    const { call, key, serviceGrant } = setup({ propagation: { minMs: 60_000, maxMs: 60_000 } });
    const k = await key();
    const g = await serviceGrant(k);
    const ok = await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=', GrantTokens: [g.GrantToken] }, { as: LOGS, sourceArn: GROUP });
    expect(ok.status).toBe(200);
    expect(ok.decision.via).toEqual({ kind: 'grant-token', grantId: g.GrantId });
    const bad = await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=', GrantTokens: [g.GrantToken] }, { as: LOGS, sourceArn: OTHER_GROUP });
    expect(bad.type).toBe('AccessDeniedException');
    expect(bad.decision.summary).toContain(`requires SourceArn ${GROUP}`);
  });

  it('checks SourceArn on a legacy grant that names the service as GranteePrincipal', async () => {
    const { call, key } = setup();
    const k = await key();
    const g = await call('CreateGrant', { KeyId: k, GranteePrincipal: LOGS, Operations: ['Encrypt'], Constraints: { SourceArn: GROUP } });
    expect(g.status).toBe(200);
    expect((await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=' }, { as: LOGS, sourceArn: GROUP })).status).toBe(200);
    expect((await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=' }, { as: LOGS, sourceArn: OTHER_GROUP })).type).toBe('AccessDeniedException');
  });

  it('does not evaluate SourceArn when an IAM principal uses a grant it is the grantee of', async () => {
    // "only evaluated when the request is made by an AWS service" (docs/sources.md, Grants)
    const { call, key } = setup();
    const k = await key();
    await call('CreateGrant', { KeyId: k, GranteePrincipal: APP, Operations: ['Encrypt'], Constraints: { SourceArn: GROUP } });
    const r = await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=' }, { as: APP });
    expect(r.status).toBe(200);
    expect(r.decision.via.kind).toBe('grant');
  });

  it('may be retired by its retiring service principal, and not by another service', async () => {
    const { call, key, serviceGrant } = setup();
    const k = await key();
    const g = await serviceGrant(k);
    const other = await call('RetireGrant', { KeyId: k, GrantId: g.GrantId }, { as: DYNAMO, sourceArn: GROUP });
    expect(other.type).toBe('AccessDeniedException');
    const r = await call('RetireGrant', { KeyId: k, GrantId: g.GrantId }, { as: LOGS });
    expect(r.status).toBe(200);
    expect(r.decision.via).toEqual({ kind: 'retiring-principal', grantId: g.GrantId });
    const listed = await call('ListGrants', { KeyId: k });
    expect(listed.json.Grants).toHaveLength(0);
  });

  it('records the service as the caller of the request event', async () => {
    const { sim, call, key, serviceGrant } = setup();
    const k = await key();
    await serviceGrant(k);
    await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=' }, { as: LOGS, sourceArn: GROUP });
    const last = sim.events.filter((e) => e.type === '@kms.request').at(-1);
    expect(last).toMatchObject({ operation: 'Encrypt', caller: LOGS, status: 200 });
  });
});

describe('key policies and service callers', () => {
  it('a statement with Principal {"Service": ...} allows that service, and no other caller', async () => {
    const { call, key } = setup();
    const k = await key({
      Policy: policy([{ Sid: 'Logs', Effect: 'Allow', Principal: { Service: LOGS }, Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' }]),
    });
    const r = await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=' }, { as: LOGS });
    expect(r.status).toBe(200);
    expect(r.decision.via).toEqual({ kind: 'key-policy', sid: 'Logs', statement: 1 });
    expect((await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=' }, { as: DYNAMO })).type).toBe('AccessDeniedException');
    expect((await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=' }, { as: APP })).type).toBe('AccessDeniedException');
  });

  it('an account principal does not match a service (a service belongs to no account)', async () => {
    const { call, key } = setup();
    const k = await key();
    const r = await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=' }, { as: LOGS, sourceArn: GROUP });
    expect(r.type).toBe('AccessDeniedException');
    expect(r.decision.summary).toContain(`no key policy statement allows ${LOGS}`);
  });

  it('evaluates aws:SourceArn and aws:SourceAccount conditions from the request context', async () => {
    const { call, key } = setup();
    const k = await key({
      Policy: policy([
        {
          Sid: 'LogsForAppGroups',
          Effect: 'Allow',
          Principal: { Service: LOGS },
          Action: 'kms:Encrypt',
          Resource: '*',
          Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:app*` }, StringEquals: { 'aws:SourceAccount': ACCOUNT } },
        },
      ]),
    });
    const enc = (o: CallOptions) => call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=' }, { as: LOGS, ...o });
    // the source account defaults to the account in the source ARN
    expect((await enc({ sourceArn: GROUP })).status).toBe(200);
    const other = await enc({ sourceArn: OTHER_GROUP });
    expect(other.type).toBe('AccessDeniedException');
    expect(other.decision.notes.join('\n')).toContain('aws:SourceArn');
    const noArn = await enc({});
    expect(noArn.type).toBe('AccessDeniedException');
    expect(noArn.decision.notes.join('\n')).toContain('not present');
    const wrongAccount = await enc({ sourceArn: GROUP, sourceAccount: '444455556666' });
    expect(wrongAccount.type).toBe('AccessDeniedException');
    expect(wrongAccount.decision.notes.join('\n')).toContain('aws:SourceAccount');
  });

  it('evaluates kms:ViaService from x-playground-via-service, for any caller', async () => {
    const viaEc2 = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } } }, { Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' }],
    };
    const { call, key } = setup({ principals: [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000', policy: viaEc2 }] });
    const k = await key();
    const ct = await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=' }, { as: APP });
    expect(ct.status).toBe(200);
    const direct = await call('Decrypt', { CiphertextBlob: ct.json.CiphertextBlob }, { as: APP });
    expect(direct.type).toBe('AccessDeniedException');
    expect(direct.decision.notes.join('\n')).toContain('kms:ViaService');
    const viaS3 = await call('Decrypt', { CiphertextBlob: ct.json.CiphertextBlob }, { as: APP, viaService: 's3.us-east-1.amazonaws.com' });
    expect(viaS3.type).toBe('AccessDeniedException');
    const viaEc2Call = await call('Decrypt', { CiphertextBlob: ct.json.CiphertextBlob }, { as: APP, viaService: 'ec2.us-east-1.amazonaws.com' });
    expect(viaEc2Call.status).toBe(200);
  });

  it('sets kms:GrantIsForAWSResource when the CreateGrant comes through a service', async () => {
    const onlyForAws = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'kms:CreateGrant', Resource: '*', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }],
    };
    const { call, key } = setup({ principals: [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000', policy: onlyForAws }] });
    const k = await key();
    const body = { KeyId: k, GranteePrincipal: APP, Operations: ['Decrypt'] };
    expect((await call('CreateGrant', body, { as: APP })).type).toBe('AccessDeniedException');
    expect((await call('CreateGrant', body, { as: APP, viaService: 'ebs.us-east-1.amazonaws.com' })).status).toBe(200);
  });
});

describe('ordinary callers cannot pose as a service', () => {
  const groupOnly = policy([
    {
      Sid: 'OnlyForTheGroup',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:Encrypt',
      Resource: '*',
      Condition: { ArnEquals: { 'aws:SourceArn': GROUP } },
    },
  ]);

  it('ignores the source headers of a SigV4-signed IAM user, and the decision says so', async () => {
    const { call, key, serviceGrant } = setup();
    const k = await key({ Policy: groupOnly });
    await serviceGrant(k);
    const r = await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=' }, { as: APP, sourceArn: GROUP, sourceAccount: ACCOUNT });
    expect(r.type).toBe('AccessDeniedException');
    const notes = r.decision.notes.join('\n');
    expect(notes).toContain('x-playground-source-arn header was ignored');
    expect(notes).toContain('x-playground-source-account header was ignored');
    // ADMIN has a secret: its SigV4 signature is verified, so this really is ADMIN calling
    const signed = await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=' }, { as: ADMIN, sourceArn: GROUP });
    // ADMIN's IAM policy allows kms:* and the key policy trusts the account root: allowed by IAM, not by the source ARN
    expect(signed.status).toBe(200);
    expect(signed.decision.via.kind).toBe('identity-policy');
    expect(signed.decision.notes.join('\n')).toContain('ignored');
  });

  it('treats a request without an Authorization header as the account root, source headers or not', async () => {
    const { call, key } = setup();
    const k = await key({ Policy: policy([]).replace(`"AWS":"${ROOT}"`, `"AWS":"${APP}"`), BypassPolicyLockoutSafetyCheck: true });
    const r = await call('Encrypt', { KeyId: k, Plaintext: 'aGVsbG8=' }, { sourceArn: GROUP });
    expect(r.type).toBe('AccessDeniedException');
    expect(r.message).toContain(`User: ${ROOT} `);
    expect(r.decision.notes.join('\n')).toContain('ignored');
  });

  it('refuses an IAM identity policy on a service principal', () => {
    expect(() => createSimulator({ principals: [{ arn: LOGS, accessKeyId: 'AKIALOGS000000000000', policy: ALLOW_KMS }] })).toThrow(/service principal/);
  });

  it('engine.run takes the same request context as the headers', async () => {
    const { sim, key, serviceGrant } = setup();
    const k = await key();
    await serviceGrant(k);
    const engine = (sim as unknown as { engine: import('../../src/kms/index').Engine }).engine;
    const ok = await engine.run('DescribeKey', { KeyId: k }, { caller: LOGS, sourceArn: GROUP });
    expect(ok.ok).toBe(true);
    const bad = await engine.run('DescribeKey', { KeyId: k }, { caller: LOGS, sourceArn: OTHER_GROUP });
    expect(bad.ok).toBe(false);
  });
});

describe('SourceArn is never bypassed (property)', () => {
  it('a service uses a SourceArn grant, by grant or token, only when its source ARN equals the constraint', async () => {
    const arns = [GROUP, OTHER_GROUP, GROUP.replace(':app', ':App'), `${GROUP}/`];
    const ops = ['Encrypt', 'DescribeKey', 'GenerateDataKey'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...arns),
        fc.option(fc.constantFrom(...arns), { nil: undefined }),
        fc.constantFrom(...ops),
        fc.boolean(),
        fc.boolean(),
        async (constraint, sent, op, withToken, settled) => {
          const { sim, call, key } = setup({ propagation: { minMs: 10_000, maxMs: 10_000 } });
          const k = await key();
          const g = await call('CreateGrant', { KeyId: k, GranteeServicePrincipal: LOGS, RetiringServicePrincipal: LOGS, Operations: [...ops], Constraints: { SourceArn: constraint } });
          expect(g.status).toBe(200);
          if (settled) sim.clock.settle();
          const body: Record<string, unknown> = op === 'Encrypt' ? { KeyId: k, Plaintext: 'aGVsbG8=' } : op === 'GenerateDataKey' ? { KeyId: k, KeySpec: 'AES_256' } : { KeyId: k };
          if (withToken) body.GrantTokens = [g.json.GrantToken];
          const r = await call(op, body, { as: LOGS, sourceArn: sent });
          const reachable = settled || withToken;
          // DescribeKey checks SourceArn only "when specified in the request"
          const arnOk = sent === constraint || (op === 'DescribeKey' && sent === undefined);
          expect(r.status === 200, `${op} from ${sent} against ${constraint}, token ${withToken}, settled ${settled}`).toBe(reachable && arnOk);
        },
      ),
      { numRuns: 80 },
    );
  });
});
