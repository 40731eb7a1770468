/**
 * Two stumbles of opening someone's work: a shared link opens with the sharer's last request in
 * the editor (not the CreateKey template), and an imported workspace gets a name of its own (the
 * file's, or "<name> (imported)" when a workspace has that one already).
 */
import '../store/helpers';
import { describe, expect, it } from 'vitest';
import { createSimulator, OPERATION_GROUPS } from '../../src/kms/index';
import { createMemoryPlaygroundStore, describeStoreError, openWorkspaceSimulator, reapplyInputs, type PlaygroundStore, type WorkspaceOptions } from '../../src/store/index';
import { scenarioFromHash } from '../../src/scenario/codec';
import { simulatorOptions } from '../../src/scenario/format';
import { replayWith } from '../../src/scenario/run';
import { groupsFrom } from '../../src/ui/operations';
import type { Session } from '../../src/ui/Session.svelte';
import { importedName, WorkspaceApp, type Backend } from '../../src/ui/workspaces/WorkspaceApp.svelte';
import { scenarioFromWorkspaceLog, shareLink } from '../../src/ui/share/scenario';

const START = Date.UTC(2026, 0, 1, 12);
const ACCOUNT = '111122223333';
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const OPTIONS: WorkspaceOptions = { seed: 7, region: 'us-east-1', accountId: ACCOUNT, startTime: START, propagation: { minMs: 500, maxMs: 8000 }, hosts: 3, principals: [{ arn: APP, accessKeyId: 'AKIAAPPROLEEXAMPLE01' }] };
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
    info: { operationGroups: groupsFrom(OPERATION_GROUPS) },
  };
}

async function bootApp(storage: PlaygroundStore, hash = ''): Promise<WorkspaceApp> {
  const app = new WorkspaceApp(OPTIONS);
  await app.boot(Promise.resolve(backend(storage)), { hash, clearHash: () => undefined });
  return app;
}

async function sendAs(session: Session, operation: string, body: object, caller?: string) {
  session.setTarget(operation);
  session.body = JSON.stringify(body);
  session.callerArn = caller ?? session.rootArn;
  return session.send();
}

describe('a shared link', () => {
  it('opens with the sharer’s last request in the editor', async () => {
    const sender = await bootApp(createMemoryPlaygroundStore({ reason: 'test' }));
    const keyId = JSON.parse((await sendAs(sender.session, 'CreateKey', {})).response!.body).KeyMetadata.KeyId as string;
    await sendAs(sender.session, 'CreateGrant', { KeyId: keyId, GranteePrincipal: APP, Operations: ['Encrypt'] });
    const last = await sendAs(sender.session, 'Encrypt', { KeyId: keyId, Plaintext: 'aGk=' }, APP);
    // the sharer goes on editing something else: the link carries what was sent
    sender.session.setTarget('ListKeys');
    const source = (await sender.shareSource())!;
    const link = shareLink(scenarioFromWorkspaceLog(source.log, source.options, source), 'https://example.test/');
    expect(link.ok).toBe(true);
    if (!link.ok) return;

    const storage = createMemoryPlaygroundStore({ reason: 'test' });
    const receiver = await bootApp(storage, link.url.slice(link.url.indexOf('#')));
    const s = receiver.session;
    expect(s.history.map((e) => e.operation)).toEqual(['CreateKey', 'CreateGrant', 'Encrypt']);
    expect(s.target).toBe('Encrypt');
    expect(JSON.parse(s.body)).toEqual(JSON.parse(last.body));
    expect(s.callerArn).toBe(APP);
    expect(s.selected?.n).toBe(3);
    // and it is the workspace's draft: a reload keeps it
    await receiver.draftsSaved();
    const reloaded = await bootApp(storage);
    expect(reloaded.current?.id).toBe(receiver.current?.id);
    expect(reloaded.session.target).toBe('Encrypt');
    expect(reloaded.session.callerArn).toBe(APP);
  });

  it('without requests keeps the template', async () => {
    const sender = await bootApp(createMemoryPlaygroundStore({ reason: 'test' }));
    sender.session.advance(1000);
    const source = (await sender.shareSource())!;
    const link = shareLink(scenarioFromWorkspaceLog(source.log, source.options, source), 'https://example.test/');
    if (!link.ok) return;
    const receiver = await bootApp(createMemoryPlaygroundStore({ reason: 'test' }), link.url.slice(link.url.indexOf('#')));
    expect(receiver.session.history).toHaveLength(0);
    expect(receiver.session.target).toBe('CreateKey');
  });
});

describe('an imported workspace', () => {
  it('keeps the file’s name when no workspace has it, else is named “(imported)”, then numbered', async () => {
    const storage = createMemoryPlaygroundStore({ reason: 'test' });
    const app = await bootApp(storage);
    expect(app.current?.name).toBe('My workspace');
    await sendAs(app.session, 'CreateKey', {});
    const { text } = await app.exportFile(app.current!.id);

    expect((await app.importFile(text)).ok).toBe(true);
    expect(app.current?.name).toBe('My workspace (imported)');
    expect((await app.importFile(text)).ok).toBe(true);
    expect(app.current?.name).toBe('My workspace (imported) 2');
    expect(app.workspaces.map((w) => w.name)).toEqual(['My workspace', 'My workspace (imported)', 'My workspace (imported) 2']);

    // into a browser without that name: the file's own
    const elsewhere = await bootApp(createMemoryPlaygroundStore({ reason: 'test' }));
    await elsewhere.rename(elsewhere.current!.id, 'Mine');
    expect((await elsewhere.importFile(text)).ok).toBe(true);
    expect(elsewhere.current?.name).toBe('My workspace');
  });

  it('importedName', () => {
    expect(importedName('Demo', new Set())).toBe('Demo');
    expect(importedName('Demo', new Set(['Demo']))).toBe('Demo (imported)');
    expect(importedName('Demo', new Set(['Demo', 'Demo (imported)', 'Demo (imported) 2']))).toBe('Demo (imported) 3');
    expect(importedName(undefined, new Set())).toBe('Imported workspace');
  });

  it('keeps an imported name within 200 characters when it adds "(imported)"', () => {
    const long = 'x'.repeat(200);
    const name = importedName(long, new Set([long]));
    expect(name).toHaveLength(200);
    expect(name.endsWith(' (imported)')).toBe(true);
    const next = importedName(long, new Set([long, name]));
    expect(next).toHaveLength(200);
    expect(next.endsWith(' (imported) 2')).toBe(true);
  });
});

describe('a shared link whose simulator cannot start', () => {
  it('leaves no workspace behind and says why', async () => {
    const storage = createMemoryPlaygroundStore({ reason: 'test' });
    const mine = await storage.createWorkspace('Mine', OPTIONS);
    const b = backend(storage);
    // the user's own workspace opens; the shared one's simulator cannot start
    b.openSimulator = async (id) => {
      if (id === mine.id) return openWorkspaceSimulator(storage, id);
      throw new Error('the engine refused its settings');
    };
    const app = new WorkspaceApp(OPTIONS);
    const sharer = await bootApp(createMemoryPlaygroundStore({ reason: 'test' }));
    await sendAs(sharer.session, 'CreateKey', {});
    const source = (await sharer.shareSource())!;
    const link = shareLink(scenarioFromWorkspaceLog(source.log, source.options, source), 'https://example.test/');
    if (!link.ok) throw new Error(link.detail);
    await app.boot(Promise.resolve(b), { hash: link.url.slice(link.url.indexOf('#')), clearHash: () => undefined });
    expect((await storage.listWorkspaces()).map((w) => w.name)).toEqual(['Mine']);
    expect(app.notices.find((n) => n.key === 'shared')?.text).toMatch(/could not be opened: the engine refused its settings/);
  });
});
