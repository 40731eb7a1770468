#!/usr/bin/env node
/**
 * Send-to-painted on the built app in headless Chromium (issue 15 item 3): a script that prints
 * figures, not a test (nothing here is asserted).
 *
 *   node bench/send.mjs                    builds into node_modules/.cache/bench/send-dist, then measures
 *   BENCH_DIST=dist node bench/send.mjs    measures an existing build instead
 *   BENCH_SENDS=30 node bench/send.mjs     Sends measured per case (default 30, after 3 unmeasured)
 *   BENCH_SIZES=20,2000,5000               history sizes (requests sent before the measured ones)
 *   BENCH_GRANTS=50000                     grants on one key for the CreateGrant / ListGrants cases (0: skip)
 *   BENCH_STORE=idb                        the pages keep their workspace in IndexedDB (each answer waits
 *                                          for its commit, as in the playground) instead of in memory
 *   BENCH_IDB_FILL=requests                with IndexedDB, make the grants one committed request at a
 *                                          time (15-20 minutes for 50,000) instead of importing them
 *
 * Each case is a fresh page (?e2e=1, the rich editor); the history sizes are measured side by side
 * (a Send on each page in turn), and so are the operations on the key with many grants. The history is filled with real requests:
 * one DescribeKey sent through the Session, then the session's history is put back as if the
 * workspace had been reopened with that many entries (restoreHistory, as a reload does). The
 * grants are created through the simulator's own fetch (as tests/e2e/helpers.mjs makes 10,000
 * events), then the state browser re-reads the world once. With IndexedDB they are made that way
 * in a second page that keeps its workspace in memory, exported, and imported into the measured
 * page (as a user brings a large workspace; a minute instead of a quarter of an hour), whose key
 * is then the imported one.
 *
 * Send-to-painted: in the page, Send is clicked (a click event on the button, as a user's click
 * runs its handler); the time is taken when the History header shows one more request (the
 * Response pane changes in the same update), then after two animation frames (the frame that paints them
 * has been produced). Printed per case: p50, p95, min and max over the Sends, and for the history
 * sizes the ratio of each size's p50 and p95 to the smallest size's; beside it, the time until
 * the answer is in the page (the first of the two times above: the work, not rounded up to a
 * frame) and until Send is enabled again (after a change the state browser reads the world
 * before the next request goes).
 *
 * Why both: Send-to-painted ends on a frame, so it moves in steps of 16.7 ms. When a Send's work
 * is close to where the next frame starts, its p50 falls on one side of that step in one run and
 * on the other in the next, and the painted ratio swings (0.68 in one run and 1.75 in another,
 * with the same build). The answered time has no such steps, so its ratio says whether the work
 * grows with the history.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : join(root, 'node_modules/.cache/bench/send-dist');
const SENDS = Math.max(1, Number(process.env.BENCH_SENDS ?? 30));
const WARMUP = 3;
const SIZES = (process.env.BENCH_SIZES ?? '20,2000,5000').split(',').map(Number).filter((n) => n > 0);
const GRANTS = Number(process.env.BENCH_GRANTS ?? 50_000);
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

if (!process.env.BENCH_DIST) {
  console.log(`building the app into ${dist} …`);
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error', '--outDir', dist, '--emptyOutDir'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (!existsSync(join(dist, 'index.html'))) {
  console.error(`no build at ${dist}`);
  process.exit(1);
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.ttf': 'font/ttf', '.woff2': 'font/woff2', '.png': 'image/png' };
const server = createServer((req, res) => {
  let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  if (path.endsWith('/')) path += 'index.html';
  const file = normalize(join(dist, path));
  if (!file.startsWith(dist + sep) || !existsSync(file) || !statSync(file).isFile()) return res.writeHead(404).end();
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
  res.end(readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const baseUrl = `http://127.0.0.1:${server.address().port}/`;

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};
const f = (n) => `${n.toFixed(1)} ms`;

/** opens a fresh page with the rich editor loaded and one key created; returns its id */
async function openPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log(`    page error: ${e.message}`));
  await page.goto(`${baseUrl}?e2e=1${process.env.BENCH_STORE === 'idb' ? '&store=idb' : ''}`);
  await page.getByText('Create a key to begin.').first().waitFor({ timeout: 60_000 });
  await page.locator('[data-editor="monaco"] .monaco-editor').waitFor({ timeout: 60_000 });
  const keyId = await page.evaluate(async () => {
    const { session } = globalThis.__kmsPlayground;
    session.setTarget('CreateKey');
    session.body = '{}';
    const e = await session.send();
    return JSON.parse(e.response.body).KeyMetadata.KeyId;
  });
  return { context, page, keyId };
}

/** makes the history `n` requests long: DescribeKey sent once, then restored n - 1 more times */
async function fillHistory(page, keyId, n) {
  return page.evaluate(
    async ({ keyId, n }) => {
      const { session } = globalThis.__kmsPlayground;
      session.setTarget('DescribeKey');
      session.body = JSON.stringify({ KeyId: keyId });
      const sent = await session.send();
      const { n: _n, ...entry } = sent;
      const more = n - session.historyTotal;
      if (more > 0) session.restoreHistory(Array.from({ length: more }, (_, i) => ({ ...entry, sentAt: entry.sentAt - (more - i) })));
      await new Promise((r) => setTimeout(r, 200));
      return session.historyTotal;
    },
    { keyId, n },
  );
}

/** `count` grants on the key, straight through the simulator; then the state browser reads them once */
async function fillGrants(page, keyId, count) {
  return page.evaluate(
    async ({ keyId, count }) => {
      const { session } = globalThis.__kmsPlayground;
      const sim = await globalThis.__kmsPlayground.sim;
      const post = (target, body) =>
        sim.fetch(
          new Request('https://kms.us-east-1.amazonaws.com/', {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` },
            body: JSON.stringify(body),
          }),
        );
      // 200 at a time (the simulator answers them in order), then a second of virtual time
      for (let i = 0; i < count; i += 200) {
        const batch = [];
        for (let j = i; j < Math.min(count, i + 200); j++) batch.push(post('CreateGrant', { KeyId: keyId, GranteePrincipal: 'arn:aws:iam::111122223333:role/App', Operations: ['Encrypt'] }));
        for (const r of await Promise.all(batch)) if (r.status >= 400) throw new Error(`CreateGrant: ${r.status} ${await r.text()}`);
        sim.clock.advance(1000);
      }
      sim.clock.settle();
      await new Promise((r) => setTimeout(r, 50));
      session.commit();
      await session.refreshWorld();
      return { made: count, read: session.world.keys.reduce((n, k) => n + k.grants.length, 0) };
    },
    { keyId, count },
  );
}

/**
 * With IndexedDB: `count` grants made in a page that keeps its workspace in memory, exported,
 * and imported into `page` (handed over on a BroadcastChannel: the pages share an origin).
 * Returns the imported key's id, and what fillGrants returns.
 */
async function importGrants(context, page, count) {
  await page.evaluate(() => {
    globalThis.__benchFile = new Promise((resolve) => {
      const ch = new BroadcastChannel('bench-send-file');
      ch.onmessage = (e) => {
        ch.close();
        resolve(e.data);
      };
    });
  });
  const maker = await context.newPage();
  maker.on('pageerror', (e) => console.log(`    page error (the page making the file): ${e.message}`));
  await maker.goto(`${baseUrl}?e2e=1&editor=plain`);
  await maker.getByText('Create a key to begin.').first().waitFor({ timeout: 60_000 });
  const keyId = await maker.evaluate(async () => {
    const { session } = globalThis.__kmsPlayground;
    session.setTarget('CreateKey');
    session.body = '{}';
    return JSON.parse((await session.send()).response.body).KeyMetadata.KeyId;
  });
  const made = await fillGrants(maker, keyId, count);
  await maker.evaluate(async () => {
    const { app } = globalThis.__kmsPlayground;
    const { text } = await app.exportFile(app.current.id);
    new BroadcastChannel('bench-send-file').postMessage(text);
  });
  await maker.close();
  const read = await page.evaluate(async () => {
    const { app } = globalThis.__kmsPlayground;
    const result = await app.importFile(await globalThis.__benchFile);
    if (!result.ok) throw new Error(`import: ${JSON.stringify(result)}`);
    const problems = app.notices.filter((n) => n.kind !== 'info').map((n) => n.text);
    if (problems.length) throw new Error(`import: ${problems.join(' | ')}`);
    const { session } = globalThis.__kmsPlayground;
    await session.refreshWorld();
    return session.world.keys.reduce((n, k) => n + k.grants.length, 0);
  });
  return { keyId, made: made.made, read };
}

const sendEnabled = (page) => page.waitForFunction(() => [...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === 'Send' && !b.disabled), null, { timeout: 300_000 });

/** puts `operation` with `body` in the editor (and waits until Send can be clicked) */
async function prepare(page, operation, body) {
  await page.evaluate(
    ({ operation, body }) => {
      const { session } = globalThis.__kmsPlayground;
      session.setTarget(operation);
      session.body = body;
    },
    { operation, body },
  );
  await page.waitForTimeout(150);
  // the world's first read (or any work queued behind it) is over
  await sendEnabled(page);
}

/** clicks Send once: ms until the answer is painted, and until Send is enabled again */
async function sendOnce(page) {
  const t = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const head = document.querySelector('#history-h + span');
        const count = () => Number.parseInt(head?.textContent ?? '0', 10) || 0;
        const before = count();
        const send = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Send');
        if (!send || send.disabled) return reject(new Error(`Send is ${send ? 'not enabled' : 'not there'}`));
        let done = false;
        const check = () => {
          if (done) return;
          // the new response: the header counts one more request (the Response pane updates in the same flush)
          if (count() > before && document.querySelector('[data-testid="response-body"]')) {
            done = true;
            const answered = performance.now() - t0;
            observer.disconnect();
            requestAnimationFrame(() =>
              requestAnimationFrame(() => {
                const painted = performance.now() - t0;
                // and until Send can be clicked again (the state browser's read after a change is done)
                const ready = () => (send.disabled ? setTimeout(ready, 2) : resolve({ answered, painted, ready: performance.now() - t0 }));
                ready();
              }),
            );
          }
        };
        const observer = new MutationObserver(check);
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        const t0 = performance.now();
        send.click();
        check();
        setTimeout(() => !done && reject(new Error('no answer within 30 s')), 30_000);
      }),
  );
  await sendEnabled(page);
  // a user does not click again within the same frame: let any trailing work settle
  await page.waitForTimeout(60);
  return t;
}

/** per case: the painted times, with the answered and ready times as `.answered` and `.ready` */
function series() {
  const times = [];
  times.answered = [];
  times.ready = [];
  return times;
}

function record(times, t) {
  times.push(t.painted);
  times.answered.push(t.answered);
  times.ready.push(t.ready);
}

function line(label, times) {
  const r = times.ready;
  const a = times.answered;
  return (
    `  ${label.padEnd(40)} p50 ${f(quantile(times, 0.5)).padStart(9)}  p95 ${f(quantile(times, 0.95)).padStart(9)}  range ${f(Math.min(...times))} – ${f(Math.max(...times))}` +
    `   (answered in the page: p50 ${f(quantile(a, 0.5))}, p95 ${f(quantile(a, 0.95))}; Send enabled again: p50 ${f(quantile(r, 0.5))}, p95 ${f(quantile(r, 0.95))})`
  );
}

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
console.log(`Send-to-painted, ${SENDS} Sends per case (${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}), ${dist}, workspace in ${process.env.BENCH_STORE === 'idb' ? 'IndexedDB' : 'memory'}`);
try {
  // the sizes side by side: one Send on each page in turn, so a burst of load on the machine
  // falls on all of them alike (the ratio is what is checked)
  const cases = [];
  for (const size of SIZES) {
    const { context, page, keyId } = await openPage(browser);
    const total = await fillHistory(page, keyId, size);
    const shown = await page.evaluate(() => globalThis.__kmsPlayground.session.history.length);
    await prepare(page, 'DescribeKey', JSON.stringify({ KeyId: keyId }));
    cases.push({ size, context, page, label: `DescribeKey, ${total} in history (${shown} kept)`, times: series() });
  }
  for (let round = 0; round < WARMUP + SENDS; round++) {
    for (const c of cases) {
      const t = await sendOnce(c.page);
      if (round >= WARMUP) record(c.times, t);
    }
  }
  for (const c of cases) {
    console.log(line(c.label, c.times));
    await c.context.close();
  }
  if (cases.length > 1) {
    const [base, ...rest] = cases;
    const ratio = (x, y, q) => (quantile(x, q) / quantile(y, q)).toFixed(2);
    for (const c of rest) {
      console.log(
        `  ratio ${c.size} / ${base.size} entries: painted p50 ${ratio(c.times, base.times, 0.5)}, p95 ${ratio(c.times, base.times, 0.95)}; ` +
          `answered p50 ${ratio(c.times.answered, base.times.answered, 0.5)}, p95 ${ratio(c.times.answered, base.times.answered, 0.95)}`,
      );
    }
  }
  if (GRANTS > 0) {
    const opened = await openPage(browser);
    const { context, page } = opened;
    let keyId = opened.keyId;
    const t0 = Date.now();
    // room for the measured CreateGrants under the quota of grants per key
    const count = Math.max(0, GRANTS - WARMUP - SENDS);
    const byImport = process.env.BENCH_STORE === 'idb' && process.env.BENCH_IDB_FILL !== 'requests';
    let n;
    if (byImport) ({ keyId, ...n } = await importGrants(context, page, count));
    else n = await fillGrants(page, keyId, count);
    console.log(`  (${n.made} grants ${byImport ? 'made in memory, exported and imported' : 'made'} in ${((Date.now() - t0) / 1000).toFixed(0)} s; the state browser read ${n.read} of them, its cap)`);
    const ops = [
      ['CreateGrant', JSON.stringify({ KeyId: keyId, GranteePrincipal: 'arn:aws:iam::111122223333:role/App', Operations: ['Decrypt'] })],
      ['ListGrants', JSON.stringify({ KeyId: keyId })],
      ['DescribeKey', JSON.stringify({ KeyId: keyId })],
    ].map(([op, body]) => ({ op, body, times: series() }));
    // the operations in turn, as the sizes above
    for (let round = 0; round < WARMUP + SENDS; round++) {
      for (const o of ops) {
        await prepare(page, o.op, o.body);
        const t = await sendOnce(page);
        if (round >= WARMUP) record(o.times, t);
      }
    }
    for (const o of ops) console.log(line(`${o.op}, ${GRANTS} grants on the key`, o.times));
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
