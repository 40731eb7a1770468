/**
 * Presenter and audience (issue 7 §6): "Present" opens an audience window that follows the
 * presenter over a BroadcastChannel: same step, same requests, same responses (replayed into its
 * own simulator); a window that opens late catches up; a Reset is followed too.
 */
import { assert, assertEqual, axe, chooseCaller, chooseTarget, openApp, send, shot } from './helpers.mjs';

// axe-core is injected as an inline script, which the page's CSP (rightly) forbids
export const contextOptions = { bypassCSP: true };

async function openFirstLesson(page, baseUrl) {
  await page.goto(`${baseUrl}lesson.html`);
  const href = await page.locator('ol.lessons h2 a').first().getAttribute('href');
  await page.goto(`${baseUrl}lesson.html${href}&editor=plain`);
  await page.getByRole('button', { name: 'Reset lesson' }).and(page.locator(':enabled')).waitFor();
}

const stepText = (page) => page.getByTestId('step-count').textContent();
const historyText = (page) => page.locator('#history-h + span').textContent();
const responseBody = (page) => page.getByTestId('response-body').textContent();

/** the audience shows the presenter's step, history length and selected response */
async function sameAs(presenter, audience, what) {
  const want = { step: await stepText(presenter), history: await historyText(presenter) };
  await audience.waitForFunction(
    ({ step, history }) =>
      document.querySelector('[data-testid="step-count"]')?.textContent === step && document.querySelector('#history-h + span')?.textContent === history,
    want,
  );
  if (Number.parseInt(want.history, 10) > 0) {
    assertEqual(await responseBody(audience), await responseBody(presenter), `${what}: the same response body`);
    assertEqual(await audience.getByTestId('status-line').textContent(), await presenter.getByTestId('status-line').textContent(), `${what}: the same status`);
  }
}

/** the request in the presenter's editor: X-Amz-Target, caller (its label) and body */
async function editorRequest(page) {
  const caller = page.getByRole('combobox', { name: 'Caller' });
  return {
    target: await page.getByRole('combobox', { name: 'X-Amz-Target' }).inputValue(),
    caller: await caller.locator('option:checked').textContent(),
    body: await page.getByRole('textbox', { name: 'Request body (JSON)' }).inputValue(),
  };
}

/** Next until a request step, then Run it; returns the request it sent */
async function runNextRequest(page) {
  while (!(await page.getByRole('button', { name: 'Run this step' }).count())) await page.getByRole('button', { name: 'Next step' }).click();
  const before = Number.parseInt(await historyText(page), 10);
  await page.getByRole('button', { name: 'Run this step' }).click();
  await page.getByTestId('check').getByText(new RegExp(`request #${before + 1}`)).waitFor();
  const sent = await editorRequest(page);
  await page.getByRole('button', { name: 'Next step' }).click();
  return sent;
}

/**
 * The audience shows the request whose response it shows (the presenter's latest), as the
 * presenter's editor had it: its X-Amz-Target, caller and body (pretty-printed JSON).
 */
async function showsRequest(audience, sent, what) {
  assertEqual(await audience.getByTestId('request-target').textContent(), `TrentService.${sent.target}`, `${what}: the request's X-Amz-Target`);
  const caller = await audience.getByTestId('request-caller').textContent();
  assert(caller.trim().startsWith(sent.caller), `${what}: the request's caller is ${sent.caller}: ${caller}`);
  const body = await audience.getByTestId('request-body').textContent();
  assertEqual(JSON.stringify(JSON.parse(body)), JSON.stringify(JSON.parse(sent.body)), `${what}: the request's body`);
  assertEqual(body, JSON.stringify(JSON.parse(sent.body), null, 2), `${what}: the body is pretty-printed`);
  // above its response (or left of it), at the presenter's size
  const [req, res] = await Promise.all([audience.locator('section.audience-request').boundingBox(), audience.locator('section.response').boundingBox()]);
  assert(req.y + req.height <= res.y + 1 || req.x + req.width <= res.x + 1, `${what}: the request is above or left of its response: ${JSON.stringify({ req, res })}`);
  const size = await audience.getByTestId('request-body').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert(size >= 18, `${what}: the request body is presenter-sized (${size} px)`);
}

/**
 * A projector's screen (issue 15 §6): at 1024×768, 1280×720 and 1920×1080 the page does not
 * scroll, and the request, its response's status line, the start of its Why line and the timeline's
 * canvas are each wholly in view: inside the viewport and inside every box around them that clips
 * (a long body scrolls in its own box, never the page); long ids wrap (no pane scrolls sideways).
 * Ends at 1280×720.
 */
async function fitsProjector(audience, what) {
  for (const [width, height] of [[1024, 768], [1920, 1080], [1280, 720]]) {
    await audience.setViewportSize({ width, height });
    // two frames: the layout, then the canvas drawn at its box's height
    await audience.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const seen = await audience.evaluate(() => {
      const doc = document.documentElement;
      /** the part of el's box that is shown: cut by the viewport and by each ancestor that clips */
      const shown = (el) => {
        const b = el.getBoundingClientRect();
        let r = { top: b.top, left: b.left, bottom: b.bottom, right: b.right };
        for (let a = el.parentElement; a; a = a.parentElement) {
          if (getComputedStyle(a).overflow === 'visible') continue;
          const c = a.getBoundingClientRect();
          r = { top: Math.max(r.top, c.top), left: Math.max(r.left, c.left), bottom: Math.min(r.bottom, c.bottom), right: Math.min(r.right, c.right) };
        }
        r = { top: Math.max(r.top, 0), left: Math.max(r.left, 0), bottom: Math.min(r.bottom, innerHeight), right: Math.min(r.right, innerWidth) };
        return { box: [b.left, b.top, b.right, b.bottom].map(Math.round), whole: r.top <= b.top + 0.5 && r.left <= b.left + 0.5 && r.bottom >= b.bottom - 0.5 && r.right >= b.right - 0.5 };
      };
      const of = (sel) => {
        const el = document.querySelector(sel);
        return el ? shown(el) : undefined;
      };
      const why = document.querySelector('[data-testid="decision"] h3');
      return {
        page: { scrollHeight: doc.scrollHeight, scrollWidth: doc.scrollWidth, scrollY, innerHeight, innerWidth },
        request: of('section.audience-request'),
        target: of('[data-testid="request-target"]'),
        status: of('[data-testid="status-line"]'),
        why: why ? shown(why) : undefined,
        canvas: of('.canvas-wrap canvas'),
        // long ids and ARNs wrap: no pane of the stage is wider than its box
        wide: Array.from(document.querySelectorAll('.stage > div'), (d) => (d.scrollWidth > d.clientWidth + 1 ? `${d.className}: ${d.scrollWidth} > ${d.clientWidth}` : '')).filter(Boolean),
      };
    });
    const at = `${what} at ${width}×${height}`;
    assert(seen.page.scrollHeight <= seen.page.innerHeight && seen.page.scrollWidth <= seen.page.innerWidth && seen.page.scrollY === 0, `${at}: the page does not scroll: ${JSON.stringify(seen.page)}`);
    for (const part of ['target', 'status', 'why', 'canvas', ...(height === 720 ? ['request'] : [])]) {
      assert(seen[part]?.whole, `${at}: the ${part} is wholly in view: ${JSON.stringify(seen[part])} in ${width}×${height}`);
    }
    assertEqual(seen.wide.join(' | '), '', `${at}: panes wider than their boxes`);
    // the canvas is drawn at its box's size, not stretched
    const canvas = await audience.locator('.canvas-wrap canvas').evaluate((el) => ({ drawn: el.height / devicePixelRatio, shown: el.getBoundingClientRect().height }));
    assert(Math.abs(canvas.drawn - canvas.shown) <= 2, `${at}: the canvas is drawn at the height it is shown: ${JSON.stringify(canvas)}`);
  }
}

/**
 * What a viewer may use in an audience window: it looks, it never acts. Anything else (Refresh,
 * Grant…, Re-run, Play…) would do nothing there, or make the window drift from the presenter.
 */
const VIEW_CONTROLS = [
  /^button: (Zoom in|Zoom out|Fit all)$/, // the timeline's view
  /^checkbox: Follow clock$/,
  /^button: (Newest|Newer|Older)$/, // the events table's pages
  /^button: Show event \d+ on the timeline$/,
  /^button: #\d+ /, // a history entry: shows its request and response
  /^checkbox: Formatted$/, // the response body
  /^(radio: .+|button: Copy)$/, // Copy request as code
  /^button: Show (all \d+|the first \d+) grants$/,
  /^button: \?Shortcuts and gestures$/, // the timeline's help sheet, and its Close
  /^button: Close$/,
];

/** every control in the audience's panes, as "role: name" */
async function audienceControls(audience) {
  return audience.locator('main.audience').evaluate((main) =>
    Array.from(main.querySelectorAll('button, input, select, textarea, a[href], [role="button"], [contenteditable="true"]'), (el) => {
      const kind = el instanceof HTMLInputElement ? el.type : el.tagName.toLowerCase();
      const name = el.getAttribute('aria-label') ?? (el instanceof HTMLInputElement && el.labels?.length ? el.labels[0].textContent : el.textContent);
      return `${kind}: ${(name ?? '').trim().replace(/\s+/g, ' ')}`;
    }),
  );
}

async function assertNoDeadControls(audience, what) {
  // the state browser shows the presenter's key (so the check below is not vacuous)
  assert((await audience.locator('section.state article.key').count()) > 0, `${what}: the audience's state browser shows a key`);
  const dead = (await audienceControls(audience)).filter((c) => !VIEW_CONTROLS.some((re) => re.test(c)));
  assertEqual(dead.join(' | '), '', `${what}: controls in the audience that cannot work there`);
}

/** sweeps the canvas below its time axis (the renderer's layout: 1.9em; the lanes share the rest) until a tooltip shows */
async function hoverSomeEvent(page) {
  const canvas = page.locator('.canvas-wrap canvas');
  const box = await canvas.boundingBox();
  const font = await canvas.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  const axis = Math.round(font * 1.9);
  for (let y = box.y + axis + font * 0.5; y < box.y + box.height - 4; y += font * 0.6) {
    for (let x = box.x + box.width - 10; x > box.x + font * 5.5; x -= 5) {
      await page.mouse.move(x, y);
      if (await page.locator('.tooltip').count()) return page.locator('.tooltip').innerText();
    }
  }
  return undefined;
}

export default {
  'the audience window follows the presenter step by step, with the same responses': async ({ page, context, baseUrl }) => {
    await openFirstLesson(page, baseUrl);
    const [audience] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: 'Present', exact: true }).click()]);
    assert(new URL(audience.url()).searchParams.get('follow'), `the audience URL names a channel: ${audience.url()}`);
    await audience.getByTestId('follow-status').getByText('Following the presenter.').waitFor();
    assert(await audience.evaluate(() => document.documentElement.classList.contains('presenter')), 'the audience uses large type');
    await sameAs(page, audience, 'at the start');

    assertEqual(await audience.getByTestId('request-body').count(), 0, 'no request shown before the first');
    const first = await runNextRequest(page);
    await sameAs(page, audience, 'after the first request');
    await showsRequest(audience, first, 'after the first request');
    const second = await runNextRequest(page);
    await sameAs(page, audience, 'after the second request');
    await showsRequest(audience, second, 'after the second request');
    await fitsProjector(audience, 'lesson audience');
    await assertNoDeadControls(audience, 'lesson audience');
    // the timeline's markers and lane names are drawn at the canvas's font size: the large type too
    const [canvasFont, bodyFont] = await Promise.all([
      audience.locator('.canvas-wrap canvas').evaluate((el) => parseFloat(getComputedStyle(el).fontSize)),
      audience.locator('body').evaluate((el) => parseFloat(getComputedStyle(el).fontSize)),
    ]);
    assert(canvasFont >= bodyFont && bodyFont >= 21, `the audience timeline is drawn at the large type (${canvasFont} px, text ${bodyFont} px)`);
    // the timeline comes first in the audience layout
    const [timelineTop, lessonTop] = await Promise.all([audience.locator('#timeline-h').boundingBox(), audience.locator('#lesson-step-h').boundingBox()]);
    assert(timelineTop.y < lessonTop.y, 'timeline above the lesson');
    await audience.screenshot({ path: shot('19-audience'), fullPage: false });
    const v = await axe(audience);
    assert(v.length === 0, `audience: ${JSON.stringify(v, null, 1)}`);

    // follow-only: nothing in the audience moves its clock or sends, so it cannot drift
    const timeline = audience.locator('section.timeline');
    await timeline.getByTestId('following-clock').getByText('Following the presenter').waitFor();
    for (const name of ['Play', 'Pause', 'Settle', 'Advance', 'Step to next arrival', 'Step back', 'Return to the present']) {
      assertEqual(await timeline.getByRole('button', { name, exact: true }).count(), 0, `the audience timeline has no ${name} button`);
    }
    assertEqual(await timeline.locator('input[type="range"]').count(), 0, 'no Time slider in the audience');
    assertEqual(await audience.getByRole('button', { name: /^Re-run/ }).count(), 0, 'no Re-run in the audience history');
    assert((await page.getByRole('button', { name: /^Re-run/ }).count()) > 0, 'the presenter keeps Re-run');
    // a key the presenter's page uses ('.' plays) does nothing here either
    const clockBefore = await audience.getByTestId('clock').textContent();
    await audience.locator('body').press('.');
    // but it stays readable: hover explains an event, and the keyboard selects one
    const tip = await hoverSomeEvent(audience);
    assert(tip && tip.trim().length > 0, 'hovering the audience timeline explains an event');
    await audience.locator('.focus-box').focus();
    await audience.keyboard.press('ArrowRight');
    await audience.locator('#tl-explain .first').waitFor();
    // double-clicking the canvas would move the clock on the presenter's page; here it does not
    const cbox = await audience.locator('.canvas-wrap canvas').boundingBox();
    await audience.mouse.dblclick(cbox.x + cbox.width - 20, cbox.y + cbox.height / 2);
    assertEqual(await audience.getByTestId('clock').textContent(), clockBefore, 'the audience clock did not move on its own');
    assertEqual(await audience.getByTestId('clock').textContent(), await page.getByTestId('clock').textContent(), 'the audience clock is the presenter\'s');

    // a window that opens late catches up
    const late = await context.newPage();
    await late.goto(audience.url());
    await late.getByTestId('follow-status').getByText('Following the presenter.').waitFor();
    await sameAs(page, late, 'late audience');

    // the presenter restarts: both follow
    await page.getByRole('button', { name: 'Reset lesson' }).click();
    await page.getByRole('button', { name: 'Restart the lesson' }).click();
    await page.getByRole('button', { name: 'Reset lesson' }).and(page.locator(':enabled')).waitFor();
    await runNextRequest(page);
    await sameAs(page, audience, 'after Reset and a request');
    await sameAs(page, late, 'late audience after Reset');
  },

  'the playground\'s Present opens an audience window that follows the workspace': async ({ page, context, baseUrl }) => {
    await openApp(page, baseUrl, 'e2e=1&editor=plain');
    await page.getByRole('button', { name: 'Load the CreateKey template' }).first().click();
    await send(page);
    await chooseTarget(page, 'CreateGrant');
    await page.getByRole('button', { name: 'Reset to template' }).click();
    const createGrant = await editorRequest(page);
    await send(page);

    const [audience] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: 'Present', exact: true }).click()]);
    assert(new URL(audience.url()).searchParams.get('follow'), `the audience URL names a channel: ${audience.url()}`);
    assert(/^#key=[A-Za-z0-9_-]{22,}$/.test(new URL(audience.url()).hash), `the audience URL carries the presentation's key in its fragment: ${audience.url()}`);
    await page.getByText('Presenting: the audience window follows this workspace.').waitFor();
    await audience.getByTestId('follow-status').getByText('Following the presenter.').waitFor();
    assert(await audience.evaluate(() => document.documentElement.classList.contains('presenter')), 'the audience uses large type');

    /** the audience shows the presenter's history, selected response and clock */
    const same = async (what) => {
      const want = { history: await historyText(page), clock: await page.getByTestId('clock').textContent() };
      await audience.waitForFunction(
        ({ history, clock }) => document.querySelector('#history-h + span')?.textContent === history && document.querySelector('[data-testid="clock"]')?.textContent === clock,
        want,
      );
      assertEqual(await responseBody(audience), await responseBody(page), `${what}: the same response body`);
      assertEqual(await audience.getByTestId('status-line').textContent(), await page.getByTestId('status-line').textContent(), `${what}: the same status`);
    };
    await same('after Present');
    assertEqual(await audience.locator('section.timeline').getByRole('button', { name: 'Play', exact: true }).count(), 0, 'the audience has no Play');

    // the presenter moves the clock and sends more: the audience follows
    await page.getByRole('button', { name: 'Settle', exact: true }).click();
    await same('after Settle');
    await showsRequest(audience, createGrant, 'after Present');
    await chooseTarget(page, 'ListGrants');
    await page.getByRole('button', { name: 'Reset to template' }).click();
    await chooseCaller(page, 'role/App');
    const listGrants = await editorRequest(page);
    await send(page);
    await same('after a ListGrants');
    await showsRequest(audience, listGrants, 'after a ListGrants');
    await fitsProjector(audience, 'playground audience');
    await assertNoDeadControls(audience, 'playground audience');
    await audience.screenshot({ path: shot('22-playground-audience'), fullPage: false });
    const v = await axe(audience);
    assert(v.length === 0, `playground audience: ${JSON.stringify(v, null, 1)}`);

    // a window that opens late catches up
    const late = await context.newPage();
    await late.goto(audience.url());
    await late.getByTestId('follow-status').getByText('Following the presenter.').waitFor();
    assertEqual(await historyText(late), await historyText(page), 'late audience: the same history');
  },

  'a page without the presentation key cannot steer the audience, and malformed messages are dropped': async ({ page, context, baseUrl }) => {
    await openApp(page, baseUrl, 'e2e=1&editor=plain');
    await page.getByRole('button', { name: 'Load the CreateKey template' }).first().click();
    await send(page);
    const [audience] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: 'Present', exact: true }).click()]);
    const audienceErrors = [];
    audience.on('pageerror', (e) => audienceErrors.push(e.message));
    audience.on('console', (m) => m.type() === 'error' && audienceErrors.push(m.text()));
    await audience.getByTestId('follow-status').getByText('Following the presenter.').waitFor();
    await audience.waitForFunction(() => document.querySelector('#history-h + span')?.textContent === '1 request');
    const url = new URL(audience.url());
    const id = url.searchParams.get('follow');
    const key = new URLSearchParams(url.hash.slice(1)).get('key');

    // another same-origin page that knows the channel id (say it saw the query) but not the key
    const attacker = await context.newPage();
    await attacker.goto(`${baseUrl}lesson.html`);
    await attacker.evaluate(
      ({ id, key }) => {
        const entry = { kind: 'request', at: 1767268800000, method: 'POST', url: 'https://kms.us-east-1.amazonaws.com/', headers: [['content-type', 'application/x-amz-json-1.1'], ['x-amz-target', 'TrentService.CreateKey']], body: '{}' };
        const forged = (k) => ({ v: 2, key: k, type: 'workspace', workspace: { id: 'forged', name: 'Forged workspace', options: { seed: 1 } }, log: { from: 0, entries: [entry, entry, entry] }, now: 1767268800000 });
        const old = { type: 'workspace', snapshot: { id: 'forged', name: 'Forged workspace', options: {}, log: [entry, entry] }, now: 0 };
        for (const name of [`kms-playground:follow:${id}`, `kms-playground:follow:${id}:`, `kms-playground:follow:${id}:${'A'.repeat(22)}`]) {
          const c = new BroadcastChannel(name);
          c.postMessage(forged(undefined));
          c.postMessage(forged('A'.repeat(22)));
          c.postMessage(old);
          c.close();
        }
        // on the presentation's own channel (as if its name leaked), with a wrong key
        const c = new BroadcastChannel(`kms-playground:follow:${id}:${key}`);
        c.postMessage(forged('B'.repeat(22)));
        c.close();
      },
      { id, key },
    );
    await audience.waitForTimeout(1_000);
    assert(!(await audience.locator('h1').first().textContent()).includes('Forged'), 'the audience does not show the forged workspace');
    assertEqual(await historyText(audience), '1 request', 'the forged requests were not replayed');
    assertEqual(await audience.getByTestId('follow-status').textContent(), 'Following the presenter.', 'messages without the key change nothing');

    // with the key (say it leaked) but malformed: dropped, and the audience says it could not read them
    await attacker.evaluate(
      ({ id, key }) => {
        const entry = { kind: 'request', at: 1767268800000, method: 'POST', url: 'https://kms.us-east-1.amazonaws.com/', headers: [['content-type', 'application/x-amz-json-1.1'], ['x-amz-target', 'TrentService.CreateKey']], body: '{}' };
        const forged = (k) => ({ v: 2, key: k, type: 'workspace', workspace: { id: 'forged', name: 'Forged workspace', options: { seed: 1 } }, log: { from: 0, entries: [entry, entry, entry] }, now: 1767268800000 });
        const c = new BroadcastChannel(`kms-playground:follow:${id}:${key}`);
        for (const bad of [
          null,
          { ...forged(key), workspace: null },
          { ...forged(key), workspace: { id: 'x', name: 'x', options: { hosts: -1 } } },
          { ...forged(key), log: { from: 0, entries: [{ ...entry, url: 'not a url' }] } },
          { ...forged(key), log: { from: 0, entries: [{ ...entry, method: 'CONNECT' }] } },
          { ...forged(key), log: { from: 0, entries: [{ kind: 'clock', at: 0, to: 1e300 }] } },
          { ...forged(key), now: 'soon' },
          { v: 2, key, type: 'lesson', progress: { lesson: 'x', step: {} }, log: { from: 0, entries: [] }, now: 0 },
        ]) c.postMessage(bad);
        c.close();
      },
      { id, key },
    );
    await audience.getByTestId('follow-status').getByText('The presenter sent something this window cannot read').waitFor();
    assertEqual(await historyText(audience), '1 request', 'the malformed messages were not replayed');
    assertEqual(audienceErrors.join(' | '), '', 'no errors in the audience');

    // the presenter still steers it
    await send(page);
    await audience.waitForFunction(() => document.querySelector('#history-h + span')?.textContent === '2 requests');
    await audience.getByTestId('follow-status').getByText('Following the presenter.').waitFor();

    // an audience address without the key follows nothing, and says why
    const keyless = await context.newPage();
    await keyless.goto(`${baseUrl}lesson.html?follow=${id}`);
    await keyless.getByTestId('follow-status').getByText(/link is incomplete/).waitFor();
  },

  'a late audience catches up with a 3,000-request workspace in one batch, then follows request by request': async ({ page, context, baseUrl }) => {
    await openApp(page, baseUrl, 'e2e=1&editor=plain');
    await page.getByRole('button', { name: 'Load the CreateKey template' }).first().click();
    await send(page);
    // 2,999 more requests straight into the workspace's simulator (the UI would take minutes)
    const made = await page.evaluate(async () => {
      const { app, session } = globalThis.__kmsPlayground;
      const sim = app.simulator;
      const keyId = JSON.parse(session.history[0].response.body).KeyMetadata.KeyId;
      const t0 = performance.now();
      for (let i = 0; i < 2_999; i++) {
        const body = JSON.stringify({ KeyId: keyId, GranteePrincipal: 'arn:aws:iam::111122223333:role/App', Operations: ['Encrypt', 'Decrypt'] });
        await sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.CreateGrant' }, body }));
        if (i % 300 === 299) sim.clock.advance(1_000);
      }
      return { requests: sim.log.filter((e) => e.kind === 'request').length, ms: performance.now() - t0 };
    });
    assertEqual(made.requests, 3_000, 'the workspace holds 3,000 requests');
    console.log(`    the presenter made 2,999 requests in ${(made.ms / 1000).toFixed(1)} s`);

    const t0 = Date.now();
    const [audience] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: 'Present', exact: true }).click()]);
    await audience.getByTestId('follow-status').getByText(/Catching up/).waitFor({ timeout: 60_000 });
    const started = Date.now() - t0;
    // the History pane holds the latest 2,000, as the presenter's does after a reload
    await audience.waitForFunction(() => document.querySelector('#history-h + span')?.textContent === '2000 requests', undefined, { timeout: 80_000, polling: 200 });
    console.log(`    the audience window was open and catching up after ${(started / 1000).toFixed(1)} s`);
    await audience.getByTestId('follow-status').getByText('Following the presenter.').waitFor();
    const caughtUp = Date.now() - t0;
    const round = await audience.getByTestId('follow-status').getAttribute('data-round');
    console.log(`    audience caught up with 3,000 requests in ${(caughtUp / 1000).toFixed(1)} s (window opened to history shown); its replay round: ${round} ms`);
    assert(round.startsWith('rebuild 3'), `one batch replay of the whole log: ${round}`);
    assert(caughtUp < 60_000, `caught up in under a minute: ${caughtUp} ms`);
    // the state browser shows the presenter's grants
    await audience.locator('section.state').getByText(/2,?999 grants|Show all 2,?999/).first().waitFor({ timeout: 20_000 }).catch(() => undefined);

    // then one more request: only it crosses the channel, and the audience shows it quickly
    const t1 = Date.now();
    await chooseTarget(page, 'ListAliases');
    await send(page);
    await audience.waitForFunction(() => document.querySelector('#history-h + span')?.textContent === '2001 requests', undefined, { timeout: 30_000, polling: 100 });
    console.log(`    one more request reached the caught-up audience in ${((Date.now() - t1) / 1000).toFixed(1)} s (presenter's click included); its round: ${await audience.getByTestId('follow-status').getAttribute('data-round')} ms`);
    assertEqual(await audience.getByTestId('request-target').textContent(), 'TrentService.ListAliases', 'the audience shows the new request');
  },
};
