/**
 * The sharer's journey (issue 15 §1): whatever the clock controls let a user do — Play at 0.25×
 * and at 10×, Pause, a fractional Advance, Step, travel back with the keyboard and fork by
 * sending in the past, Settle — Share still gives a link, and that link opened in a fresh
 * browser profile reproduces every response, id, the clock and the timeline, byte for byte.
 */
import { assert, assertEqual, chooseTarget, openApp, send, shot } from './helpers.mjs';

/** what must survive the trip: the timeline, every answered request and the clock */
function snapshot(page) {
  return page.evaluate(() => {
    const s = globalThis.__kmsPlayground.session;
    return JSON.stringify({
      events: s.events,
      // the request body as JSON: a link carries it parsed, so the editor's indentation is not kept
      history: s.history.map((h) => ({ n: h.n, sentAt: h.sentAt, operation: h.operation, body: JSON.parse(h.body), response: h.response })),
      now: s.now,
    });
  });
}

async function play(page, speed, ms) {
  await page.getByRole('combobox', { name: 'Speed' }).selectOption(speed);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForTimeout(ms);
  await page.getByRole('button', { name: 'Pause' }).click();
}

export default {
  'a session with Play, fractional Advance, travel and fork shares and replays byte for byte': async ({ page, browser, baseUrl }) => {
    await openApp(page, baseUrl, 'e2e=1&store=idb&editor=plain');
    await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
    let res = await send(page);
    const keyId = res.json.KeyMetadata.KeyId;
    await chooseTarget(page, 'CreateGrant');
    await page.getByRole('button', { name: 'Reset to template' }).click();
    res = await send(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `CreateGrant: ${res.status}`);

    // the clock moved by real time at odd speeds, then by a fractional number of seconds
    await play(page, '0.25', 700);
    await play(page, '10', 300);
    const advance = page.getByRole('spinbutton', { name: 'Advance by' });
    await advance.fill('1.2345');
    await page.getByRole('button', { name: 'Advance', exact: true }).click();
    await chooseTarget(page, 'DescribeKey');
    await page.getByRole('button', { name: 'Reset to template' }).click();
    res = await send(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `DescribeKey: ${res.status}`);

    // travel back to the start and one event on, then fork by sending there
    const slider = page.getByRole('slider', { name: 'Time' });
    await slider.focus();
    await page.keyboard.press('Home');
    await page.getByTestId('time-travel').waitFor();
    await page.keyboard.press('ArrowRight');
    await chooseTarget(page, 'ListGrants');
    await page.getByRole('button', { name: 'Reset to template' }).click();
    await page.getByText('Sending now replaces', { exact: false }).first().waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('button', { name: /^#3 ListGrants/ }).waitFor();
    await page.getByTestId('time-travel').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Step to next arrival' }).click();
    await play(page, '2', 250);
    await page.getByRole('button', { name: 'Settle' }).click();
    await page.getByText('All grant changes have reached every host').waitFor();
    await page.waitForTimeout(200);
    const before = await snapshot(page);
    const clock = await page.getByTestId('clock').textContent();
    const state = await page.locator('.area-state').innerText();
    assert(JSON.parse(before).now % 1 === 0, 'the clock holds whole milliseconds');

    await page.getByRole('button', { name: 'Share', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Share this session' });
    await dialog.waitFor();
    const box = dialog.getByRole('textbox', { name: 'Share link' });
    assertEqual(await box.count(), 1, `a link, not a refusal: ${(await dialog.innerText()).slice(0, 300)}`);
    const link = await box.inputValue();
    assert(link.startsWith(baseUrl + '#s=v'), `link: ${link.slice(0, 80)}`);
    await page.screenshot({ path: shot('15-share-after-play') });
    await dialog.getByRole('button', { name: 'Close' }).click();

    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const other = await fresh.newPage();
      const errors = [];
      other.on('pageerror', (e) => errors.push(e.message));
      await other.goto(baseUrl + '?e2e=1&store=idb&editor=plain' + link.slice(baseUrl.length));
      await other.getByRole('status').filter({ hasText: /Opened shared scenario/ }).waitFor();
      await other.getByRole('table', { name: `Grants of key ${keyId}` }).waitFor();
      const want = JSON.parse(before);
      await other.waitForFunction(
        ([n, h]) => globalThis.__kmsPlayground.session.events.length >= n && globalThis.__kmsPlayground.session.history.length >= h,
        [want.events.length, want.history.length],
      );
      await other.waitForTimeout(200);
      const after = await snapshot(other);
      const got = JSON.parse(after);
      assertEqual(got.history.length, want.history.length, 'history length');
      for (let i = 0; i < want.history.length; i++) {
        assertEqual(JSON.stringify(got.history[i]), JSON.stringify(want.history[i]), `request #${i + 1}, its response byte for byte`);
      }
      assertEqual(JSON.stringify(got.events), JSON.stringify(want.events), 'the timeline, event for event');
      assertEqual(got.now, want.now, 'the clock');
      assertEqual(await other.getByTestId('clock').textContent(), clock, 'the clock as shown');
      assertEqual(await other.locator('.area-state').innerText(), state, 'the state browser');
      assertEqual(errors.length, 0, `page errors: ${errors.join('; ')}`);
    } finally {
      await fresh.close();
    }
  },
};
