/**
 * History (load back, re-run), "Copy as" code, the editor's schema hovers and diagnostics, timeline
 * hover; one start button on an empty workspace; the Response pane follows the clock into the past.
 */
import { assert, assertEqual, chooseCaller, chooseTarget, openApp, readResponse, send, setBody, shot, waitForHistory, waitForMonaco } from './helpers.mjs';

/** the Response pane's header line: "#2 · DescribeKey · root · sent at 0:05.000" */
async function responseMeta(page) {
  const meta = page.locator('section.response .meta');
  return (await meta.count()) ? ((await meta.textContent()) ?? '').trim() : '';
}

export default {
  'an empty workspace offers one start button, which puts CreateKey in the editor and focuses Send': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    // the banner and the state browser do not offer two differently named buttons for one action
    const start = page.getByRole('button', { name: /CreateKey/ });
    assertEqual(await start.count(), 1, 'buttons that start with CreateKey');
    assertEqual(await page.getByRole('button', { name: 'Start with a CreateKey request' }).count(), 0, 'the old second name');
    assert(/No keys yet/.test(await page.locator('section.state').innerText()), 'the state browser says there are no keys, without a second button');
    await chooseTarget(page, 'ListKeys');
    await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
    assertEqual(await page.getByRole('combobox', { name: 'X-Amz-Target' }).inputValue(), 'CreateKey', 'CreateKey is in the editor');
    assertEqual(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Send', 'focus is on Send');
    await page.keyboard.press('Enter');
    await waitForHistory(page, 1);
    assert((await readResponse(page)).status.startsWith('HTTP/1.1 200'), 'CreateKey sent from the keyboard');
  },

  'the Response pane follows the clock into the past and back': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    await page.getByRole('button', { name: 'Advance', exact: true }).click(); // 0:05: nothing had been sent at 0:00
    await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
    await send(page);
    await page.getByRole('button', { name: 'Advance', exact: true }).click();
    await chooseTarget(page, 'DescribeKey');
    await page.getByRole('button', { name: 'Reset to template' }).click();
    await send(page);
    assert((await responseMeta(page)).startsWith('#2 · DescribeKey'), `at the present: ${await responseMeta(page)}`);

    // back to just after CreateKey (Step back stops at the previous event): #1 is shown, marked as the past
    await page.getByRole('button', { name: 'Step back' }).click();
    await page.getByTestId('response-time').waitFor();
    await page.waitForFunction(() => document.querySelector('section.response .meta')?.textContent?.startsWith('#1 · CreateKey'));
    assert(/^at 0:05\.\d{3} \(the past\)$/.test((await page.getByTestId('response-time').textContent()) ?? ''), 'marked as the past');
    assert(/in the kept future/.test(await page.getByTestId('response-travel').innerText()), 'says the later response is in the kept future');
    assert((await readResponse(page)).json?.KeyMetadata, 'the body is CreateKey’s');

    // to the start (Home on the Time slider): nothing had been answered yet
    await page.getByRole('slider', { name: /Time/ }).focus();
    await page.keyboard.press('Home');
    await page.waitForFunction(() => !document.querySelector('section.response .meta'));
    assertEqual(await page.getByTestId('status-line').count(), 0, 'no status line before the first request');
    assert(/No request had been sent by 0:00\.000/.test(await page.getByTestId('response-travel').innerText()), 'says why it is empty');

    // End returns to the present: the latest response again, no longer marked
    await page.keyboard.press('End');
    await page.waitForFunction(() => document.querySelector('section.response .meta')?.textContent?.startsWith('#2 · DescribeKey'));
    assertEqual(await page.getByTestId('response-time').count(), 0, 'no past mark at the present');
  },

  'history loads a request back into the editor and re-runs it': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
    await send(page);
    await chooseTarget(page, 'ListKeys');
    await chooseCaller(page, 'user/Alice');
    await setBody(page, '{"Limit": 5}');
    await send(page);

    // load #1 back: target, caller and body return
    await page.getByRole('button', { name: /^#1 CreateKey/ }).click();
    assertEqual(await page.getByRole('combobox', { name: 'X-Amz-Target' }).inputValue(), 'CreateKey', 'target loaded back');
    assertEqual(await page.getByRole('combobox', { name: 'Caller' }).inputValue(), 'arn:aws:iam::111122223333:root', 'caller loaded back');
    assert((await page.getByRole('textbox', { name: 'Request body (JSON)' }).inputValue()).includes('Playground key'), 'body loaded back');

    // re-run #2 as it was sent (Alice, Limit 5)
    await page.getByRole('button', { name: 'Re-run #2 ListKeys' }).click();
    await waitForHistory(page, 3);
    const res = await readResponse(page);
    assert(res.status.startsWith('HTTP/1.1 200'), res.status);
    assert(/#3 · ListKeys · user\/Alice/.test((await page.locator('.response .meta').textContent()) ?? ''), 'the re-run is #3, sent as Alice');
    await page.screenshot({ path: shot('10-history'), fullPage: true });
  },

  'copy the request as AWS CLI, boto3 and SDK v3 code': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
    const created = await send(page);
    await chooseTarget(page, 'Encrypt');
    await page.getByRole('button', { name: 'Reset to template' }).click();
    await send(page);
    await page.getByText('Copy request #2 as code').click();

    const copied = async (flavour) => {
      await page.getByRole('radio', { name: flavour }).check();
      await page.getByRole('button', { name: 'Copy', exact: true }).click();
      await page.getByText(`Copied as ${flavour}.`).waitFor();
      return page.evaluate(() => navigator.clipboard.readText());
    };
    const cli = await copied('AWS CLI');
    assert(cli.includes('aws kms encrypt') && cli.includes('--cli-input-json') && cli.includes(created.json.KeyMetadata.KeyId), `CLI:\n${cli}`);
    const py = await copied('boto3');
    assert(py.includes('kms.encrypt(') && py.includes('Plaintext=base64.b64decode('), `boto3:\n${py}`);
    const js = await copied('SDK for JavaScript v3');
    assert(js.includes('new EncryptCommand(') && js.includes('Buffer.from('), `JS v3:\n${js}`);
  },

  'hover explains a member with its limits and a reference link; diagnostics flag a bad value': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'e2e=1');
    await waitForMonaco(page);
    await chooseTarget(page, 'CreateGrant');
    await setBody(page, '{\n  "KeyId": "1234",\n  "Operations": ["Fly"]\n}');
    // hover on "KeyId" with the keyboard: Ctrl+K Ctrl+I
    await page.keyboard.press('ControlOrMeta+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ControlOrMeta+K');
    await page.keyboard.press('ControlOrMeta+I');
    const hover = page.locator('.monaco-hover-content').filter({ hasText: 'KeyId' });
    await hover.first().waitFor({ timeout: 15_000 });
    const text = await hover.first().innerText();
    assert(/Aliases are not accepted/.test(text), `our words: ${text}`);
    assert(/Required\. 1–2,?048 characters/.test(text), `limits from the model: ${text}`);
    const href = await hover.first().locator('a').first().getAttribute('href');
    assertEqual(href, 'https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html', 'reference link');
    await page.screenshot({ path: shot('11-editor-hover'), clip: { x: 0, y: 40, width: 660, height: 440 } });
    await page.keyboard.press('Escape');
    // "Fly" is not a grant operation: a schema warning squiggle appears
    await page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error').first().waitFor({ timeout: 15_000 });
  },

  'hovering a timeline marker explains it': async ({ page, baseUrl }) => {
    await page.setViewportSize({ width: 1280, height: 1200 });
    await openApp(page, baseUrl, 'editor=plain');
    await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
    await send(page);
    await chooseTarget(page, 'CreateGrant');
    await page.getByRole('button', { name: 'Reset to template' }).click();
    await send(page);
    await page.getByRole('button', { name: 'Step to next arrival' }).click();
    // find a pending (hollow) arrival marker: its lane is one of the hosts; sweep the canvas to hit it
    const canvas = page.locator('.canvas-wrap canvas');
    const box = await canvas.boundingBox();
    // lane centres follow the renderer's layout (axis 1.9em, lanes 2.6em high)
    const font = await canvas.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const axis = Math.round(font * 1.9);
    const lane = Math.round(font * 2.6);
    let found = false;
    for (let h = 1; h <= 3 && !found; h++) {
      const y = box.y + axis + h * lane + lane / 2;
      // right to left: the first marker met is a pending arrival (hollow), the most telling one
      for (let x = box.x + box.width - 10; x > box.x + font * 5.5 && !found; x -= 5) {
        await page.mouse.move(x, y);
        if (await page.locator('.tooltip').count()) found = true;
      }
    }
    assert(found, 'a tooltip appeared over a marker');
    const tip = await page.locator('.tooltip').innerText();
    assert(/host \d|Host \d/.test(tip), `tooltip explains: ${tip}`);
    await page.screenshot({ path: shot('12-timeline-hover'), clip: { x: 0, y: box.y - 90, width: 1280, height: box.height + 230 } });
  },
};
