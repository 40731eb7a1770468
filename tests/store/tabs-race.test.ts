/**
 * No answered request is ever lost (two tabs on one workspace). Tab B shows a workspace; tab A
 * changes it. A Send in tab B that races B's reload (it is sent while B loads the workspace
 * again, or before B has even heard of A's change) is applied to the reloaded workspace and
 * saved, and what B shows for it is what was saved; a Send into a workspace another tab deleted
 * is refused before it is answered, with a plain message. So every response B shows is in the
 * database.
 */
import './helpers';
import { describe, expect, it } from 'vitest';
import { openWorkspaceSimulator, type PlaygroundStore } from '../../src/store/index';
import type { SimulatorWithEngine } from '../../src/kms/index';
import type { WorkspaceApp } from '../../src/ui/workspaces/WorkspaceApp.svelte';
import { bootApp, kmsRequest, sendAs, until } from './app-helpers';
import { freshDb, openStore } from './helpers';

/** tab B (a WorkspaceApp whose workspace loads can be paused) and tab A (a simulator) on one workspace */
async function twoTabs() {
  const { factory, name } = freshDb();
  const tabA = await openStore({ factory, name });
  const tabB = await openStore({ factory, name });
  let pause: { started: () => void; release: Promise<void> } | undefined;
  let afterLoad: (() => Promise<void>) | undefined;
  const b = await bootApp(tabB, {
    openSimulator: async (id) => {
      const p = pause;
      pause = undefined;
      if (p) {
        p.started();
        await p.release;
      }
      const sim = await openWorkspaceSimulator(tabB, id);
      const after = afterLoad;
      afterLoad = undefined;
      await after?.();
      return sim;
    },
  });
  const id = b.current!.id;
  const simA = await openWorkspaceSimulator(tabA, id);
  /** the next workspace load in tab B waits until release() */
  const pauseNextLoad = () => {
    let started!: () => void;
    let release!: () => void;
    const begun = new Promise<void>((r) => (started = r));
    pause = { started, release: new Promise<void>((r) => (release = r)) };
    return { begun, release };
  };
  /** runs `fn` once tab B's next workspace load has read the database (before B uses it) */
  const onNextLoad = (fn: () => Promise<void>) => (afterLoad = fn);
  return { tabA, tabB, b, id, simA, pauseNextLoad, onNextLoad };
}

/** the key ids the database holds for the workspace */
async function storedKeys(store: PlaygroundStore, id: string): Promise<string[]> {
  const sim = await openWorkspaceSimulator(store, id);
  const res = await (await sim.fetch(kmsRequest('ListKeys', {}))).json();
  return (res.Keys as { KeyId: string }[]).map((k) => k.KeyId).sort();
}

const keyIdOf = (body: string | undefined) => (JSON.parse(body ?? '{}').KeyMetadata?.KeyId as string | undefined) ?? '';

/** every CreateKey response B's History shows names a key the database holds */
async function everyShownKeyIsSaved(b: WorkspaceApp, store: PlaygroundStore, id: string) {
  const stored = await storedKeys(store, id);
  const shown = b.session.history.filter((e) => e.operation === 'CreateKey' && e.response?.status === 200).map((e) => keyIdOf(e.response?.body));
  for (const k of shown) expect(stored, `the key ${k} shown in the History was saved`).toContain(k);
  return { stored, shown };
}

async function createKey(sim: SimulatorWithEngine, description: string) {
  const res = await (await sim.fetch(kmsRequest('CreateKey', { Description: description }))).json();
  return res.KeyMetadata.KeyId as string;
}

describe('a Send racing a reload', () => {
  it('sent while the tab loads the other tab’s change: applied to the reloaded workspace and saved', async () => {
    const { tabA, b, id, simA, pauseNextLoad } = await twoTabs();
    const oldSession = b.session;
    const load = pauseNextLoad();
    const fromA = await createKey(simA, 'from A');
    await load.begun; // tab B heard of it and is loading the workspace again
    const sending = sendAs(oldSession, 'CreateKey', { Description: 'from B' });
    await new Promise((r) => setTimeout(r, 100));
    load.release();
    const sent = await sending;
    await until('B is idle', () => !b.working);
    await b.simulator!.flush();

    expect(sent.refused).toBeUndefined();
    expect(sent.response?.status).toBe(200);
    const keyB = keyIdOf(sent.response?.body);
    const { stored } = await everyShownKeyIsSaved(b, tabA, id);
    expect(stored, 'both tabs’ keys are saved').toEqual([fromA, keyB].sort());
    expect(b.simulator!.storeError).toBeUndefined();
    expect(b.session.history.map((e) => JSON.parse(e.body).Description ?? '')).toEqual(['from A', 'from B']);
    expect(b.session.selected?.n, 'the Response pane shows the saved answer').toBe(b.session.history.at(-1)!.n);
  });

  it('sent before the tab heard of the other tab’s change: what it shows is what was saved', async () => {
    const { tabA, b, id, simA } = await twoTabs();
    const fromA = await createKey(simA, 'from A');
    // same turn: tab B's save meets tab A's before the announcement arrives
    const sent = await sendAs(b.session, 'CreateKey', { Description: 'from B' });
    await until('B is idle', () => !b.working);
    await b.simulator!.flush();

    expect(sent.refused).toBeUndefined();
    expect(sent.response?.status).toBe(200);
    const keyB = keyIdOf(sent.response?.body);
    const { stored } = await everyShownKeyIsSaved(b, tabA, id);
    expect(stored).toEqual([fromA, keyB].sort());
    expect(b.notices.find((n) => n.key === 'tabs')?.text).toMatch(/sent your 1 unsaved request again/);
  });

  it('another change landing while the tab re-sends its request: sent again on top of that one, and saved', async () => {
    const { tabA, b, id, simA, onNextLoad } = await twoTabs();
    const first = await createKey(simA, 'A1');
    let second = '';
    // tab B loads A1, and before it re-sends its request A commits again
    onNextLoad(async () => {
      second = await createKey(simA, 'A2');
    });
    const sent = await sendAs(b.session, 'CreateKey', { Description: 'from B' });
    await until('B is idle', () => !b.working);
    await b.simulator!.flush();
    expect(second).not.toBe('');
    expect(sent.response?.status).toBe(200);
    const { stored } = await everyShownKeyIsSaved(b, tabA, id);
    expect(stored).toEqual([first, second, keyIdOf(sent.response?.body)].sort());
    expect(b.simulator!.storeError).toBeUndefined();
  });

  it('several Sends during a slow reload are all saved, in order', async () => {
    const { tabA, b, id, simA, pauseNextLoad } = await twoTabs();
    const oldSession = b.session;
    const load = pauseNextLoad();
    await createKey(simA, 'from A');
    await load.begun;
    const first = sendAs(oldSession, 'CreateKey', { Description: 'B1' });
    const second = sendAs(oldSession, 'CreateKey', { Description: 'B2' });
    await new Promise((r) => setTimeout(r, 50));
    load.release();
    const sent = await Promise.all([first, second]);
    await until('B is idle', () => !b.working);
    await b.simulator!.flush();
    expect(sent.map((s) => s.response?.status)).toEqual([200, 200]);
    const { stored } = await everyShownKeyIsSaved(b, tabA, id);
    expect(stored).toHaveLength(3);
    for (const s of sent) expect(stored).toContain(keyIdOf(s.response?.body));
  });

  it('sent into a workspace another tab deleted: refused before it is answered, with a plain message', async () => {
    const { tabA, b, id } = await twoTabs();
    await tabA.deleteWorkspace(id);
    await until('B heard of the delete', () => b.notices.some((n) => n.key === 'tabs'));
    const before = b.session.history.length;
    const sent = await sendAs(b.session, 'CreateKey', { Description: 'into the void' });
    expect(sent.response).toBeUndefined();
    expect(sent.refused).toMatch(/deleted in another tab/);
    expect(b.session.notice).toBe(sent.refused);
    expect(b.session.history, 'nothing is shown as answered').toHaveLength(before);
    expect(b.simulator!.log.filter((e) => e.kind === 'request'), 'nothing was sent').toHaveLength(0);
  });

  it('sent in the same turn as another tab’s delete: not shown as answered', async () => {
    const { tabA, b, id } = await twoTabs();
    await tabA.deleteWorkspace(id);
    const sent = await sendAs(b.session, 'CreateKey', { Description: 'into the void' });
    expect(sent.response).toBeUndefined();
    expect(sent.refused).toMatch(/deleted in another tab/);
    expect(b.session.history).toHaveLength(0);
    // and what follows is refused at once
    const next = await sendAs(b.session, 'ListKeys', {});
    expect(next.refused).toMatch(/deleted in another tab/);
  });
});
