/**
 * The timeline's view without a canvas: it follows the clock until panned, zooms in steps, fits
 * the whole scenario, moves between events with the keys, and explains the selected event.
 */
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/kms/index';
import { OPERATION_GROUPS } from '../../src/kms/ops/index';
import { Session } from '../../src/ui/Session.svelte';
import { groupsFrom } from '../../src/ui/operations';
import { TimelineView } from '../../src/ui/timeline/view.svelte';

const START = Date.UTC(2026, 0, 1, 12);
const ACCOUNT = '111122223333';
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const PRINCIPALS = [{ arn: APP, accessKeyId: 'AKIAAPPROLEEXAMPLE01' }];

async function setup() {
  const sim = createSimulator({ seed: 7, accountId: ACCOUNT, startTime: START, propagation: { minMs: 500, maxMs: 8000 }, hosts: 3, principals: PRINCIPALS });
  const session = new Session(sim, { seed: 7, region: 'us-east-1', accountId: ACCOUNT, hosts: 3, startTime: START, principals: PRINCIPALS, operationGroups: groupsFrom(OPERATION_GROUPS) });
  session.setTarget('CreateKey');
  session.body = '{}';
  const key = JSON.parse((await session.send()).response?.body ?? '{}').KeyMetadata.KeyId as string;
  session.setTarget('CreateGrant');
  session.body = JSON.stringify({ KeyId: key, GranteePrincipal: APP, Operations: ['Encrypt'] });
  await session.send();
  session.settle();
  await Promise.resolve();
  return { session, view: new TimelineView(() => session) };
}

describe('TimelineView', () => {
  it('follows the clock, and stays where it was put once panned', async () => {
    const { session, view } = await setup();
    expect(view.view.t1 - view.view.t0).toBe(20_000);
    expect(view.view.t1).toBeGreaterThanOrEqual(session.now);
    view.pan(0.5);
    expect(view.follow).toBe(false);
    const end = view.view.t1;
    session.advance(60_000);
    expect(view.view.t1).toBe(end);
  });

  it('zooms in steps, keeping the centre when not following, and fits the whole scenario', async () => {
    const { session, view } = await setup();
    view.zoom(-1);
    expect(view.span).toBe(10_000);
    view.zoom(1);
    view.zoom(1);
    expect(view.span).toBe(30_000);
    for (let i = 0; i < 20; i++) view.zoom(-1);
    expect(view.span).toBe(2_000);
    session.advance(100_000);
    view.fit();
    expect(view.follow).toBe(false);
    expect(view.view.t0).toBeLessThan(START);
    expect(view.view.t1).toBeGreaterThan(session.now);
  });

  it('moves between events with the arrow keys and explains the selected one', async () => {
    const { session, view } = await setup();
    expect(view.explanation).toEqual([]);
    expect(view.key('ArrowRight')).toBe(true);
    const first = view.selected;
    expect(first).toBe(session.index.items[0]);
    expect(view.explanation[0]).toMatch(/:$/);
    view.key('ArrowRight');
    expect(view.selected).not.toBe(first);
    view.key('ArrowDown');
    expect(view.selected?.lane).toBe(1);
    view.key('Escape');
    expect(view.selected).toBeUndefined();
    expect(view.key('x')).toBe(false);
  });
});

describe('TimelineView while following the clock', () => {
  it('holding or panning starts from the view shown, not from an old manual end', async () => {
    const { view } = await setup();
    const shown = view.view;
    view.hold();
    expect(view.follow).toBe(false);
    expect(view.view).toEqual(shown);
    view.follow = true;
    const again = view.view;
    view.pan(0.5);
    expect(view.view.t1).toBe(again.t1 + view.span / 2);
  });
});
