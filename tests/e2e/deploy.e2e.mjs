/**
 * A visit that spans a deploy (issue 19 §3): the page was loaded from one release, and the lazy
 * chunk it asks for later is gone (the new release replaced it). Share must not silently do
 * nothing: the page reloads onto the new release, once; if the chunk is still missing after
 * that, the page says so in plain words, with a Reload button.
 */
import { assert, assertEqual, openApp } from './helpers.mjs';

// page.route must see the chunk requests (a service worker would answer them itself)
export const contextOptions = { serviceWorkers: 'block' };

const SHARE_CHUNK = /\/assets\/ShareDialog-[^/]*\.js(\?.*)?$/;

export default {
  'Share whose dialog chunk is gone reloads the page once, then says so in the page': async ({ page, baseUrl, consoleErrors }) => {
    await openApp(page, baseUrl, 'e2e=1&editor=plain');
    await page.getByRole('button', { name: 'Load the CreateKey template' }).first().click();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('#history-h + span').getByText('1 request').waitFor();
    // the new release is live: the old page's Share chunk answers 404
    let missed = 0;
    await page.route(SHARE_CHUNK, (route) => {
      missed++;
      return route.fulfill({ status: 404, contentType: 'text/plain', body: 'Not found' });
    });
    const marked = await page.evaluate(() => sessionStorage.getItem('kms-playground:chunk-reload'));
    assertEqual(marked, null, 'no reload mark before');

    // 1. Share: the page reloads itself (a fresh page: the in-memory workspace is gone)
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 20_000 });
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await reloaded;
    await page.getByRole('combobox', { name: 'X-Amz-Target' }).waitFor();
    assert(missed >= 1, 'the chunk was asked for');
    assert(Number(await page.evaluate(() => sessionStorage.getItem('kms-playground:chunk-reload'))) > 0, 'the reload is marked in sessionStorage');
    await page.getByText('Create a key to begin.').first().waitFor();
    assertEqual(await page.locator('#chunk-failure-note').count(), 0, 'no note after the reload');

    // 2. still missing after the reload: no second reload, a note in plain words instead
    await page.getByRole('button', { name: 'Load the CreateKey template' }).first().click();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('#history-h + span').getByText('1 request').waitFor();
    let navigated = false;
    page.on('framenavigated', (f) => f === page.mainFrame() && (navigated = true));
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    const note = page.getByRole('alert').filter({ hasText: 'A new version of the playground was released' });
    await note.waitFor({ timeout: 20_000 });
    assert((await note.textContent()).includes('Reload the page'), 'the note says what to do');
    await page.waitForTimeout(1_000);
    assertEqual(navigated, false, 'no second reload (no loop)');
    assertEqual(await page.locator('#history-h + span').textContent(), '1 request', 'the page (and its work) is still there');
    assert(await page.getByRole('button', { name: 'Share', exact: true }).isEnabled(), 'Share is usable again');

    // the note's Reload reloads
    const again = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 20_000 });
    await note.getByRole('button', { name: 'Reload' }).click();
    await again;

    // the 404s are what this test made happen
    const unexpected = consoleErrors.filter((e) => !/404|Not Found|dynamically imported module|preload/i.test(e));
    assertEqual(unexpected.join(' | '), '', 'no other console errors');
    consoleErrors.length = 0;
  },
};
