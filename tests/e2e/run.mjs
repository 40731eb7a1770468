#!/usr/bin/env node
/**
 * End-to-end tests: builds the app, serves dist/ with `vite preview` on a free port, drives
 * Debian's Chromium with playwright-core, runs every tests/e2e/*.e2e.mjs, prints
 * "N passed, M failed" and exits non-zero on failure. The server is always stopped.
 *
 * A test file's default export is an object of named tests: { 'name': async (t) => {...} },
 * or one function; `export const contextOptions` adds browser-context options for the file
 * (e.g. bypassCSP to inject axe-core), and `export const timeoutMs` a longer limit than TEST_TIMEOUT_MS for
 * each of its tests. Each test gets a fresh browser context: t = { page, context, browser, baseUrl,
 * consoleErrors }. Console errors fail the test unless the test empties `consoleErrors`.
 *
 *   node tests/e2e/run.mjs [filter]      only tests whose "file › name" contains filter
 *   E2E_SKIP_BUILD=1 node tests/e2e/run.mjs   reuse the existing dist/
 *   E2E_OUT_DIR=/tmp/x node tests/e2e/run.mjs build into and serve another directory (parallel runs)
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** the browser: Debian's Chromium, or CHROMIUM=/path/to/chrome (as the benches accept) */
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const TEST_TIMEOUT_MS = 90_000;

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const vite = join(root, 'node_modules/vite/bin/vite.js');
const filter = process.argv[2] ?? '';

function run(cmd, args, opts = {}) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolveRun() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

async function waitForHttp(url, ms) {
  const until = Date.now() + ms;
  let last;
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = new Error(`HTTP ${res.status}`);
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`the preview server did not answer at ${url}: ${last?.message ?? 'timeout'}`);
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
    }),
  ]);
}

async function main() {
  if (!existsSync(CHROMIUM)) {
    console.error(`Chromium not found at ${CHROMIUM}: install Debian's with \`apt-get install chromium\` (bash .ci/run does), or set CHROMIUM=/path/to/chrome`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  const { chromium } = await import('playwright-core');

  const outDir = process.env.E2E_OUT_DIR ? ['--outDir', process.env.E2E_OUT_DIR] : [];
  if (!process.env.E2E_SKIP_BUILD) await run(process.execPath, [vite, 'build', '--logLevel', 'warn', ...outDir, ...(outDir.length ? ['--emptyOutDir'] : [])]);

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}/`;
  const server = spawn(process.execPath, [vite, 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1', ...outDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let serverLog = '';
  server.stdout.on('data', (d) => (serverLog += d));
  server.stderr.on('data', (d) => (serverLog += d));
  const stopServer = () => {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  process.on('exit', stopServer);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

  let browser;
  let passed = 0;
  let failed = 0;
  try {
    await waitForHttp(baseUrl, 30_000).catch((e) => {
      throw new Error(`${e.message}\n${serverLog}`);
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });

    const files = readdirSync(here).filter((f) => f.endsWith('.e2e.mjs')).sort();
    for (const file of files) {
      const mod = await import(pathToFileURL(join(here, file)).href);
      const contextOptions = mod.contextOptions ?? {};
      const timeoutMs = mod.timeoutMs ?? TEST_TIMEOUT_MS;
      const tests = typeof mod.default === 'function' ? { [file.replace('.e2e.mjs', '')]: mod.default } : mod.default ?? {};
      for (const [name, fn] of Object.entries(tests)) {
        const label = `${file.replace('.e2e.mjs', '')} › ${name}`;
        if (filter && !label.includes(filter)) continue;
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['clipboard-read', 'clipboard-write'], ...contextOptions });
        const page = await context.newPage();
        const consoleErrors = [];
        page.on('console', (m) => {
          if (m.type() === 'error') consoleErrors.push(m.text());
        });
        page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
        const started = Date.now();
        try {
          await withTimeout(Promise.resolve().then(() => fn({ page, context, browser, baseUrl, consoleErrors })), timeoutMs, label);
          if (consoleErrors.length) throw new Error(`console errors:\n  ${consoleErrors.join('\n  ')}`);
          passed++;
          console.log(`✓ ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        } catch (e) {
          failed++;
          console.log(`✗ ${label}\n    ${String(e?.stack ?? e).split('\n').slice(0, 8).join('\n    ')}`);
        } finally {
          await context.close().catch(() => {});
        }
      }
    }
  } catch (e) {
    failed++;
    console.log(`✗ e2e setup: ${e?.message ?? e}`);
  } finally {
    await browser?.close().catch(() => {});
    stopServer();
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
