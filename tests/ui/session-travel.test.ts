/**
 * The Session's time travel over a real simulator: the state browser reads through peek (no
 * trace), travelling back shows the past (fewer events, grants not yet arrived, later history
 * entries in the kept future), moving forward replays it, sending in the past forks.
 */
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/kms/index';
import { OPERATION_GROUPS } from '../../src/kms/ops/index';
import { Session } from '../../src/ui/Session.svelte';
import { deferredSimulator } from '../../src/ui/deferredSimulator';
import { groupsFrom } from '../../src/ui/operations';

const START = Date.UTC(2026, 0, 1, 12);
const ACCOUNT = '111122223333';
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const PRINCIPALS = [{ arn: APP, accessKeyId: 'AKIAAPPROLEEXAMPLE01' }];

function setup(opts: { deferred?: boolean } = {}) {
  const sim = createSimulator({ seed: 7, accountId: ACCOUNT, startTime: START, propagation: { minMs: 500, maxMs: 8000 }, hosts: 3, principals: PRINCIPALS });
  const wrapped = opts.deferred ? deferredSimulator(Promise.resolve(sim), START) : sim;
  const session = new Session(wrapped, {
    seed: 7,
    region: 'us-east-1',
    accountId: ACCOUNT,
    hosts: 3,
    startTime: START,
    principals: PRINCIPALS,
    operationGroups: groupsFrom(OPERATION_GROUPS),
  });
  return { sim, session };
}

async function sendAs(session: Session, operation: string, body: object) {
  session.setTarget(operation);
  session.body = JSON.stringify(body);
  const entry = await session.send();
  expect(entry.response?.status, `${operation}: ${entry.response?.body}`).toBe(200);
  return JSON.parse(entry.response?.body || '{}') as Record<string, any>;
}

/** a key and a grant to role/App, then the clock moved past every arrival */
async function grantAndSettle(session: Session) {
  const key = await sendAs(session, 'CreateKey', {});
  const keyId: string = key.KeyMetadata.KeyId;
  const grant = await sendAs(session, 'CreateGrant', { KeyId: keyId, GranteePrincipal: APP, Operations: ['Encrypt'] });
  const grantId: string = grant.GrantId;
  const track = session.index.grants.get(grantId)!;
  const arrivals = [...track.create!.arrivals];
  session.settle();
  await session.refreshWorld();
  return { keyId, grantId, arrivals };
}

describe('Session time travel', () => {
  it('reads the state through peek: refreshing leaves no log entry and no event', async () => {
    const { sim, session } = setup();
    const { keyId } = await grantAndSettle(session);
    const log = sim.log.length;
    const events = sim.events.length;
    await session.refreshWorld();
    await session.refreshWorld();
    expect(sim.log.length).toBe(log);
    expect(sim.events.length).toBe(events);
    const key = session.world.keys.find((k) => k.keyId === keyId)!;
    expect(key.grants).toHaveLength(1);
    expect(JSON.parse(key.policy!).Statement[0].Principal.AWS).toBe(`arn:aws:iam::${ACCOUNT}:root`);
  });

  it('goes back before an arrival, shows it pending, keeps the future, and replays it going forward', async () => {
    const { sim, session } = setup();
    const { grantId, arrivals } = await grantAndSettle(session);
    await sendAs(session, 'DescribeKey', { KeyId: session.world.keys[0].keyId });
    const present = session.now;
    const itemsAtPresent = session.index.items.length;
    expect(session.canTravelBack).toBe(true);
    expect(session.inPast).toBe(false);
    expect(session.forkWarning).toBeUndefined();

    const first = Math.min(...arrivals);
    const target = first - 1;
    await session.travelTo(target);
    expect(session.now).toBe(target);
    expect(sim.clock.now()).toBe(target);
    expect(session.inPast).toBe(true);
    expect(session.horizon).toBe(present);
    // the grant exists (ListGrants is the control plane) but has reached no host yet
    expect(session.world.keys[0].grants.map((g) => g.grantId)).toEqual([grantId]);
    for (let h = 0; h < 3; h++) expect(session.index.visibility(grantId, h)).toBe('pending');
    expect(session.index.items.length).toBeLessThan(itemsAtPresent);
    // DescribeKey was sent at the present: it is the kept future
    expect(session.keptFuture.map((e) => e.operation)).toEqual(['DescribeKey']);
    expect(session.notice).toMatch(/^Sending now replaces 1 later request/);

    // forward past the first arrival: one host has it
    expect(session.stepToNext()).toBe(true);
    await session.travelTo(session.now); // waits for the travel in flight
    expect(session.now).toBe(first);
    const visible = [0, 1, 2].filter((h) => session.index.visibility(grantId, h) === 'visible');
    expect(visible).toEqual([arrivals.indexOf(first)]);

    // back to the present: everything is as it was
    await session.returnToPresent();
    expect(session.now).toBe(present);
    expect(session.inPast).toBe(false);
    expect(session.index.items.length).toBe(itemsAtPresent);
    for (let h = 0; h < 3; h++) expect(session.index.visibility(grantId, h)).toBe('visible');
    expect(session.keptFuture).toEqual([]);
    expect(session.history).toHaveLength(3);
  });

  it('the response shown follows the clock into the past and back to the present', async () => {
    const { session } = setup();
    const { keyId, arrivals } = await grantAndSettle(session);
    await sendAs(session, 'DescribeKey', { KeyId: keyId });
    expect(session.selected?.n).toBe(3);

    // at the start nothing had been answered after CreateKey and CreateGrant (both sent at START)
    await session.travelTo(START);
    expect(session.inPast).toBe(true);
    expect(session.selected?.operation).toBe('CreateGrant');
    // just before the last arrival (DescribeKey was sent at it): still CreateGrant, DescribeKey is the kept future
    await session.travelTo(Math.max(...arrivals) - 1);
    expect(session.keptFuture.map((e) => e.operation)).toEqual(['DescribeKey']);
    expect(session.selected?.operation).toBe('CreateGrant');
    // choosing an earlier entry in the past shows it; one in the kept future does not
    session.select(1);
    expect(session.selected?.operation).toBe('CreateKey');
    session.select(3);
    expect(session.selected?.operation).toBe('CreateGrant');

    await session.returnToPresent();
    expect(session.inPast).toBe(false);
    expect(session.selected?.operation).toBe('DescribeKey');
  });

  it('shows no response in the past before the first request', async () => {
    const { session } = setup();
    session.advance(2000);
    await sendAs(session, 'CreateKey', {});
    expect(session.selected?.n).toBe(1);
    await session.travelTo(START);
    expect(session.inPast).toBe(true);
    expect(session.selected).toBeUndefined();
    await session.returnToPresent();
    expect(session.selected?.n).toBe(1);
  });

  it('sending in the past forks: the kept future is dropped from the engine and the history', async () => {
    const { sim, session } = setup();
    const { keyId, arrivals } = await grantAndSettle(session);
    await sendAs(session, 'DescribeKey', { KeyId: keyId });
    await sendAs(session, 'ListGrants', { KeyId: keyId });
    const t = Math.min(...arrivals) - 1;
    await session.travelTo(t);
    expect(session.keptFuture).toHaveLength(2);
    const logBefore = sim.log.length;

    session.callerArn = APP;
    session.setTarget('Encrypt');
    session.body = JSON.stringify({ KeyId: keyId, Plaintext: 'aGVsbG8=' });
    const denied = await session.send();
    // the grant has not reached any host at t: denied
    expect(denied.response?.status).toBe(400);
    expect(denied.sentAt).toBe(t);
    expect(session.history.map((e) => e.operation)).toEqual(['CreateKey', 'CreateGrant', 'Encrypt']);
    expect(denied.n).toBe(3);
    expect(session.inPast).toBe(false);
    expect(sim.horizon).toBe(t);
    expect(sim.log.length).toBeLessThan(logBefore);
    expect(session.forkWarning).toBeUndefined();
  });

  it('playback in the past replays the kept future instead of forking it', async () => {
    const { sim, session } = setup();
    const { grantId, arrivals } = await grantAndSettle(session);
    const present = session.now;
    const logLength = sim.log.length;
    await session.travelTo(START);
    // play in jumps of a second of real time: the Session commits through seek
    let real = 0;
    for (let t = START; t < present; t += 1000) {
      real += 1000;
      session.playTo(Math.min(present, t + 1000), real);
      await session.travelTo(session.now);
    }
    expect(session.now).toBe(present);
    expect(sim.log.length).toBe(logLength);
    expect(session.inPast).toBe(false);
    for (let h = 0; h < 3; h++) expect(session.index.visibility(grantId, h)).toBe('visible');
    expect(Math.max(...arrivals)).toBeLessThanOrEqual(present);
  });

  it('coalesces a drag: many targets, one final state', async () => {
    const { session } = setup();
    const { arrivals } = await grantAndSettle(session);
    const present = session.now;
    const targets = Array.from({ length: 40 }, (_, i) => START + ((present - START) * (40 - i)) / 41);
    const runs = targets.map((t) => session.travelTo(t));
    await Promise.all(runs);
    expect(session.now).toBe(Math.round(targets[targets.length - 1]));
    expect(session.travelling).toBe(false);
    expect(session.index.changes[0].arrived.filter(Boolean).length).toBe(arrivals.filter((a) => a <= session.now).length);
  });

  it('step back stops at the previous event, and never before the start', async () => {
    const { session } = setup();
    const { arrivals } = await grantAndSettle(session);
    const sorted = [...new Set(arrivals)].sort((a, b) => a - b);
    // settle stopped at the last arrival; each step back goes to the previous event's moment
    expect(session.now).toBe(sorted[sorted.length - 1]);
    const stops: number[] = [];
    while (session.stepBack()) {
      await session.travelTo(session.now);
      stops.push(session.now);
    }
    // the earlier arrivals, newest first, then the start (CreateKey and CreateGrant happened there)
    expect(stops).toEqual([...sorted.slice(0, -1).reverse(), START]);
    expect(session.index.changes[0].arrived.some(Boolean)).toBe(false);
    await session.travelTo(START - 60_000);
    expect(session.now).toBe(START);
    expect(session.stepBack()).toBe(false);
  });

  it('Edit policy loads a PutKeyPolicy with the current policy, which goes through the API', async () => {
    const { session } = setup();
    const { keyId } = await grantAndSettle(session);
    expect(session.editKeyPolicy(keyId)).toBe(true);
    expect(session.target).toBe('PutKeyPolicy');
    const body = JSON.parse(session.body);
    expect(body.KeyId).toBe(keyId);
    const policy = JSON.parse(body.Policy);
    policy.Statement.push({ Sid: 'AppEncrypt', Effect: 'Allow', Principal: { AWS: APP }, Action: 'kms:Encrypt', Resource: '*' });
    session.body = JSON.stringify({ ...body, Policy: JSON.stringify(policy) });
    const entry = await session.send();
    expect(entry.response?.status).toBe(200);
    await session.refreshWorld();
    expect(JSON.parse(session.world.keys[0].policy!).Statement.map((s: { Sid?: string }) => s.Sid)).toContain('AppEncrypt');
    expect(session.editKeyPolicy('no-such-key')).toBe(false);
  });

  it('works the same through the deferred wrapper main.ts uses', async () => {
    const { sim, session } = setup({ deferred: true });
    const { grantId, arrivals } = await grantAndSettle(session);
    const events = sim.events.length;
    await session.travelTo(Math.min(...arrivals) - 1);
    expect(session.inPast).toBe(true);
    for (let h = 0; h < 3; h++) expect(session.index.visibility(grantId, h)).toBe('pending');
    await session.returnToPresent();
    expect(sim.events.length).toBe(events);
  });
});
