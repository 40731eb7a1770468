/**
 * The first answer does not wait for Monaco (issue 15): Send works with the plain editor while
 * Monaco loads, Monaco is requested only after the engine is in and the first request answered
 * (or at once when the editor gets the focus), and it takes over the editor only when nobody is
 * typing and no Send is in flight, keeping the text, the caret and the focus. Behaviour only: how
 * fast is printed by `npm run bench:ui`.
 */
import { assert, assertEqual, waitForHistory, waitForMonaco, readResponse } from './helpers.mjs';

/** Monaco's two chunks: its core (editor-*), then its features with our JSON mode (monaco-*, the last) */
const MONACO_CHUNK = /\/assets\/(editor|monaco)-[^/]*\.js$/;
const MONACO_LAST = /\/assets\/monaco-[^/]*\.js$/;
const ENGINE_CHUNK = /\/assets\/kms-[^/]*\.js$/;

/** in the page before any script: when the first response showed, when Monaco took over, the last keystroke before that */
function watch() {
  const t = (globalThis.__first = {});
  addEventListener('input', () => (t.lastInput = performance.now()), true);
  new MutationObserver(() => {
    if (t.answer === undefined && document.querySelector('[data-testid="status-line"]')) t.answer = performance.now();
    if (t.monaco === undefined && document.querySelector('[data-editor="monaco"]')) {
      t.monaco = performance.now();
      t.inputBeforeMonaco = t.lastInput;
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

/** holds requests matching `pattern` until the returned function is called */
async function hold(page, pattern) {
  let release;
  const held = new Promise((r) => (release = r));
  await page.route(pattern, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

/** a few idle periods of the page: time enough for anything waiting on one to have started */
const idle = (page) => page.evaluate(async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => requestIdleCallback(() => r(), { timeout: 2000 }));
});

export default {
  'the first paint of every page is its shell, with Send in it: no empty page is painted first': async ({ page, baseUrl }) => {
    // what the page holds at each animation frame until the first paint is reported
    await page.addInitScript(() => {
      const frames = (globalThis.__frames = []);
      const tick = () => {
        frames.push({ at: performance.now(), send: [...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === 'Send') });
        if (!performance.getEntriesByName('first-paint').length) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const lesson = 'child-grants';
    for (const path of ['?e2e=1', 'lesson.html', `embed.html?lesson=${lesson}`]) {
      await page.goto(baseUrl + path);
      await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, null, { timeout: 30_000 });
      const t = await page.evaluate(() => ({
        fp: performance.getEntriesByName('first-paint')[0]?.startTime,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
        frames: globalThis.__frames,
      }));
      // an empty page painted first would be a first paint before the first contentful one
      assertEqual(t.fp, t.fcp, `${path}: the first paint (${t.fp} ms) is the first contentful paint (${t.fcp} ms)`);
      if (path.startsWith('?')) {
        assert(t.frames.length > 0 && t.frames[0].send, `${path}: Send is in the page from the first frame on (${JSON.stringify(t.frames.slice(0, 3))})`);
      }
    }
  },

  'Send clicked at once is answered with the plain editor, and Monaco is requested only after the answer': async ({ page, baseUrl }) => {
    await page.addInitScript(watch);
    const monaco = [];
    page.on('request', (r) => {
      if (MONACO_CHUNK.test(new URL(r.url()).pathname)) monaco.push(r.url());
    });
    // the engine held back: Send is pressed while the simulator is still starting
    const releaseEngine = await hold(page, ENGINE_CHUNK);
    await page.goto(baseUrl + '?e2e=1');
    const sendButton = page.getByRole('button', { name: 'Send', exact: true });
    await sendButton.click();
    await page.getByText('Starting the simulator…').waitFor();
    await idle(page);
    assertEqual(monaco.length, 0, 'Monaco requested while the first request waits for the engine');
    assertEqual(await page.locator('[data-editor]').getAttribute('data-editor'), 'plain', 'the editor while the engine loads');

    releaseEngine();
    await waitForHistory(page, 1);
    const res = await readResponse(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `the first answer: ${res.status}`);

    // then Monaco comes, with the text, once the page is idle
    await waitForMonaco(page);
    const times = await page.evaluate(() => ({
      answer: globalThis.__first.answer,
      requested: performance.getEntriesByType('resource').find((e) => /\/assets\/(editor|monaco)-[^/]*\.js$/.test(new URL(e.name).pathname))?.startTime,
    }));
    assert(times.requested !== undefined && times.requested > times.answer, `Monaco requested (${times.requested}) after the first answer (${times.answer})`);
    const text = (await page.locator('[data-editor="monaco"] .view-lines').innerText()).replace(/\u00a0/g, ' ');
    assert(text.includes('"KeySpec"'), `Monaco shows the request, got ${text}`);
  },

  'Monaco waits while a Send is in flight and while the user types, then keeps the text, the caret and the focus': async ({ page, baseUrl }) => {
    await page.addInitScript(watch);
    const releaseEngine = await hold(page, ENGINE_CHUNK);
    await page.goto(baseUrl + '?e2e=1');
    const textarea = page.getByRole('textbox', { name: 'Request body (JSON)' });
    await textarea.fill('{\n  "Description": "in flight"\n}');
    // focus asks for Monaco at once; a Send then waits for the engine
    const loaded = page.waitForResponse((r) => MONACO_LAST.test(new URL(r.url()).pathname));
    await textarea.focus();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await loaded;
    await idle(page);
    assertEqual(await page.locator('[data-editor]').getAttribute('data-editor'), 'plain', 'the editor while a Send is in flight');

    // typing in the textarea as the Send is answered: Monaco waits for the typing to stop
    await textarea.focus();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    releaseEngine();
    await page.keyboard.type(' and typed on', { delay: 40 });
    await waitForHistory(page, 1);
    await page.keyboard.type(' while it came', { delay: 40 });
    await waitForMonaco(page);
    const t = await page.evaluate(() => globalThis.__first);
    assert(t.inputBeforeMonaco === t.lastInput, 'no keystroke reached the textarea after Monaco took over');

    // the text, the caret (at the end of the Description line) and the focus came across
    assert(await page.evaluate(() => !!document.activeElement?.closest('.monaco-editor')), 'the focus is in Monaco');
    await page.keyboard.type('!');
    await page.waitForFunction(() => document.querySelector('[data-editor="monaco"] .view-lines')?.textContent?.includes('came!'));
    const text = (await page.locator('[data-editor="monaco"] .view-lines').innerText()).replace(/\u00a0/g, ' ');
    assert(text.includes('"Description": "in flight" and typed on while it came!'), `the typing and the caret came across, got ${text}`);
    const res = await readResponse(page);
    assertEqual(res.json?.KeyMetadata?.Description, 'in flight', 'the request in flight was the text at Send');
  },
};
