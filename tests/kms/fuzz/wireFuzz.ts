/**
 * Wire fuzzing shared by the property tests and `npm run fuzz`: random and mutated requests
 * (valid bodies with one member broken, wrong types, huge strings, deep nesting, unicode,
 * duplicate keys, random targets and headers) sent through sim.fetch. Every response must be a
 * well-formed AWS answer, nothing may throw, no 500 may appear (the playground models no
 * faults), and the world's invariants must hold afterwards.
 */
import fc from 'fast-check';
import { checkInvariants, createSimulator, SUPPORTED_OPERATIONS } from '../../../src/kms/index';
import { OPERATION_NAMES } from '../../../src/kms/model/shapes.generated';

/** errors KMS sends with no message member (InvalidCiphertextException ...; SerializationException for a scalar body, as in the raw body `{"__type":"SerializationException"}` recorded from AWS (docs/sources.md, Wire protocol)) */
const MESSAGELESS: ReadonlySet<string> = new Set(['InvalidCiphertextException', 'KMSInvalidSignatureException', 'KMSInvalidMacException', 'SerializationException']);

export const PRINCIPALS = [
  { arn: 'arn:aws:iam::111122223333:role/App', accessKeyId: 'AKIAFUZZAPP000000000' },
  { arn: 'arn:aws:iam::111122223333:user/Admin', accessKeyId: 'AKIAFUZZADMIN0000000', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] } },
  { arn: 'arn:aws:iam::444455556666:root', accessKeyId: 'AKIAFUZZOTHER0000000' },
];

export interface Pool {
  keys: string[];
  grants: { keyId: string; grantId: string; token: string }[];
}

const evil = fc.constantFrom('', ' ', 'alias/', 'arn:aws:kms:us-east-1:111122223333:key/', '\u0000', '\ud800', '😀'.repeat(50), '<script>alert(1)</script>', '../../etc', 'x'.repeat(5000), '{}', 'null', '-1', '1e999');
const scalar = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), evil);
export const jsonValue = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('v'), { maxKeys: 4 })),
})).v;

function deep(n: number): string {
  return '['.repeat(n) + ']'.repeat(n);
}

export type Mutation = { target: string; body: string; headers?: Record<string, string> };

/** a request built from the pool, possibly broken */
export function requestArb(pool: Pool): fc.Arbitrary<Mutation> {
  const keyId = fc.constantFrom(...(pool.keys.length ? pool.keys : ['1234abcd-12ab-34cd-56ef-1234567890ab']));
  const grantRef = pool.grants.length ? fc.constantFrom(...pool.grants) : fc.constant({ keyId: 'x', grantId: 'f'.repeat(64), token: 'AAAA' });
  const op = fc.constantFrom(...SUPPORTED_OPERATIONS);
  const valid = fc.tuple(op, keyId, grantRef, fc.constantFrom(...PRINCIPALS.map((p) => p.arn)), fc.subarray(['Encrypt', 'Decrypt', 'DescribeKey', 'RetireGrant', 'CreateGrant', 'GenerateDataKey', 'Sign'], { minLength: 1 })).map(([target, k, g, who, ops]) => {
    const body: Record<string, unknown> = { KeyId: k };
    switch (target) {
      case 'CreateGrant':
        Object.assign(body, { GranteePrincipal: who, Operations: ops, Name: 'n1' });
        break;
      case 'RetireGrant':
        delete body.KeyId;
        body.GrantToken = g.token;
        break;
      case 'RevokeGrant':
        Object.assign(body, { KeyId: g.keyId, GrantId: g.grantId });
        break;
      case 'ListRetirableGrants':
        delete body.KeyId;
        body.RetiringPrincipal = who;
        break;
      case 'Encrypt':
        body.Plaintext = 'aGVsbG8=';
        break;
      case 'GenerateRandom':
        delete body.KeyId;
        body.NumberOfBytes = 16;
        break;
      case 'CreateKey':
      case 'ListKeys':
      case 'ListAliases':
        delete body.KeyId;
        break;
      case 'CreateAlias':
        Object.assign(body, { AliasName: 'alias/fuzz', TargetKeyId: k });
        delete body.KeyId;
        break;
      case 'ScheduleKeyDeletion':
        body.PendingWindowInDays = 7;
        break;
    }
    return { target, body };
  });
  const mutated = fc.tuple(valid, fc.nat(), fc.option(jsonValue, { nil: undefined }), fc.boolean()).map(([{ target, body }, pick, value, drop]) => {
    const keys = Object.keys(body);
    if (keys.length) {
      const k = keys[pick % keys.length];
      if (drop) delete body[k];
      else body[k] = value;
    }
    return { target, body: JSON.stringify(body) };
  });
  const wild = fc.oneof(
    fc.tuple(fc.oneof(fc.constantFrom(...OPERATION_NAMES), fc.string()), jsonValue).map(([t, v]) => ({ target: t, body: JSON.stringify(v) ?? '' })),
    fc.tuple(op, fc.string()).map(([t, s]) => ({ target: t, body: s })),
    fc.tuple(op, fc.integer({ min: 10, max: 5000 })).map(([t, n]) => ({ target: t, body: deep(n) })),
    fc.tuple(op, keyId).map(([t, k]) => ({ target: t, body: `{"KeyId":"${k}","KeyId":"alias/dup","Limit":1,"Limit":"x"}` })),
    fc.tuple(op, fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 }), { maxKeys: 5 })).map(([t, headers]) => ({ target: t, body: '{}', headers })),
  );
  return fc.oneof({ weight: 4, arbitrary: valid.map(({ target, body }) => ({ target, body: JSON.stringify(body) })) }, { weight: 4, arbitrary: mutated }, { weight: 2, arbitrary: wild });
}

export async function newFuzzSim(seed: number) {
  const sim = createSimulator({ seed, principals: PRINCIPALS, propagation: { minMs: 0, maxMs: 20_000 } });
  const pool: Pool = { keys: [], grants: [] };
  for (let i = 0; i < 2; i++) {
    const r = (await sim.engine.run('CreateKey', {})) as { ok: true; output: { KeyMetadata: { KeyId: string } } };
    pool.keys.push(r.output.KeyMetadata.KeyId);
  }
  for (const keyId of pool.keys) {
    const r = sim.engine.run('CreateGrant', { KeyId: keyId, GranteePrincipal: PRINCIPALS[0].arn, Operations: ['Encrypt', 'Decrypt', 'RetireGrant'] }) as { ok: true; output: { GrantId: string; GrantToken: string } };
    pool.grants.push({ keyId, grantId: r.output.GrantId, token: r.output.GrantToken });
  }
  return { sim, pool };
}

/** sends one request and returns a list of problems with the answer (empty when well-formed) */
export async function sendAndCheck(sim: ReturnType<typeof createSimulator>, m: Mutation, caller: number): Promise<string[]> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-amz-json-1.1', ...(m.headers ?? {}), 'X-Amz-Target': `TrentService.${m.target}` };
  const p = PRINCIPALS[caller % (PRINCIPALS.length + 1)];
  if (p) {
    headers.Authorization = `AWS4-HMAC-SHA256 Credential=${p.accessKeyId}/20260101/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`;
    headers['X-Amz-Date'] = '20260101T000000Z';
  }
  let req: Request;
  try {
    req = new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers, body: m.body });
  } catch {
    return []; // the header set itself is not valid HTTP: nothing reaches the simulator
  }
  const problems: string[] = [];
  const res = await sim.fetch(req);
  const text = await res.text();
  if (![200, 400, 413].includes(res.status)) problems.push(`status ${res.status}`);
  if (res.headers.get('content-type') !== 'application/x-amz-json-1.1') problems.push('content type');
  if (!res.headers.get('x-amzn-requestid')) problems.push('no request id');
  if (res.status !== 200 || text !== '') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      problems.push(`body is not JSON: ${text.slice(0, 80)}`);
    }
    if (res.status !== 200) {
      const j = json as { __type?: unknown; message?: unknown };
      if (typeof j?.__type !== 'string' || (typeof j.message !== 'string' && !(j.message === undefined && MESSAGELESS.has(j.__type)))) problems.push(`malformed error ${text.slice(0, 120)}`);
      if (j?.__type === 'KMSInternalException') problems.push(`internal error: ${String(j.message)}`);
    } else if (typeof json !== 'object' || json === null || Array.isArray(json)) problems.push('success body is not an object');
  }
  return problems;
}

export function invariantsOf(sim: ReturnType<typeof createSimulator>): string[] {
  return checkInvariants(sim.engine.world);
}
