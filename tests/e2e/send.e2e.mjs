/**
 * A Send with a long history: the History list is a window (only the rows in view and a margin
 * are in the page) that still acts as the whole list: each entry says where it stands
 * (aria-setsize, aria-posinset), the newest is scrolled into view after a Send, scrolling brings
 * the oldest, the arrow keys walk the entries, and choosing one loads it.
 */
import { assert, assertEqual, openApp, waitForHistory, waitForMonaco } from './helpers.mjs';

/** sends one DescribeKey of a new key through the page, then puts the history at `n` entries as a reload does */
async function longHistory(page, n) {
  await page.waitForFunction(() => globalThis.__kmsPlayground !== undefined);
  await page.evaluate(async (n) => {
    const { session } = globalThis.__kmsPlayground;
    session.setTarget('CreateKey');
    session.body = '{}';
    const key = await session.send();
    const keyId = JSON.parse(key.response.body).KeyMetadata.KeyId;
    session.setTarget('DescribeKey');
    session.body = JSON.stringify({ KeyId: keyId });
    const sent = await session.send();
    const { n: _n, ...entry } = sent;
    const more = n - session.historyTotal;
    session.restoreHistory(Array.from({ length: more }, (_, i) => ({ ...entry, sentAt: entry.sentAt - (more - i) })));
  }, n);
  await waitForHistory(page, n);
}

/** opens the page (memory store unless `query` says otherwise) and creates a key through the Session; returns its id */
async function openWithKey(page, baseUrl, query = 'e2e=1') {
  await openApp(page, baseUrl, query);
  await page.waitForFunction(() => globalThis.__kmsPlayground !== undefined);
  return page.evaluate(async () => {
    const { session } = globalThis.__kmsPlayground;
    session.setTarget('CreateKey');
    session.body = '{}';
    return JSON.parse((await session.send()).response.body).KeyMetadata.KeyId;
  });
}

/** opens the page (memory store unless `query` says otherwise), creates a key, and leaves a DescribeKey of it in the editor */
async function describeKeyReady(page, baseUrl, query = 'e2e=1') {
  const keyId = await openWithKey(page, baseUrl, query);
  await page.evaluate((keyId) => {
    const { session } = globalThis.__kmsPlayground;
    session.setTarget('DescribeKey');
    session.body = JSON.stringify({ KeyId: keyId });
    // for the tests' own code in the page: the requests History counts, and the Send button
    globalThis.__e2eSend = {
      count: () => Number.parseInt(document.querySelector('#history-h + span')?.textContent ?? '0', 10) || 0,
      send: () => [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Send'),
    };
  }, keyId);
  await waitForHistory(page, 1);
  await page.waitForTimeout(300);
}

const rows = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('section.history li[aria-posinset]')].map((li) => ({
      pos: Number(li.getAttribute('aria-posinset')),
      size: Number(li.getAttribute('aria-setsize')),
      text: li.querySelector('.n')?.textContent,
    })),
  );

/** is the row whose number is `label` (e.g. "#2001") whole inside the list's box? */
const inView = (page, label) =>
  page.evaluate((label) => {
    const list = document.querySelector('section.history .list');
    const li = [...list.querySelectorAll('li')].find((l) => l.querySelector('.n')?.textContent === label);
    if (!li) return false;
    const [o, r] = [list.getBoundingClientRect(), li.getBoundingClientRect()];
    return r.top >= o.top - 0.5 && r.bottom <= o.bottom + 0.5;
  }, label);

export default {
  'a History of 2,000 entries is a window that acts as the whole list': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'e2e=1');
    await longHistory(page, 2000);
    const header = await page.locator('#history-h + span').textContent();
    assert(header?.startsWith('2000 requests'), `the header counts every request: ${header}`);

    // a Send: the newest entry is in the list and in view, and the page holds a window of rows
    const y = await page.evaluate(() => window.scrollY);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await waitForHistory(page, 2001);
    await page.waitForFunction(() => document.querySelector('section.history .list li:last-child .n')?.textContent === '#2001');
    // scrolled in the frame that shows the answer
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert(await inView(page, '#2001'), 'the newest entry is scrolled into view');
    assertEqual(await page.evaluate(() => window.scrollY), y, 'the page itself did not move');
    let shown = await rows(page);
    assert(shown.length > 5 && shown.length < 60, `a window of rows, not 2,000: ${shown.length}`);
    // the history keeps the latest 2,000: #2 to #2001
    const last = shown[shown.length - 1];
    assertEqual(last.text, '#2001', 'the last row is the newest');
    assertEqual(last.size, 2000, 'aria-setsize is the whole list');
    assertEqual(last.pos, 2000, 'aria-posinset of the newest');
    assertEqual(await page.getByRole('button', { name: 'Re-run #2001 DescribeKey' }).isEnabled(), true, 'Re-run is enabled once the answer is in');

    // scrolled to the top: the oldest kept entry, first in the list
    await page.locator('section.history .list').evaluate((el) => (el.scrollTop = 0));
    await page.waitForFunction(() => document.querySelector('section.history li[aria-posinset="1"]') !== null);
    shown = await rows(page);
    assertEqual(shown[0].text, '#2', 'the oldest kept entry');
    assert(await inView(page, '#2'), 'the oldest kept entry is in view');

    // the keyboard: down from the first entry, End to the newest, Up from there; Enter loads it
    await page.locator('section.history li[aria-posinset="1"] button.entry').focus();
    await page.keyboard.press('ArrowDown');
    assertEqual(await page.evaluate(() => document.activeElement?.closest('li')?.getAttribute('aria-posinset')), '2', 'ArrowDown: the next entry');
    await page.keyboard.press('End');
    await page.waitForFunction(() => document.activeElement?.closest('li')?.getAttribute('aria-posinset') === '2000');
    assert(await inView(page, '#2001'), 'End brings the newest into view');
    await page.keyboard.press('ArrowUp');
    assertEqual(await page.evaluate(() => document.activeElement?.closest('li')?.querySelector('.n')?.textContent), '#2000', 'ArrowUp: the entry before');
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.activeElement?.closest('li')?.getAttribute('aria-posinset') === '1');
    assert(await inView(page, '#2'), 'Home brings the oldest into view');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('section.history li.selected .n')?.textContent === '#2');
    assertEqual(await page.locator('section.history button.entry[aria-current="true"]').count(), 1, 'one entry is the current one');
  },

  'a long response body is laid out only where it is scrolled to, and reads as one text': async ({ page, baseUrl }) => {
    const keyId = await openWithKey(page, baseUrl);
    // a key with 60 grants, then ListGrants with a Limit of 60 in the editor
    await page.evaluate(async (keyId) => {
      const { session } = globalThis.__kmsPlayground;
      const sim = await globalThis.__kmsPlayground.sim;
      for (let i = 0; i < 60; i++) {
        const res = await sim.fetch(
          new Request('https://kms.us-east-1.amazonaws.com/', {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.CreateGrant' },
            body: JSON.stringify({ KeyId: keyId, GranteePrincipal: 'arn:aws:iam::111122223333:role/App', Operations: ['Decrypt'], Name: `grant-${i}` }),
          }),
        );
        if (res.status !== 200) throw new Error(`CreateGrant ${res.status}`);
      }
      session.setTarget('ListGrants');
      session.body = JSON.stringify({ KeyId: keyId, Limit: 60 });
      // whether the browser skips each block's layout and paint (it says so when that changes)
      globalThis.__skipped = new Map();
      document.addEventListener('contentvisibilityautostatechange', (e) => globalThis.__skipped.set(e.target, e.skipped), true);
    }, keyId);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await waitForHistory(page, 2);
    const body = page.getByTestId('response-body');
    const read = () =>
      body.evaluate((pre) => {
        const blocks = [...pre.querySelectorAll('.block')];
        return { text: pre.textContent, blocks: blocks.length, skipped: blocks.map((b) => globalThis.__skipped.get(b)) };
      });
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="response-body"] .block')].every((b) => globalThis.__skipped.has(b)));
    let r = await read();
    const grants = JSON.parse(r.text).Grants;
    assertEqual(grants.length, 60, 'the formatted body parses, with every grant');
    assert(r.text.split('\n').length > 500, `formatted: a line per member (${r.text.split('\n').length} lines)`);
    assert(r.blocks > 5, `the body is in blocks (${r.blocks})`);
    assertEqual(r.skipped[0], false, 'the first block is laid out');
    assertEqual(r.skipped[r.blocks - 1], true, 'the last block is not, until scrolled to');
    // scrolled to the end, the last block is there, and the text is unchanged
    await body.evaluate((pre) => (pre.scrollTop = pre.scrollHeight));
    await page.waitForFunction(() => {
      const blocks = document.querySelectorAll('[data-testid="response-body"] .block');
      return globalThis.__skipped.get(blocks[blocks.length - 1]) === false;
    });
    const after = await read();
    assertEqual(after.text, r.text, 'the same text after scrolling');
    // the bytes as sent (Formatted off): one line, no blocks, the same JSON
    await page.getByRole('checkbox', { name: 'Formatted' }).uncheck();
    r = await read();
    assertEqual(r.blocks, 0, 'a one-line body is not cut into blocks');
    assertEqual(JSON.stringify(JSON.parse(r.text)), JSON.stringify(JSON.parse(after.text)), 'formatted and as sent hold the same JSON');
  },

  'the timeline is drawn after the frame that shows the answer, even when the answer comes before the next frame': async ({ page, baseUrl }) => {
    await describeKeyReady(page, baseUrl);
    await page.evaluate(() => {
      // every draw of the timeline's canvas starts with clearRect: note when
      globalThis.__draws = [];
      const clear = CanvasRenderingContext2D.prototype.clearRect;
      CanvasRenderingContext2D.prototype.clearRect = function (...args) {
        if (this.canvas.closest('.timeline')) globalThis.__draws.push(performance.now());
        return clear.apply(this, args);
      };
    });
    for (let i = 0; i < 6; i++) {
      await page.getByRole('button', { name: 'Send', exact: true }).waitFor();
      // a click, then: when the answer is in the page, when the frame that paints it begins
      // (a frame callback asked for with the answer), and when the frame after it begins (asked
      // for in that callback: whatever waits for the answer's frame)
      const t = await page.evaluate(
        () =>
          new Promise((resolve, reject) => {
            const { count, send } = globalThis.__e2eSend;
            const before = count();
            if (send().disabled) return reject(new Error('Send is not enabled'));
            const observer = new MutationObserver(() => {
              if (count() <= before) return;
              observer.disconnect();
              const answered = performance.now();
              requestAnimationFrame(() => {
                const frame = performance.now();
                requestAnimationFrame(() => {
                  const next = performance.now();
                  setTimeout(() => resolve({ clicked, answered, frame, next, draws: globalThis.__draws.filter((d) => d >= clicked) }), 300);
                });
              });
            });
            observer.observe(document.body, { subtree: true, childList: true, characterData: true });
            const clicked = performance.now();
            send().click();
          }),
      );
      assert(t.draws.length > 0, `the timeline was drawn after Send ${i + 1} (it shows the new request)`);
      const first = t.draws[0];
      assert(
        first >= t.next,
        `Send ${i + 1}: the timeline's first draw after the click (${(first - t.clicked).toFixed(1)} ms) comes after the answer's frame and what waited for it ` +
          `(answer in the page at ${(t.answered - t.clicked).toFixed(1)} ms, its frame at ${(t.frame - t.clicked).toFixed(1)} ms, the next at ${(t.next - t.clicked).toFixed(1)} ms)`,
      );
    }
  },

  'an answer served at once is in the page before the browser can render a frame after the click': async ({ page, baseUrl }) => {
    await describeKeyReady(page, baseUrl);
    for (let i = 0; i < 5; i++) {
      await page.getByRole('button', { name: 'Send', exact: true }).waitFor();
      // the simulator (memory store) serves a DescribeKey within the click's own task; the answer
      // must reach the page there too (Response.text() would wait for a later task, and the
      // browser may render the click's frame first, which puts the answer a frame later)
      const seen = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const { count, send } = globalThis.__e2eSend;
            const before = count();
            send().click();
            const channel = new MessageChannel();
            channel.port1.onmessage = () => resolve({ before, after: count() });
            channel.port2.postMessage(0);
          }),
      );
      assertEqual(seen.after, seen.before + 1, `Send ${i + 1}: the answer is in History by the next task`);
      await waitForHistory(page, seen.before + 1);
    }
  },

  'with IndexedDB, only Send and Re-run change between the click and the answer': async ({ page, baseUrl }) => {
    // the answer waits for its commit, whose replies wait behind the frame the click brings: what
    // that frame has to lay out and paint is Send and Re-run disabled, not the request's events
    await describeKeyReady(page, baseUrl, 'e2e=1&store=idb');
    // the editor in place (Monaco taking over, and its own cursor, are not what is asked here)
    await waitForMonaco(page);
    await page.getByText(/Events as a table/).click();
    await page.locator('details.events tbody tr').first().waitFor();
    for (let i = 0; i < 3; i++) {
      await page.getByRole('button', { name: 'Send', exact: true }).waitFor();
      const before = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const { count, send } = globalThis.__e2eSend;
            const n = count();
            const seen = [];
            const observer = new MutationObserver((records) => {
              if (count() > n) {
                observer.disconnect();
                resolve(seen);
                return;
              }
              for (const r of records) {
                const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
                // the editor's own DOM, and the screen readers' live region, which says the
                // previous Send's events on its own timer (at most every 1.2 s), are not asked about
                if (el?.closest('[data-editor], [data-testid="live"]')) continue;
                seen.push(`${r.type} ${r.attributeName ?? ''} <${el?.tagName.toLowerCase()}> ${(el?.textContent ?? '').trim().slice(0, 40)}`);
              }
            });
            observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
            send().click();
          }),
      );
      const others = before.filter((m) => !/^attributes disabled <button> (Send|Re-run)$/.test(m));
      assertEqual(others.join(' | '), '', `Send ${i + 1}: nothing else changed before the answer`);
    }
  },
};
