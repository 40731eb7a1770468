/**
 * embed.html inside an iframe on a docs-like page: runs a lesson and a shared (#s=) scenario,
 * step by step and all at once, with an edited body; the "Open in the full playground" link
 * carries the scenario; a broken link shows its typed error inline. In a 700x720 docs column (the
 * snippet's height) and at 1200 px, the response of the step just run and the timeline's lanes
 * are on the iframe's screen after Run next step and after Run all.
 */
import { assert, assertEqual, axe, shot } from './helpers.mjs';

// the test serves its own docs page with page.route, which a service worker would bypass;
// axe-core is injected as an inline script, which the page's CSP (rightly) forbids
export const contextOptions = { serviceWorkers: 'block', bypassCSP: true };

/** a page that embeds `src` as the docs snippet does (docs/embed.md), in a `width` x `height` iframe */
async function docsPage(page, baseUrl, src, { width = 1100, height = 760 } = {}) {
  const url = `${baseUrl}docs-page-${Math.random().toString(36).slice(2)}.html`;
  // served by the test itself: a docs page of the same site, embedding the player as docs/embed.md shows
  await page.route(url, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body:
        `<!doctype html><html lang="en"><head><title>Docs</title></head><body><main><h1>Grant tokens</h1><p>Try it:</p>` +
        `<iframe title="KMS grant scenario" src="${src}" width="${width}" height="${height}" style="border:1px solid #ccc"></iframe></main></body></html>`,
    }),
  );
  await page.goto(url);
  return page.frameLocator('iframe[title="KMS grant scenario"]');
}

async function firstLessonId(page, baseUrl) {
  await page.goto(`${baseUrl}lesson.html`);
  const href = await page.locator('ol.lessons h2 a').first().getAttribute('href');
  return new URLSearchParams(href.slice(1)).get('lesson');
}

/**
 * how much of the element shows on the iframe's screen: its box clipped by every scrolling box it
 * is in and by the iframe's viewport ({ shown, height } in px, and where it is)
 */
function onScreen(locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    let top = Math.max(r.top, 0);
    let bottom = Math.min(r.bottom, innerHeight);
    for (let a = el.parentElement; a; a = a.parentElement) {
      if (getComputedStyle(a).overflowY === 'visible') continue;
      const b = a.getBoundingClientRect();
      top = Math.max(top, b.top + a.clientTop);
      bottom = Math.min(bottom, b.top + a.clientTop + a.clientHeight);
    }
    return { shown: Math.max(0, bottom - top), height: r.height, top: Math.round(r.top), bottom: Math.round(r.bottom), screen: innerHeight };
  });
}

async function assertOnScreen(locator, what) {
  const s = await onScreen(locator);
  assert(s.height > 0 && s.shown >= s.height - 1, `${what} is on the iframe's screen: it spans ${s.top}–${s.bottom} px of ${s.screen}, ${Math.round(s.shown)} of ${Math.round(s.height)} px shown`);
}

/** the player has finished what the last click started (it is aria-busy until the result is in view) */
const idle = (frame) => frame.locator('main.embed:not([aria-busy="true"])').waitFor();

/** the response pane is about the last request step that ran: "#n · Operation" names its target */
async function assertResponseOfLastStep(frame, what) {
  const targets = await frame.locator('ol.steps li.ran p.meta code').allTextContents();
  const meta = (await frame.locator('section.response .pane-head .meta').textContent()) ?? '';
  assert(targets.length > 0 && meta.includes(` · ${targets.at(-1)} · `), `${what}: the response (${meta}) is the last request run (${targets.at(-1)})`);
  assertEqual(Number(/^#(\d+)/.exec(meta)?.[1]), targets.length, `${what}: the response is request #${targets.length}`);
}

export default {
  'in a 700x720 docs column and at 1200 px, the response just run and the timeline are on the screen': async ({ page, baseUrl }) => {
    const id = await firstLessonId(page, baseUrl);
    for (const [width, height] of [
      [700, 720],
      [1200, 720],
    ]) {
      await page.setViewportSize({ width: width + 100, height: height + 200 });
      const frame = await docsPage(page, baseUrl, `${baseUrl}embed.html?lesson=${id}`, { width, height });
      const progress = frame.getByTestId('embed-progress');
      await progress.getByText(/^Next: step 1 of \d+$/).waitFor();
      const total = Number(/of (\d+)/.exec(await progress.textContent())[1]);
      // one button runs the scenario's next step, named apart from the timeline's Step back / Step to next arrival
      const runNext = frame.getByRole('button', { name: 'Run next step', exact: true });
      assertEqual(await runNext.count(), 1, `${width}px: one Run next step button`);
      assertEqual(await frame.getByRole('button', { name: 'Step', exact: true }).count(), 0, `${width}px: no button called just "Step"`);

      for (let i = 0; i < total && (await frame.locator('ol.steps li.ran p.meta code').count()) < 2; i++) {
        await runNext.click();
        await idle(frame);
      }
      await frame.getByTestId('status-line').waitFor();
      await assertResponseOfLastStep(frame, `${width}px, after Run next step`);
      await assertOnScreen(frame.getByTestId('status-line'), `${width}px, after Run next step: the status line`);
      await assertOnScreen(frame.getByTestId('decision').locator('h3'), `${width}px, after Run next step: the Why box's verdict`);
      await assertOnScreen(frame.locator('.timeline canvas'), `${width}px, after Run next step: the timeline's lanes`);
      await assertOnScreen(frame.locator('ol.steps li.ran').last().locator('h2'), `${width}px, after Run next step: the title of the step just run`);

      await frame.getByRole('button', { name: 'Run all' }).click();
      await progress.getByText(`All ${total} steps ran.`).waitFor();
      await idle(frame);
      await assertResponseOfLastStep(frame, `${width}px, after Run all`);
      await assertOnScreen(frame.getByTestId('status-line'), `${width}px, after Run all: the status line`);
      await assertOnScreen(frame.locator('.timeline canvas'), `${width}px, after Run all: the timeline's lanes`);
      await assertOnScreen(frame.locator('ol.steps li').last().locator('h2'), `${width}px, after Run all: the title of the last step`);
      const scrolled = await frame.locator('html').evaluate(() => document.scrollingElement.scrollHeight - innerHeight);
      assert(scrolled <= 0, `${width}px: the iframe does not scroll (${scrolled}px more than its height)`);
    }
  },

  'in a narrow docs column, All steps shows the step list whole and Run next step still brings the response into view': async ({ page, baseUrl }) => {
    const id = await firstLessonId(page, baseUrl);
    await page.setViewportSize({ width: 800, height: 920 });
    const frame = await docsPage(page, baseUrl, `${baseUrl}embed.html?lesson=${id}`, { width: 700, height: 720 });
    await frame.getByTestId('embed-progress').getByText(/^Next: step 1 of \d+$/).waitFor();
    const box = frame.locator('#embed-steps');
    const fits = () => box.evaluate((el) => el.scrollHeight <= el.clientHeight + 1);
    assert(!(await fits()), 'collapsed, the step list is a short box that scrolls');
    const toggle = frame.getByRole('button', { name: 'All steps' });
    assertEqual(await toggle.getAttribute('aria-expanded'), 'false', 'collapsed at first');
    await toggle.click();
    const expanded = frame.getByRole('button', { name: 'Fewer steps' });
    assertEqual(await expanded.getAttribute('aria-expanded'), 'true', 'expanded');
    assert(await fits(), 'expanded, every step shows without a scrolling box');
    const runNext = frame.getByRole('button', { name: 'Run next step', exact: true });
    while (!(await frame.getByTestId('status-line').count())) {
      await runNext.click();
      await idle(frame);
    }
    await assertOnScreen(frame.getByTestId('status-line'), 'expanded, after Run next step: the status line');
    await expanded.click();
    assertEqual(await frame.getByRole('button', { name: 'All steps' }).getAttribute('aria-expanded'), 'false', 'collapsed again');
  },

  'an embedded lesson runs step by step and all at once; the playground link carries the scenario': async ({ page, baseUrl }) => {
    const id = await firstLessonId(page, baseUrl);
    const frame = await docsPage(page, baseUrl, `${baseUrl}embed.html?lesson=${id}`);
    const progress = frame.getByTestId('embed-progress');
    await progress.getByText(/^Next: step 1 of \d+$/).waitFor();
    const total = Number(/of (\d+)/.exec(await progress.textContent())[1]);

    // Step until the first request has answered
    for (let i = 0; i < total && !(await frame.getByTestId('status-line').count()); i++) await frame.getByRole('button', { name: 'Run next step', exact: true }).click();
    await frame.getByTestId('status-line').waitFor();
    await frame.getByRole('button', { name: 'Run all' }).click();
    await progress.getByText(`All ${total} steps ran.`).waitFor();
    const checks = await frame.locator('ol.steps p.ok, ol.steps p.bad').allTextContents();
    assert(checks.length > 0 && checks.every((c) => c.startsWith('✓')), `every check passes in the embed: ${JSON.stringify(checks)}`);
    await page.screenshot({ path: shot('18-embed'), fullPage: false });

    const link = frame.getByRole('link', { name: 'Open in the full playground' });
    const href = await link.getAttribute('href');
    assert(/\/index\.html#s=v\d+\./.test(href), `the link opens the playground with the scenario: ${href}`);

    // the same fragment, embedded, is the same scenario
    const fragment = href.slice(href.indexOf('#'));
    const shared = await docsPage(page, baseUrl, `${baseUrl}embed.html${fragment}`);
    await shared.getByTestId('embed-progress').getByText(`Next: step 1 of ${total}`).waitFor();
    assertEqual(await shared.getByRole('link', { name: 'Open in the full playground' }).getAttribute('href'), href, 'the shared embed links to the same scenario');
  },

  'a body edited in the embed is what gets sent': async ({ page, baseUrl }) => {
    const id = await firstLessonId(page, baseUrl);
    const frame = await docsPage(page, baseUrl, `${baseUrl}embed.html?lesson=${id}`);
    // the first request step's body
    const body = frame.locator('textarea.body').first();
    await body.waitFor();
    await body.fill('{ "Description": "edited in the docs" ');
    // Run all stops at the broken body and says why
    await frame.getByRole('button', { name: 'Run all' }).click();
    await frame.getByRole('alert').getByText(/is not valid JSON/).waitFor();
    await body.fill('{ "Description": "edited in the docs" }');
    await frame.getByRole('button', { name: 'Run next step', exact: true }).click();
    await frame.getByTestId('status-line').waitFor();
    const text = await frame.getByTestId('response-body').textContent();
    if ((await frame.locator('ol.steps li').first().locator('code').first().textContent()) === 'CreateKey') {
      assert(text.includes('edited in the docs'), `the edited body was sent: ${text.slice(0, 200)}`);
    }
  },

  'a body that uses an earlier response reads in words until that step ran, then shows what is sent': async ({ page, baseUrl }) => {
    const id = await firstLessonId(page, baseUrl);
    const frame = await docsPage(page, baseUrl, `${baseUrl}embed.html?lesson=${id}`);
    await frame.getByTestId('embed-progress').getByText(/^Next: step 1 of \d+$/).waitFor();
    const stepsList = frame.locator('ol.steps');
    // before anything ran: no template syntax anywhere, the reference reads as words
    const template = stepsList.getByTestId('body-template').first();
    await template.waitFor();
    const chip = template.locator('.ref').first();
    const label = await chip.textContent();
    const m = /^«([\w.]+) from step (\d+)»$/.exec(label);
    assert(m, `a reference reads «Member from step N»: ${label}`);
    const [, member, from] = m;
    assert(!(await stepsList.innerText()).includes('{{'), 'no {{…}} is shown to the reader');
    const tag = await template.evaluate((el) => el.closest('li').querySelector('h2').textContent);

    // run up to and including the referenced step
    for (let i = 0; i < Number(from); i++) await frame.getByRole('button', { name: 'Run next step', exact: true }).click();
    await frame.getByTestId('embed-progress').getByText(`Next: step ${Number(from) + 1} of`, { exact: false }).waitFor();
    const response = JSON.parse(await frame.getByTestId('response-body').textContent());
    const value = member.split('.').reduce((o, k) => o?.[k], response);
    assert(typeof value === 'string' && value.length > 0, `the referenced response has ${member}: ${JSON.stringify(response).slice(0, 200)}`);

    // the step that used it now shows the value that will be sent, editable
    const card = stepsList.locator('li', { has: frame.locator('h2', { hasText: tag }) });
    const body = card.locator('textarea.body');
    await body.waitFor();
    const text = await body.inputValue();
    assert(text.includes(JSON.stringify(value)), `the body holds the resolved ${member}: ${text}`);
    assert(!text.includes('{{'), `no template left in the body: ${text}`);
    await card.getByTestId('body-filled').waitFor();
    // and Step sends it: the step's check passes (with the template sent as is, KMS would refuse the KeyId)
    while (!(await card.getAttribute('aria-current'))) await frame.getByRole('button', { name: 'Run next step', exact: true }).click();
    await frame.getByRole('button', { name: 'Run next step', exact: true }).click();
    const verdict = await card.locator('p.ok, p.bad').textContent();
    assert(verdict.startsWith('✓'), `the step with the filled-in body passes its check: ${verdict}`);
  },

  'no axe violations in the embed, after a run and on an error, wide and narrow, light and dark': async ({ page, baseUrl }) => {
    const id = await firstLessonId(page, baseUrl);
    for (const [width, scheme] of [
      [1280, 'light'],
      [700, 'light'],
      [700, 'dark'],
    ]) {
      await page.setViewportSize({ width, height: 720 });
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${baseUrl}embed.html?lesson=${id}`);
      // before a run: bodies with references shown in words
      await page.getByTestId('body-template').first().waitFor();
      let v = await axe(page);
      assert(v.length === 0, `embed before a run (${width}px, ${scheme}): ${JSON.stringify(v, null, 1)}`);
      await page.getByRole('button', { name: 'Run all' }).click();
      await page.getByTestId('embed-progress').getByText(/^All \d+ steps ran\.$/).waitFor();
      await idle(page);
      if (width < 1000) await page.getByRole('button', { name: 'All steps' }).click();
      v = await axe(page);
      assert(v.length === 0, `embed (${width}px, ${scheme}): ${JSON.stringify(v, null, 1)}`);
    }
    await page.goto(`${baseUrl}embed.html#s=v2.broken!`);
    await page.getByTestId('embed-error').waitFor();
    const v = await axe(page);
    assert(v.length === 0, `embed error: ${JSON.stringify(v, null, 1)}`);
  },

  'a broken link shows its typed error inline': async ({ page, baseUrl, consoleErrors }) => {
    const frame = await docsPage(page, baseUrl, `${baseUrl}embed.html#s=v2.not-a-scenario!!`);
    const error = frame.getByTestId('embed-error');
    await error.waitFor();
    assertEqual(await error.getAttribute('data-error'), 'bad-encoding', 'typed error');
    const frame2 = await docsPage(page, baseUrl, `${baseUrl}embed.html#s=v99.AAAA`);
    await frame2.getByTestId('embed-error').waitFor();
    assertEqual(await frame2.getByTestId('embed-error').getAttribute('data-error'), 'unknown-version', 'typed error');
    assertEqual(consoleErrors.length, 0, 'no console errors');
  },
};
