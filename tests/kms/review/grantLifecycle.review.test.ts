/**
 * Independent review (docs/sources.md, Wire protocol and Grants): wire shapes of the grant
 * operations, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant, and grant tokens and
 * eventual consistency, with SigV4-signed requests through sim.fetch.
 */
import { describe, expect, it } from 'vitest';
import { ACCOUNT, ADMIN, APP, AUDITOR, DRY_RUN, NO_RETIRE, OTHER, PARTNER, REGION, ROOT, b64, err, review } from './harness';

const grant = (KeyId: string, extra: Record<string, unknown> = {}) => ({ KeyId, GranteePrincipal: APP, Operations: ['Decrypt', 'Encrypt'], ...extra });
const SERVICE = 'dynamodb.amazonaws.com';
const SOURCE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Orders`;

describe('wire shapes of the grant operations', () => {
  it('RetireGrant and RevokeGrant answer 200 with an empty body, Content-Length 0, the JSON content type and a request id', async () => {
    const r = review();
    const k = await r.key();
    const a = await r.ok('CreateGrant', grant(k.KeyId, { RetiringPrincipal: ADMIN }));
    const b = await r.ok('CreateGrant', grant(k.KeyId));
    for (const res of [await r.call('RetireGrant', { GrantToken: a.GrantToken }, { as: ADMIN }), await r.call('RevokeGrant', { KeyId: k.KeyId, GrantId: b.GrantId })]) {
      expect([res.status, res.text, res.headers.get('content-length')]).toEqual([200, '', '0']);
      expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    }
  });

  it('errors carry {"__type","message"}, status 400 and a request id', async () => {
    const r = review();
    const res = await r.call('ListGrants', { KeyId: 'nope' });
    expect(res.json).toEqual({ __type: 'NotFoundException', message: "Invalid keyId 'nope'" });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
  });
});

describe('ListGrants', () => {
  it('lists each entry with the documented members: key ARN, GrantId, Name "", CreationDate in epoch seconds, IssuingAccount, Operations', async () => {
    const r = review();
    const k = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId, { RetiringPrincipal: AUDITOR, Constraints: { EncryptionContextEquals: { Dept: 'IT' } } }));
    const l = await r.ok('ListGrants', { KeyId: k.Arn });
    expect(l).toEqual({
      Grants: [
        {
          KeyId: k.Arn,
          GrantId: g.GrantId,
          Name: '',
          CreationDate: r.sim.clock.now() / 1000,
          GranteePrincipal: APP,
          RetiringPrincipal: AUDITOR,
          IssuingAccount: ROOT,
          Operations: ['Decrypt', 'Encrypt'],
          Constraints: { EncryptionContextEquals: { Dept: 'IT' } },
        },
      ],
      Truncated: false,
    });
  });

  it('pages with Limit and opaque markers: every grant exactly once, NextMarker only while Truncated', async () => {
    const r = review();
    const k = await r.key();
    const made = new Set<string>();
    for (let i = 0; i < 7; i++) made.add((await r.ok('CreateGrant', grant(k.KeyId))).GrantId);
    const seen: string[] = [];
    let marker: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const p = await r.ok('ListGrants', { KeyId: k.KeyId, Limit: 3, ...(marker ? { Marker: marker } : {}) });
      expect(p.Grants.length).toBeLessThanOrEqual(3);
      seen.push(...p.Grants.map((g: { GrantId: string }) => g.GrantId));
      if (!p.Truncated) {
        expect('NextMarker' in p).toBe(false);
        break;
      }
      expect(typeof p.NextMarker).toBe('string');
      marker = p.NextMarker;
    }
    expect(seen.length).toBe(7);
    expect(new Set(seen)).toEqual(made);
  });

  it('defaults to 50 per page and accepts Limit 100; Limit 0 and 1001 are Coral range errors', async () => {
    const r = review();
    const k = await r.key();
    for (let i = 0; i < 51; i++) await r.ok('CreateGrant', grant(k.KeyId));
    const p = await r.ok('ListGrants', { KeyId: k.KeyId });
    expect([p.Grants.length, p.Truncated]).toEqual([50, true]);
    expect((await r.ok('ListGrants', { KeyId: k.KeyId, Limit: 100 })).Grants).toHaveLength(51);
    expect(err(await r.call('ListGrants', { KeyId: k.KeyId, Limit: 0 }))).toEqual([
      400,
      'ValidationException',
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ]);
    expect(err(await r.call('ListGrants', { KeyId: k.KeyId, Limit: 1001 }))).toEqual([
      400,
      'ValidationException',
      "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000",
    ]);
  });

  it('a marker from another key, or made up, is InvalidMarkerException', async () => {
    const r = review();
    const k = await r.key();
    const [g] = [await r.ok('CreateGrant', grant(k.KeyId)), await r.ok('CreateGrant', grant(k.KeyId))];
    const m = (await r.ok('ListGrants', { KeyId: k.KeyId, Limit: 1 })).NextMarker;
    expect(typeof m).toBe('string');
    expect(g.GrantId).toMatch(/^[0-9a-f]{64}$/);
    expect((await r.call('ListGrants', { KeyId: k.KeyId, Marker: 'made-up' })).type).toBe('InvalidMarkerException');
  });

  it('filters by GrantId, GranteePrincipal and GranteeServicePrincipal; both grantee filters together are refused', async () => {
    const r = review();
    const k = await r.key();
    const a = await r.ok('CreateGrant', grant(k.KeyId));
    const b = await r.ok('CreateGrant', grant(k.KeyId, { GranteePrincipal: AUDITOR }));
    const s = await r.ok('CreateGrant', { KeyId: k.KeyId, GranteeServicePrincipal: SERVICE, RetiringServicePrincipal: SERVICE, Operations: ['Decrypt'], Constraints: { SourceArn: SOURCE_ARN } });
    const ids = async (body: Record<string, unknown>) => (await r.ok('ListGrants', { KeyId: k.KeyId, ...body })).Grants.map((g: { GrantId: string }) => g.GrantId);
    expect(await ids({ GrantId: a.GrantId })).toEqual([a.GrantId]);
    expect(await ids({ GranteePrincipal: AUDITOR })).toEqual([b.GrantId]);
    expect(await ids({ GranteeServicePrincipal: SERVICE })).toEqual([s.GrantId]);
    expect(await ids({ GrantId: a.GrantId, GranteePrincipal: AUDITOR })).toEqual([]);
    expect((await r.call('ListGrants', { KeyId: k.KeyId, GranteePrincipal: APP, GranteeServicePrincipal: SERVICE })).type).toBe('ValidationException');
  });

  it('a GrantId filter of a grant on another key lists nothing', async () => {
    const r = review();
    const k1 = await r.key();
    const k2 = await r.key();
    const g = await r.ok('CreateGrant', grant(k1.KeyId));
    expect((await r.ok('ListGrants', { KeyId: k2.KeyId, GrantId: g.GrantId })).Grants).toEqual([]);
  });

  it('retired and revoked grants are not listed', async () => {
    const r = review();
    const k = await r.key();
    const a = await r.ok('CreateGrant', grant(k.KeyId, { RetiringPrincipal: AUDITOR }));
    const b = await r.ok('CreateGrant', grant(k.KeyId));
    const c = await r.ok('CreateGrant', grant(k.KeyId));
    await r.ok('RetireGrant', { GrantToken: a.GrantToken }, { as: AUDITOR });
    await r.ok('RevokeGrant', { KeyId: k.KeyId, GrantId: b.GrantId });
    expect((await r.ok('ListGrants', { KeyId: k.KeyId })).Grants.map((g: { GrantId: string }) => g.GrantId)).toEqual([c.GrantId]);
  });

  it('needs kms:ListGrants: a principal without it is denied, one with it in IAM is allowed', async () => {
    const r = review();
    const k = await r.key();
    const denied = await r.call('ListGrants', { KeyId: k.KeyId }, { as: APP });
    expect(err(denied)).toEqual([
      400,
      'AccessDeniedException',
      `User: ${APP} is not authorized to perform: kms:ListGrants on resource: ${k.Arn} because no identity-based policy allows the kms:ListGrants action`,
    ]);
    expect((await r.call('ListGrants', { KeyId: k.KeyId }, { as: ADMIN })).status).toBe(200);
  });
});

describe('ListRetirableGrants', () => {
  it('lists grants whose retiring principal is given, across keys, including grants another account issued on its own key', async () => {
    const r = review();
    const mine = await r.key();
    const theirs = await r.key({}, PARTNER);
    const a = await r.ok('CreateGrant', grant(mine.KeyId, { RetiringPrincipal: AUDITOR }));
    await r.ok('CreateGrant', grant(mine.KeyId, { RetiringPrincipal: ADMIN }));
    const c = await r.ok('CreateGrant', { KeyId: theirs.KeyId, GranteePrincipal: AUDITOR, RetiringPrincipal: AUDITOR, Operations: ['Decrypt'] }, { as: PARTNER });
    const l = await r.ok('ListRetirableGrants', { RetiringPrincipal: AUDITOR });
    expect(l.Truncated).toBe(false);
    const byId = Object.fromEntries(l.Grants.map((g: { GrantId: string }) => [g.GrantId, g]));
    expect(Object.keys(byId).sort()).toEqual([a.GrantId, c.GrantId].sort());
    expect(byId[c.GrantId].IssuingAccount).toBe(`arn:aws:iam::${OTHER}:root`);
    expect(byId[c.GrantId].KeyId).toBe(theirs.Arn);
  });

  it('lists only grants of the caller\'s region', async () => {
    const r = review();
    const east = await r.key();
    await r.ok('CreateGrant', grant(east.KeyId, { RetiringPrincipal: AUDITOR }));
    const west = (await r.ok('CreateKey', {}, { region: 'us-west-2' })).KeyMetadata;
    await r.ok('CreateGrant', grant(west.KeyId, { RetiringPrincipal: AUDITOR }), { region: 'us-west-2' });
    expect((await r.ok('ListRetirableGrants', { RetiringPrincipal: AUDITOR })).Grants).toHaveLength(1);
    expect((await r.ok('ListRetirableGrants', { RetiringPrincipal: AUDITOR }, { region: 'us-west-2' })).Grants[0].KeyId).toBe(west.Arn);
  });

  it('needs kms:ListRetirableGrants in IAM and a principal of the caller\'s account', async () => {
    const r = review();
    expect((await r.call('ListRetirableGrants', { RetiringPrincipal: APP }, { as: APP })).type).toBe('AccessDeniedException');
    expect((await r.call('ListRetirableGrants', { RetiringPrincipal: APP }, { as: ADMIN })).status).toBe(200);
    expect((await r.call('ListRetirableGrants', { RetiringPrincipal: PARTNER }, { as: ADMIN })).type).toBe('AccessDeniedException');
  });

  it('pages with Limit and Marker and refuses Limit 0 with the Coral message', async () => {
    const r = review();
    const k = await r.key();
    for (let i = 0; i < 3; i++) await r.ok('CreateGrant', grant(k.KeyId, { RetiringPrincipal: AUDITOR }));
    const p1 = await r.ok('ListRetirableGrants', { RetiringPrincipal: AUDITOR, Limit: 2 });
    expect([p1.Grants.length, p1.Truncated]).toEqual([2, true]);
    const p2 = await r.ok('ListRetirableGrants', { RetiringPrincipal: AUDITOR, Limit: 2, Marker: p1.NextMarker });
    expect([p2.Grants.length, p2.Truncated]).toEqual([1, false]);
    expect((await r.call('ListRetirableGrants', { RetiringPrincipal: AUDITOR, Limit: 0 })).message).toBe(
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  it('refuses a request with neither or both retiring members', async () => {
    const r = review();
    expect((await r.call('ListRetirableGrants', {})).type).toBe('ValidationException');
    expect((await r.call('ListRetirableGrants', { RetiringPrincipal: APP, RetiringServicePrincipal: SERVICE })).type).toBe('ValidationException');
  });
});

describe('RetireGrant', () => {
  it('the retiring principal retires by token, even before the grant has reached any host', async () => {
    const r = review({ propagation: { minMs: 300_000, maxMs: 300_000 } });
    const k = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId, { RetiringPrincipal: AUDITOR }));
    const res = await r.call('RetireGrant', { GrantToken: g.GrantToken }, { as: AUDITOR });
    expect([res.status, res.text]).toEqual([200, '']);
  });

  it('the retiring principal retires by key ARN and GrantId, and by a bare key id', async () => {
    const r = review();
    const k = await r.key();
    const a = await r.ok('CreateGrant', grant(k.KeyId, { RetiringPrincipal: AUDITOR }));
    const b = await r.ok('CreateGrant', grant(k.KeyId, { RetiringPrincipal: AUDITOR }));
    expect((await r.call('RetireGrant', { KeyId: k.Arn, GrantId: a.GrantId }, { as: AUDITOR })).status).toBe(200);
    expect((await r.call('RetireGrant', { KeyId: k.KeyId, GrantId: b.GrantId }, { as: AUDITOR })).status).toBe(200);
  });

  it('a retiring principal in another account retires a grant on this account\'s key by key ARN', async () => {
    const r = review();
    const k = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId, { RetiringPrincipal: PARTNER }));
    expect((await r.call('RetireGrant', { KeyId: k.Arn, GrantId: g.GrantId }, { as: PARTNER })).status).toBe(200);
  });

  it('the grantee may retire only when the grant includes RetireGrant', async () => {
    const r = review();
    const k = await r.key();
    const without = await r.ok('CreateGrant', grant(k.KeyId));
    const withRetire = await r.ok('CreateGrant', grant(k.KeyId, { Operations: ['Decrypt', 'RetireGrant'] }));
    expect((await r.call('RetireGrant', { GrantToken: without.GrantToken }, { as: APP })).type).toBe('AccessDeniedException');
    expect((await r.call('RetireGrant', { GrantToken: withRetire.GrantToken }, { as: APP })).status).toBe(200);
  });

  it('the issuing account retires as a backup', async () => {
    const r = review();
    const k = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId), { as: ADMIN });
    expect((await r.call('RetireGrant', { KeyId: k.KeyId, GrantId: g.GrantId })).status).toBe(200);
  });

  it('kms:RetireGrant in a key policy alone does not let a principal retire', async () => {
    const r = review();
    const k = await r.key({
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
          { Effect: 'Allow', Principal: { AWS: AUDITOR }, Action: 'kms:RetireGrant', Resource: '*' },
        ],
      }),
    });
    const g = await r.ok('CreateGrant', grant(k.KeyId));
    expect((await r.call('RetireGrant', { KeyId: k.KeyId, GrantId: g.GrantId }, { as: AUDITOR })).type).toBe('AccessDeniedException');
  });

  it('kms:RetireGrant in an IAM policy of the key\'s account lets a principal retire', async () => {
    const r = review();
    const k = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId));
    expect((await r.call('RetireGrant', { KeyId: k.KeyId, GrantId: g.GrantId }, { as: ADMIN })).status).toBe(200);
  });

  it('an explicit Deny on kms:RetireGrant in IAM blocks even the retiring principal', async () => {
    const r = review();
    const k = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId, { RetiringPrincipal: NO_RETIRE }));
    const res = await r.call('RetireGrant', { GrantToken: g.GrantToken }, { as: NO_RETIRE });
    expect(err(res)).toEqual([
      400,
      'AccessDeniedException',
      `User: ${NO_RETIRE} is not authorized to perform: kms:RetireGrant on resource: ${k.Arn} with an explicit deny in an identity-based policy`,
    ]);
    expect((await r.ok('ListGrants', { KeyId: k.KeyId })).Grants).toHaveLength(1);
  });

  it('a token it did not issue is InvalidGrantTokenException; neither token nor GrantId+KeyId is a ValidationException', async () => {
    const r = review();
    const k = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId));
    expect((await r.call('RetireGrant', { GrantToken: 'AQIDAHforgedtokenvalue' })).type).toBe('InvalidGrantTokenException');
    expect((await r.call('RetireGrant', {})).type).toBe('ValidationException');
    expect((await r.call('RetireGrant', { GrantId: g.GrantId })).type).toBe('ValidationException');
    expect((await r.call('RetireGrant', { KeyId: k.KeyId })).type).toBe('ValidationException');
  });

  it('retiring a grant that is already gone, or that belongs to another key, is NotFoundException', async () => {
    const r = review();
    const k = await r.key();
    const other = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId));
    expect((await r.call('RetireGrant', { KeyId: other.KeyId, GrantId: g.GrantId })).type).toBe('NotFoundException');
    await r.ok('RetireGrant', { GrantToken: g.GrantToken });
    expect((await r.call('RetireGrant', { GrantToken: g.GrantToken })).type).toBe('NotFoundException');
    expect((await r.call('RetireGrant', { KeyId: k.KeyId, GrantId: g.GrantId })).type).toBe('NotFoundException');
  });

  it('DryRun answers DryRunOperationException for an allowed caller and AccessDeniedException for another; the grant stays', async () => {
    const r = review();
    const k = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId, { RetiringPrincipal: AUDITOR }));
    expect(err(await r.call('RetireGrant', { GrantToken: g.GrantToken, DryRun: true }, { as: AUDITOR }))).toEqual([400, 'DryRunOperationException', DRY_RUN]);
    expect((await r.call('RetireGrant', { GrantToken: g.GrantToken, DryRun: true }, { as: APP })).type).toBe('AccessDeniedException');
    expect((await r.ok('ListGrants', { KeyId: k.KeyId })).Grants).toHaveLength(1);
  });
});

describe('RevokeGrant', () => {
  it('a principal with kms:RevokeGrant revokes; the grantee and the retiring principal without it cannot', async () => {
    const r = review();
    const k = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId, { RetiringPrincipal: AUDITOR, Operations: ['Decrypt', 'RetireGrant'] }));
    for (const as of [APP, AUDITOR]) {
      expect(err(await r.call('RevokeGrant', { KeyId: k.KeyId, GrantId: g.GrantId }, { as }))).toEqual([
        400,
        'AccessDeniedException',
        `User: ${as} is not authorized to perform: kms:RevokeGrant on resource: ${k.Arn} because no identity-based policy allows the kms:RevokeGrant action`,
      ]);
    }
    expect((await r.call('RevokeGrant', { KeyId: k.KeyId, GrantId: g.GrantId }, { as: ADMIN })).status).toBe(200);
  });

  it('another account revokes with the key ARN when the key policy allows it', async () => {
    const r = review();
    const k = await r.key({
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: 'kms:RevokeGrant', Resource: '*' },
        ],
      }),
    });
    const g = await r.ok('CreateGrant', grant(k.KeyId));
    expect((await r.call('RevokeGrant', { KeyId: k.Arn, GrantId: g.GrantId }, { as: PARTNER })).status).toBe(200);
  });

  it('takes no grant token: KeyId and GrantId are required members (Coral "must not be null")', async () => {
    const r = review();
    const k = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId));
    expect(err(await r.call('RevokeGrant', { KeyId: k.KeyId, GrantToken: g.GrantToken }))).toEqual([
      400,
      'ValidationException',
      "1 validation error detected: Value null at 'grantId' failed to satisfy constraint: Member must not be null",
    ]);
  });

  it('an unknown well-formed GrantId is NotFoundException (recorded type); a grant of another key is NotFoundException too', async () => {
    const r = review();
    const k = await r.key();
    const other = await r.key();
    const g = await r.ok('CreateGrant', grant(other.KeyId));
    expect([(await r.call('RevokeGrant', { KeyId: k.KeyId, GrantId: 'f'.repeat(64) })).status, (await r.call('RevokeGrant', { KeyId: k.KeyId, GrantId: 'f'.repeat(64) })).type]).toEqual([
      400,
      'NotFoundException',
    ]);
    expect((await r.call('RevokeGrant', { KeyId: k.KeyId, GrantId: g.GrantId })).type).toBe('NotFoundException');
    expect((await r.ok('ListGrants', { KeyId: other.KeyId })).Grants).toHaveLength(1);
  });

  it('DryRun answers DryRunOperationException and leaves the grant', async () => {
    const r = review();
    const k = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId));
    expect(err(await r.call('RevokeGrant', { KeyId: k.KeyId, GrantId: g.GrantId, DryRun: true }))).toEqual([400, 'DryRunOperationException', DRY_RUN]);
    expect((await r.ok('ListGrants', { KeyId: k.KeyId })).Grants).toHaveLength(1);
  });
});

describe('grant tokens and eventual consistency', () => {
  const slow = { propagation: { minMs: 60_000, maxMs: 60_000 } };

  it('a token another simulator issued, or one with a character changed, is InvalidGrantTokenException wherever tokens are taken', async () => {
    const r = review();
    const k = await r.key();
    const other = review({ seed: 4242 });
    const ok = await other.key();
    const foreign = (await other.ok('CreateGrant', grant(ok.KeyId))).GrantToken as string;
    const mine = (await r.ok('CreateGrant', grant(k.KeyId))).GrantToken as string;
    const i = mine.length >> 1;
    const tampered = mine.slice(0, i) + (mine[i] === 'A' ? 'B' : 'A') + mine.slice(i + 1);
    for (const t of [foreign, tampered]) {
      expect((await r.call('RetireGrant', { GrantToken: t })).type).toBe('InvalidGrantTokenException');
      expect((await r.call('DescribeKey', { KeyId: k.KeyId, GrantTokens: [t] })).type).toBe('InvalidGrantTokenException');
      expect((await r.call('Encrypt', { KeyId: k.KeyId, Plaintext: b64('x'), GrantTokens: [t] }, { as: APP })).type).toBe('InvalidGrantTokenException');
      expect((await r.call('CreateGrant', grant(k.KeyId, { GrantTokens: [t] }))).type).toBe('InvalidGrantTokenException');
    }
  });

  it('a token of a grant on another key does not authorize', async () => {
    const r = review(slow);
    const a = await r.key();
    const b = await r.key();
    const g = await r.ok('CreateGrant', grant(a.KeyId));
    expect((await r.call('Encrypt', { KeyId: b.KeyId, Plaintext: b64('x'), GrantTokens: [g.GrantToken] }, { as: APP })).type).toBe('AccessDeniedException');
  });

  it('before the grant arrives the grantee is denied without the token and allowed with it', async () => {
    const r = review(slow);
    const k = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId));
    expect((await r.call('Encrypt', { KeyId: k.KeyId, Plaintext: b64('x') }, { as: APP })).type).toBe('AccessDeniedException');
    expect((await r.call('Encrypt', { KeyId: k.KeyId, Plaintext: b64('x'), GrantTokens: [g.GrantToken] }, { as: APP })).status).toBe(200);
    r.sim.clock.advance(60_000);
    expect((await r.call('Encrypt', { KeyId: k.KeyId, Plaintext: b64('x') }, { as: APP })).status).toBe(200);
  });

  it('a token does not bypass the operation list, the key state or the constraints', async () => {
    const r = review(slow);
    const k = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId, { Operations: ['Encrypt'], Constraints: { EncryptionContextSubset: { app: 'a' } } }));
    const t = { GrantTokens: [g.GrantToken] };
    expect((await r.call('GenerateDataKey', { KeyId: k.KeyId, KeySpec: 'AES_256', EncryptionContext: { app: 'a' }, ...t }, { as: APP })).type).toBe('AccessDeniedException');
    expect((await r.call('Encrypt', { KeyId: k.KeyId, Plaintext: b64('x'), ...t }, { as: APP })).type).toBe('AccessDeniedException');
    expect((await r.call('Encrypt', { KeyId: k.KeyId, Plaintext: b64('x'), EncryptionContext: { app: 'a' }, ...t }, { as: APP })).status).toBe(200);
    await r.ok('DisableKey', { KeyId: k.KeyId });
    expect((await r.call('Encrypt', { KeyId: k.KeyId, Plaintext: b64('x'), EncryptionContext: { app: 'a' }, ...t }, { as: APP })).type).toBe('DisabledException');
  });

  it('a token stands in for its grantee only: another principal presenting it is denied', async () => {
    const r = review(slow);
    const k = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId));
    expect((await r.call('Encrypt', { KeyId: k.KeyId, Plaintext: b64('x'), GrantTokens: [g.GrantToken] }, { as: AUDITOR })).type).toBe('AccessDeniedException');
  });

  it('after a revoke has reached every host, neither the grant nor its token authorizes', async () => {
    const r = review(slow);
    const k = await r.key();
    const g = await r.ok('CreateGrant', grant(k.KeyId));
    r.sim.clock.advance(60_000);
    await r.ok('RevokeGrant', { KeyId: k.KeyId, GrantId: g.GrantId });
    r.sim.clock.advance(60_000);
    expect((await r.call('Encrypt', { KeyId: k.KeyId, Plaintext: b64('x') }, { as: APP })).type).toBe('AccessDeniedException');
    expect((await r.call('Encrypt', { KeyId: k.KeyId, Plaintext: b64('x'), GrantTokens: [g.GrantToken] }, { as: APP })).type).toBe('AccessDeniedException');
  });

  it('several tokens may be sent together (up to 10); the one that fits authorizes', async () => {
    const r = review(slow);
    const k = await r.key();
    const a = await r.ok('CreateGrant', grant(k.KeyId, { GranteePrincipal: AUDITOR }));
    const b = await r.ok('CreateGrant', grant(k.KeyId));
    expect((await r.call('Encrypt', { KeyId: k.KeyId, Plaintext: b64('x'), GrantTokens: [a.GrantToken, b.GrantToken] }, { as: APP })).status).toBe(200);
  });

  it('CreateGrant by a grantee holding CreateGrant works with the parent\'s token before the parent arrives', async () => {
    const r = review(slow);
    const k = await r.key();
    const parent = await r.ok('CreateGrant', grant(k.KeyId, { Operations: ['CreateGrant', 'Decrypt'] }));
    const body = { KeyId: k.KeyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'] };
    expect((await r.call('CreateGrant', body, { as: APP })).type).toBe('AccessDeniedException');
    expect((await r.call('CreateGrant', { ...body, GrantTokens: [parent.GrantToken] }, { as: APP })).status).toBe(200);
  });
});
