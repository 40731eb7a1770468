/**
 * The state browser's world after a Send is what a full read gives, but only what changed is read
 * again: a CreateGrant on a key with many grants reads that one grant (ListGrants with GrantId), not
 * the key's whole list; grants made by someone else (a scenario, a test's setup) are read too.
 */
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/kms/index';
import { OPERATION_GROUPS } from '../../src/kms/ops/index';
import { Session } from '../../src/ui/Session.svelte';
import { groupsFrom } from '../../src/ui/operations';

const START = Date.UTC(2026, 0, 1, 12);
const ACCOUNT = '111122223333';
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const PRINCIPALS = [{ arn: APP, accessKeyId: 'AKIAAPPROLEEXAMPLE01' }];

function setup() {
  const sim = createSimulator({ seed: 7, accountId: ACCOUNT, startTime: START, propagation: { minMs: 500, maxMs: 8000 }, hosts: 3, principals: PRINCIPALS });
  // every read of the state browser, by operation and whether it named one grant
  const reads: string[] = [];
  const peek = sim.peek.bind(sim);
  sim.peek = async (req: Request) => {
    const op = (req.headers.get('X-Amz-Target') ?? '').replace('TrentService.', '');
    const body = JSON.parse(await req.clone().text()) as Record<string, unknown>;
    reads.push(op === 'ListGrants' && body.GrantId ? 'ListGrants(GrantId)' : op);
    return peek(req);
  };
  const session = new Session(sim, { seed: 7, region: 'us-east-1', accountId: ACCOUNT, hosts: 3, startTime: START, principals: PRINCIPALS, operationGroups: groupsFrom(OPERATION_GROUPS) });
  const post = async (target: string, body: object) => {
    const res = await sim.fetch(
      new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` }, body: JSON.stringify(body) }),
    );
    return (await res.json()) as Record<string, any>;
  };
  return { sim, session, reads, post };
}

async function sendAs(session: Session, operation: string, body: object) {
  session.setTarget(operation);
  session.body = JSON.stringify(body);
  const entry = await session.send();
  expect(entry.response?.status, `${operation}: ${entry.response?.body}`).toBe(200);
  return JSON.parse(entry.response?.body || '{}') as Record<string, any>;
}

/** the world as the state browser shows it, without the objects' identity */
const picture = (s: Session) => JSON.parse(JSON.stringify(s.world));

describe('the world after a Send', () => {
  it('a CreateGrant, RetireGrant and RevokeGrant on a key with 250 grants read those grants only, and give what a full read gives', async () => {
    const { session, reads, post } = setup();
    const keyId: string = (await sendAs(session, 'CreateKey', {})).KeyMetadata.KeyId;
    for (let i = 0; i < 250; i++) await post('CreateGrant', { KeyId: keyId, GranteePrincipal: APP, Operations: ['Encrypt'], RetiringPrincipal: `arn:aws:iam::${ACCOUNT}:root` });
    await session.refreshWorld();
    expect(session.world.keys[0].grants).toHaveLength(250);

    reads.length = 0;
    const made = await sendAs(session, 'CreateGrant', { KeyId: keyId, GranteePrincipal: APP, Operations: ['Decrypt'] });
    expect(reads.filter((r) => r === 'ListGrants')).toEqual([]);
    expect(reads.filter((r) => r === 'ListGrants(GrantId)')).toHaveLength(1);
    expect(session.world.keys[0].grants.map((g) => g.grantId)).toContain(made.GrantId);
    const incremental = picture(session);
    await session.refreshWorld();
    expect(incremental).toEqual(picture(session));

    const victims = session.world.keys[0].grants.slice(3, 5).map((g) => g.grantId);
    reads.length = 0;
    await sendAs(session, 'RetireGrant', { KeyId: keyId, GrantId: victims[0] });
    await sendAs(session, 'RevokeGrant', { KeyId: keyId, GrantId: victims[1] });
    expect(reads.filter((r) => r === 'ListGrants')).toEqual([]);
    const ids = session.world.keys[0].grants.map((g) => g.grantId);
    expect(ids).toHaveLength(249);
    expect(ids).not.toContain(victims[0]);
    expect(ids).not.toContain(victims[1]);
    const after = picture(session);
    await session.refreshWorld();
    expect(after).toEqual(picture(session));
  });

  it('a key created elsewhere, with grants, and grants made elsewhere on a known key show after the next key change', async () => {
    const { session, post } = setup();
    const first: string = (await sendAs(session, 'CreateKey', {})).KeyMetadata.KeyId;
    // a scenario's steps, straight to the simulator: a grant on the known key, a key with two grants
    await post('CreateGrant', { KeyId: first, GranteePrincipal: APP, Operations: ['Encrypt'] });
    const other: string = (await post('CreateKey', {})).KeyMetadata.KeyId;
    await post('CreateGrant', { KeyId: other, GranteePrincipal: APP, Operations: ['Encrypt'] });
    await post('CreateGrant', { KeyId: other, GranteePrincipal: APP, Operations: ['Decrypt'] });
    // the next Send that changes the account
    await sendAs(session, 'CreateKey', { Description: 'third' });
    const count = (id: string) => session.world.keys.find((k) => k.keyId === id)?.grants.length;
    expect(count(first)).toBe(1);
    expect(count(other)).toBe(2);
    expect(session.world.keys).toHaveLength(3);
    const incremental = picture(session);
    await session.refreshWorld();
    expect(incremental).toEqual(picture(session));
  });
});
