/**
 * Framing (issue 14 §6): a `<meta>` policy cannot set frame-ancestors, so the full app checks for
 * itself. Framed by a page of another origin (http://localhost:<port> framing
 * http://127.0.0.1:<port>), index.html and lesson.html do not start: they show a note and a link
 * that opens them in a tab of their own. A frame of the same origin runs the app, and embed.html,
 * made for frames, runs anywhere.
 */
import { createServer } from 'node:http';
import { assert, assertEqual } from './helpers.mjs';

// the app's own service worker plays no part here
export const contextOptions = { serviceWorkers: 'block' };

/**
 * A page whose only content is an iframe of `src`, served by a server of the test's own on
 * 127.0.0.1 and visited as http://localhost:<its port>: another origin than the app's
 * http://127.0.0.1:<port>, with both on the loopback address (a page the browser thought public,
 * such as one page.route made up, may not frame a loopback address at all: local network access).
 */
async function framingSite() {
  const server = createServer((req, res) => {
    const src = new URL(req.url, 'http://localhost').searchParams.get('src') ?? '';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A framing site</title></head><body><h1>Someone else's page</h1><iframe title="framed" src="${src.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)}" width="1000" height="600"></iframe></body></html>`,
    );
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { origin: `http://localhost:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** opens `site`'s page framing `src`; returns the frame's locator and its Frame */
async function framer(page, origin, src) {
  await page.goto(`${origin}/framer.html?src=${encodeURIComponent(src)}`);
  const frame = page.frameLocator('iframe');
  return { frame, handle: () => page.frames().find((f) => f !== page.mainFrame()) };
}

export default {
  'index.html and lesson.html framed by another origin show a link instead of running': async ({ page, baseUrl }) => {
    const app = new URL(baseUrl);
    const site = await framingSite();
    const other = site.origin;
    assert(new URL(other).origin !== app.origin, 'the framing page is of another origin');
    try {
      for (const [path, started] of [
        ['index.html?e2e=1&editor=plain', '[aria-label="X-Amz-Target"], #request-h'],
        ['lesson.html', 'ol.lessons'],
        ['lesson.html?lesson=create-and-list&editor=plain', '#lesson-step-h'],
      ]) {
        const { frame, handle } = await framer(page, other, `${baseUrl}${path}`);
        const link = frame.getByTestId('framed-open');
        await link.waitFor();
        assertEqual(await link.getAttribute('target'), '_blank', `${path}: the link opens a new tab`);
        assert((await link.getAttribute('rel')).split(/\s+/).includes('noopener'), `${path}: the link is rel=noopener`);
        assertEqual(new URL(await link.getAttribute('href')).toString(), new URL(`${baseUrl}${path}`).toString(), `${path}: the link is the page's own address`);
        await frame.getByText(/inside another website/).waitFor();
        // the app did not start: none of its panes, no test hook, no storage opened
        await page.waitForTimeout(500);
        assertEqual(await frame.locator(started).count(), 0, `${path}: the app's content is not there`);
        const hook = await handle().evaluate(() => typeof globalThis.__kmsPlayground);
        assertEqual(hook, 'undefined', `${path}: the app did not start`);
      }
    } finally {
      await site.close();
    }
  },

  'a frame of the same origin runs the app, and embed.html runs in any frame': async ({ page, baseUrl }) => {
    const app = new URL(baseUrl);
    // the same origin as the app (a page made up by page.route: it never reaches the server)
    {
      const url = `${app.origin}/framer-same-origin.html`;
      await page.route(url, (route) =>
        route.fulfill({ contentType: 'text/html', body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Our own page</title></head><body><iframe title="framed" src="${baseUrl}index.html?e2e=1&amp;editor=plain" width="1000" height="600"></iframe></body></html>` }),
      );
      await page.goto(url);
      const frame = page.frameLocator('iframe');
      await frame.getByRole('combobox', { name: 'X-Amz-Target' }).waitFor();
      assertEqual(await frame.getByTestId('framed-open').count(), 0, 'no note in a same-origin frame');
    }
    // the embed, framed by another origin
    const site = await framingSite();
    try {
      const { frame } = await framer(page, site.origin, `${baseUrl}embed.html?lesson=create-and-list`);
      await frame.getByRole('button', { name: /Run next step/ }).waitFor();
      assertEqual(await frame.getByTestId('framed-open').count(), 0, 'the embed runs in a frame of another origin');
    } finally {
      await site.close();
    }
  },
};
