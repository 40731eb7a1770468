/**
 * Works offline once loaded (issue 7 §6): the service worker precaches the build; with the
 * network cut, the pages, Monaco (and its workers) and the simulator still load and answer.
 */
import { assert, assertEqual, chooseTarget, openApp, send, setBody, waitForMonaco } from './helpers.mjs';

/** the precache list and version the build wrote into sw.js */
async function swManifest(baseUrl) {
  const text = await (await fetch(new URL('sw.js', baseUrl))).text();
  const version = /const VERSION = "([^"]+)"/.exec(text)?.[1];
  const assets = JSON.parse(/const ASSETS = (\[[^\]]*\])/.exec(text)?.[1] ?? 'null');
  assert(version && Array.isArray(assets), 'sw.js carries a VERSION and an ASSETS list');
  return { text, version, assets };
}

/** waits for an activated worker, then returns the names of the caches and what the playground's holds */
async function waitForPrecache(page) {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    const sw = reg.active;
    if (sw.state !== 'activated') await new Promise((r) => sw.addEventListener('statechange', () => sw.state === 'activated' && r()));
    const names = await caches.keys();
    const mine = names.filter((n) => n.startsWith('kms-playground-'));
    const cached = mine.length === 1 ? (await (await caches.open(mine[0])).keys()).map((r) => new URL(r.url).pathname) : [];
    return { names, cached, scope: reg.scope, controlled: navigator.serviceWorker.controller !== null };
  });
}

/**
 * proves the network is really gone for the page and its worker: a file the cache lacks cannot
 * be fetched. The browser logs that failure as a console error, which is expected: it is taken
 * out of consoleErrors (only that one, recognised by its URL).
 */
async function assertOffline(page, consoleErrors) {
  const probe = `not-in-the-cache-${Date.now()}.txt`;
  const logged = page.waitForEvent('console', { predicate: (m) => m.type() === 'error' && m.location().url.includes(probe) });
  const reached = await page.evaluate((p) => fetch(`./${p}`).then(() => true, () => false), probe);
  assert(!reached, 'a request for an uncached file fails offline');
  const msg = await logged;
  const i = consoleErrors.indexOf(msg.text());
  if (i >= 0) consoleErrors.splice(i, 1);
}

export default {
  'after one visit the app loads, edits and answers with the network cut': async ({ page, context, baseUrl, consoleErrors }) => {
    const { version, assets } = await swManifest(baseUrl);
    // the precache list covers every kind of file the app needs
    for (const want of [/^index\.html$/, /^assets\/index-.*\.js$/, /^assets\/monaco-.*\.js$/, /^assets\/monaco-.*\.css$/, /^assets\/editor\.worker-.*\.js$/, /^assets\/json\.worker-.*\.js$/, /^assets\/kms-.*\.js$/, /\.ttf$/, /^favicon\.svg$/, /^scenario\.schema\.json$/])
      assert(assets.some((a) => want.test(a)), `precache list has ${want}: ${assets.join(', ')}`);

    await openApp(page, baseUrl, 'e2e=1');
    await waitForMonaco(page);
    const { names, cached, scope, controlled } = await waitForPrecache(page);
    assert(controlled, 'the worker serves the page that installed it (what it loads later works offline)');
    assertEqual(names.filter((n) => n.startsWith('kms-playground-')).join(), `kms-playground-${version}`, 'one cache, named after this build');
    const base = new URL(scope).pathname;
    for (const a of assets) assert(cached.includes(base + a), `cached: ${a}`);

    await context.setOffline(true);
    await assertOffline(page, consoleErrors);

    // reload: the page comes from the worker, the shell, the engine and Monaco load
    const res = await page.reload();
    assert(res?.ok() && res.fromServiceWorker(), 'the page is answered by the service worker');
    await page.getByRole('combobox', { name: 'X-Amz-Target' }).waitFor();
    await page.getByText('Create a key to begin.').first().waitFor();
    await waitForMonaco(page);

    // Monaco's JSON worker runs offline: a trailing comma is flagged
    await chooseTarget(page, 'CreateKey');
    await setBody(page, '{\n  "Description": "offline",\n}');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 20_000 });

    // the simulator answers
    await setBody(page, '{\n  "Description": "made offline"\n}');
    const created = await send(page);
    assert(created.status.startsWith('HTTP/1.1 200'), `CreateKey offline: ${created.status}`);
    assertEqual(created.json?.KeyMetadata?.Description, 'made offline', 'the key made offline');

    // another query string (a seed, a lesson link) is the same cached page
    const other = await page.goto(`${baseUrl}?seed=7&lesson=grant-basics&e2e=1#s=x`);
    assert(other?.ok() && other.fromServiceWorker(), 'a page with another query string is served offline');
    await page.getByRole('combobox', { name: 'X-Amz-Target' }).waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).waitFor();
    await page.getByText('Create a key to begin.').first().waitFor();

    // the other pages of the build (lesson.html, embed.html when they exist) load offline too
    for (const p of assets.filter((a) => a.endsWith('.html') && a !== 'index.html')) {
      const r = await page.goto(`${baseUrl}${p}?seed=3`);
      assert(r?.ok() && r.fromServiceWorker(), `${p} is served offline`);
      await page.waitForLoadState('load');
      await page.waitForFunction(() => (document.querySelector('#app')?.childElementCount ?? document.body.childElementCount) > 0, null, { timeout: 30_000 });
    }
    // a lesson opened from the list (lesson.html?lesson=<id>) plays offline: its engine loads
    if (assets.includes('lesson.html')) {
      await page.goto(`${baseUrl}lesson.html`);
      const link = page.locator('a[href*="lesson="]').first();
      await link.waitFor();
      await link.click();
      await page.waitForURL(/lesson=/);
      await page.getByRole('button', { name: 'Reset lesson' }).and(page.locator(':enabled')).waitFor({ timeout: 30_000 });
    }
    await context.setOffline(false);
  },

  'a new build waits for the old pages to close, then replaces the old cache': async ({ page, context, baseUrl }) => {
    const { text, version } = await swManifest(baseUrl);
    // serve an "older release" of sw.js first: same files, another version
    const SW = /\/sw\.js(\?.*)?$/;
    await context.route(SW, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: text.replace(`const VERSION = "${version}"`, 'const VERSION = "older-release"') }));
    await openApp(page, baseUrl);
    const first = await waitForPrecache(page);
    assertEqual(first.names.filter((n) => n.startsWith('kms-playground-')).join(), 'kms-playground-older-release', 'the older release cached first');

    // the real build is published: the update check installs it, and it waits while an old page is open
    await context.unroute(SW);
    const started = context.waitForEvent('serviceworker');
    const waiting = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      await reg.update();
      const next = reg.installing ?? reg.waiting;
      if (next && next.state !== 'installed') await new Promise((r) => next.addEventListener('statechange', () => next.state !== 'installing' && r()));
      return { state: next?.state, caches: (await caches.keys()).filter((n) => n.startsWith('kms-playground-')).sort() };
    });
    assertEqual(waiting.state, 'installed', 'the new worker waits');
    assertEqual(waiting.caches.join(), ['kms-playground-older-release', `kms-playground-${version}`].sort().join(), 'both caches while the old page is open');
    const worker = await started;

    // the old page closes: the new worker activates and deletes the old cache
    await page.close();
    const after = await worker.evaluate(async () => {
      while (self.serviceWorker.state !== 'activated') await new Promise((r) => setTimeout(r, 20));
      return caches.keys();
    });
    assertEqual(after.filter((n) => n.startsWith('kms-playground-')).join(), `kms-playground-${version}`, 'only the new cache is left');
  },
};
