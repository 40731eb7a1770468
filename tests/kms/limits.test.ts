/**
 * Quotas at their edges (issue #8 §5, docs/sources.md, Quotas, docs/fidelity.md "Grants per key" and
 * "Oversized body"): a key at 50,000 grants refuses one more with LimitExceededException while
 * other keys carry on; ListGrants pages stay whole to the very end of a full key; and a request
 * body over the front end's limit is refused before anything reads it as JSON.
 * The 50,000 grants are made directly against the engine (no HTTP), which keeps this fast.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GRANTS_PER_KEY } from '../../src/kms/ops/grants/createGrant';
import { MAX_BODY_BYTES } from '../../src/kms/wire/http';
import { APP_ROLE, AUDITOR, makeSim } from './helpers';

type Ok<T> = { ok: true; output: T };
const grantInput = (KeyId: string, extra: Record<string, unknown> = {}) => ({ KeyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'], ...extra });

describe('at the quota of 50,000 grants per key', () => {
  const env = makeSim();
  let full: { KeyId: string; Arn: string };
  let other: { KeyId: string; Arn: string };
  const tokens: string[] = [];

  beforeAll(async () => {
    full = await env.createKey();
    other = await env.createKey();
    const engine = env.sim.engine;
    // a named one, to check that Name idempotency still answers at the quota
    const named = engine.run('CreateGrant', grantInput(full.KeyId, { Name: 'kept' })) as Ok<{ GrantToken: string }>;
    tokens.push(named.output.GrantToken);
    for (let i = 1; i < GRANTS_PER_KEY; i++) {
      const r = engine.run('CreateGrant', grantInput(full.KeyId)) as Ok<{ GrantToken: string }>;
      if (!r.ok) throw new Error(`grant ${i} failed`);
      tokens.push(r.output.GrantToken);
    }
  }, 120_000);

  it('holds exactly 50,000 grants on the key', () => {
    expect(GRANTS_PER_KEY).toBe(50_000);
    expect(env.sim.engine.world.grantsByKey.get(full.KeyId)!.size).toBe(GRANTS_PER_KEY);
  });

  it('refuses one more with LimitExceededException and the documented text', async () => {
    const r = await env.call('CreateGrant', grantInput(full.KeyId));
    expect(r.status).toBe(400);
    expect(r.type).toBe('LimitExceededException');
    expect(r.headers.get('x-amzn-ErrorType')).toBe('LimitExceededException');
    expect(r.message).toBe(`The request was rejected because the KMS key ${full.Arn} already has 50000 grants, the quota of grants per KMS key.`);
    // nor does a DryRun pretend it would succeed
    expect((await env.call('CreateGrant', grantInput(full.KeyId, { DryRun: true }))).type).toBe('LimitExceededException');
    expect(env.sim.engine.world.grantsByKey.get(full.KeyId)!.size).toBe(GRANTS_PER_KEY);
  });

  it('still answers a retried CreateGrant with the same Name, which makes no new grant', async () => {
    const r = await env.call('CreateGrant', grantInput(full.KeyId, { Name: 'kept' }));
    expect(r.status).toBe(200);
    expect(r.json.GrantId).toMatch(/^[0-9a-f]{64}$/);
    expect(env.sim.engine.world.grantsByKey.get(full.KeyId)!.size).toBe(GRANTS_PER_KEY);
  });

  it('lets every other key go on granting', async () => {
    const r = await env.call('CreateGrant', grantInput(other.KeyId, { GranteePrincipal: AUDITOR }));
    expect(r.status).toBe(200);
    const list = await env.call('ListGrants', { KeyId: other.KeyId });
    expect(list.json.Grants).toHaveLength(1);
  });

  it('counts only grants still in force: retiring one makes room for exactly one', async () => {
    expect((await env.call('RetireGrant', { GrantToken: tokens[tokens.length - 1] })).status).toBe(200);
    expect((await env.call('CreateGrant', grantInput(full.KeyId))).status).toBe(200);
    expect((await env.call('CreateGrant', grantInput(full.KeyId))).type).toBe('LimitExceededException');
  });

  it('pages through all 50,000 in ascending order, the last page full and final', () => {
    const engine = env.sim.engine;
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    let last: { Grants: { GrantId: string }[]; Truncated: boolean; NextMarker?: string } | undefined;
    do {
      const r = engine.run('ListGrants', { KeyId: full.KeyId, Limit: 100, ...(marker ? { Marker: marker } : {}) }) as Ok<{ Grants: { GrantId: string }[]; Truncated: boolean; NextMarker?: string }>;
      last = r.output;
      for (const g of last.Grants) seen.push(g.GrantId);
      marker = last.NextMarker;
      pages++;
      expect(last.Truncated).toBe(marker !== undefined);
    } while (marker && pages < 1_000);
    expect(pages).toBe(GRANTS_PER_KEY / 100);
    expect(last!.Grants).toHaveLength(100);
    expect(last!.Truncated).toBe(false);
    expect(seen).toHaveLength(GRANTS_PER_KEY);
    expect(new Set(seen).size).toBe(GRANTS_PER_KEY);
    expect(seen.every((id, i) => i === 0 || seen[i - 1] < id)).toBe(true);
  });

  it('serves the last pages through the wire the same way, and an empty page after the last id', async () => {
    const ids = [...env.sim.engine.world.grantsByKey.get(full.KeyId)!];
    const markerAfter = (id: string) => btoa('kmsplay-grants:' + id);
    const tail = await env.call('ListGrants', { KeyId: full.KeyId, Limit: 100, Marker: markerAfter(ids[ids.length - 151]) });
    expect(tail.json.Grants.map((g: { GrantId: string }) => g.GrantId)).toEqual(ids.slice(-150, -50));
    expect(tail.json.Truncated).toBe(true);
    const end = await env.call('ListGrants', { KeyId: full.KeyId, Limit: 100, Marker: tail.json.NextMarker });
    expect(end.json.Grants.map((g: { GrantId: string }) => g.GrantId)).toEqual(ids.slice(-50));
    expect(end.json.Truncated).toBe(false);
    expect(end.json.NextMarker).toBeUndefined();
    const after = await env.call('ListGrants', { KeyId: full.KeyId, Limit: 100, Marker: markerAfter(ids[ids.length - 1]) });
    expect(after.json).toEqual({ Grants: [], Truncated: false });
  });
});

describe('request body size', () => {
  const headers = { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.CreateKey' };
  /** a CreateKey body of exactly n bytes (whitespace padding, so it is still valid JSON) */
  const bodyOf = (n: number) => {
    const core = '{"Description":"sized"}';
    return core + ' '.repeat(n - core.length);
  };

  it('accepts a body of exactly the limit', async () => {
    const { sim } = makeSim();
    const r = await sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers, body: bodyOf(MAX_BODY_BYTES) }));
    expect(r.status).toBe(200);
  });

  it('refuses one byte more with 413 RequestEntityTooLargeException, as docs/fidelity.md says', async () => {
    const { sim } = makeSim();
    const r = await sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers, body: bodyOf(MAX_BODY_BYTES + 1) }));
    expect(r.status).toBe(413);
    expect(r.headers.get('x-amzn-ErrorType')).toBe('RequestEntityTooLargeException');
    const body = await r.json();
    expect(body.__type).toBe('RequestEntityTooLargeException');
    expect(body.message).toBe(`Request body exceeds the ${MAX_BODY_BYTES}-byte limit.`);
    expect(sim.engine.world.keys.size).toBe(0);
  });

  it('refuses by the declared Content-Length before reading, and a stream that runs past the limit', async () => {
    const { sim } = makeSim();
    const declared = await sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { ...headers, 'Content-Length': String(MAX_BODY_BYTES + 1) }, body: '{}' }));
    expect(declared.status).toBe(413);
    expect((await declared.json()).message).toBe(`Request body of ${MAX_BODY_BYTES + 1} bytes exceeds the ${MAX_BODY_BYTES}-byte limit.`);
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        sent += chunk.length;
        c.enqueue(chunk);
      },
    });
    const streamed = await sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers, body: endless, duplex: 'half' } as RequestInit));
    expect(streamed.status).toBe(413);
    expect((await streamed.json()).__type).toBe('RequestEntityTooLargeException');
    // it stopped reading soon after the limit
    expect(sent).toBeLessThan(MAX_BODY_BYTES + 4 * chunk.length);
    expect(sim.engine.world.keys.size).toBe(0);
  });
});
