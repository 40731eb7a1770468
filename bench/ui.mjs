#!/usr/bin/env node
/**
 * The UI figures of issue 6 §8, measured on the built app in headless Chromium (a script that
 * prints figures, not a test: nothing here is asserted).
 *
 *   node bench/ui.mjs                  builds into node_modules/.cache/bench/ui-dist, then measures
 *   BENCH_DIST=dist node bench/ui.mjs  measures an existing build instead
 *   BENCH_LOADS=9 node bench/ui.mjs    cold loads to take the median of (default 5)
 *   BENCH_FRAMES=0 node bench/ui.mjs   leaves out the 10,000-event frame times
 *   BENCH_SEND=0 node bench/ui.mjs     leaves out Send-to-painted (6)
 *
 * 1. JavaScript: gzip bytes (zlib default level, what a static host sends) of the shell (the
 *    page's entry script and what it preloads: what paints the page and takes a Send), of what it
 *    imports lazily before Monaco (the engine, store and scenario chunks the first answer waits
 *    for), and of Monaco, which is requested only once the page is idle after the engine.
 * 2. Cold loads on localhost (a fresh browser context each: empty HTTP cache, no service worker
 *    yet, which registers and precaches during the load as on a first visit), median: first
 *    paint, first contentful paint, Send in the page and enabled, the interactive page (both), the engine
 *    ready (the state browser's first read), Monaco present, and Monaco accepting input (text
 *    typed as soon as the editor appears, seen rendered). Times are from navigation start,
 *    taken in the page.
 * 3. The first answer (issue 15): on a cold load, Send clicked as soon as it is enabled and the
 *    page has painted (by the page itself, in a task that waits behind any long task as a click
 *    would), and the time its response shows, from navigation start, from the click and from the
 *    first paint; median and range.
 * 4. Long tasks (PerformanceObserver 'longtask') during a cold load, from navigation until the
 *    rich editor accepts input: count, longest, total (median over the loads of 2), and the ones
 *    before the first answer (in the loads of 3).
 * 5. Frame time while the timeline plays 10,000 events (the setup of tests/e2e/scale.e2e.mjs).
 * 6. Send-to-painted, p50 and p95, at 20, 2,000 and 5,000 history entries: bench/send.mjs run on
 *    the same build, without its case of 50,000 grants on a key (`npm run bench:send` has it).
 *
 * The server is a plain static file server (no compression, Cache-Control: no-cache).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { frameGaps, tenThousandEvents } from '../tests/e2e/helpers.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : join(root, 'node_modules/.cache/bench/ui-dist');
const LOADS = Math.max(1, Number(process.env.BENCH_LOADS ?? 5));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const GOAL_KB = 60;
// Monaco comes in two chunks, its core (editor-*) then its features with our JSON mode (monaco-*)
const MONACO_CHUNK = /\/assets\/(editor|monaco)-[^/]*\.js$/;

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

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const gz = (file) => gzipSync(readFileSync(join(dist, file))).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n) => (n === undefined ? '—' : `${Math.round(n)} ms`);

/** in the page, before any script: times (ms from navigation start) at which each milestone is first seen */
function milestones(opts) {
  const t = (globalThis.__bench = { longtasks: [] });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) t.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    /* no long task timing: the figures say so */
    t.longtasks = undefined;
  }
  // for the first answer: Send clicked as soon as it is enabled and the first contentful paint is
  // reported, by the page itself (a task of its own, so it waits behind any long task as a click
  // would; a click sent by Playwright would add the harness's own delay, half a second here)
  if (opts?.clickSend) {
    const poll = setInterval(() => {
      const send = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Send');
      if (!send || send.disabled || !performance.getEntriesByName('first-contentful-paint').length) return;
      clearInterval(poll);
      t.clicked = performance.now();
      send.click();
    }, 5);
  }
  const check = () => {
    if (t.answer === undefined && document.querySelector('[data-testid="status-line"]')) t.answer = performance.now();
    const send = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Send');
    if (t.send === undefined && send && !send.disabled && document.querySelector('[data-editor]')) t.send = performance.now();
    if (t.engine === undefined && document.body?.textContent?.includes('Create a key to begin.')) t.engine = performance.now();
    if (t.monaco === undefined && document.querySelector('[data-editor="monaco"] .monaco-editor')) t.monaco = performance.now();
    if (t.typed === undefined && document.querySelector('[data-editor="monaco"] .view-lines')?.textContent?.includes('qqq')) t.typed = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
}

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
const version = browser.version();
try {
  // 1 and 2: cold loads
  const loads = [];
  let before;
  let besideMonaco;
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.addInitScript(milestones);
    const js = [];
    const alongside = [];
    let monacoSeen = false;
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (MONACO_CHUNK.test(url.pathname)) monacoSeen = true;
      else if (url.pathname.endsWith('.js') && r.resourceType() === 'script' && !/\/(jsonMode|editor\.worker|json\.worker)-/.test(url.pathname)) {
        // requested before Monaco, or beside it during the load (engine, store, scenario)
        if (!monacoSeen) js.push(url.pathname.slice(1));
        else alongside.push(url.pathname.slice(1));
      }
    });
    await page.goto(baseUrl);
    const editor = page.locator('[data-editor="monaco"] .monaco-editor');
    await editor.waitFor({ timeout: 60_000 });
    await editor.click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type('qqq');
    await page.waitForFunction(() => globalThis.__bench.typed !== undefined && globalThis.__bench.engine !== undefined, null, { timeout: 30_000 });
    const t = await page.evaluate(() => ({
      ...globalThis.__bench,
      fp: performance.getEntriesByName('first-paint')[0]?.startTime,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    }));
    if (t.longtasks) {
      const upTo = t.longtasks.filter((x) => x.start < t.typed);
      t.ltCount = upTo.length;
      t.ltMax = Math.max(0, ...upTo.map((x) => x.duration));
      t.ltTotal = upTo.reduce((n, x) => n + x.duration, 0);
    }
    // interactive: Send is usable and the page has painted (Send can be in the DOM before the first paint)
    loads.push({ ...t, interactive: t.fcp === undefined ? undefined : Math.max(t.fcp, t.send) });
    before ??= [...new Set(js)];
    besideMonaco ??= [...new Set(alongside)];
    await context.close();
  }

  const beforeBytes = before.map((f) => ({ f, gz: gz(f) }));
  const total = beforeBytes.reduce((s, x) => s + x.gz, 0);
  const monacoFiles = existsSync(join(dist, 'assets')) ? spawnSync('ls', [join(dist, 'assets')], { encoding: 'utf8' }).stdout.split('\n').filter((f) => /^(editor|monaco|jsonMode|editor\.worker|json\.worker)-.*\.js$/.test(f)) : [];
  const monacoGz = monacoFiles.reduce((s, f) => s + gz(`assets/${f}`), 0);

  console.log(`\nUI benchmark: headless Chromium ${version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}, localhost, no compression on the wire`);
  // the shell: the page's entry script and the modules it preloads; the rest is imported lazily (engine, store, …)
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const shell = new Set([...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\.?\/?([^"]+\.js)"/g)].map((m) => m[1]));
  const shellGz = beforeBytes.filter((x) => shell.has(x.f)).reduce((s, x) => s + x.gz, 0);
  console.log(`\nJavaScript of the shell, what paints the page and takes a Send (gzip): ${kb(shellGz)}  (goal < ${GOAL_KB} KB ${shellGz < GOAL_KB * 1024 ? '✓' : '✗'})`);
  for (const { f, gz: n } of beforeBytes) console.log(`  ${f.padEnd(44)} ${kb(n).padStart(9)}  ${shell.has(f) ? 'shell (entry, preloaded)' : 'imported lazily, before Monaco (engine, store, scenario)'}`);
  console.log(`  of which the shell: ${kb(shellGz)}; imported lazily before Monaco: ${kb(total - shellGz)}`);
  const besideGz = besideMonaco.reduce((n, f) => n + gz(f), 0);
  if (besideMonaco.length) console.log(`  requested once Monaco had started: ${besideMonaco.length} files, ${kb(besideGz)} gzip (${besideMonaco.join(', ')})`);
  console.log(`  so all the JavaScript but Monaco: ${kb(total + besideGz)}`);
  console.log(`  Monaco, requested once the page is idle after the engine: ${monacoFiles.length} files, ${kb(monacoGz)} gzip (its core, its features with our JSON mode, and both workers)`);

  console.log(`\nCold load, median of ${LOADS} (ms from navigation start):`);
  const rows = [
    ['first paint', 'fp'],
    ['first contentful paint', 'fcp'],
    ['Send in the page and enabled', 'send'],
    ['interactive page (both of the above)', 'interactive'],
    ['engine ready (state browser read)', 'engine'],
    ['Monaco editor present', 'monaco'],
    ['Monaco accepting input (typed text shown)', 'typed'],
  ];
  for (const [label, k] of rows) {
    const xs = loads.map((l) => l[k]).filter((x) => x !== undefined);
    console.log(`  ${label.padEnd(44)} ${ms(xs.length ? median(xs) : undefined).padStart(8)}   (runs: ${xs.map((x) => Math.round(x)).join(', ')})`);
  }

  const lt = (k) => loads.map((l) => l[k]).filter((x) => x !== undefined);
  if (lt('ltCount').length) {
    console.log(`\nLong tasks (> 50 ms) from navigation until Monaco accepts input, median of ${LOADS}:`);
    console.log(`  count ${median(lt('ltCount'))}, longest ${ms(median(lt('ltMax')))}, total ${ms(median(lt('ltTotal')))}   (runs: ${loads.map((l) => `${l.ltCount}/${Math.round(l.ltMax)}/${Math.round(l.ltTotal)}`).join(', ')} as count/longest/total ms)`);
  } else console.log('\nLong tasks: this Chromium does not report them');

  // 3: the first answer to a Send clicked as soon as it is enabled
  const answers = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.addInitScript(milestones, { clickSend: true });
    await page.goto(baseUrl, { waitUntil: 'commit' });
    await page.waitForFunction(() => globalThis.__bench.answer !== undefined, null, { timeout: 60_000 });
    const t = await page.evaluate(() => ({
      ...globalThis.__bench,
      fp: performance.getEntriesByName('first-paint')[0]?.startTime,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      marks: Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('kms:')).map((m) => [m.name, m.startTime])),
    }));
    const early = (t.longtasks ?? []).filter((x) => x.start < t.answer);
    answers.push({ ...t, afterPaint: t.answer - t.fp, ltCount: early.length, ltMax: Math.max(0, ...early.map((x) => x.duration)) });
    await context.close();
  }
  const range = (xs) => `median ${ms(median(xs))}, range ${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))} ms`;
  console.log(`\nFirst answer: Send clicked as soon as it is enabled, ${LOADS} cold loads (ms from navigation start):`);
  console.log(`  first paint                    ${range(answers.map((a) => a.fp))}`);
  console.log(`  first contentful paint         ${range(answers.map((a) => a.fcp))}`);
  console.log(`  Send clicked                   ${range(answers.map((a) => a.clicked))}`);
  console.log(`  response shown                 ${range(answers.map((a) => a.answer))}`);
  console.log(`  response shown after the click ${range(answers.map((a) => a.answer - a.clicked))}`);
  console.log(`  … after the first paint        ${range(answers.map((a) => a.afterPaint))}   (goal ≤ 300 ms)`);
  // the entry script blocks rendering (build/firstPaint.ts): the first paint is the shell itself, so both lines agree
  console.log(`  … after the first contentful paint ${range(answers.map((a) => a.answer - a.fcp))}`);
  // the page's own marks (src/main.ts, WorkspaceApp): the engine's chunks in, the storage open, the simulator ready
  for (const [name, label] of [
    ['kms:chunks', 'engine chunks evaluated'],
    ['kms:storage', 'storage open'],
    ['kms:simulator', 'simulator ready'],
  ]) {
    const xs = answers.map((a) => a.marks?.[name]).filter((x) => x !== undefined);
    if (xs.length) console.log(`  ${label.padEnd(30)} ${range(xs)}`);
  }
  console.log(`  long tasks before the answer   ${answers.map((a) => `${a.ltCount} (longest ${Math.round(a.ltMax)} ms)`).join(', ')}`);

  // 5: frame time with 10,000 events (BENCH_FRAMES=0 leaves it out)
  if (process.env.BENCH_FRAMES !== '0') {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl}?e2e=1`);
    await page.getByText('Create a key to begin.').first().waitFor({ timeout: 60_000 });
    const count = await tenThousandEvents(page);
    await page.getByRole('button', { name: 'Fit all' }).click();
    await page.getByRole('checkbox', { name: 'Follow clock' }).check();
    await page.getByRole('combobox', { name: 'Speed' }).selectOption('60');
    await page.getByRole('button', { name: 'Play' }).click();
    const frames = await frameGaps(page, 181);
    await page.getByRole('button', { name: 'Pause' }).click();
    await context.close();
    console.log(`\nTimeline playing ${count.toLocaleString('en-US')} events (all in view, speed ×60, following the clock), ${frames.gaps.length} frames:`);
    console.log(`  frame time median ${frames.median.toFixed(1)} ms, p95 ${frames.p95.toFixed(1)} ms, max ${frames.max.toFixed(1)} ms`);
  }
} finally {
  await browser.close();
  server.close();
}

// 6: Send latency by history size, on this build (bench/send.mjs prints it)
if (process.env.BENCH_SEND !== '0') {
  console.log('');
  const r = spawnSync(process.execPath, [join(root, 'bench/send.mjs')], { stdio: 'inherit', env: { ...process.env, BENCH_DIST: dist, BENCH_GRANTS: '0' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
