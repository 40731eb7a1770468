/**
 * What the simulator knows of a caller beyond its policy reaches policies through sim.fetch:
 * principals' tags (aws:PrincipalTag/<k>, also as a ${} variable), their account's organization
 * (aws:PrincipalOrgID) and the request's network from playground headers (aws:SourceIp).
 */
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../../src/kms/index';

const ACCOUNT = '111122223333';
const ALICE = `arn:aws:iam::${ACCOUNT}:user/Alice`;
const BOB = `arn:aws:iam::${ACCOUNT}:user/Bob`;

const listKeysWhen = (condition: object) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:ListKeys', Resource: '*', Condition: condition }] });

function sim(condition: object, organizations?: Record<string, string>) {
  return createSimulator({
    seed: 1,
    accountId: ACCOUNT,
    organizations,
    principals: [
      { arn: ALICE, accessKeyId: 'AKIAALICE00000000001', tags: JSON.parse('{"team":"blue","__proto__":"kept"}') as Record<string, string>, policy: listKeysWhen(condition) }, // tags as a link carries them
      { arn: BOB, accessKeyId: 'AKIABOB0000000000001', tags: { team: 'red' }, policy: listKeysWhen(condition) },
    ],
  });
}

async function listKeys(s: ReturnType<typeof sim>, akid: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await s.fetch(
    new Request('https://kms.us-east-1.amazonaws.com/', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'TrentService.ListKeys',
        'X-Amz-Date': '20260101T000000Z',
        Authorization: `AWS4-HMAC-SHA256 Credential=${akid}/20260101/us-east-1/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00`,
        ...headers,
      },
      body: '{}',
    }),
  );
  return res.status;
}

describe("a caller's context in policies", () => {
  it('aws:PrincipalTag/<k> is the principal’s tag, and a tag named __proto__ is a tag', async () => {
    const s = sim({ StringEquals: { 'aws:PrincipalTag/team': 'blue' } });
    expect(await listKeys(s, 'AKIAALICE00000000001')).toBe(200);
    expect(await listKeys(s, 'AKIABOB0000000000001')).toBe(400);
    const proto = sim({ StringEquals: { 'aws:PrincipalTag/__proto__': 'kept' } });
    expect(await listKeys(proto, 'AKIAALICE00000000001')).toBe(200);
    expect(await listKeys(proto, 'AKIABOB0000000000001')).toBe(400);
  });

  it('${aws:PrincipalTag/team} expands to the caller’s tag', async () => {
    const s = sim({ StringEquals: { 'aws:PrincipalTag/team': '${aws:PrincipalTag/team}' }, StringLike: { 'aws:PrincipalArn': '*:user/${aws:username}' } });
    expect(await listKeys(s, 'AKIAALICE00000000001')).toBe(200);
  });

  it('aws:PrincipalOrgID is the organization of the caller’s account, absent when none is configured', async () => {
    const cond = { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } };
    expect(await listKeys(sim(cond, { [ACCOUNT]: 'o-a1b2c3d4e5' }), 'AKIAALICE00000000001')).toBe(200);
    expect(await listKeys(sim(cond, { '999999999999': 'o-a1b2c3d4e5' }), 'AKIAALICE00000000001')).toBe(400);
    expect(await listKeys(sim(cond), 'AKIAALICE00000000001')).toBe(400);
  });

  it('aws:SourceIp comes from x-playground-source-ip, and is absent without it', async () => {
    const s = sim({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } });
    expect(await listKeys(s, 'AKIAALICE00000000001', { 'x-playground-source-ip': '203.0.113.7' })).toBe(200);
    expect(await listKeys(s, 'AKIAALICE00000000001', { 'x-playground-source-ip': '198.51.100.1' })).toBe(400);
    expect(await listKeys(s, 'AKIAALICE00000000001')).toBe(400);
  });

  it('aws:SourceVpc comes from x-playground-source-vpc', async () => {
    const s = sim({ StringEquals: { 'aws:SourceVpc': 'vpc-1a2b3c4d' } });
    expect(await listKeys(s, 'AKIAALICE00000000001', { 'x-playground-source-vpc': 'vpc-1a2b3c4d' })).toBe(200);
    expect(await listKeys(s, 'AKIAALICE00000000001', { 'x-playground-source-vpc': 'vpc-other' })).toBe(400);
  });
});
