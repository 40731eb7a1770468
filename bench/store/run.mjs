/**
 * Runs bench/store/store.bench.ts in headless Chromium (real IndexedDB) and prints a table.
 *
 *   node bench/store/run.mjs                 # Chromium at /usr/bin/chromium (CHROMIUM=… to change)
 *   node bench/store/run.mjs --incognito     # an incognito context (in-memory IndexedDB: slower on big transactions)
 *   node bench/store/run.mjs --node          # fallback: Node + fake-indexeddb
 *   BENCH_GRANTS=10000 node bench/store/run.mjs
 *
 * Chromium: the benchmark is bundled with esbuild into one module, served from 127.0.0.1 (a
 * secure context, so IndexedDB and navigator.storage behave as on a real site), and driven with
 * playwright-core. Each run uses a fresh browser profile.
 */
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const out = join(root, 'node_modules/.cache/bench/store');
const grants = Number(process.env.BENCH_GRANTS ?? 50_000);
const useNode = process.argv.includes('--node');

function table(result) {
  const rows = result.rows.map((r) => [r.metric, r.value, r.goal ? `${r.goal} ${r.met ? '✓' : '✗'}` : '', r.note ?? '']);
  const head = ['metric', 'value', 'goal', 'note'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 1 ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ');
  console.log(`\nStore benchmark: ${result.env}, ${result.grants.toLocaleString('en-US')} grants`);
  console.log(line(head));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const r of rows) console.log(line(r));
}

await mkdir(out, { recursive: true });

if (useNode) {
  await build({ entryPoints: [join(here, 'node.ts')], bundle: true, platform: 'node', format: 'esm', outfile: join(out, 'node.mjs'), logLevel: 'warning' });
  const r = spawnSync(process.execPath, [join(out, 'node.mjs')], { env: { ...process.env, BENCH_GRANTS: String(grants) }, encoding: 'utf8', maxBuffer: 64 << 20 });
  const lines = (r.stdout ?? '').split('\n');
  for (const l of lines) if (l && !l.startsWith('__RESULT__')) console.log(l);
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  table(JSON.parse(lines.find((l) => l.startsWith('__RESULT__')).slice('__RESULT__'.length)));
  process.exit(0);
}

await build({ entryPoints: [join(here, 'store.bench.ts')], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', outfile: join(out, 'bench.js'), logLevel: 'warning' });
await writeFile(join(out, 'index.html'), '<!doctype html><meta charset="utf-8"><title>store bench</title><script type="module" src="./bench.js"></script>\n');

const server = createServer(async (req, res) => {
  const file = req.url === '/' ? 'index.html' : req.url.replace(/^\/+/, '').split('?')[0];
  if (!['index.html', 'bench.js'].includes(file)) return res.writeHead(404).end();
  res.writeHead(200, { 'Content-Type': file.endsWith('.js') ? 'text/javascript' : 'text/html', 'Cache-Control': 'no-store' });
  res.end(await readFile(join(out, file)));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

const { chromium } = await import('playwright-core');
// a fresh on-disk profile, as users have: a plain newPage() is an incognito context, whose
// in-memory IndexedDB is several times slower on large transactions (--incognito measures it)
const { mkdtempSync, rmSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const profile = process.argv.includes('--incognito') ? null : mkdtempSync(join(tmpdir(), 'store-bench-'));
const launch = { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] };
const context = profile ? await chromium.launchPersistentContext(profile, launch) : null;
const browser = context ? null : await chromium.launch(launch);
try {
  const page = await (context ?? browser).newPage();
  page.on('console', (m) => console.log(`[page] ${m.text()}`));
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => typeof globalThis.runStoreBench === 'function');
  const version = browser?.version() ?? (await page.evaluate(() => /Chrome\/([\d.]+)/.exec(navigator.userAgent)?.[1] ?? 'unknown'));
  const result = await page.evaluate(
    ([n, env]) => globalThis.runStoreBench({ grants: n, env, log: (l) => console.log(l) }),
    [grants, `headless Chromium ${version}, real IndexedDB, ${profile ? 'on-disk profile' : 'incognito (in-memory)'}`],
  );
  table(result);
} finally {
  await (context ?? browser).close();
  server.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
}
