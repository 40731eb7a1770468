/**
 * The playground's service worker (issue 7 §6: works offline once loaded). Generated at build
 * time by build/serviceWorker.ts from this template: VERSION and ASSETS are filled in with the
 * build's file list and a hash of their contents, so every release gets its own cache.
 *
 * - install: precache every built file (pages, JS and CSS chunks, Monaco and its workers,
 *   fonts, favicon, scenario.schema.json); on a touch screen (the page registers `sw.js?lite`)
 *   all but Monaco, which such a page loads only when asked (then it is kept as it loads, like
 *   any file the list does not hold). No skipWaiting: a new release waits until no page
 *   of the old one is open, because an old page still loads old chunks lazily (Monaco, a
 *   lesson) that only the old cache holds
 * - activate: delete the caches of older releases, and take control of the open pages
 * - fetch, same-origin GET only: cache first, then the network. Navigations are answered with
 *   the cached page whatever the query string (?lesson=, ?seed=, ?e2e=1 work offline; the
 *   #fragment never reaches a worker). Anything else passes through untouched.
 */
/* global __ASSETS__ -- build/serviceWorker.ts writes the precache list in its place */
const VERSION = '__VERSION__';
const ASSETS = __ASSETS__;
const CACHE = `kms-playground-${VERSION}`;
const PREFIX = 'kms-playground-';
// a precached file has one version: ignore Vary (servers send `Vary: Origin` or `Accept-Encoding`,
// and a page's crossorigin module request carries an Origin header the precache request did not)
const MATCH = { ignoreVary: true };
/** Monaco's files (its core, its features with the JSON mode, its workers, styles and icon font) */
const MONACO = /^assets\/((editor|monaco|jsonMode|editor\.worker|json\.worker)-[^/]*\.(js|css)|codicon-[^/]*\.ttf)$/;
const LITE = new URL(self.location.href).searchParams.has('lite');
const PRECACHE = LITE ? ASSETS.filter((path) => !MONACO.test(path)) : ASSETS;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // 'no-cache' revalidates with the server, so an unhashed file (a page, the schema) is
      // never taken stale from the HTTP cache into a new release's cache
      await cache.addAll(PRECACHE.map((path) => new Request(path, { cache: 'no-cache' })));
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)));
      // serve the pages already open too: what they load lazily from now on (Monaco's font, a
      // lesson's chunk) comes from the cache, so the network may drop right after the first visit
      await self.clients.claim();
    })(),
  );
});

/**
 * a page as a navigation may use it: a host that redirected /index.html to / while precaching
 * left a redirected response, which the browser refuses for a navigation
 */
const asPage = (res) => (res && res.redirected ? new Response(res.body, { status: res.status, statusText: res.statusText, headers: res.headers }) : res);

/** the cached page for a navigation: /dir/ is index.html, /dir/lesson is lesson.html */
async function cachedPage(cache, url) {
  let path = url.pathname;
  if (path.endsWith('/')) path += 'index.html';
  const candidates = [path, path.endsWith('.html') ? null : `${path}.html`].filter(Boolean);
  for (const p of candidates) {
    const hit = await cache.match(new URL(p, self.location.origin).href, { ...MATCH, ignoreSearch: true });
    if (hit) return asPage(hit);
  }
  return undefined;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      if (request.mode === 'navigate') {
        const page = await cachedPage(cache, url);
        if (page) return page;
        try {
          return await fetch(request);
        } catch (e) {
          // offline and not a page we know: the playground itself rather than the browser's error page
          const index = await cache.match(new URL('index.html', self.registration.scope).href, MATCH);
          if (index) return asPage(index);
          throw e;
        }
      }
      const hit = await cache.match(request, MATCH);
      if (hit) return hit;
      const res = await fetch(request);
      // a same-origin file the build list missed: keep it for next time
      if (res.ok && res.type === 'basic' && !url.search) void cache.put(request, res.clone()).catch(() => {});
      return res;
    })(),
  );
});
