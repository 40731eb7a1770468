/**
 * Workspaces on IndexedDB, as a user meets them: build keys and grants, reload, and find the same
 * state, clock and history; create, switch, duplicate and delete from the header menu; export to a
 * file and import it back (a newer file is refused inline, an import into full storage says so);
 * two pages of one origin writing at once keep both writes; with IndexedDB refused the app says
 * "kept in memory only" and works; the unsent request in the editor comes back after a reload.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert, assertEqual, chooseCaller, chooseTarget, historyCount, openApp, send, setBody, shot, waitForHistory } from './helpers.mjs';

const APP = 'arn:aws:iam::111122223333:role/App';

async function menu(page) {
  const toggle = page.getByRole('button', { name: /^Workspace:/ });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  return page.getByRole('group', { name: 'Workspaces' });
}

async function workspaceName(page) {
  return ((await page.getByTestId('workspace-name').textContent()) ?? '').trim();
}

async function waitForName(page, name) {
  await page.waitForFunction((n) => document.querySelector('[data-testid="workspace-name"]')?.textContent?.trim() === n, name);
}

async function keyCount(page) {
  return page.locator('.area-state article.key').count();
}

async function createKey(page, description) {
  await chooseTarget(page, 'CreateKey');
  await setBody(page, JSON.stringify(description ? { Description: description } : {}));
  return send(page);
}

/** what a reload must bring back: the state browser, the history, the clock */
async function snapshot(page) {
  return {
    state: await page.locator('.area-state').innerText(),
    history: await page.locator('.area-history').innerText(),
    clock: await page.getByTestId('clock').innerText(),
    count: await historyCount(page),
  };
}

/** waits until the store holds `body` as the shown workspace's draft (it is written on each edit) */
async function waitForDraft(page, body) {
  await page.waitForFunction(
    (want) =>
      new Promise((resolve) => {
        const open = indexedDB.open('kms-playground');
        open.onerror = () => resolve(false);
        open.onsuccess = () => {
          const db = open.result;
          const settings = db.transaction('settings').objectStore('settings');
          const cur = settings.get('current-workspace');
          cur.onsuccess = () => {
            const draft = settings.get(`draft:${cur.result?.value}`);
            draft.onsuccess = () => {
              db.close();
              resolve(draft.result?.value?.body === want);
            };
          };
        };
      }),
    body,
  );
}

export default {
  'the unsent request in the editor comes back after a reload': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    const res = await createKey(page, 'draft test');
    const keyId = res.json.KeyMetadata.KeyId;
    await chooseTarget(page, 'Encrypt');
    await chooseCaller(page, 'role/App');
    await page.getByRole('combobox', { name: 'Served by' }).selectOption({ label: 'Host 2' });
    const body = JSON.stringify({ KeyId: keyId, Plaintext: 'bm90IHNlbnQgeWV0' });
    await setBody(page, body);
    await waitForDraft(page, body);

    await page.reload();
    await waitForHistory(page, 1);
    await page.waitForFunction(() => document.querySelector('input[role="combobox"]')?.value === 'Encrypt');
    assertEqual(await page.getByRole('combobox', { name: 'X-Amz-Target' }).inputValue(), 'Encrypt', 'target');
    assertEqual(await page.getByRole('combobox', { name: 'Caller' }).inputValue(), APP, 'caller');
    assertEqual(await page.getByRole('combobox', { name: 'Served by' }).inputValue(), '2', 'served by');
    assertEqual(await page.getByRole('textbox', { name: 'Request body (JSON)' }).inputValue(), body, 'body');
    // and it is sent as it was left
    const sent = await send(page);
    assert(/#2 · Encrypt · role\/App/.test((await page.locator('section.response .meta').textContent()) ?? ''), 'sent as role/App');
    assert(sent.decision.includes('at host 2'), `served by host 2: ${sent.decision}`);
  },

  'keys, grants, the clock and the history come back after a reload': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    let res = await createKey(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `CreateKey: ${res.status}`);
    const keyId = res.json.KeyMetadata.KeyId;
    await chooseTarget(page, 'CreateGrant');
    await setBody(page, JSON.stringify({ KeyId: keyId, GranteePrincipal: APP, Operations: ['Encrypt'] }));
    res = await send(page);
    const grantId = res.json.GrantId;
    await chooseCaller(page, 'role/App');
    await chooseTarget(page, 'Encrypt');
    await page.getByRole('button', { name: 'Reset to template' }).click();
    res = await send(page);
    assert(res.status.startsWith('HTTP/1.1 400'), `Encrypt before propagation: ${res.status}`);
    // one arrival: a grant change still in flight at the other hosts when the page reloads
    await page.getByRole('button', { name: 'Step to next arrival' }).click();
    await page.waitForFunction(() => !document.querySelector('.area-state')?.textContent?.includes('Loading'));
    await page.getByRole('table', { name: `Grants of key ${keyId}` }).waitFor();
    await page.waitForTimeout(300);
    const before = await snapshot(page);

    await page.reload();
    await page.getByRole('table', { name: `Grants of key ${keyId}` }).waitFor();
    await waitForHistory(page, before.count);
    await page.waitForTimeout(300);
    const after = await snapshot(page);
    assertEqual(after.count, before.count, 'history length');
    assertEqual(after.history, before.history, 'history pane');
    assertEqual(after.clock, before.clock, 'clock');
    assertEqual(after.state, before.state, 'state browser');
    assert(after.state.includes(grantId.slice(0, 8)), 'the grant is listed');
    // the response of a restored entry is the one it got
    await page.locator('.area-history li button.entry').first().click();
    const status = await page.getByTestId('status-line').textContent();
    assert(status?.includes('200'), `restored response of #1: ${status}`);
    // the in-flight grant still arrives after the reload
    await page.getByRole('button', { name: 'Settle' }).click();
    await page.getByText('All grant changes have reached every host').waitFor();
  },

  'create, switch, duplicate and delete workspaces from the header menu': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    // the name reads "opening…" until storage has answered
    await page.waitForFunction(() => !/opening/i.test(document.querySelector('[data-testid="workspace-name"]')?.textContent ?? 'opening'));
    assertEqual(await workspaceName(page), 'My workspace', 'first visit');
    await createKey(page, 'home key');

    let panel = await menu(page);
    await panel.getByRole('button', { name: 'New workspace' }).click();
    await panel.getByRole('textbox', { name: 'Name of the new workspace' }).fill('Second');
    await panel.getByRole('button', { name: 'Create' }).click();
    await waitForName(page, 'Second');
    await page.getByText('Create a key to begin.').first().waitFor();
    assertEqual(await historyCount(page), 0, 'a new workspace is empty');

    panel = await menu(page);
    await page.screenshot({ path: shot('14-workspaces'), clip: { x: 0, y: 0, width: 1280, height: 420 } });
    await panel.getByRole('button', { name: /^My workspace/ }).click();
    await waitForName(page, 'My workspace');
    await waitForHistory(page, 1);
    assertEqual(await keyCount(page), 1, 'the home workspace has its key');

    panel = await menu(page);
    await panel.getByRole('button', { name: 'Duplicate' }).click();
    await waitForName(page, 'My workspace (copy)');
    await waitForHistory(page, 1);

    panel = await menu(page);
    await panel.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete “My workspace (copy)”?' });
    await dialog.waitFor();
    assert(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((b) => b === document.activeElement), 'focus starts on Cancel');
    await dialog.getByRole('button', { name: 'Delete workspace' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="workspace-name"]')?.textContent?.trim() !== 'My workspace (copy)');
    panel = await menu(page);
    const names = (await panel.getByRole('list', { name: 'Switch workspace' }).getByRole('button').allInnerTexts()).map((t) => t.split('\n')[0].trim());
    assertEqual(JSON.stringify(names.sort()), JSON.stringify(['My workspace', 'Second']), 'workspaces after delete');

    // the current workspace is remembered across reloads
    await panel.getByRole('button', { name: /^Second/ }).click();
    await waitForName(page, 'Second');
    await page.reload();
    await waitForName(page, 'Second');
  },

  'export to a file, import it back as a new workspace; a newer file is refused inline': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    await createKey(page, 'exported key');
    let panel = await menu(page);
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export to file' }).click()]);
    assertEqual(download.suggestedFilename(), 'My-workspace.kms-workspace.json', 'file name');
    const path = join(tmpdir(), `ws-${process.pid}-${Date.now()}.json`);
    await download.saveAs(path);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    assertEqual(file.format, 'kms-playground-workspace', 'file format');

    // a newer file: an inline error, nothing added
    const newer = join(tmpdir(), `ws-newer-${process.pid}-${Date.now()}.json`);
    writeFileSync(newer, JSON.stringify({ ...file, v: 99 }));
    panel = await menu(page);
    let [chooser] = await Promise.all([page.waitForEvent('filechooser'), panel.getByRole('button', { name: 'Import from file…' }).click()]);
    await chooser.setFiles(newer);
    const alert = panel.getByRole('alert');
    await alert.waitFor();
    assert(/newer version/.test(await alert.innerText()), `newer file error: ${await alert.innerText()}`);
    assertEqual(await panel.getByRole('list', { name: 'Switch workspace' }).getByRole('button').count(), 1, 'nothing imported');

    [chooser] = await Promise.all([page.waitForEvent('filechooser'), panel.getByRole('button', { name: 'Import from file…' }).click()]);
    await chooser.setFiles(path);
    await panel.getByText(/Imported .* as a new workspace; nothing was overwritten/).waitFor();
    assertEqual(await panel.getByRole('list', { name: 'Switch workspace' }).getByRole('button').count(), 2, 'imported as a second workspace');
    await waitForHistory(page, 1);
    await page.getByText('exported key').first().waitFor();
  },

  'an import into full storage names the reason (a QuotaExceededError with an empty message)': async ({ page, baseUrl }) => {
    // while __diskFull is set, every IndexedDB write throws as a full disk does in some browsers
    await page.addInitScript(() => {
      for (const m of ['put', 'add']) {
        const original = IDBObjectStore.prototype[m];
        IDBObjectStore.prototype[m] = function (...args) {
          if (globalThis.__diskFull) throw new DOMException('', 'QuotaExceededError');
          return original.apply(this, args);
        };
      }
    });
    await openApp(page, baseUrl, 'editor=plain');
    await createKey(page, 'exported key');
    let panel = await menu(page);
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export to file' }).click()]);
    const path = join(tmpdir(), `ws-full-${process.pid}-${Date.now()}.json`);
    await download.saveAs(path);
    await page.evaluate(() => (globalThis.__diskFull = true));
    panel = await menu(page);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), panel.getByRole('button', { name: 'Import from file…' }).click()]);
    await chooser.setFiles(path);
    const alert = panel.getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    assert(!/: \./.test(text), `no empty reason: ${text}`);
    assert(/could not be imported: the browser’s storage for this site is full: free space by deleting or exporting workspaces/.test(text), `the reason is named: ${text}`);
    assert(/Nothing was changed\.$/.test(text.trim()), `nothing changed: ${text}`);
    await page.evaluate(() => (globalThis.__diskFull = false));
    assertEqual(await panel.getByRole('list', { name: 'Switch workspace' }).getByRole('button').count(), 1, 'nothing imported');
  },

  'two pages of one origin writing at once keep both writes, and each shows the other’s': async ({ context, page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    const other = await context.newPage();
    await openApp(other, baseUrl, 'editor=plain');
    for (const [p, d] of [[page, 'from A'], [other, 'from B']]) {
      await chooseTarget(p, 'CreateKey');
      await setBody(p, JSON.stringify({ Description: d }));
    }
    await Promise.all([page.getByRole('button', { name: 'Send', exact: true }).click(), other.getByRole('button', { name: 'Send', exact: true }).click()]);
    for (const p of [page, other]) {
      await p.waitForFunction(() => document.querySelectorAll('.area-state article.key').length === 2, undefined, { timeout: 20_000 });
      const text = await p.locator('.area-state').innerText();
      assert(text.includes('from A') && text.includes('from B'), 'both keys shown');
    }
    await other.getByRole('status').filter({ hasText: /another tab/ }).first().waitFor();
    // and both survive a reload
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('.area-state article.key').length === 2);
    await other.close();
  },

  '[ and ] step through time from the keyboard; the request pane offers Return to the present': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    const res = await createKey(page);
    await chooseTarget(page, 'CreateGrant');
    await setBody(page, JSON.stringify({ KeyId: res.json.KeyMetadata.KeyId, GranteePrincipal: APP, Operations: ['Encrypt'] }));
    await send(page);
    const clock = () => page.getByTestId('clock').innerText();
    const start = await clock();
    await page.locator('h1').click(); // not typing: the shortcuts apply
    await page.keyboard.press(']');
    await page.waitForFunction((c) => document.querySelector('[data-testid="clock"]')?.textContent?.includes(c) === false, start.replace('Clock', '').trim());
    const later = await clock();
    const back = page.locator('.area-request').getByRole('button', { name: 'Return to the present' });
    assertEqual(await back.count(), 0, 'at the present there is nothing to return to');
    await page.keyboard.press('[');
    await back.waitFor();
    assert((await clock()) !== later, 'the clock went back');
    await back.click();
    await back.waitFor({ state: 'detached' });
    assertEqual(await clock(), later, 'back at the present');
  },

  'with IndexedDB refused, the app says "kept in memory only" and works': async ({ context, page, baseUrl }) => {
    await context.addInitScript(() => {
      IDBFactory.prototype.open = function () {
        throw new DOMException('storage refused by the test', 'SecurityError');
      };
    });
    await openApp(page, baseUrl, 'editor=plain');
    const notice = page.getByRole('status').filter({ hasText: 'kept in memory only' });
    await notice.waitFor();
    assert(/private window, or storage is disabled/.test(await notice.innerText()), 'the store’s reason is shown');
    const res = await createKey(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `CreateKey in memory: ${res.status}`);
    const panel = await menu(page);
    await panel.getByText(/^Kept in memory only/).waitFor();
  },
};
