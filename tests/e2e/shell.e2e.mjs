/** The page loads cleanly, the shell is usable before Monaco, and a request round-trips. */
import { assert, assertEqual, chooseTarget, openApp, readResponse, send, setBody, shot, waitForMonaco, waitForHistory } from './helpers.mjs';

/** puts the cursor inside the empty string of the body's last member, asks for suggestions, returns their labels */
async function suggestionsInLastMember(page) {
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Control+Space');
  const suggest = page.locator('.suggest-widget .monaco-list-row');
  await suggest.first().waitFor({ timeout: 15_000 });
  return suggest.allInnerTexts();
}

export default {
  'loads with no console errors and the named controls': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl);
    await page.getByRole('combobox', { name: 'X-Amz-Target' }).waitFor();
    await page.getByRole('combobox', { name: 'Caller' }).waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).waitFor();
    assertEqual(await page.title(), 'KMS Grant Playground', 'title');
    await waitForMonaco(page);
    await page.screenshot({ path: shot('01-empty-state') });
  },

  'the textarea works before Monaco arrives, and Monaco takes the same box': async ({ page, baseUrl }) => {
    // hold both of Monaco's chunks (its core, then its features) until the plain editor has done a full round trip
    let release;
    const held = new Promise((r) => (release = r));
    await page.route(/\/assets\/(?:editor|monaco)-[^/]*\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await openApp(page, baseUrl);
    const textarea = page.getByRole('textbox', { name: 'Request body (JSON)' });
    await textarea.waitFor();
    assert((await page.locator('[data-editor="plain"]').count()) === 1, 'plain editor first');
    const boxBefore = await page.locator('[data-editor]').boundingBox();

    await chooseTarget(page, 'CreateKey');
    await textarea.fill('{\n  "Description": "typed before Monaco"\n}');
    const res = await send(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `CreateKey status: ${res.status}`);
    assertEqual(res.json?.KeyMetadata?.Description, 'typed before Monaco', 'description echoed');

    // the cursor and focus survive the upgrade
    await textarea.focus();
    release();
    await waitForMonaco(page);
    const boxAfter = await page.locator('[data-editor]').boundingBox();
    assert(await page.evaluate(() => !!document.activeElement?.closest('.monaco-editor')), 'focus moved into Monaco');
    assertEqual(Math.round(boxAfter.height), Math.round(boxBefore.height), 'editor height unchanged');
    assertEqual(Math.round(boxAfter.width), Math.round(boxBefore.width), 'editor width unchanged');
    const text = (await page.locator('[data-editor="monaco"] .view-lines').innerText()).replace(/\u00a0/g, ' ');
    assert(text.includes('typed before Monaco'), `Monaco shows the textarea's text, got ${text}`);
  },

  'the shell is usable while the engine chunk is still loading': async ({ page, baseUrl }) => {
    let release;
    const held = new Promise((r) => (release = r));
    await page.route(/\/assets\/kms-[^/]*\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(baseUrl + '?editor=plain');
    const textarea = page.getByRole('textbox', { name: 'Request body (JSON)' });
    await textarea.waitFor();
    await page.getByText('Starting the simulator…').waitFor();
    await textarea.fill('{ "Description": "sent while the engine loads" }');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    release();
    await waitForHistory(page, 1);
    const res = await readResponse(page);
    assert(res.status.startsWith('HTTP/1.1 200'), res.status);
    assertEqual(res.json?.KeyMetadata?.Description, 'sent while the engine loads', 'the waiting request was served');
    await page.getByRole('combobox', { name: 'X-Amz-Target' }).click();
    await page.getByRole('option', { name: 'CreateGrant', exact: true }).waitFor();
  },

  'choose a target, type a body, send, read the response': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'e2e=1');
    await waitForMonaco(page);
    await chooseTarget(page, 'CreateKey');
    await setBody(page, '{\n  "Description": "pasted",\n  "KeyUsage": "ENCRYPT_DECRYPT"\n}');
    let res = await send(page);
    assert(res.status.startsWith('HTTP/1.1 200'), res.status);
    const keyId = res.json.KeyMetadata.KeyId;

    // keystrokes (the e2e flag turns off auto-close/indent/suggest so typing is exact)
    await chooseTarget(page, 'DescribeKey');
    await page.locator('[data-editor="monaco"] .monaco-editor').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type(`{\n  "KeyId": "${keyId}"\n}`);
    await page.keyboard.press('ControlOrMeta+Enter');
    await waitForHistory(page, 2);
    res = await readResponse(page);
    assert(res.status.startsWith('HTTP/1.1 200'), res.status);
    assertEqual(res.json?.KeyMetadata?.KeyId, keyId, 'DescribeKey answers for the typed key');

    // the wire exactly: a 400 for a missing required member, its __type in the body
    await chooseTarget(page, 'DescribeKey');
    await setBody(page, '{}');
    res = await send(page);
    assert(res.status.startsWith('HTTP/1.1 400'), `expected a 400, got ${res.status}`);
    assert(typeof res.json?.__type === 'string', 'error body has __type');
    const headers = await page.getByTestId('response-headers').textContent();
    assert(/x-amzn-requestid: /i.test(headers ?? ''), 'request id header shown');
  },

  'completions offer the current keys and principals': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl);
    await waitForMonaco(page);
    let res = await send(page); // CreateKey template
    const keyId = res.json.KeyMetadata.KeyId;
    await chooseTarget(page, 'CreateGrant');
    await setBody(page, '{\n  "KeyId": ""\n}');
    const labels = await suggestionsInLastMember(page);
    assert(labels.some((l) => l.includes(keyId)), `a completion names key ${keyId}: ${labels.join(' | ')}`);
    await page.screenshot({ path: shot('02-completions') });
    await page.keyboard.press('Escape');
  },

  "a Send keeps Monaco's JSON worker; the new completions arrive when the editor is used": async ({ page, baseUrl }) => {
    // counts the workers the page starts (Monaco restarts its JSON worker whenever its options change)
    await page.addInitScript(() => {
      const Base = globalThis.Worker;
      let started = 0;
      globalThis.Worker = class extends Base {
        constructor(...args) {
          super(...args);
          started++;
        }
      };
      Object.defineProperty(globalThis, '__workersStarted', { get: () => started });
    });
    await openApp(page, baseUrl);
    await waitForMonaco(page);
    const keyId = (await send(page)).json.KeyMetadata.KeyId;
    await chooseTarget(page, 'CreateGrant');
    await setBody(page, JSON.stringify({ KeyId: keyId, GranteePrincipal: 'arn:aws:iam::111122223333:role/App', Operations: ['Decrypt'] }));
    // the JSON worker validates the body
    await page.waitForFunction(() => globalThis.__workersStarted >= 1);
    await page.waitForTimeout(300);
    const before = await page.evaluate(() => globalThis.__workersStarted);
    const grantId = (await send(page)).json.GrantId;
    assert(typeof grantId === 'string', 'CreateGrant answered a grant id');
    await page.waitForTimeout(500);
    const after = await page.evaluate(() => globalThis.__workersStarted);
    assertEqual(after, before, 'workers started by a Send that changed the world');
    // the editor in use again (a new body typed in): the new grant is offered
    await chooseTarget(page, 'RetireGrant');
    await setBody(page, `{\n  "KeyId": "${keyId}",\n  "GrantId": ""\n}`);
    const labels = await suggestionsInLastMember(page);
    assert(labels.some((l) => l.includes(grantId.slice(0, 12))), `a completion names grant ${grantId}: ${labels.join(' | ')}`);
    await page.keyboard.press('Escape');
  },
};
