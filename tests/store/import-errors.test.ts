/**
 * Workspace operations that fail say why in plain words. Storage that is full fails with a
 * QuotaExceededError whose message is empty in several browsers: the import's message must still
 * name the reason (it read "… could not be imported: . Nothing was changed.").
 */
import './helpers';
import { IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { describeStoreError } from '../../src/store/index';
import { describeFailure, importOutcome } from '../../src/ui/workspaces/errors';
import { bootApp, kmsRequest, OPTIONS } from './app-helpers';
import { openStore } from './helpers';
import { openWorkspaceSimulator } from '../../src/store/index';

const proto = FakeObjectStore.prototype as unknown as Record<'put' | 'add', (...a: unknown[]) => unknown>;
const original = { put: proto.put, add: proto.add };
afterEach(() => Object.assign(proto, original));

/** from now on every write of the store throws a QuotaExceededError with an empty message */
function fillTheDisk() {
  for (const m of ['put', 'add'] as const)
    proto[m] = function () {
      throw new DOMException('', 'QuotaExceededError');
    };
}

async function aWorkspaceFile() {
  const storage = await openStore();
  const ws = await storage.createWorkspace('Exported', OPTIONS);
  const sim = await openWorkspaceSimulator(storage, ws.id);
  await sim.fetch(kmsRequest('CreateKey', { Description: 'k' }));
  await sim.flush();
  return JSON.stringify(await storage.exportWorkspace(ws.id));
}

describe('import errors', () => {
  it('names a full disk when the store’s put throws a QuotaExceededError with an empty message', async () => {
    const text = await aWorkspaceFile();
    const storage = await openStore();
    const app = await bootApp(storage);
    const before = (await storage.listWorkspaces()).map((w) => w.id);
    fillTheDisk();
    let error: unknown;
    await app.importFile(text).then(
      () => undefined,
      (e: unknown) => (error = e),
    );
    Object.assign(proto, original);
    expect(error, 'the import failed').toBeDefined();
    // what the menu used to print as is: "… could not be imported: . Nothing was changed."
    expect(error).toMatchObject({ name: 'QuotaExceededError', message: '' });
    const said = importOutcome('big.kms-workspace.json', { error });
    expect(said.ok).toBe(false);
    expect(said.text).not.toMatch(/: \./);
    expect(said.text).toMatch(/^big\.kms-workspace\.json could not be imported: the browser’s storage for this site is full: free space by deleting or exporting workspaces/);
    expect(said.text).toMatch(/Nothing was changed\.$/);
    expect((await storage.listWorkspaces()).map((w) => w.id), 'nothing was changed').toEqual(before);
  });

  it('explains a DOMException with an empty message by its name, and never leaves a reason empty', () => {
    const empty = (name: string) => new DOMException('', name);
    expect(describeFailure(empty('UnknownError'))).toMatch(/storage failed/);
    expect(describeFailure(empty('AbortError'))).toMatch(/cancelled/);
    expect(describeFailure(empty('NotReadableError'))).toMatch(/could not read the file/);
    expect(describeFailure(empty('SomethingNewError'))).toBe('the browser reported a SomethingNewError without saying why');
    expect(describeFailure(new Error(''))).toMatch(/gave no reason/);
    expect(describeFailure(undefined)).toMatch(/gave no reason/);
    expect(describeFailure(new Error('There is no workspace w1.'))).toBe('There is no workspace w1');
    for (const e of [empty('QuotaExceededError'), empty('UnknownError'), new Error(''), '', null]) {
      const text = importOutcome('f.json', { error: e }).text;
      expect(text).not.toMatch(/: \.|\(\)|: \)/);
    }
    // a refused file with an empty detail reads cleanly too
    expect(importOutcome('f.json', { result: { ok: false, error: 'bad-shape', detail: '' } }).text).toBe('f.json could not be imported: its contents are damaged. Nothing was changed.');
    // the store's own sentences never end a colon with nothing
    expect(describeStoreError(empty('UnknownError'))).toBe('Saving failed (UnknownError, without a message). The playground keeps working in memory; export the workspace to keep your work.');
  });
});

describe('an import that lands but cannot be opened', () => {
  it('says it was imported, and why it could not be opened (not “nothing was changed”)', async () => {
    const text = await aWorkspaceFile();
    const storage = await openStore();
    let failOpen = false;
    const app = await bootApp(storage, {
      openSimulator: async (id) => {
        if (failOpen) throw new DOMException('', 'UnknownError');
        return openWorkspaceSimulator(storage, id);
      },
    });
    failOpen = true;
    const result = await app.importFile(text);
    expect(result.ok).toBe(true);
    expect(importOutcome('f.json', { result }).text).toMatch(/^Imported f\.json as a new workspace/);
    expect(app.notices.find((n) => n.key === 'import')?.text).toMatch(/imported as a new workspace, but it could not be opened: the browser’s storage failed/);
    expect(await storage.listWorkspaces()).toHaveLength(2);
  });
});
