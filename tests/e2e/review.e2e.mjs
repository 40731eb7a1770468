/**
 * What a UI review fixed and could come back (issue 6 §6, issue 7 §4–§6), asserted geometrically:
 * no page scrolls sideways on a 1024x768 laptop; history rows keep their Re-run button inside the
 * pane; with the presenter font on a 1280x720 projector the timeline is on the first screen;
 * the header facts never shrink to a tall thin column; the timeline's control groups wrap as
 * wholes; the Why box shows instants on the timeline's clock; the embed does not tell people to
 * use an editor it does not have; the header fits a long workspace name on one line at 1366 px, and
 * the open workspace menu covers none of it at 1366 and 1024 px. Also writes the laptop and
 * projector screenshots.
 */
import { assert, assertEqual, chooseCaller, chooseTarget, openApp, send, shot } from './helpers.mjs';

// the embed test serves its own docs page with page.route, which a service worker would bypass
export const contextOptions = { serviceWorkers: 'block' };

/** the page's horizontal overflow: document scroll width beyond the viewport, and what sticks out */
async function sideways(page) {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const b = el.getBoundingClientRect();
      if (b.width > 0 && b.right > w + 1) out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`);
    }
    return { extra: document.documentElement.scrollWidth - w, out: out.slice(0, 5) };
  });
}

async function assertNoSideways(page, where) {
  const s = await sideways(page);
  assert(s.extra <= 0 && s.out.length === 0, `${where}: ${s.extra}px of horizontal scrolling; sticking out: ${s.out.join(', ')}`);
}

/** key, grant to role/App, Encrypt as App before the grant has reached the host */
async function deniedBeforePropagation(page) {
  await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
  await send(page);
  await chooseTarget(page, 'CreateGrant');
  await page.getByRole('button', { name: 'Reset to template' }).click();
  await send(page);
  await chooseTarget(page, 'Encrypt');
  await page.getByRole('button', { name: 'Reset to template' }).click();
  await chooseCaller(page, 'role/App');
  // pin a host the grant has not reached yet: at seed 42 none has at 0:00.000
  return send(page);
}

async function firstLessonHref(page, baseUrl) {
  await page.goto(`${baseUrl}lesson.html`);
  const link = page.locator('ol.lessons h2 a').first();
  await link.waitFor();
  return link.getAttribute('href');
}

/** the header's parts, their boxes, and whether the workspace name is cut */
async function headerLayout(page) {
  return page.evaluate(() => {
    const box = (el) => {
      const b = el.getBoundingClientRect();
      return { x: b.x, y: b.y, w: b.width, h: b.height, bottom: b.bottom, right: b.right };
    };
    const header = document.querySelector('header.top');
    const parts = [':scope > h1', ':scope > .ws', ':scope > .facts', ':scope > .actions'].map((sel) => ({ sel: sel.slice(9), ...box(header.querySelector(sel)) }));
    const facts = header.querySelector('.facts');
    const name = header.querySelector('[data-testid="workspace-name"]');
    return {
      header: box(header),
      parts,
      factsLines: Math.round(facts.getBoundingClientRect().height / parseFloat(getComputedStyle(facts).lineHeight)),
      factsCut: facts.scrollWidth > facts.clientWidth,
      nameCut: name.scrollWidth > name.clientWidth,
    };
  });
}

function overlaps(a, b) {
  return a.x < b.right - 0.5 && b.x < a.right - 0.5 && a.y < b.bottom - 0.5 && b.y < a.bottom - 0.5;
}

export default {
  'the header fits a long workspace name: one line at 1366 px, nothing covered by the open menu': async ({ page, baseUrl }) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await openApp(page, baseUrl, 'e2e=1&editor=plain');
    // the name a shared link gives its workspace
    const toggle = page.getByRole('button', { name: /^Workspace:/ });
    await toggle.click();
    await page.getByRole('button', { name: 'Rename…' }).click();
    await page.getByRole('textbox', { name: 'New name' }).fill('Shared scenario 2026-12-01');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByText('Renamed to “Shared scenario 2026-12-01”.').waitFor();
    if ((await toggle.getAttribute('aria-expanded')) === 'true') await toggle.click();
    await page.waitForFunction(() => document.querySelector('[data-testid="workspace-name"]')?.textContent?.trim() === 'Shared scenario 2026-12-01');

    for (const width of [1366, 1024]) {
      await page.setViewportSize({ width, height: 768 });
      const l = await headerLayout(page);
      const where = `${width}px: ${JSON.stringify(l.parts.map((p) => `${p.sel} ${Math.round(p.x)},${Math.round(p.y)} ${Math.round(p.w)}x${Math.round(p.h)}`))}`;
      assertEqual(l.factsLines, 1, `${where}: the account line takes one line`);
      assert(!l.factsCut, `${where}: the account line is whole`);
      assert(!l.nameCut, `${where}: the workspace name is whole`);
      for (let i = 0; i < l.parts.length; i++) for (let j = i + 1; j < l.parts.length; j++) assert(!overlaps(l.parts[i], l.parts[j]), `${where}: ${l.parts[i].sel} overlaps ${l.parts[j].sel}`);
      if (width === 1366) {
        const tops = l.parts.map((p) => p.y + p.h / 2);
        assert(Math.max(...tops) - Math.min(...tops) < 8, `${where}: one line at 1366 px`);
      }
      // the open menu starts below the header: it covers none of it
      await toggle.click();
      const panel = await page.getByRole('group', { name: 'Workspaces' }).boundingBox();
      assert(panel.y >= l.header.bottom - 0.5, `${width}px: the menu (top ${Math.round(panel.y)}) starts below the header (bottom ${Math.round(l.header.bottom)})`);
      await page.screenshot({ path: shot(`22-header-menu-${width}`), clip: { x: 0, y: 0, width, height: 260 } });
      await toggle.click();
    }
    assertEqual(await toggle.getAttribute('title'), 'Shared scenario 2026-12-01', 'the full name as a tooltip (where a longer one is cut)');
  },

  'no page scrolls sideways at 1024x768, history rows keep their Re-run button inside the pane': async ({ page, baseUrl }) => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await openApp(page, baseUrl, 'editor=plain');
    await assertNoSideways(page, 'playground, empty');
    const res = await deniedBeforePropagation(page);
    await assertNoSideways(page, 'playground, after three requests');
    await page.screenshot({ path: shot('20-laptop-1024'), fullPage: false });

    // every history row, Re-run included, lies inside the history pane
    const pane = await page.locator('section.history').boundingBox();
    for (const b of await page.locator('section.history li button').all()) {
      const box = await b.boundingBox();
      assert(box.x >= pane.x && box.x + box.width <= pane.x + pane.width + 0.5, `a history button sticks out of its pane: ${JSON.stringify(box)} vs ${JSON.stringify(pane)}`);
    }

    // the Why box: an instant is on the timeline's clock, not an ISO date
    if (/has not reached host/.test(res.decision)) {
      assert(!/\d{4}-\d\d-\d\dT/.test(res.decision), `the Why box shows an ISO date: ${res.decision}`);
      assert(/\d:\d\d\.\d{3} on the clock/.test(res.decision), `the Why box says when on the clock: ${res.decision}`);
    }
    assert(!/Via: nothing allowed it/.test(res.decision), `the Why box repeats itself: ${res.decision}`);

    // time travel and the share dialog do not widen the page
    await page.getByRole('button', { name: 'Settle' }).click();
    await page.getByRole('button', { name: 'Step back' }).click();
    await page.getByTestId('time-travel').waitFor();
    await assertNoSideways(page, 'playground, in the past');

    const href = await firstLessonHref(page, baseUrl);
    await assertNoSideways(page, 'lesson list');
    await page.goto(`${baseUrl}lesson.html${href}&editor=plain`);
    await page.getByRole('button', { name: 'Reset lesson' }).and(page.locator(':enabled')).waitFor();
    while (!(await page.getByRole('button', { name: 'Run this step' }).count())) await page.getByRole('button', { name: 'Next step' }).click();
    await page.getByRole('button', { name: 'Run this step' }).click();
    await page.getByTestId('check').getByText(/Check (passed|failed)/).waitFor();
    await assertNoSideways(page, 'lesson player');
    await page.goto(`${baseUrl}lesson.html${href}&print=1`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await assertNoSideways(page, 'handout');
    await page.goto(`${baseUrl}embed.html${href}`);
    await page.getByTestId('embed-progress').waitFor();
    await assertNoSideways(page, 'embed');
  },

  'with the presenter font at 1280x720 the whole timeline is on the first screen': async ({ page, baseUrl }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await openApp(page, baseUrl, 'editor=plain');
    await page.getByRole('button', { name: 'Presenter font' }).click();
    await page.waitForFunction(() => document.documentElement.classList.contains('presenter'));
    await deniedBeforePropagation(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    const canvas = await page.locator('.timeline canvas').boundingBox();
    assert(canvas.y >= 0 && canvas.y + canvas.height <= 720, `the timeline canvas spans ${Math.round(canvas.y)}–${Math.round(canvas.y + canvas.height)} px of a 720 px screen`);
    await assertNoSideways(page, 'playground, presenter font');
    // the header facts take a line's share, not a tall thin column
    const facts = await page.locator('header.top .facts').boundingBox();
    const lineHeight = await page.locator('header.top .facts').evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.4);
    assert(facts.height <= lineHeight * 2 + 1, `the header facts take ${Math.round(facts.height / lineHeight)} lines`);
    await page.screenshot({ path: shot('21-projector-1280-presenter'), fullPage: false });

    // the same in a lesson
    const href = await firstLessonHref(page, baseUrl);
    await page.goto(`${baseUrl}lesson.html${href}&editor=plain`);
    await page.getByRole('button', { name: 'Reset lesson' }).and(page.locator(':enabled')).waitFor();
    const lessonCanvas = await page.locator('.timeline canvas').boundingBox();
    assert(lessonCanvas.y >= 0 && lessonCanvas.y + lessonCanvas.height <= 720, `lesson: the timeline canvas spans ${Math.round(lessonCanvas.y)}–${Math.round(lessonCanvas.y + lessonCanvas.height)} px`);
  },

  'the timeline controls wrap as groups: no button alone on a line': async ({ page, baseUrl }) => {
    for (const width of [1024, 1366, 1920]) {
      await page.setViewportSize({ width, height: 800 });
      await openApp(page, baseUrl, 'editor=plain');
      const top = async (name) => Math.round((await page.getByRole('button', { name, exact: true }).boundingBox()).y);
      assertEqual(await top('Settle'), await top('Play'), `${width}px: Play and Settle on one line`);
      assertEqual(await top('Fit all'), await top('Zoom in'), `${width}px: Zoom in and Fit all on one line`);
      assertEqual(await top('Zoom out'), await top('Zoom in'), `${width}px: Zoom in and Zoom out on one line`);
    }
  },

  'on a 1366x768 laptop a lesson sits beside the panes, and the request and response share the first row': async ({ page, baseUrl }) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    const href = await firstLessonHref(page, baseUrl);
    await page.goto(`${baseUrl}lesson.html${href}&editor=plain`);
    await page.getByRole('button', { name: 'Reset lesson' }).and(page.locator(':enabled')).waitFor();
    const lesson = await page.locator('aside.area-lesson').boundingBox();
    const request = await page.locator('.area-request').boundingBox();
    const response = await page.locator('.area-response').boundingBox();
    assert(Math.abs(lesson.y - request.y) < 40, `the lesson (y ${Math.round(lesson.y)}) and the request pane (y ${Math.round(request.y)}) start on one row`);
    assert(lesson.x + lesson.width <= request.x, 'the lesson is left of the request pane');
    assert(Math.abs(request.y - response.y) < 2 && request.x + request.width <= response.x, 'request and response side by side');
    assert(request.width > 300 && response.width > 300, `panes wide enough to read: ${Math.round(request.width)} and ${Math.round(response.width)} px`);
  },

  'the embed says what to do without an editor and shows each body whole': async ({ page, baseUrl }) => {
    const href = await firstLessonHref(page, baseUrl);
    await page.goto(`${baseUrl}embed.html${href}`);
    await page.getByTestId('embed-progress').waitFor();
    const empty = (await page.locator('section.response').textContent()) ?? '';
    assert(/Press (Run next )?Step/i.test(empty) && !/X-Amz-Target/.test(empty), `the embed's empty response: ${empty}`);
    // the first body is shown whole: the textarea does not scroll
    const body = page.locator('textarea.body').first();
    const [scroll, client] = await body.evaluate((el) => [el.scrollHeight, el.clientHeight]);
    assert(scroll <= client + 1, `the first body is cut: ${scroll} > ${client}`);
  },
};
