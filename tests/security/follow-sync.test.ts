/**
 * The presentation's log travels in parts (entries since index N) and an audience catches up in
 * one batch: the presenter sends only what it added (or from a fork on), an audience that missed
 * a part asks again, and a 3,000-request log replays in a few seconds with the same history,
 * responses and events as the presenter's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/kms/api';
import { createSimulator, OPERATION_GROUPS } from '../../src/kms/index';
import { Session } from '../../src/ui/Session.svelte';
import { groupsFrom } from '../../src/ui/operations';
import { buildRequest, loadSigner } from '../../src/ui/wire';
import { LogSender } from '../../src/ui/follow/presenter';
import { LogFollower } from '../../src/ui/follow/follower';
import { CatchUp } from '../../src/ui/follow/catchup';
import { batchSession } from '../../src/ui/follow/session';
import { parseFollowMessage, PROTOCOL } from '../../src/ui/follow/schema';

// the editor's request builder loads with the engine (src/ui/signer.ts)
beforeAll(() => loadSigner());

const START = Date.UTC(2026, 0, 1, 12);
const ACCOUNT = '111122223333';
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const OPTIONS = { seed: 9, region: 'us-east-1', accountId: ACCOUNT, startTime: START, propagation: { minMs: 500, maxMs: 8000 }, hosts: 3, principals: [{ arn: APP, accessKeyId: 'AKIAAPPROLEEXAMPLE01' }] };
const callers = [{ arn: `arn:aws:iam::${ACCOUNT}:root`, label: 'root' }, { arn: APP, accessKeyId: 'AKIAAPPROLEEXAMPLE01', label: 'App' }];

const clock = (at: number): LogEntry => ({ kind: 'clock', at, to: at });

/** a presenter's simulator with a key and `grants` CreateGrants (a clock move every 100) */
async function presenterLog(grants: number) {
  const sim = createSimulator(OPTIONS);
  const send = async (operation: string, body: object) => {
    const res = await sim.fetch(buildRequest({ operation, callerArn: callers[0].arn, body: JSON.stringify(body) }, { region: 'us-east-1', callers, now: sim.clock.now() }));
    return JSON.parse(await res.text()) as Record<string, any>;
  };
  const key = (await send('CreateKey', {})).KeyMetadata.KeyId as string;
  for (let i = 0; i < grants; i++) {
    await send('CreateGrant', { KeyId: key, GranteePrincipal: APP, Operations: ['Encrypt', 'Decrypt'] });
    if (i % 100 === 99) sim.clock.advance(1_000);
  }
  return sim;
}

describe('LogSender: the part of the log a message carries', () => {
  it('sends everything first, then only what was added, from the fork after a fork, everything for another simulator or a hello', () => {
    const s = new LogSender();
    const sim = {};
    const log = [clock(1), clock(2), clock(3)];
    expect(s.next(sim, log)).toEqual({ from: 0, entries: log });
    expect(s.next(sim, log)).toEqual({ from: 3, entries: [] });
    log.push(clock(4));
    expect(s.next(sim, log)).toEqual({ from: 3, entries: [clock(4)] });
    // history forked after the second entry (the simulator cut its log there and went on)
    log.length = 2;
    log.push(clock(10), clock(11), clock(12));
    expect(s.next(sim, log)).toEqual({ from: 2, entries: [clock(10), clock(11), clock(12)] });
    expect(s.next(sim, log, true).from).toBe(0);
    expect(s.next({}, log).from).toBe(0);
  });
});

describe('LogFollower: the audience’s copy of the log', () => {
  it('appends parts that join, asks again after a gap, starts over after a fork, and takes a repeated whole log as nothing new', () => {
    const f = new LogFollower();
    expect(f.receive('w', { from: 2, entries: [clock(3)] })).toBe('gap');
    expect(f.receive('w', { from: 0, entries: [clock(1), clock(2)] })).toBe('ok');
    expect(f.take()).toEqual({ kind: 'rebuild', entries: [clock(1), clock(2)] });
    expect(f.receive('w', { from: 2, entries: [clock(3)] })).toBe('ok');
    expect(f.take()).toEqual({ kind: 'append', entries: [clock(3)] });
    // a part past what it holds: a message was missed
    expect(f.receive('w', { from: 5, entries: [clock(6)] })).toBe('gap');
    // another audience's hello: the whole log again, the same entries (copies)
    expect(f.receive('w', { from: 0, entries: structuredClone([clock(1), clock(2), clock(3), clock(4)]) })).toBe('ok');
    expect(f.take()).toEqual({ kind: 'append', entries: [clock(4)] });
    // the presenter forked after entry 1: what was applied changed
    expect(f.receive('w', { from: 1, entries: [clock(7)] })).toBe('ok');
    expect(f.take()).toEqual({ kind: 'rebuild', entries: [clock(1), clock(7)] });
    // another world starts over, and needs its whole log
    expect(f.receive('v', { from: 1, entries: [clock(1)] })).toBe('gap');
    expect(f.receive('v', { from: 0, entries: [clock(5)] })).toBe('ok');
    expect(f.take().kind).toBe('rebuild');
  });
});

describe('catching up with a 3,000-request workspace', () => {
  it('replays it in one batch: the same history, responses and events as the presenter, in seconds', async () => {
    const presenter = await presenterLog(2_999);
    expect(presenter.log.filter((e) => e.kind === 'request')).toHaveLength(3_000);
    // what crosses the channel: a structured clone, parsed on arrival
    const wire = structuredClone({ v: PROTOCOL, key: 'K'.repeat(22), type: 'workspace', workspace: { id: 'w', name: 'Big', options: OPTIONS }, log: new LogSender().next(presenter, presenter.log), now: presenter.clock.now() });
    const m = parseFollowMessage(wire, 'K'.repeat(22));
    expect(m?.type).toBe('workspace');
    if (m?.type !== 'workspace') return;

    const started = performance.now();
    const session = await batchSession(m.workspace.options, m.log.entries);
    const ms = performance.now() - started;
    console.log(`batch catch-up of 3,000 requests in node: ${Math.round(ms)} ms`);
    // the History pane holds the latest 2,000, as the presenter's does after a reload
    expect(session.history).toHaveLength(2_000);
    expect(session.history.at(-1)).toMatchObject({ n: 2_000, operation: 'CreateGrant', response: { status: 200 } });
    expect(session.sim.events.length).toBe(presenter.events.length);
    expect(JSON.stringify(session.sim.events.at(-1))).toBe(JSON.stringify(presenter.events.at(-1)));
    expect(session.world.keys[0]?.grants.length).toBe(2_999);
    expect(session.now).toBe(presenter.clock.now());
    // generous for a loaded machine; the per-request Session replay took minutes
    expect(ms).toBeLessThan(20_000);
    session.dispose();
  }, 120_000);

  it('CatchUp: a first whole log in a batch, a step live, many new entries in a batch on the same simulator, a fork from scratch', async () => {
    const presenterSim = createSimulator(OPTIONS);
    const presenter = new Session(presenterSim, { ...OPTIONS, operationGroups: groupsFrom(OPERATION_GROUPS) });
    const sendAs = async (operation: string, body: object) => {
      presenter.setTarget(operation);
      presenter.body = JSON.stringify(body);
      const e = await presenter.send();
      return JSON.parse(e.response!.body || '{}') as Record<string, any>;
    };
    const key = (await sendAs('CreateKey', {})).KeyMetadata.KeyId as string;
    for (let i = 0; i < 30; i++) await sendAs('CreateGrant', { KeyId: key, GranteePrincipal: APP, Operations: ['Encrypt'] });

    let shown: Session | undefined;
    const statuses: string[] = [];
    const c = new CatchUp({ options: () => OPTIONS, current: () => shown, show: (s) => (shown = s), after: () => undefined, status: (t) => statuses.push(t) });
    const sender = new LogSender();
    const deliver = async () => {
      expect(c.log.receive('w', structuredClone(sender.next(presenterSim, presenterSim.log)))).toBe('ok');
      await c.kick();
    };
    const same = () => {
      expect(shown!.history.map((e) => e.response?.body)).toEqual(presenter.history.map((e) => e.response?.body));
      expect(shown!.sim.events.length).toBe(presenterSim.events.length);
    };

    await deliver();
    expect(c.lastRound?.kind).toBe('rebuild');
    same();
    const first = shown;

    await sendAs('ListGrants', { KeyId: key });
    await deliver();
    expect(c.lastRound).toMatchObject({ kind: 'live', entries: 1 });
    expect(shown).toBe(first);
    same();

    presenter.advance(5_000);
    for (let i = 0; i < 40; i++) await sendAs('CreateGrant', { KeyId: key, GranteePrincipal: APP, Operations: ['Decrypt'] });
    await deliver();
    expect(c.lastRound).toMatchObject({ kind: 'batch', entries: 41 });
    expect(shown!.sim).toBe(first!.sim);
    same();

    // the presenter goes back in time and sends there: history forks
    await presenter.travelTo(START + 1);
    await sendAs('ListKeys', {});
    await deliver();
    expect(c.lastRound?.kind).toBe('rebuild');
    same();
    expect(statuses.at(-1)).toBe('Following the presenter.');
  }, 120_000);
});
