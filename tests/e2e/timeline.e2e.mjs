/**
 * The timeline when many events share a time: the virtual clock stands still while requests are
 * sent, so "create a key, grant App, Encrypt as App, RetireGrant" all happen at 0:00 on the host
 * that serves them. Each must be its own marker, hoverable, left to right in the order they
 * happened, and walked in that order by the arrow keys; the hint under the timeline reads right.
 */
import { assert, assertEqual, chooseCaller, chooseTarget, openApp, send, setBody, shot } from './helpers.mjs';

const APP = 'arn:aws:iam::111122223333:role/App';

/** the four requests, all served by host 0, without moving the clock */
async function fourAtOnce(page) {
  await page.getByRole('combobox', { name: 'Served by' }).selectOption({ label: 'Host 0' });
  await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
  let res = await send(page);
  const keyId = res.json.KeyMetadata.KeyId;
  await chooseTarget(page, 'CreateGrant');
  await setBody(page, JSON.stringify({ KeyId: keyId, GranteePrincipal: APP, Operations: ['Encrypt'], RetiringPrincipal: APP }));
  res = await send(page);
  assert(res.status.startsWith('HTTP/1.1 200'), `CreateGrant: ${res.status} ${res.body}`);
  const grantId = res.json.GrantId;
  await chooseCaller(page, 'role/App');
  await chooseTarget(page, 'Encrypt');
  await page.getByRole('button', { name: 'Reset to template' }).click();
  res = await send(page);
  assert(res.status.startsWith('HTTP/1.1 400'), `Encrypt before the grant reached host 0 is denied: ${res.status}`);
  await chooseTarget(page, 'RetireGrant');
  await setBody(page, JSON.stringify({ KeyId: keyId, GrantId: grantId }));
  res = await send(page);
  assert(res.status.startsWith('HTTP/1.1 200'), `RetireGrant by the retiring principal: ${res.status} ${res.body}`);
  assertEqual((await page.getByTestId('clock').textContent()).replace(/\s+/g, ' ').trim(), 'Clock 0:00.000', 'the clock has not moved');
}

/** the centre of a lane on the canvas (the renderer's layout: axis 1.9em, lanes 2.6em high) */
async function laneGeometry(page, lane) {
  const canvas = page.locator('.timeline .canvas-wrap canvas');
  const box = await canvas.boundingBox();
  const font = await canvas.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  const axis = Math.round(font * 1.9);
  const height = Math.round(font * 2.6);
  return { box, font, y: box.y + axis + lane * height + height / 2, gutter: Math.round(font * 5.5) };
}

/** sweeps a lane left to right; returns each distinct event met (the tooltip's summary line) and where */
async function sweep(page, lane, from, to) {
  const { box, y } = await laneGeometry(page, lane);
  const met = [];
  for (let x = from; x <= to; x += 2) {
    await page.mouse.move(box.x + x, y);
    const tip = page.locator('.tooltip');
    if (!(await tip.count())) continue;
    const summary = (await tip.innerText()).split('\n')[1] ?? '';
    if (!met.length || met[met.length - 1].summary !== summary) met.push({ summary, x });
  }
  await page.mouse.move(box.x + box.width / 2, box.y - 40);
  return met;
}

export default {
  'events at one time are drawn side by side, in order, each hoverable and reached by the arrow keys': async ({ page, baseUrl }) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await openApp(page, baseUrl, 'editor=plain');

    // the hint under the timeline is one line; ? opens the sheet of every shortcut
    const hint = await page.locator('#tl-explain').innerText();
    assertEqual(hint.trim(), 'Hover or select an event to see what happened. ? lists every shortcut.', 'the hint');
    await page.locator('body').press('?');
    const sheet = page.getByRole('dialog', { name: 'Shortcuts and gestures' });
    await sheet.waitFor();
    const sheetText = await sheet.innerText();
    for (const want of ['Ctrl+wheel', 'Drag the clock cursor', 'Ctrl+Enter', 'same time']) assert(sheetText.includes(want), `the sheet lists ${want}: ${sheetText}`);
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'hidden' });
    // the legend names every marker the canvas can draw
    const legend = await page.getByTestId('timeline-legend').innerText();
    for (const want of ['key', 'grant made', 'reached host', 'retired or revoked', 'on its way', 'allowed', 'denied', 'other error', 'same time', 'now']) assert(legend.includes(want), `the legend names ${want}: ${legend}`);

    await fourAtOnce(page);
    await page.locator('.timeline').scrollIntoViewIfNeeded();

    // host 0's lane, from the start of the scenario rightwards: four markers, in the order sent
    const { gutter, font } = await laneGeometry(page, 1);
    // (the grant's arrival and its retirement's, still on their way, are later: hollow markers)
    const met = (await sweep(page, 1, gutter, gutter + font * 12)).filter((m) => / at host 0: /.test(m.summary));
    const ops = met.map((m) => /^(\w+) by /.exec(m.summary)?.[1]);
    assertEqual(ops.join(' '), 'CreateKey CreateGrant Encrypt RetireGrant', `host 0's markers left to right (${JSON.stringify(met)})`);
    assert(/denied/.test(met[2].summary), `the Encrypt is the denied one: ${met[2].summary}`);
    for (let k = 1; k < met.length; k++) assert(met[k].x - met[k - 1].x >= 8, `markers apart: ${JSON.stringify(met)}`);
    // the tooltip keeps the exact time and says which of the instant's events it is
    await page.mouse.move((await laneGeometry(page, 1)).box.x + met[2].x + 1, (await laneGeometry(page, 1)).y);
    const tip = await page.locator('.tooltip').innerText();
    assert(tip.includes('At 0:00.000 (virtual time).'), `exact time in the tooltip: ${tip}`);
    assert(tip.includes('Event 3 of 4 at this time on this lane'), `its place among the instant's events: ${tip}`);
    await page.screenshot({ path: shot('25-same-time-side-by-side'), clip: { x: 0, y: (await laneGeometry(page, 0)).box.y - 60, width: 1366, height: 330 } });

    // the changes lane: the key, the grant and its retirement, also apart and in order
    const changes = (await sweep(page, 0, gutter, gutter + font * 10)).filter((m) => !/^Arrives at/.test(m.summary));
    const kinds = changes.map((m) => (/^Key /.test(m.summary) ? 'key' : / created by /.test(m.summary) ? 'create' : / retired by /.test(m.summary) ? 'retire' : m.summary));
    assertEqual(kinds.join(' '), 'key create retire', `the changes lane left to right (${JSON.stringify(changes)})`);

    // the keyboard walks the same events in the same order
    await page.getByRole('application', { name: /Grant propagation timeline/ }).focus();
    await page.keyboard.press('ArrowDown');
    const seen = [];
    for (let k = 0; k < 4; k++) {
      if (k) await page.keyboard.press('ArrowRight');
      const text = await page.locator('#tl-explain').innerText();
      seen.push(`${/(\w+) by /.exec(text)?.[1]} ${/Event (\d) of 4/.exec(text)?.[1]}`);
    }
    assertEqual(seen.join(', '), 'CreateKey 1, CreateGrant 2, Encrypt 3, RetireGrant 4', 'ArrowRight walks host 0 in order');

    // the accessible table lists them too, newest first
    await page.getByText(/Events as a table/).click();
    await page.getByRole('cell', { name: /^CreateKey by root at host 0/ }).waitFor();
    const host0 = await page.locator('details.events tbody tr', { has: page.getByRole('cell', { name: 'Host 0', exact: true }) }).allInnerTexts();
    const listed = host0.map((r) => /(\w+) by /.exec(r)?.[1]).filter(Boolean);
    assertEqual(listed.join(' '), 'RetireGrant Encrypt CreateGrant CreateKey', 'the table, newest first');
  },
};
