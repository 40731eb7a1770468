/**
 * The independent review's harness: the public contract only (createSimulator + sim.fetch),
 * every caller with a secret key so each request carries a real SigV4 signature that the
 * simulator verifies (src/scenario/sigv4.ts signs exactly as the SDKs do).
 */
import { createSimulator, type SimulatorOptions } from '../../../src/kms/index';
import { amzDate, authorization } from '../../../src/scenario/sigv4';

export const ACCOUNT = '111122223333';
export const OTHER = '444455556666';
export const REGION = 'us-east-1';
export const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
export const OTHER_ROOT = `arn:aws:iam::${OTHER}:root`;
/** no IAM policy: under the default key policy it may do nothing but what grants give it */
export const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
export const AUDITOR = `arn:aws:iam::${ACCOUNT}:role/Auditor`;
/** kms:* in IAM */
export const ADMIN = `arn:aws:iam::${ACCOUNT}:user/Admin`;
export const PARTNER = `arn:aws:iam::${OTHER}:role/Partner`;
/** kms:* in IAM, with an explicit Deny on kms:RetireGrant */
export const NO_RETIRE = `arn:aws:iam::${ACCOUNT}:role/NoRetire`;

const ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };

export const PRINCIPALS = [
  { arn: ROOT, accessKeyId: 'AKIAREVIEWROOT000000', secretAccessKey: 'root-secret' },
  { arn: APP, accessKeyId: 'AKIAREVIEWAPP0000000', secretAccessKey: 'app-secret' },
  { arn: AUDITOR, accessKeyId: 'AKIAREVIEWAUDITOR000', secretAccessKey: 'auditor-secret' },
  { arn: ADMIN, accessKeyId: 'AKIAREVIEWADMIN00000', secretAccessKey: 'admin-secret', policy: ALL },
  { arn: OTHER_ROOT, accessKeyId: 'AKIAREVIEWOTHERROOT0', secretAccessKey: 'other-root-secret' },
  { arn: PARTNER, accessKeyId: 'AKIAREVIEWPARTNER000', secretAccessKey: 'partner-secret', policy: ALL },
  {
    arn: NO_RETIRE,
    accessKeyId: 'AKIAREVIEWNORETIRE00',
    secretAccessKey: 'no-retire-secret',
    policy: { Version: '2012-10-17', Statement: [...ALL.Statement, { Effect: 'Deny', Action: 'kms:RetireGrant', Resource: '*' }] },
  },
];

export interface Answer {
  status: number;
  json: any;
  text: string;
  headers: Headers;
  type?: string;
  message?: string;
}

export function review(opts: SimulatorOptions = {}) {
  const sim = createSimulator({
    seed: 2026,
    region: REGION,
    accountId: ACCOUNT,
    startTime: Date.UTC(2026, 5, 1),
    propagation: { minMs: 0, maxMs: 0 },
    principals: PRINCIPALS,
    ...opts,
  });

  /** a signed request as `as` (the account root when absent) */
  async function call(target: string, body: unknown, o: { as?: string; region?: string; host?: number } = {}): Promise<Answer> {
    const region = o.region ?? REGION;
    const p = PRINCIPALS.find((x) => x.arn === (o.as ?? ROOT));
    if (!p) throw new Error(`no principal ${o.as}`);
    const url = `https://kms.${region}.amazonaws.com/`;
    const text = JSON.stringify(body);
    const headers: Record<string, string> = {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-date': amzDate(sim.clock.now()),
      'x-amz-target': `TrentService.${target}`,
    };
    headers.authorization = await authorization({
      method: 'POST',
      url,
      headers,
      body: text,
      region,
      service: 'kms',
      accessKeyId: p.accessKeyId,
      secretAccessKey: p.secretAccessKey,
      date: headers['x-amz-date'],
    });
    if (o.host !== undefined) headers['x-playground-host'] = String(o.host);
    const res = await sim.fetch(new Request(url, { method: 'POST', headers, body: text }));
    const out = await res.text();
    const json = out ? JSON.parse(out) : undefined;
    return { status: res.status, json, text: out, headers: res.headers, type: json?.__type, message: json?.message };
  }

  async function ok(target: string, body: unknown, o: { as?: string; region?: string; host?: number } = {}): Promise<any> {
    const r = await call(target, body, o);
    if (r.status !== 200) throw new Error(`${target} ${JSON.stringify(body)} answered ${r.status} ${r.text}`);
    return r.json;
  }

  async function key(body: Record<string, unknown> = {}, as?: string): Promise<{ KeyId: string; Arn: string }> {
    return (await ok('CreateKey', body, { as })).KeyMetadata;
  }

  return { sim, call, ok, key };
}

/** [status, __type, message]: the triple the recordings fix */
export const err = (r: Answer) => [r.status, r.type, r.message];
export const DRY_RUN = 'The request would have succeeded, but the DryRun option is set.';
export const b64 = (s: string) => Buffer.from(s).toString('base64');
