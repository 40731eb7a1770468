/**
 * Validation at the boundary (issue 19), in the built app. A share link whose settings list the
 * account root as a principal used to put the root twice in the Caller list: Svelte threw
 * each_key_duplicate, History showed 0 and Send showed nothing, across reloads, and so did the
 * 0.1.0 workspace file once imported. Now the root is one caller, History and Send work before
 * and after a reload, and the page logs no console error (the runner fails a test on any). A
 * link with a hostile region is refused inline with the reason in words.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'fflate';
import { assert, assertEqual, chooseCaller, chooseTarget, historyCount, send, setBody, waitForHistory } from './helpers.mjs';

const ACCOUNT = '111122223333';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/store/workspace-file-v1.json');

function link(doc) {
  const b64 = Buffer.from(deflateSync(new TextEncoder().encode(JSON.stringify(doc)), { level: 9 })).toString('base64');
  return `#s=v${doc.v}.${b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

const ROOT_LINK = {
  v: 2,
  title: 'Root as a principal',
  seed: 7,
  settings: { principals: [{ arn: ROOT, accessKeyId: 'AKIAROOT000000000000' }, { arn: APP, accessKeyId: 'AKIAAPP0000000000000' }] },
  steps: [
    { kind: 'request', id: 'key', target: 'CreateKey', body: { Description: 'from the link' } },
    { kind: 'request', caller: ROOT, target: 'DescribeKey', body: { KeyId: '{{key.KeyMetadata.KeyId}}' } },
  ],
};

async function callerLabels(page) {
  return page.getByRole('combobox', { name: 'Caller' }).locator('option').allInnerTexts();
}

async function assertOneRoot(page, want) {
  const labels = await callerLabels(page);
  assertEqual(JSON.stringify(labels), JSON.stringify(want), 'Caller list');
}

async function sendCreateKey(page, description) {
  await chooseCaller(page, 'Account root');
  await chooseTarget(page, 'CreateKey');
  await setBody(page, JSON.stringify({ Description: description }));
  const before = await historyCount(page);
  const res = await send(page);
  assert(res.status.startsWith('HTTP/1.1 200'), `CreateKey: ${res.status} ${res.body}`);
  assertEqual(await historyCount(page), before + 1, 'History counts the request');
  return res;
}

const tests = {
  'a share link listing the root as a principal: one root in Caller, History and Send work, also after a reload': async ({ page, baseUrl }) => {
    await page.goto(`${baseUrl}?editor=plain${link(ROOT_LINK)}`);
    await page.locator('[data-notice="shared"]').waitFor();
    const notice = await page.locator('[data-notice="shared"]').innerText();
    assert(/Opened shared scenario/.test(notice), `opened: ${notice}`);
    await waitForHistory(page, 2);
    await assertOneRoot(page, ['Account root', 'role/App']);
    await page.getByText('from the link').first().waitFor();

    // Send, as the root and as the role
    await sendCreateKey(page, 'sent as the root');
    await chooseCaller(page, 'role/App');
    await chooseTarget(page, 'ListKeys');
    await setBody(page, '{}');
    const denied = await send(page);
    assert(/HTTP\/1\.1 (200|400)/.test(denied.status), `ListKeys as App answers: ${denied.status}`);
    await chooseCaller(page, 'Account root');
    assertEqual(await historyCount(page), 4, 'History after two sends');

    // a reload reopens the same workspace from storage: still one root, History, Send
    await page.goto(`${baseUrl}?editor=plain`);
    await page.getByRole('combobox', { name: 'X-Amz-Target' }).waitFor();
    await waitForHistory(page, 4);
    await assertOneRoot(page, ['Account root', 'role/App']);
    await sendCreateKey(page, 'after the reload');
    assertEqual(await historyCount(page), 5, 'History after the reload');
  },

  'the 0.1.0 workspace file imports, lists each caller once, and Send works after a reload': async ({ page, baseUrl }) => {
    await page.goto(`${baseUrl}?editor=plain`);
    await page.getByRole('combobox', { name: 'X-Amz-Target' }).waitFor();
    const toggle = page.getByRole('button', { name: /^Workspace:/ });
    await toggle.click();
    const panel = page.getByRole('group', { name: 'Workspaces' });
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), panel.getByRole('button', { name: 'Import from file…' }).click()]);
    await chooser.setFiles(FIXTURE);
    await panel.getByText(/Imported .* as a new workspace; nothing was overwritten/).waitFor();
    const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8'));
    const requests = fixture.snapshot.log.filter((e) => e.kind === 'request').length;
    await page.waitForFunction((n) => Number.parseInt(document.querySelector('#history-h + span')?.textContent ?? '0', 10) >= n, Math.min(requests, 1));
    await assertOneRoot(page, ['Account root', 'role/App', 'role/Auditor']);
    await sendCreateKey(page, 'after the import');

    await page.goto(`${baseUrl}?editor=plain`);
    await page.getByRole('combobox', { name: 'X-Amz-Target' }).waitFor();
    await page.getByText('after the import').first().waitFor();
    await assertOneRoot(page, ['Account root', 'role/App', 'role/Auditor']);
    const names = (await page.getByTestId('workspace-name').textContent()) ?? '';
    assert(names.includes('Workshop: grants and eventual consistency'), `the imported workspace is open: ${names}`);
    await page.getByRole('button', { name: /^Workspace:/ }).click();
    // the menu reads the list when it opens: wait for the second entry rather than count at once
    const list = page.getByRole('list', { name: 'Switch workspace' }).getByRole('button');
    await list.nth(1).waitFor({ timeout: 10_000 }).catch(() => {});
    assert((await list.count()) >= 2, 'the workspace menu lists the workspaces');
    await sendCreateKey(page, 'after the reload');
  },

  'a share link with a shell command as its region is refused inline with the reason in words': async ({ page, baseUrl }) => {
    await page.goto(`${baseUrl}?editor=plain${link({ v: 2, seed: 1, settings: { region: 'us-east-1$(touch${IFS}/x)' }, steps: [] })}`);
    const alert = page.getByRole('alert').filter({ hasText: 'This shared link could not be opened' });
    await alert.waitFor();
    const text = await alert.innerText();
    assert(/settings\.region 'us-east-1\$\(touch\$\{IFS\}\/x\)' is not an AWS region name/.test(text), `the reason: ${text}`);
    assert(!/must match|\/\^/.test(text), `no pattern shown to the user: ${text}`);
    await sendCreateKey(page, 'still usable');
  },
};

export default tests;
