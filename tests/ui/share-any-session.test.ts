/**
 * Any session the UI can make can be shared, and the link reproduces it: random sequences of
 * what a user does (send, Play at any speed with real frame timings, Pause, Advance by fractional
 * seconds, Settle, Step, travel back, send in the past to fork, return to the present) are driven
 * through the real Session and Playback, shared with Share's own code, opened in a fresh store,
 * and compared: the same history (requests, responses, ids, tokens), the same events and the same
 * clock.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryPlaygroundStore, type PlaygroundStore, type WorkspaceOptions } from '../../src/store/index';
import { advanceMsOf, SPEEDS } from '../../src/ui/session/playback.svelte';
import type { Session } from '../../src/ui/Session.svelte';
import { WorkspaceApp } from '../../src/ui/workspaces/WorkspaceApp.svelte';
import { backend } from '../store/app-helpers';
import { scenarioFromWorkspaceLog, shareLink } from '../../src/ui/share/scenario';

const START = Date.UTC(2026, 0, 1, 12);
const ACCOUNT = '111122223333';
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const PRINCIPALS = [{ arn: APP, accessKeyId: 'AKIAAPPROLEEXAMPLE01' }];
const OPTIONS: WorkspaceOptions = { seed: 11, region: 'us-east-1', accountId: ACCOUNT, startTime: START, propagation: { minMs: 500, maxMs: 8000 }, hosts: 3, principals: PRINCIPALS };

// Animation frames and performance.now under the test's control, so Play runs with real-looking
// (fractional) frame timings: 16.667 ms at 60 Hz, 6.944 ms at 144 Hz, a stall of 250 ms.
let frames: FrameRequestCallback[] = [];
let perfNow = 1000;
beforeEach(() => {
  frames = [];
  perfNow = 1000;
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frames.push(cb));
  vi.stubGlobal('cancelAnimationFrame', () => (frames = []));
  vi.spyOn(performance, 'now').mockImplementation(() => perfNow);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function runFrames(gaps: readonly number[]): void {
  for (const gap of gaps) {
    perfNow += gap;
    const due = frames;
    frames = [];
    for (const cb of due) cb(perfNow);
  }
}

async function bootApp(storage: PlaygroundStore, hash = ''): Promise<WorkspaceApp> {
  const app = new WorkspaceApp(OPTIONS);
  await app.boot(Promise.resolve(backend(storage)), { hash, clearHash: () => undefined });
  return app;
}

type Action =
  | { kind: 'send'; what: 'key' | 'grant' | 'encrypt' | 'describe' }
  | { kind: 'play'; speed: number; gaps: number[] }
  | { kind: 'advance'; seconds: number }
  | { kind: 'settle' }
  | { kind: 'step' }
  | { kind: 'back'; fraction: number }
  | { kind: 'present' };

const FRAME_GAPS = [16.6667, 16.7, 6.9444, 33.3333, 8.3, 250, 0.4, 1000 / 75];
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('key', 'grant', 'encrypt', 'describe').map((what) => ({ kind: 'send', what }) as Action) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('play' as const), speed: fc.constantFrom(...SPEEDS), gaps: fc.array(fc.constantFrom(...FRAME_GAPS), { minLength: 1, maxLength: 40 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.oneof(fc.constantFrom(1.2345, 0.0015, 0.001, 2.5, 0.3333), fc.double({ min: 0.001, max: 20, noNaN: true })) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'settle' } as Action) },
  { weight: 1, arbitrary: fc.constant({ kind: 'step' } as Action) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('back' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'present' } as Action) },
);

async function send(app: WorkspaceApp, operation: string, body: object, caller?: string): Promise<void> {
  const s: Session = app.session;
  s.setTarget(operation);
  s.body = JSON.stringify(body);
  s.callerArn = caller ?? s.rootArn;
  await s.send();
}

async function perform(app: WorkspaceApp, a: Action): Promise<void> {
  const s = app.session;
  const keyId = s.world.keys[0]?.keyId;
  switch (a.kind) {
    case 'send':
      if (a.what === 'key' || keyId === undefined) await send(app, 'CreateKey', {});
      else if (a.what === 'grant') await send(app, 'CreateGrant', { KeyId: keyId, GranteePrincipal: APP, Operations: ['Encrypt', 'DescribeKey'] });
      else if (a.what === 'encrypt') await send(app, 'Encrypt', { KeyId: keyId, Plaintext: 'aGk=' }, APP);
      else await send(app, 'DescribeKey', { KeyId: keyId }, APP);
      break;
    case 'play':
      app.playback.speed = a.speed;
      app.playback.play();
      runFrames(a.gaps);
      app.playback.pause();
      break;
    case 'advance': {
      const ms = advanceMsOf(a.seconds);
      if (ms !== undefined) s.advance(ms);
      break;
    }
    case 'settle':
      s.settle();
      break;
    case 'step':
      s.stepToNext();
      break;
    case 'back':
      if (s.canTravelBack) await s.travelTo(Math.round(START + a.fraction * (s.now - START)));
      break;
    case 'present':
      await s.returnToPresent();
      break;
  }
  await app.simulator!.flush();
  await s.refreshWorld();
}

const view = (h: Session['history']) => h.map((e) => ({ op: e.operation, caller: e.callerArn, body: e.body, sentAt: e.sentAt, status: e.response?.status, res: e.response?.body, headers: e.response?.headers }));

describe('sharing any session', () => {
  it('after Play at 0.25x, the link opens to the same clock and history', async () => {
    const sender = await bootApp(createMemoryPlaygroundStore({ reason: 'test' }));
    await perform(sender, { kind: 'send', what: 'key' });
    await perform(sender, { kind: 'play', speed: 0.25, gaps: [16.6667, 16.6667, 16.6667] });
    expect(Number.isInteger(sender.session.now), `shown time ${sender.session.now}`).toBe(true);
    const source = (await sender.shareSource())!;
    const link = shareLink(scenarioFromWorkspaceLog(source.log, source.options, source), 'https://example.test/');
    expect(link).toMatchObject({ ok: true });
  });

  it('Advance by 1.2345 seconds moves the clock 1,235 ms', () => {
    expect(advanceMsOf(1.2345)).toBe(1235);
    expect(advanceMsOf(0.0004)).toBeUndefined();
    expect(advanceMsOf(Number.NaN)).toBeUndefined();
  });

  it('random sessions of Play, Pause, fractional Advance, Step, Settle, travel and fork replay from their link', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 14 }), async (actions) => {
        frames = [];
        const sender = await bootApp(createMemoryPlaygroundStore({ reason: 'test' }));
        for (const a of actions) await perform(sender, a);
        const s = sender.session;
        expect(Number.isInteger(s.now), `the shown time ${s.now} is whole milliseconds`).toBe(true);

        const source = (await sender.shareSource())!;
        const link = shareLink(scenarioFromWorkspaceLog(source.log, source.options, source), 'https://example.test/');
        if (!link.ok) {
          // only length may stop a link, and then the dialog offers the file
          expect(link.reason, link.detail).toBe('too-long');
          return;
        }
        const receiver = await bootApp(createMemoryPlaygroundStore({ reason: 'test' }), link.url.slice(link.url.indexOf('#')));
        await receiver.session.refreshWorld();
        const shown = s.history.filter((e) => e.sentAt <= s.now);
        expect(view(receiver.session.history)).toEqual(view(shown));
        expect(receiver.session.now).toBe(s.now);
        expect(receiver.session.events).toEqual(s.events);
      }),
      { numRuns: 40, seed: 20261207 },
    );
  }, 120_000);
});
