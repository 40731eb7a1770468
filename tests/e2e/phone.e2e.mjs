/**
 * A phone (390x844, touch): nothing on the page is wider than the screen (a wide table scrolls
 * inside its card, as a labelled region the keyboard can reach too), the plain editor is the
 * default and Monaco's chunk is not requested until "Use the code editor" is pressed, no hint
 * names a keyboard shortcut, and a whole CreateKey → CreateGrant → Encrypt journey works by tapping.
 */
import { assert, assertEqual, openApp, readResponse, waitForHistory, waitForMonaco } from './helpers.mjs';

// the service worker precaches every file (Monaco too) for offline use: blocked here, so the
// requests watched are the page's own
export const contextOptions = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, serviceWorkers: 'block' };

/** Monaco's two chunks: its core (editor-*), then its features with our JSON mode (monaco-*) */
const MONACO_CHUNK = /\/assets\/(editor|monaco)-[^/]*\.js$/;

/** records the page's requests for Monaco's chunk */
function watchMonaco(page) {
  const seen = [];
  page.on('request', (r) => {
    if (MONACO_CHUNK.test(new URL(r.url()).pathname)) seen.push(r.url());
  });
  return seen;
}

/**
 * Elements that stick out: past the viewport's right edge, or past the right edge of an ancestor
 * that clips without scrolling (overflow hidden or clip), unless inside a horizontally scrolling
 * ancestor (which must itself fit). Also the document's own sideways scroll.
 */
async function sticking(page) {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const name = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${[...el.classList].map((c) => `.${c}`).join('')}`;
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || el.closest('.visually-hidden, .monaco-editor')) continue;
      let scrolled = false;
      let clippedBy;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const o = getComputedStyle(a).overflowX;
        if (o === 'auto' || o === 'scroll') {
          scrolled = true;
          break;
        }
        if ((o === 'hidden' || o === 'clip') && !clippedBy && box.right > a.getBoundingClientRect().right + 1) clippedBy = a;
      }
      if (scrolled) continue;
      if (box.right > w + 1) out.push(`${name(el)} ends at ${Math.round(box.right)} px`);
      else if (clippedBy) out.push(`${name(el)} cut off by ${name(clippedBy)}`);
    }
    return { extra: document.documentElement.scrollWidth - w, out: out.slice(0, 8) };
  });
}

async function assertFits(page, where) {
  const s = await sticking(page);
  assert(s.extra <= 0 && s.out.length === 0, `${where}: ${s.extra}px of sideways scrolling; sticking out: ${s.out.join('; ')}`);
}

async function tapSend(page) {
  const before = Number.parseInt((await page.locator('#history-h + span').textContent()) ?? '0', 10) || 0;
  await page.getByRole('button', { name: 'Send', exact: true }).tap();
  await waitForHistory(page, before + 1);
  return readResponse(page);
}

export default {
  'CreateKey → CreateGrant → Encrypt by tapping: nothing wider than the screen, the grants table scrolls in its card, no Monaco': async ({ page, baseUrl }) => {
    const monaco = watchMonaco(page);
    await openApp(page, baseUrl, 'e2e=1');
    assert(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), 'the page sees a touch screen');

    // the plain editor, a way to the code editor, and no keyboard-shortcut hints
    assertEqual(await page.locator('[data-editor]').getAttribute('data-editor'), 'plain', 'the editor');
    await page.getByRole('button', { name: 'Use the code editor' }).waitFor();
    const request = page.locator('section.request');
    assertEqual(await request.locator('kbd').count(), 0, 'keyboard shortcuts hinted in the request pane');
    await assertFits(page, 'empty page');

    await page.getByRole('button', { name: 'Load the CreateKey template' }).tap();
    let res = await tapSend(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `CreateKey: ${res.status}`);
    const keyId = res.json.KeyMetadata.KeyId;

    await page.getByRole('button', { name: 'Grant…' }).tap();
    res = await tapSend(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `CreateGrant: ${res.status}`);
    await assertFits(page, 'after CreateGrant');

    // the grants table is wider than its card: it scrolls inside it, and the last host's column can be reached
    const region = page.getByRole('region', { name: `Grants of key ${keyId}` });
    const lastHost = region.getByRole('columnheader', { name: 'Host 2' });
    const fit = await region.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, card: el.closest('.pane')?.getBoundingClientRect().right ?? 0, right: el.getBoundingClientRect().right }));
    assert(fit.scroll > fit.client, `the grants table needs to scroll at 390 px (${fit.scroll} in ${fit.client}): if it now fits, this test should say so`);
    assert(fit.right <= fit.card, 'the scrolling region stays inside its card');
    const regionRight = async () => (await region.boundingBox()).x + (await region.boundingBox()).width;
    assert((await lastHost.boundingBox()).x >= (await regionRight()), 'Host 2 starts out of view');
    // the keyboard scrolls it (the region takes the focus) …
    await region.focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((id) => document.querySelector(`[aria-label="Grants of key ${id}"]`).scrollLeft > 0, keyId);
    // … and so does a swipe (scrolled as a swipe would)
    await region.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await page.waitForFunction((id) => {
      const el = document.querySelector(`[aria-label="Grants of key ${id}"]`);
      return el.scrollLeft + el.clientWidth >= el.scrollWidth - 1;
    }, keyId);
    const host2 = await lastHost.boundingBox();
    assert(host2.x + host2.width <= (await regionRight()) + 1, 'Host 2 can be scrolled into view');

    // the grant reaches every host, then App encrypts with it
    await page.getByRole('button', { name: 'Settle' }).tap();
    await page.getByRole('button', { name: 'Encrypt…' }).tap();
    await page.getByRole('combobox', { name: 'Caller' }).selectOption({ label: 'role/App' });
    res = await tapSend(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `Encrypt as role/App: ${res.status} ${res.body}`);
    assert(typeof res.json?.CiphertextBlob === 'string', 'a ciphertext');

    // everything opened: the events table, the key policy, the headers, the request as code, who can do what
    await page.getByText('Events as a table').tap();
    await page.getByRole('region', { name: 'Timeline events, newest first' }).waitFor();
    await page.getByText('Key policy', { exact: true }).tap();
    await page.getByRole('region', { name: `Key policy of ${keyId}` }).waitFor();
    await page.getByText(/^Headers \(\d+\)$/).tap();
    await page.getByText(/^Copy request #\d+ as code$/).tap();
    await page.getByTestId('access-matrix-section').locator('summary').tap();
    await page.getByTestId('access-matrix').waitFor();
    await assertFits(page, 'after Encrypt, everything open');

    assertEqual(monaco.length, 0, 'requests for the Monaco chunk');
  },

  'the code editor loads only when asked, with the text, and can be put away again': async ({ page, baseUrl }) => {
    const monaco = watchMonaco(page);
    await openApp(page, baseUrl, 'e2e=1');
    const textarea = page.getByRole('textbox', { name: 'Request body (JSON)' });
    await textarea.tap();
    await textarea.fill('{\n  "Description": "typed on a phone"\n}');
    // an idle page, a tap and typing in the editor: none of them fetches Monaco on a touch screen
    await page.evaluate(() => new Promise((r) => requestIdleCallback(() => r(), { timeout: 3000 })));
    assertEqual(monaco.length, 0, 'Monaco requested before the button');

    await page.getByRole('button', { name: 'Use the code editor' }).tap();
    await waitForMonaco(page);
    assert(monaco.length > 0, 'Monaco requested after the button');
    // (Monaco wraps long lines on a narrow screen)
    const text = (await page.locator('[data-editor="monaco"] .view-lines').innerText()).replace(/[\s\u00a0]+/g, ' ');
    assert(text.includes('typed on a phone'), `Monaco shows the typed text, got ${text}`);
    // the code editor's help names no keyboard shortcut either
    assertEqual(await page.locator('section.request kbd').count(), 0, 'keyboard shortcuts hinted in the request pane');

    await page.getByRole('button', { name: 'Use the plain editor' }).tap();
    await textarea.waitFor();
    assert((await textarea.inputValue()).includes('typed on a phone'), 'the plain editor has the text back');
    const res = await tapSend(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `CreateKey: ${res.status}`);
    assertEqual(res.json?.KeyMetadata?.Description, 'typed on a phone', 'the typed body was sent');
  },
};
