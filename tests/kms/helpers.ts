import { createSimulator, type SimulatorOptions } from '../../src/kms/index';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
export const APP_ROLE = `arn:aws:iam::${ACCOUNT}:role/AppRole`;
export const ADMIN = `arn:aws:iam::${ACCOUNT}:user/Admin`;
export const AUDITOR = `arn:aws:iam::${ACCOUNT}:role/Auditor`;
export const OTHER_ROOT = `arn:aws:iam::${OTHER_ACCOUNT}:root`;
export const OTHER_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/Partner`;

export const PRINCIPALS = [
  { arn: ROOT, accessKeyId: 'AKIAROOT0000000000000' },
  { arn: APP_ROLE, accessKeyId: 'AKIAAPPROLE000000000' },
  {
    arn: ADMIN,
    accessKeyId: 'AKIAADMIN00000000000',
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] },
  },
  { arn: AUDITOR, accessKeyId: 'AKIAAUDITOR000000000' },
  { arn: OTHER_ROOT, accessKeyId: 'AKIAOTHERROOT0000000' },
  { arn: OTHER_ROLE, accessKeyId: 'AKIAOTHERROLE0000000' },
];

export function makeSim(opts: SimulatorOptions = {}) {
  const sim = createSimulator({
    seed: 7,
    region: 'us-east-1',
    accountId: ACCOUNT,
    startTime: Date.UTC(2026, 0, 1),
    propagation: { minMs: 0, maxMs: 0 },
    principals: PRINCIPALS,
    ...opts,
  });
  const keyOf = (arn?: string) => (arn ? (opts.principals ?? PRINCIPALS).find((p) => p.arn === arn)?.accessKeyId : undefined);

  async function call(target: string, body: unknown, o: { as?: string; host?: number; region?: string; raw?: string } = {}) {
    const region = o.region ?? 'us-east-1';
    const headers: Record<string, string> = { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` };
    const akid = keyOf(o.as);
    if (o.as && !akid) throw new Error(`no principal ${o.as}`);
    if (akid) headers.Authorization = `AWS4-HMAC-SHA256 Credential=${akid}/20260101/${region}/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00`;
    if (akid) headers['X-Amz-Date'] = '20260101T000000Z';
    if (o.host !== undefined) headers['x-playground-host'] = String(o.host);
    const res = await sim.fetch(new Request(`https://kms.${region}.amazonaws.com/`, { method: 'POST', headers, body: o.raw ?? JSON.stringify(body) }));
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    return { status: res.status, json, text, headers: res.headers, type: json?.__type as string | undefined, message: json?.message as string | undefined };
  }

  async function createKey(body: Record<string, unknown> = {}, as?: string): Promise<{ KeyId: string; Arn: string }> {
    const r = await call('CreateKey', body, { as });
    if (r.status !== 200) throw new Error(`CreateKey failed: ${r.text}`);
    return r.json.KeyMetadata;
  }

  return { sim, call, createKey };
}
