/**
 * The lesson player as a learner uses it: every built-in lesson walked to the end (Send or "Run
 * this step" on each request step, the clock buttons, Next), each check seen passing; a wrong
 * request seen failing, then Reset; progress kept across a reload; the handout; axe.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, assertEqual, axe, chooseTarget, shot } from './helpers.mjs';

// axe-core is injected as an inline script, which the page's CSP (rightly) forbids. Reduced
// motion: after a clock step or "Run this step" the page scrolls to its effect, smoothly (for
// about 15 frames) unless motion is reduced; a click on Next aimed while it moved could land
// beside the button, and the step would not change. Instant, the scroll is over before the click.
export const contextOptions = { bypassCSP: true, reducedMotion: 'reduce' };

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** how many lessons src/scenario/lessons/index.ts lists (the list page must show as many) */
function lessonCount() {
  const text = readFileSync(join(root, 'src/scenario/lessons/index.ts'), 'utf8');
  const m = /LESSONS[^=]*=\s*Object\.freeze\(\[([^\]]*)\]\)/.exec(text);
  if (!m) throw new Error('cannot find the LESSONS array in src/scenario/lessons/index.ts');
  return m[1].split(',').filter((s) => s.trim() !== '').length;
}

const COUNT = lessonCount();

/** the list page's lessons: [{ title, href }] */
async function listLessons(page, baseUrl) {
  await page.goto(`${baseUrl}lesson.html`);
  const links = page.locator('ol.lessons h2 a');
  await links.first().waitFor();
  const out = [];
  for (const a of await links.all()) out.push({ title: (await a.textContent()).trim(), href: await a.getAttribute('href') });
  return out;
}

async function openLesson(page, baseUrl, href) {
  await page.goto(`${baseUrl}lesson.html${href}&editor=plain&e2e=1`);
  await page.getByTestId('step-count').waitFor();
  // the engine has loaded once the X-Amz-Target picker lists operations
  await page.getByRole('button', { name: 'Reset lesson' }).and(page.locator(':enabled')).waitFor();
}

async function stepCount(page) {
  const text = (await page.getByTestId('step-count').textContent()).trim();
  const m = /^Step (\d+) of (\d+)$/.exec(text);
  assert(m, `step counter reads "${text}"`);
  return { n: Number(m[1]), of: Number(m[2]) };
}

async function historyCount(page) {
  const text = await page.locator('#history-h + span').textContent();
  return Number.parseInt(text ?? '0', 10) || 0;
}

/** waits for the check of request #n and returns its text */
async function checkOf(page, n) {
  const check = page.getByTestId('check');
  await check.getByText(new RegExp(`Check (passed|failed) \\(request #${n}\\)`)).waitFor();
  return (await check.textContent()).trim();
}

/**
 * Walks the open lesson to its end. Request steps alternate between the editor's Send (the
 * request the player loaded) and "Run this step". Returns the number of checks seen passing.
 */
async function walk(page, label) {
  const { of } = await stepCount(page);
  let passed = 0;
  let useSend = true;
  for (let i = 1; i <= of; i++) {
    const { n } = await stepCount(page);
    assertEqual(n, i, `${label}: step counter`);
    const title = (await page.locator('#lesson-step-h').textContent()).trim();
    const run = page.getByRole('button', { name: 'Run this step' });
    const clock = page.getByRole('button', { name: /^(Advance the clock|Let every grant arrive)/ });
    if (await run.count()) {
      const before = await historyCount(page);
      if (useSend) await page.getByRole('button', { name: 'Send', exact: true }).click();
      else await run.click();
      useSend = !useSend;
      const text = await checkOf(page, before + 1);
      assert(text.includes('Check passed'), `${label}, step ${i} "${title}": ${text}`);
      passed++;
    } else if (await clock.count()) {
      await clock.click();
      await page.getByTestId('check').getByText('Done.').waitFor();
    }
    if (i < of) {
      await page.getByRole('button', { name: 'Next step' }).click();
      await page.getByTestId('step-count').getByText(`Step ${i + 1} of ${of}`).waitFor();
    }
  }
  const end = (await page.getByTestId('lesson-end').textContent()).trim();
  assert(end.startsWith('Lesson complete'), `${label}: the last step says "${end}"`);
  return passed;
}

const tests = {};

for (let k = 0; k < COUNT; k++) {
  tests[`walks lesson ${k + 1} of ${COUNT} to the end, every check passing`] = async ({ page, baseUrl }) => {
    const lessons = await listLessons(page, baseUrl);
    assertEqual(lessons.length, COUNT, 'lessons on the list page');
    const lesson = lessons[k];
    await openLesson(page, baseUrl, lesson.href);
    const passed = await walk(page, lesson.title);
    assert(passed > 0, `${lesson.title}: no request step was checked`);
    // the progress bar is full
    const bar = page.getByRole('progressbar');
    const [value, max] = [await bar.getAttribute('value'), await bar.getAttribute('max')];
    assertEqual(value, max, `${lesson.title}: progress bar`);
    if (k === 0) await page.screenshot({ path: shot('16-lesson'), fullPage: false });
  };
}

Object.assign(tests, {
  'a wrong request fails its check in plain English; Reset starts over': async ({ page, baseUrl }) => {
    const [lesson] = await listLessons(page, baseUrl);
    await openLesson(page, baseUrl, lesson.href);
    // to the first request step
    while (!(await page.getByRole('button', { name: 'Run this step' }).count())) await page.getByRole('button', { name: 'Next step' }).click();
    const { n } = await stepCount(page);
    // a body that is not JSON: the simulator answers 400, whatever the step expected
    await page.getByRole('textbox', { name: 'Request body (JSON)' }).fill('{ "this is": not JSON');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const text = await checkOf(page, 1);
    assert(text.includes('Check failed'), `expected a failed check, got: ${text}`);
    const failures = await page.getByTestId('check').locator('li').allTextContents();
    assert(failures.length > 0 && failures.every((f) => /^(Expected: |this step)/.test(f)), `failures in plain English: ${JSON.stringify(failures)}`);
    // Next is offered but not emphasised; the learner tries again with the lesson's request
    await page.getByRole('button', { name: 'Run this step' }).click();
    assert((await checkOf(page, 2)).includes('Check passed'), 'the lesson request passes after the wrong one');
    // the learner's own request, of another operation, is not checked
    await chooseTarget(page, 'ListKeys');
    await page.getByRole('textbox', { name: 'Request body (JSON)' }).fill('{}');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.waitForFunction(() => Number.parseInt(document.querySelector('#history-h + span')?.textContent ?? '0', 10) >= 3);
    assert((await page.getByTestId('check').textContent()).includes('Check passed (request #2)'), 'an unrelated request leaves the check alone');

    await page.getByRole('button', { name: 'Reset lesson' }).click();
    await page.getByRole('button', { name: 'Restart the lesson' }).click();
    await page.getByTestId('step-count').getByText(/^Step 1 of/).waitFor();
    await page.getByRole('button', { name: 'Reset lesson' }).and(page.locator(':enabled')).waitFor();
    assertEqual(await historyCount(page), 0, 'history after Reset');
    assert(n >= 1, 'reached a request step');
  },

  'progress survives a reload (the inputs replay to the same responses)': async ({ page, baseUrl }) => {
    const [lesson] = await listLessons(page, baseUrl);
    await openLesson(page, baseUrl, lesson.href);
    while (!(await page.getByRole('button', { name: 'Run this step' }).count())) await page.getByRole('button', { name: 'Next step' }).click();
    await page.getByRole('button', { name: 'Run this step' }).click();
    await checkOf(page, 1);
    const body = await page.getByTestId('response-body').textContent();
    const step = await stepCount(page);
    await page.reload();
    await page.getByText(/Welcome back: your progress was restored/).waitFor();
    assertEqual((await stepCount(page)).n, step.n, 'step after reload');
    assertEqual(await historyCount(page), 1, 'history after reload');
    assert((await checkOf(page, 1)).includes('Check passed'), 'the check is kept');
    assertEqual(await page.getByTestId('response-body').textContent(), body, 'the same response, byte for byte');
    // the list shows the progress
    await page.goto(`${baseUrl}lesson.html`);
    await page.getByText(new RegExp(`at step ${step.n} of ${step.of}`)).waitFor();
  },

  'the handout lays out every step with its request and expected result': async ({ page, baseUrl }) => {
    const lessons = await listLessons(page, baseUrl);
    const lesson = lessons[1] ?? lessons[0];
    await openLesson(page, baseUrl, lesson.href);
    const [handout] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('link', { name: 'Print handout' }).click()]);
    await handout.getByRole('heading', { level: 1 }).waitFor();
    const { of } = await stepCount(page);
    assertEqual(await handout.locator('li.step').count(), of, 'steps in the handout');
    assert((await handout.locator('pre.code').count()) > 0, 'request bodies as JSON');
    assert((await handout.getByText(/^Expected:/).count()) > 0, 'expected results');
    await handout.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
    await handout.emulateMedia({ media: 'print' });
    await handout.screenshot({ path: shot('17-handout'), fullPage: false });
    assertEqual(await handout.getByRole('button', { name: 'Print handout' }).isVisible(), false, 'the toolbar is not printed');
  },

  'at 1366x768: long ids wrap in the step card, expectations read as sentences, the newest history entry and the timeline come into view': async ({ page, baseUrl }) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await openLesson(page, baseUrl, '?lesson=create-and-list');
    for (let i = 1; i <= 4; i++) {
      await page.getByRole('button', { name: 'Run this step' }).click();
      assert((await checkOf(page, i)).includes('Check passed'), `step ${i} passes`);
      if (i < 4) await page.getByRole('button', { name: 'Next step' }).click();
    }
    // step 4: the 64-character GrantId wraps inside the lesson pane; nothing sticks out of it
    const card = page.getByTestId('step-card');
    const text = (await card.textContent()).replace(/\s+/g, ' ');
    assert(/the first grant has 2 operations/.test(text), `plain-English expectation: ${text}`);
    assert(!/ to be |Grants\.0\./.test(text), `no path jargon left: ${text}`);
    const overflow = await page.evaluate(() => {
      const pane = document.querySelector('aside.area-lesson');
      const right = pane.getBoundingClientRect().right;
      return [...pane.querySelectorAll('[data-testid="step-card"] *')].filter((el) => el.getBoundingClientRect().right > right + 0.5).map((el) => el.textContent.slice(0, 40));
    });
    assertEqual(overflow.length, 0, `text running out of the lesson pane: ${JSON.stringify(overflow)}`);
    const grantId = /GrantId is ([0-9a-f]{64})/.exec(text);
    assert(grantId, `the GrantId is filled in: ${text}`);

    // the history: send until its list scrolls; after each, the newest row is whole in the list,
    // the page did not move and the focus did not go to the history
    const send = page.getByRole('button', { name: 'Send', exact: true });
    let scrolls = false;
    for (let n = 5; n <= 40 && !scrolls; n++) {
      await send.focus();
      const before = await page.evaluate(() => window.scrollY);
      await send.click();
      await page.waitForFunction((k) => Number.parseInt(document.querySelector('#history-h + span')?.textContent ?? '0', 10) >= k, n);
      const seen = await page.waitForFunction(
        (k) => {
          const rows = document.querySelectorAll('.area-history li');
          const last = rows[rows.length - 1];
          if (!last || !last.textContent.includes(`#${k}`)) return false;
          let box = last.parentElement;
          while (box && box.scrollHeight <= box.clientHeight) box = box.parentElement;
          if (!box || !box.closest('.area-history')) return { scrolls: false };
          const [o, r] = [box.getBoundingClientRect(), last.getBoundingClientRect()];
          return r.top >= o.top - 0.5 && r.bottom <= o.bottom + 0.5 ? { scrolls: true } : false;
        },
        n,
        { timeout: 5000 },
      ).then((h) => h.jsonValue()).catch(() => undefined);
      assert(seen, `request #${n}: the newest history entry is cut off or hidden in its list`);
      scrolls = seen.scrolls;
      assertEqual(await page.evaluate(() => window.scrollY), before, `request #${n}: the page moved`);
      assertEqual(await page.evaluate(() => !!document.activeElement?.closest('.area-history')), false, `request #${n}: the history took the focus`);
    }
    assert(scrolls, 'the history list never needed to scroll');

    // step 5 only moves the clock: the timeline comes into view, the lesson stays in view
    await page.getByRole('button', { name: 'Next step' }).click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByRole('button', { name: 'Let every grant arrive' }).click();
    await page.getByTestId('check').getByText('Done.').waitFor();
    await page.waitForFunction(() => {
      const r = document.querySelector('section.timeline').getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight + 0.5;
    }, null, { timeout: 5000 }).catch(() => {});
    const [timeline, heading] = await page.evaluate(() => [document.querySelector('section.timeline'), document.getElementById('lesson-step-h')].map((el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom };
    }));
    assert(timeline.top >= 0 && timeline.bottom <= 768.5, `the timeline is in view after the clock step: ${JSON.stringify(timeline)}`);
    assert(heading.top >= 0 && heading.bottom <= 768, `the step heading stays in view: ${JSON.stringify(heading)}`);

    // the handout gives the lesson's full address and explains {{…}}
    await page.goto(`${baseUrl}lesson.html?lesson=create-and-list&print=1`);
    const setup = (await page.locator('.setup').first().textContent()).replace(/\s+/g, ' ');
    assert(setup.includes(`Open it at ${baseUrl}lesson.html?lesson=create-and-list.`), `full address: ${setup}`);
    assertEqual(await page.getByRole('link', { name: `${baseUrl}lesson.html?lesson=create-and-list` }).getAttribute('href'), `${baseUrl}lesson.html?lesson=create-and-list`, 'the address is a link');
    const note = (await page.getByTestId('references-note').textContent()).replace(/\s+/g, ' ');
    assert(/\{\{key\.KeyMetadata\.Arn\}\}.*step 1, “Create a key”.*KeyMetadata\.Arn/.test(note), `the {{…}} note: ${note}`);
  },

  'no axe violations in the lesson player, the list and the handout': async ({ page, baseUrl }) => {
    const lessons = await listLessons(page, baseUrl);
    let v = await axe(page);
    assert(v.length === 0, `list: ${JSON.stringify(v, null, 1)}`);
    await openLesson(page, baseUrl, lessons[0].href);
    while (!(await page.getByRole('button', { name: 'Run this step' }).count())) await page.getByRole('button', { name: 'Next step' }).click();
    await page.getByRole('button', { name: 'Run this step' }).click();
    await checkOf(page, 1);
    await page.getByText('All steps').click();
    v = await axe(page);
    assert(v.length === 0, `player: ${JSON.stringify(v, null, 1)}`);
    await page.getByRole('button', { name: 'Presenter font' }).click();
    v = await axe(page);
    assert(v.length === 0, `player, presenter font: ${JSON.stringify(v, null, 1)}`);
    await page.emulateMedia({ colorScheme: 'dark' });
    v = await axe(page);
    assert(v.length === 0, `player, dark: ${JSON.stringify(v, null, 1)}`);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${baseUrl}lesson.html${lessons[0].href}&print=1`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    v = await axe(page);
    assert(v.length === 0, `handout: ${JSON.stringify(v, null, 1)}`);
  },
});

export default tests;
