/**
 * Share links (issue 7 §2): a lifecycle sent in one browser profile, Share, and the link opened
 * in a NEW browser context (a fresh profile, its own IndexedDB) replays to the same timeline
 * (same events, request ids and grant ids) and the same state, in a new workspace. A session too
 * long for a URL says why and offers the file export.
 */
import { randomBytes } from 'node:crypto';
import { assert, assertEqual, chooseCaller, chooseTarget, openApp, send, setBody, shot } from './helpers.mjs';

const APP = 'arn:aws:iam::111122223333:role/App';

/** the timeline as data, through the ?e2e=1 hook */
function timeline(page) {
  return page.evaluate(() => JSON.stringify(globalThis.__kmsPlayground.session.events));
}

async function share(page) {
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Share this session' });
  await dialog.waitFor();
  return dialog;
}

export default {
  'a shared link opens the same timeline and state in a fresh profile': async ({ page, browser, baseUrl }) => {
    await openApp(page, baseUrl, 'e2e=1&store=idb&editor=plain');
    await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
    let res = await send(page);
    const keyId = res.json.KeyMetadata.KeyId;
    await chooseTarget(page, 'CreateGrant');
    await setBody(page, JSON.stringify({ KeyId: keyId, GranteePrincipal: APP, Operations: ['Encrypt', 'Decrypt'] }));
    res = await send(page);
    const grantId = res.json.GrantId;
    await chooseCaller(page, 'role/App');
    await chooseTarget(page, 'Encrypt');
    await page.getByRole('button', { name: 'Reset to template' }).click();
    res = await send(page);
    assert(res.status.startsWith('HTTP/1.1 400'), `denied before propagation: ${res.status}`);
    await page.getByRole('button', { name: 'Step to next arrival' }).click();
    await page.getByRole('button', { name: 'Settle' }).click();
    await page.getByText('All grant changes have reached every host').waitFor();
    res = await send(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `allowed after propagation: ${res.status}`);
    await page.waitForTimeout(200);
    const events = JSON.parse(await timeline(page));
    const state = await page.locator('.area-state').innerText();

    const dialog = await share(page);
    const link = await dialog.getByRole('textbox', { name: 'Share link' }).inputValue();
    assert(link.startsWith(baseUrl + '#s=v'), `link: ${link.slice(0, 80)}`);
    await dialog.getByText('Copied to the clipboard').waitFor();
    assertEqual(await page.evaluate(() => navigator.clipboard.readText()), link, 'clipboard holds the link');
    console.log(`    share link for ${events.length} events: ${link.length} characters`);
    await page.screenshot({ path: shot('15-share') });
    await dialog.getByRole('button', { name: 'Close' }).click();

    // a fresh profile: its own storage, nothing of the sender's
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const other = await fresh.newPage();
      const errors = [];
      other.on('pageerror', (e) => errors.push(e.message));
      await other.goto(baseUrl + '?e2e=1&store=idb&editor=plain' + link.slice(baseUrl.length));
      await other.getByRole('status').filter({ hasText: /Opened shared scenario “Shared scenario [\d-]+” in a new workspace; your other workspaces are untouched/ }).waitFor();
      assertEqual(await other.evaluate(() => location.hash), '', 'the fragment is removed');
      await other.getByRole('table', { name: `Grants of key ${keyId}` }).waitFor();
      await other.waitForFunction((n) => globalThis.__kmsPlayground.session.events.length >= n, events.length);
      await other.waitForTimeout(200);
      const replayed = JSON.parse(await timeline(other));
      assertEqual(replayed.length, events.length, 'event count');
      assertEqual(JSON.stringify(replayed.map((e) => e.requestId ?? e.grantId ?? e.type)), JSON.stringify(events.map((e) => e.requestId ?? e.grantId ?? e.type)), 'request and grant ids');
      assertEqual(JSON.stringify(replayed), JSON.stringify(events), 'the timeline, event for event');
      assertEqual(await other.locator('.area-state').innerText(), state, 'state browser');
      assert(replayed.some((e) => e.grantId === grantId), 'the same grant id');
      assertEqual(errors.length, 0, `page errors: ${errors.join('; ')}`);
    } finally {
      await fresh.close();
    }
  },

  'a session too long for a URL says why and offers the file export': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    // incompressible text: the link cannot be short
    await chooseTarget(page, 'CreateKey');
    await setBody(page, JSON.stringify({ Description: randomBytes(4000).toString('base64').slice(0, 5000) }));
    const res = await send(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `CreateKey: ${res.status} ${res.body.slice(0, 200)}`);
    const dialog = await share(page);
    const why = dialog.getByRole('alert');
    await why.waitFor();
    assert(/The link would be [\d,]+ characters long; links over 2,000 characters get cut/.test(await why.innerText()), `reason: ${await why.innerText()}`);
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export to a file' }).click()]);
    assert(download.suggestedFilename().endsWith('.kms-workspace.json'), `file: ${download.suggestedFilename()}`);
    await dialog.getByText(/Exported to/).waitFor();
  },

  'the session downloads as a vitest test and an AWS CLI script, named safely from a hostile title': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'e2e=1&editor=plain');
    // a workspace named like a path and a command: its name becomes the scenario's title
    await page.evaluate(() => globalThis.__kmsPlayground.app.rename(globalThis.__kmsPlayground.app.current.id, '../../$(touch x) .bashrc'));
    await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
    await send(page);
    const dialog = await share(page);
    const [test] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download as a vitest test' }).click()]);
    assertEqual(test.suggestedFilename(), 'touch-x-.bashrc.test.ts', 'the test file name');
    const testText = await (await test.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8'));
    assert(testText.includes("from 'vitest'") || testText.includes('from "vitest"'), 'a vitest file');
    assert(testText.includes('CreateKey'), 'it replays the CreateKey');
    await dialog.getByText(/^Saved touch-x-\.bashrc\.test\.ts\./).waitFor();
    const [script] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download as an AWS CLI script' }).click()]);
    assertEqual(script.suggestedFilename(), 'touch-x-.bashrc.sh', 'the script file name');
    const scriptText = await (await script.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8'));
    assert(/create-key/.test(scriptText), 'the script runs aws kms create-key');
  },
};
