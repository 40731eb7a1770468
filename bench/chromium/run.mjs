#!/usr/bin/env node
/**
 * bench:engine in Chromium, where the playground runs: bundles bench/chromium/page.ts, loads it
 * into a blank page of Debian's Chromium and prints engine CreateGrant/s, CreateGrant/s inside
 * sim.fetch and a caller's round trip, per size (BENCH_SIZES, default 1000,10000,50000).
 * Figures only, nothing asserted.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = join(root, 'node_modules/.cache/bench/chromium-page.js');
const built = spawnSync(join(root, 'node_modules/.bin/esbuild'), [join(root, 'bench/chromium/page.ts'), '--bundle', '--platform=browser', '--format=esm', `--outfile=${out}`, '--log-level=warning'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const sizes = (process.env.BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] }).catch((e) => {
  console.error(`Chromium did not start (${e.message.split('\n')[0]}). Install Debian's: apt-get install chromium`);
  process.exit(1);
});
const page = await browser.newPage();
await page.goto('about:blank');
await page.addScriptTag({ content: readFileSync(out, 'utf8'), type: 'module' });
await page.waitForFunction(() => typeof globalThis.measure === 'function');
const rows = await page.evaluate((s) => globalThis.measure(s), sizes);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(`Chromium ${browser.version()} (wall-clock; medians of fresh simulators after a warm-up)`);
console.log('| N | engine CreateGrant/s | CreateGrant/s inside sim.fetch | round trip with the caller\'s Request and JSON |\n|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${fmt(r.n)} | ${fmt(r.engine)} | ${fmt(r.inside)} | ${fmt(r.roundTrip)} |`);
await browser.close();
