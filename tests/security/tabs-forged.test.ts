/**
 * The tabs channel is open to every same-origin page: anything may post on
 * `kms-playground:<dbname>`. A tab acts only on messages that fit the schema exactly, and checks
 * what a message claims against IndexedDB first: a "deleted" for a workspace the database still
 * holds, a "reset" or "changed" whose revision is not the stored one, or one announcing a state
 * this tab already holds or was already told of (a replayed message), does nothing. Genuine messages still work.
 */
import '../store/helpers';
import { describe, expect, it } from 'vitest';
import { channelName, openWorkspaceSimulator, type PlaygroundStore, type TabMessage } from '../../src/store/index';
import { bootApp, kmsRequest, OPTIONS, sendAs, until } from '../store/app-helpers';
import { freshDb, openStore } from '../store/helpers';

const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

async function twoTabs() {
  const { factory, name } = freshDb();
  const tabA = await openStore({ factory, name });
  const tabB = await openStore({ factory, name });
  const ws = await tabA.createWorkspace('Shared', OPTIONS);
  const simA = await openWorkspaceSimulator(tabA, ws.id);
  await simA.fetch(kmsRequest('CreateKey', {}));
  await simA.flush();
  // the genuine announcements of the setup arrive before anyone listens
  await settle();
  const forger = new BroadcastChannel(channelName(name));
  return { tabA, tabB, ws, simA, forger, forge: (m: unknown) => forger.postMessage(m) };
}

function record(store: PlaygroundStore, ws: string) {
  const changed: TabMessage[] = [];
  const listed: TabMessage[] = [];
  store.watch(ws, (m) => changed.push(m));
  store.watchWorkspaces((m) => listed.push(m));
  return { changed, listed };
}

describe('forged tab messages', () => {
  it('ignores messages that do not fit the schema', async () => {
    const { tabB, ws, forger, forge } = await twoTabs();
    const { changed, listed } = record(tabB, ws.id);
    const junk: unknown[] = [
      null,
      'changed',
      42,
      [],
      { type: 'changed' },
      { type: 'changed', workspace: ws.id },
      { type: 'changed', workspace: ws.id, logLength: '1', revision: 1 },
      { type: 'changed', workspace: ws.id, logLength: 1, revision: -1 },
      { type: 'changed', workspace: ws.id, logLength: 1.5, revision: 1 },
      { type: 'changed', workspace: ws.id, logLength: 1, revision: Number.NaN },
      { type: 'changed', workspace: ws.id, logLength: 1, revision: 1, cause: 'nuked' },
      { type: 'changed', workspace: ws.id, logLength: 1, revision: 1, extra: true },
      { type: 'changed', workspace: '', logLength: 1, revision: 1 },
      { type: 'changed', workspace: 'x'.repeat(10_000), logLength: 1, revision: 1 },
      { type: 'changed', workspace: ws.id, logLength: 0, revision: 0, cause: 'deleted', extra: 1 },
      // a reset or a delete announces the state it leaves: no log, revision 0
      { type: 'changed', workspace: ws.id, logLength: 0, revision: 2, cause: 'reset' },
      { type: 'changed', workspace: ws.id, logLength: 3, revision: 0, cause: 'deleted' },
      { type: 'workspaces', workspace: ws.id, change: 'exploded' },
      { type: 'workspaces', workspace: ws.id, change: 'deleted', more: 'x' },
      { type: 'workspaces', workspace: 7, change: 'deleted' },
      { type: 'hello' },
    ];
    for (const m of junk) forge(m);
    await settle();
    expect(changed).toEqual([]);
    expect(listed).toEqual([]);
    forger.close();
  });

  it('a forged "deleted" for a workspace still in the database does nothing', async () => {
    const { tabB, ws, forger, forge } = await twoTabs();
    const { changed } = record(tabB, ws.id);
    forge({ type: 'changed', workspace: ws.id, logLength: 0, revision: 0, cause: 'deleted' });
    await settle();
    expect(changed).toEqual([]);
    forger.close();
  });

  it('a forged "reset" or "changed" whose revision is not the stored one does nothing', async () => {
    const { tabB, ws, forger, forge } = await twoTabs();
    const { changed } = record(tabB, ws.id);
    forge({ type: 'changed', workspace: ws.id, logLength: 0, revision: 0, cause: 'reset' });
    forge({ type: 'changed', workspace: ws.id, logLength: 9, revision: 9 });
    await settle();
    forge({ type: 'changed', workspace: ws.id, logLength: 1, revision: 99 });
    await settle();
    expect(changed).toEqual([]);
    forger.close();
  });

  it('a forged "changed" naming the stored revision does nothing when this tab already holds that state', async () => {
    const { tabB, ws, forger, forge } = await twoTabs();
    // tab B loads the workspace as it is stored (revision 2 after create + one request)
    const simB = await openWorkspaceSimulator(tabB, ws.id);
    const { changed } = record(tabB, ws.id);
    const stored = (await tabB.getWorkspace(ws.id))!;
    forge({ type: 'changed', workspace: ws.id, logLength: stored.logLength, revision: stored.revision });
    await settle();
    expect(changed).toEqual([]);
    expect(simB.storeError).toBeUndefined();
    forger.close();
  });

  it('a genuine message posted again (replayed) does nothing the second time', async () => {
    const { tabB, ws, simA, forger, forge } = await twoTabs();
    const { changed } = record(tabB, ws.id);
    await simA.fetch(kmsRequest('ListKeys', {}));
    await simA.flush();
    await until('the change', () => changed.length === 1);
    forge(changed[0]);
    await settle();
    forge({ ...changed[0] });
    await settle();
    expect(changed).toHaveLength(1);
    forger.close();
  });

  it('still acts on genuine changes, resets and deletes, each carrying the stored revision', async () => {
    const { tabA, tabB, ws, simA } = await twoTabs();
    await openWorkspaceSimulator(tabB, ws.id);
    const { changed } = record(tabB, ws.id);
    await simA.fetch(kmsRequest('ListKeys', {}));
    await simA.flush();
    const info = (await tabA.getWorkspace(ws.id))!;
    await until('the change', () => changed.length === 1);
    expect(changed[0]).toEqual({ type: 'changed', workspace: ws.id, logLength: info.logLength, revision: info.revision });
    await tabA.resetWorkspace(ws.id);
    await until('the reset', () => changed.length === 2);
    expect(changed[1]).toEqual({ type: 'changed', workspace: ws.id, logLength: 0, revision: 0, cause: 'reset' });
    await tabA.deleteWorkspace(ws.id);
    await until('the delete', () => changed.length === 3);
    expect(changed[2]).toEqual({ type: 'changed', workspace: ws.id, logLength: 0, revision: 0, cause: 'deleted' });
  });

  it('the playground ignores a forged "deleted" and "reset": no notice, and its requests are still saved', async () => {
    const { factory, name } = freshDb();
    const tab = await openStore({ factory, name });
    const app = await bootApp(tab);
    const id = app.current!.id;
    const key = await sendAs(app.session, 'CreateKey', { Description: 'mine' });
    expect(key.response?.status).toBe(200);
    await app.simulator!.flush();
    const forger = new BroadcastChannel(channelName(name));
    forger.postMessage({ type: 'changed', workspace: id, logLength: 0, revision: 0, cause: 'deleted' });
    forger.postMessage({ type: 'workspaces', workspace: id, change: 'deleted' });
    await settle();
    forger.postMessage({ type: 'changed', workspace: id, logLength: 0, revision: 0, cause: 'reset' });
    await settle();
    expect(app.notices.filter((n) => n.key === 'tabs')).toEqual([]);
    expect(app.workspaces.map((w) => w.id)).toContain(id);
    const next = await sendAs(app.session, 'ListKeys', {});
    expect(next.response?.status).toBe(200);
    await app.simulator!.flush();
    expect(app.simulator!.storeError).toBeUndefined();
    expect((await tab.getWorkspace(id))?.logLength).toBe(2);
    forger.close();
  });
});
