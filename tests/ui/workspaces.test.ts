/**
 * Workspaces in the UI: the History pane rebuilt from a stored log equals what the session saw;
 * a reload (a second WorkspaceApp on the same store) brings back keys, grants, the clock and the
 * history; switch, duplicate, reset, delete, export and import; a shared scenario opens in a new
 * workspace with the same timeline, and a broken link leaves the others untouched; two tabs
 * writing at once both keep their writes.
 */
import '../store/helpers';
import { describe, expect, it } from 'vitest';
import { createSimulator, OPERATION_GROUPS, type SimulatorWithEngine } from '../../src/kms/index';
import { createMemoryPlaygroundStore, describeStoreError, openWorkspaceSimulator, reapplyInputs, type PlaygroundStore, type WorkspaceOptions } from '../../src/store/index';
import { scenarioFromHash, scenarioToUrlHash } from '../../src/scenario/codec';
import { DEFAULT_SETTINGS, SCENARIO_VERSION, simulatorOptions, type Scenario } from '../../src/scenario/format';
import { replayWith } from '../../src/scenario/run';
import { groupsFrom } from '../../src/ui/operations';
import { Session } from '../../src/ui/Session.svelte';
import { WorkspaceApp, type Backend } from '../../src/ui/workspaces/WorkspaceApp.svelte';
import { rebuildHistory } from '../../src/ui/workspaces/history';
import { scenarioFromWorkspaceLog, shareLink } from '../../src/ui/share/scenario';
import { freshDb, openStore } from '../store/helpers';

const START = Date.UTC(2026, 0, 1, 12);
const ACCOUNT = '111122223333';
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const PRINCIPALS = [{ arn: APP, accessKeyId: 'AKIAAPPROLEEXAMPLE01' }];
const OPTIONS: WorkspaceOptions = { seed: 7, region: 'us-east-1', accountId: ACCOUNT, startTime: START, propagation: { minMs: 500, maxMs: 8000 }, hosts: 3, principals: PRINCIPALS };
const INFO = { operationGroups: groupsFrom(OPERATION_GROUPS) };
// Playback (created with each Session) uses animation frames; Node has none
Object.assign(globalThis, { requestAnimationFrame: () => 0, cancelAnimationFrame: () => undefined });

function backend(storage: PlaygroundStore): Backend {
  return {
    storage: storage as Backend['storage'],
    openSimulator: (id) => openWorkspaceSimulator(storage, id),
    scratch: (o) => createSimulator({ ...o }),
    describeStoreError,
    reapplyInputs,
    fromHash: scenarioFromHash,
    optionsOf: simulatorOptions,
    replayInto: async (sim, scenario) => {
      await replayWith(() => sim, scenario);
    },
    info: INFO,
  };
}

async function bootApp(storage: PlaygroundStore, hash = ''): Promise<WorkspaceApp> {
  const app = new WorkspaceApp(OPTIONS);
  let cleared = false;
  await app.boot(Promise.resolve(backend(storage)), { hash, clearHash: () => (cleared = true) });
  if (hash) expect(cleared, 'the fragment is removed').toBe(true);
  return app;
}

async function sendAs(session: Session, operation: string, body: object, caller?: string) {
  session.setTarget(operation);
  session.body = JSON.stringify(body);
  session.callerArn = caller ?? session.rootArn;
  return session.send();
}

/** a key, a grant to role/App, an Encrypt denied before propagation, the clock moved, an Encrypt allowed */
async function lifecycle(session: Session) {
  const key = JSON.parse((await sendAs(session, 'CreateKey', {})).response!.body);
  const keyId = key.KeyMetadata.KeyId as string;
  const grant = JSON.parse((await sendAs(session, 'CreateGrant', { KeyId: keyId, GranteePrincipal: APP, Operations: ['Encrypt'] })).response!.body);
  const denied = await sendAs(session, 'Encrypt', { KeyId: keyId, Plaintext: 'aGk=' }, APP);
  expect(denied.response?.status).toBe(400);
  session.settle();
  await session.refreshWorld();
  const allowed = await sendAs(session, 'Encrypt', { KeyId: keyId, Plaintext: 'aGk=' }, APP);
  expect(allowed.response?.status).toBe(200);
  return { keyId, grantId: grant.GrantId as string };
}

const view = (h: Session['history']) => h.map((e) => ({ n: e.n, op: e.operation, caller: e.callerArn, body: e.body, sentAt: e.sentAt, status: e.response?.status, res: e.response?.body, headers: e.response?.headers }));

describe('rebuildHistory', () => {
  it('gives back each request with the response it got, from the log alone', async () => {
    const sim = createSimulator(OPTIONS);
    const session = new Session(sim, { seed: 7, region: 'us-east-1', accountId: ACCOUNT, hosts: 3, startTime: START, principals: PRINCIPALS, operationGroups: INFO.operationGroups });
    await lifecycle(session);
    await sendAs(session, 'CreateGrant', { KeyId: 'nope' });
    const { entries, total } = await rebuildHistory(sim.log, OPTIONS, createSimulator(OPTIONS));
    expect(total).toBe(session.history.length);
    expect(view(entries.map((e, i) => ({ ...e, n: i + 1 })))).toEqual(view(session.history));
  });

  it('keeps only the latest requests beyond the limit, numbered from the start of what it keeps', async () => {
    const sim = createSimulator(OPTIONS);
    for (let i = 0; i < 5; i++) await sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'X-Amz-Target': 'TrentService.CreateKey', 'Content-Type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ Description: `k${i}` }) }));
    const { entries, total } = await rebuildHistory(sim.log, OPTIONS, createSimulator(OPTIONS), { limit: 2 });
    expect(total).toBe(5);
    expect(entries.map((e) => JSON.parse(e.body).Description)).toEqual(['k3', 'k4']);
  });
});

describe('WorkspaceApp', () => {
  it('brings back keys, grants, the clock and the history after a reload', async () => {
    const storage = await openStore();
    const first = await bootApp(storage);
    expect(first.current?.name).toBe('My workspace');
    const { keyId, grantId } = await lifecycle(first.session);
    await first.simulator!.flush();
    const before = { history: view(first.session.history), now: first.session.now, events: first.session.events.length, world: first.session.world };

    const again = await bootApp(storage);
    await again.session.refreshWorld();
    expect(again.current?.id).toBe(first.current?.id);
    expect(view(again.session.history)).toEqual(before.history);
    expect(again.session.now).toBe(before.now);
    expect(again.session.events.length).toBe(before.events);
    expect(again.session.world.keys.map((k) => k.keyId)).toEqual([keyId]);
    expect(again.session.world.keys[0].grants.map((g) => g.grantId)).toEqual([grantId]);
  });

  it('keeps the unsent request of each workspace across a reload and a switch', async () => {
    const storage = createMemoryPlaygroundStore({ reason: 'test' });
    const first = await bootApp(storage);
    const home = first.current!.id;
    const { keyId } = await lifecycle(first.session);
    // an unsent Encrypt as role/App pinned to host 2 (App.svelte hands every edit to saveDraft)
    const s = first.session;
    s.setTarget('Encrypt');
    s.body = JSON.stringify({ KeyId: keyId, Plaintext: 'dW5zZW50' });
    s.callerArn = APP;
    s.pinnedHost = 2;
    first.saveDraft(s, s.draft);
    await first.draftsSaved();

    const again = await bootApp(storage);
    expect(again.current?.id).toBe(home);
    expect(again.session.draft).toEqual({ target: 'Encrypt', body: JSON.stringify({ KeyId: keyId, Plaintext: 'dW5zZW50' }), callerArn: APP, host: 2, sourceArn: '' });
    expect(again.session.selected?.operation).toBe('Encrypt');

    // another workspace has a draft of its own; switching back brings this one back
    await again.create('Second');
    again.session.setTarget('ListKeys');
    again.session.body = '{"Limit": 5}';
    again.session.callerArn = again.session.rootArn;
    again.session.pinnedHost = undefined;
    again.saveDraft(again.session, again.session.draft);
    await again.draftsSaved();
    await again.switchTo(home);
    expect(again.session.draft).toMatchObject({ target: 'Encrypt', callerArn: APP, host: 2 });
    const second = again.workspaces.find((w) => w.name === 'Second')!.id;
    await again.switchTo(second);
    expect(again.session.draft).toEqual({ target: 'ListKeys', body: '{"Limit": 5}', callerArn: again.session.rootArn, sourceArn: '' });
    // a draft that no longer fits (an operation the engine does not speak) is not restored
    expect(again.session.restoreDraft({ target: 'NoSuchOperation', body: '{}' })).toBe(false);
    expect(again.session.restoreDraft(null)).toBe(false);
  });

  it('creates, switches, duplicates, resets and deletes workspaces without touching the others', async () => {
    const storage = createMemoryPlaygroundStore({ reason: 'test' });
    const app = await bootApp(storage);
    const home = app.current!.id;
    await sendAs(app.session, 'CreateKey', {});
    await app.create('Second');
    expect(app.current?.name).toBe('Second');
    expect(app.session.history).toHaveLength(0);
    await app.switchTo(home);
    expect(app.session.history.map((e) => e.operation)).toEqual(['CreateKey']);
    await app.duplicate(home);
    expect(app.current?.name).toBe('My workspace (copy)');
    expect(app.session.history.map((e) => e.operation)).toEqual(['CreateKey']);
    const copy = app.current!.id;
    await app.reset(copy);
    expect(app.session.history).toHaveLength(0);
    await app.delete(copy);
    expect(app.workspaces.map((w) => w.name).sort()).toEqual(['My workspace', 'Second']);
    expect(app.workspaces.some((w) => w.id === copy)).toBe(false);
  });

  it('exports a workspace and imports it as a new one; a bad or newer file is refused with a reason', async () => {
    const storage = createMemoryPlaygroundStore({ reason: 'test' });
    const app = await bootApp(storage);
    await sendAs(app.session, 'CreateKey', { Description: 'exported' });
    const { fileName, text } = await app.exportFile(app.current!.id);
    expect(fileName).toBe('My-workspace.kms-workspace.json');
    const count = app.workspaces.length;
    const imported = await app.importFile(text);
    expect(imported.ok).toBe(true);
    expect(app.workspaces).toHaveLength(count + 1);
    expect(app.session.history.map((e) => JSON.parse(e.body).Description)).toEqual(['exported']);

    const bad = await app.importFile('{"hello":');
    expect(bad).toMatchObject({ ok: false, error: 'not-a-workspace' });
    const newer = await app.importFile(JSON.stringify({ ...JSON.parse(text), v: 99 }));
    expect(newer).toMatchObject({ ok: false, error: 'newer-version' });
    expect(app.workspaces).toHaveLength(count + 1);
  });

  it('opens a shared link in a new workspace with the same timeline', async () => {
    const storage = createMemoryPlaygroundStore({ reason: 'test' });
    const sender = await bootApp(storage);
    await lifecycle(sender.session);
    const source = (await sender.shareSource())!;
    const link = shareLink(scenarioFromWorkspaceLog(source.log, source.options, source), 'https://example.test/');
    expect(link.ok).toBe(true);
    if (!link.ok) return;

    const other = createMemoryPlaygroundStore({ reason: 'test' });
    const mine = await other.createWorkspace('Mine', OPTIONS);
    const receiver = await bootApp(other, link.url.slice(link.url.indexOf('#')));
    expect(receiver.current?.id).not.toBe(mine.id);
    expect(receiver.current?.name).toMatch(/^Shared scenario \d{4}-\d\d-\d\d$/);
    expect(receiver.notices.find((n) => n.key === 'shared')?.text).toMatch(/^Opened shared scenario “Shared scenario [\d-]+” in a new workspace; your other workspaces are untouched/);
    const strip = (e: { type: string }) => e;
    expect(receiver.session.events.map(strip)).toEqual(sender.session.events.map(strip));
    expect(view(receiver.session.history)).toEqual(view(sender.session.history));
    expect((await other.getWorkspace(mine.id))?.logLength).toBe(0);
  });

  it('opens a shared scenario with settings of its own on its own clock, seed and hosts', async () => {
    const storage = createMemoryPlaygroundStore({ reason: 'test' });
    const scenario = { v: SCENARIO_VERSION, title: 'Five hosts', seed: 3, settings: { hosts: 5 }, steps: [{ kind: 'request', target: 'CreateKey', body: {} }, { kind: 'advance', ms: 1000 }] } as Scenario;
    const app = await bootApp(storage, scenarioToUrlHash(scenario));
    expect(app.current?.name).toBe('Five hosts');
    expect(app.session.config).toMatchObject({ seed: 3, hosts: 5, startTime: DEFAULT_SETTINGS.startTime });
    expect(app.session.now).toBe(DEFAULT_SETTINGS.startTime + 1000);
    expect(app.simulator?.clock.now()).toBe(DEFAULT_SETTINGS.startTime + 1000);
    expect(app.session.history.map((e) => [e.operation, e.response?.status])).toEqual([['CreateKey', 200]]);
  });

  it('says why a broken link did not open and leaves the workspaces as they were', async () => {
    const storage = createMemoryPlaygroundStore({ reason: 'test' });
    await storage.createWorkspace('Mine', OPTIONS);
    const app = await bootApp(storage, '#s=v1.!!!not-base64!!!');
    expect(app.notices.find((n) => n.key === 'shared')).toMatchObject({ kind: 'error' });
    expect(app.notices.find((n) => n.key === 'shared')?.text).toMatch(/bad-encoding/);
    expect((await storage.listWorkspaces()).map((w) => w.name)).toEqual(['Mine']);
  });

  it('keeps both tabs’ writes when they write at once, and the other tab shows them', async () => {
    const { factory, name } = freshDb();
    const tabA = await openStore({ factory, name });
    const a = await bootApp(tabA);
    const tabB = await openStore({ factory, name });
    const b = await bootApp(tabB);
    expect(b.current?.id).toBe(a.current?.id);
    await Promise.all([sendAs(a.session, 'CreateKey', { Description: 'from A' }), sendAs(b.session, 'CreateKey', { Description: 'from B' })]);
    const descriptions = async (app: WorkspaceApp) => {
      for (let i = 0; i < 100; i++) {
        await new Promise((r) => setTimeout(r, 20));
        await app.session.refreshWorld();
        const d = app.session.world.keys.map((k) => k.description).sort();
        if (d.length === 2) return d;
      }
      return app.session.world.keys.map((k) => k.description).sort();
    };
    expect(await descriptions(a)).toEqual(['from A', 'from B']);
    expect(await descriptions(b)).toEqual(['from A', 'from B']);
    const stored = await openWorkspaceSimulator(tabA, a.current!.id);
    const keys = await (await stored.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'X-Amz-Target': 'TrentService.ListKeys', 'Content-Type': 'application/x-amz-json-1.1' }, body: '{}' }))).json();
    expect(keys.Keys).toHaveLength(2);
  });
});

export type { SimulatorWithEngine };
