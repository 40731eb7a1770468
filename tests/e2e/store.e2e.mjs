/**
 * Store end-to-end, in real headless Chromium on real IndexedDB: several tabs of one browser
 * context on one database.
 *   - a commit in tab A is announced on the BroadcastChannel; tab B, watching, reloads and sees it
 *   - two tabs writing without hearing each other: the second commit is refused (ConflictError),
 *     and the documented recovery (reload + reapplyInputs) keeps both tabs' records
 *   - the work survives a page reload
 *   - a tab opening a newer database version: the old tabs get `blocking`, close and refuse
 *     writes; the new tab opens without being blocked
 *
 *   node tests/e2e/store.e2e.mjs          (exit code 0 when every check passes)
 * Also exports `run({ log })` for a runner that imports it.
 */
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const out = join(root, 'node_modules/.cache/e2e/store');

export async function run({ log = console.log } = {}) {
  await mkdir(out, { recursive: true });
  await build({ entryPoints: [join(root, 'tests/store/browser-harness.ts')], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', outfile: join(out, 'harness.js'), logLevel: 'warning' });
  await writeFile(join(out, 'index.html'), '<!doctype html><meta charset="utf-8"><title>store e2e</title><script type="module" src="./harness.js"></script>\n');
  const server = createServer(async (req, res) => {
    const file = req.url === '/' ? 'index.html' : req.url.replace(/^\/+/, '').split('?')[0];
    if (!['index.html', 'harness.js'].includes(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': file.endsWith('.js') ? 'text/javascript' : 'text/html', 'Cache-Control': 'no-store' });
    res.end(await readFile(join(out, file)));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const checks = [];
  const check = async (name, fn) => {
    await fn();
    checks.push(name);
    log(`  ✓ ${name}`);
  };
  try {
    const context = await browser.newContext();
    const tab = async () => {
      const page = await context.newPage();
      page.on('pageerror', (e) => log(`[page error] ${e.message}`));
      await page.goto(url);
      await page.waitForFunction(() => typeof globalThis.storeHarness === 'object');
      return page;
    };
    const h = (page, fn, arg) => page.evaluate(fn, arg);
    const db = { name: 'kms-playground-e2e' };
    const a = await tab();
    const b = await tab();

    let ws, keyId;
    await check('both tabs open persistent IndexedDB storage', async () => {
      assert.deepEqual(await h(a, (o) => storeHarness.open(o), db), { persistent: true });
      assert.deepEqual(await h(b, (o) => storeHarness.open(o), db), { persistent: true });
      ws = await h(a, () => storeHarness.createWorkspace('shared'));
      await h(a, (id) => storeHarness.openSim('main', id), ws);
      keyId = await h(a, () => storeHarness.createKey('main'));
    });

    await check('a commit in tab A reaches tab B, which reloads its simulator', async () => {
      await h(b, (id) => storeHarness.openSim('main', id), ws);
      await h(b, (id) => storeHarness.watch('main', id), ws);
      assert.equal(await h(a, ([k]) => storeHarness.createGrant('main', k, 'from-a'), [keyId]), 200);
      await b.waitForFunction(() => storeHarness.messages().length > 0, null, { timeout: 5_000 });
      // (read from the engine: a ListGrants request is an input too, and would be committed)
      await b.waitForFunction(() => storeHarness.simGrantNames('main').includes('from-a'), null, { timeout: 5_000 });
      const m = (await h(b, () => storeHarness.messages()))[0];
      assert.equal(m.type, 'changed');
      assert.equal(m.workspace, ws);
    });

    await check('two tabs writing blind: the second commit is refused, recovery keeps both', async () => {
      // slot "blind" in tab B does not watch: it misses A's next commit
      await h(b, (id) => storeHarness.openSim('blind', id), ws);
      assert.equal(await h(a, ([k]) => storeHarness.createGrant('main', k, 'a-2'), [keyId]), 200);
      assert.equal(await h(b, ([k]) => storeHarness.createGrant('blind', k, 'b-1'), [keyId]), 200); // answered from memory
      const err = await h(b, () => storeHarness.storeError('blind'));
      assert.equal(err?.name, 'ConflictError');
      assert.equal(err.reason, 'changed');
      assert.deepEqual(await h(a, (id) => storeHarness.storedGrantNames(id), ws), ['a-2', 'from-a']);
      const rec = await h(b, (id) => storeHarness.recover('blind', id), ws);
      assert.deepEqual(rec, { statuses: [200], storeError: null });
      assert.deepEqual(await h(a, (id) => storeHarness.storedGrantNames(id), ws), ['a-2', 'b-1', 'from-a']);
    });

    await check('the work survives reloading the page', async () => {
      await a.reload();
      await a.waitForFunction(() => typeof globalThis.storeHarness === 'object');
      await h(a, (o) => storeHarness.open(o), db);
      await h(a, (id) => storeHarness.openSim('main', id), ws);
      assert.deepEqual(await h(a, (k) => storeHarness.grantNames('main', k), keyId), ['a-2', 'b-1', 'from-a']);
    });

    await check('a newer version in tab C: tabs A and B get "blocking", close, and refuse writes; C is not blocked', async () => {
      const c = await tab();
      assert.deepEqual(await h(c, (o) => storeHarness.open(o), { ...db, version: 2 }), { persistent: true });
      assert.deepEqual(await h(c, () => storeHarness.notices()), []);
      assert.deepEqual(await h(a, () => storeHarness.notices()), ['blocking']);
      assert.deepEqual(await h(b, () => storeHarness.notices()), ['blocking']);
      assert.equal(await h(a, ([k]) => storeHarness.createGrant('main', k, 'after'), [keyId]), 200);
      const err = await h(a, () => storeHarness.storeError('main'));
      assert.equal(err?.name, 'StoreClosedError');
      assert.match(err.message, /reload/i);
      assert.deepEqual((await h(c, () => storeHarness.listWorkspaces())).map((w) => w.name), ['shared']);
    });
  } finally {
    await browser.close();
    server.close();
  }
  return checks;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log('store e2e (headless Chromium, real IndexedDB)');
  run().then(
    (checks) => console.log(`${checks.length} checks passed`),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}

/** For tests/e2e/run.mjs: the whole store suite as one e2e test (it runs its own harness page). */
export default {
  'tabs, conflicts, reload and version upgrades on real IndexedDB': async () => {
    const checks = await run({ log: () => {} });
    assert.ok(checks.length >= 4, `expected every store check to run, ran ${checks.length}`);
  },
};
