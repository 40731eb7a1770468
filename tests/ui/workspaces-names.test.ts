/**
 * Two stumbles of opening someone's work: a shared link opens with the sharer's last request in
 * the editor (not the CreateKey template), and an imported workspace gets a name of its own (the
 * file's, or "<name> (imported)" when a workspace has that one already).
 */
import '../store/helpers';
import { describe, expect, it } from 'vitest';
import { createMemoryPlaygroundStore, openWorkspaceSimulator, type PlaygroundStore } from '../../src/store/index';
import { WorkspaceApp } from '../../src/ui/workspaces/WorkspaceApp.svelte';
import { importedName } from '../../src/ui/workspaces/names';
import { scenarioFromWorkspaceLog, shareLink } from '../../src/ui/share/scenario';
import { APP, backend, OPTIONS, sendAs } from '../store/app-helpers';

async function bootApp(storage: PlaygroundStore, hash = ''): Promise<WorkspaceApp> {
  const app = new WorkspaceApp(OPTIONS);
  await app.boot(Promise.resolve(backend(storage)), { hash, clearHash: () => undefined });
  return app;
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
    // the user's own workspace opens; the shared one's simulator cannot start
    const b = backend(storage, {
      openSimulator: async (id) => {
        if (id === mine.id) return openWorkspaceSimulator(storage, id);
        throw new Error('the engine refused its settings');
      },
    });
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
