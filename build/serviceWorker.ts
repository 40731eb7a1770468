/**
 * A Vite plugin that writes `sw.js`, the offline service worker (issue 7 §6), at build time:
 * build/sw.template.js with the precache list and a version filled in.
 *
 * The list is every file of the build: every page, every JS and CSS chunk (Monaco and its
 * workers included), fonts, and the public files (favicon, scenario.schema.json). The version
 * is a hash of their names and contents, so a release that changes any byte gets a new cache and
 * the old one is deleted when it activates. Registered by src/sw-register.ts (production only).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin, ResolvedConfig } from 'vite';

export const SW_FILE = 'sw.js';
const TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), 'sw.template.js');

/** files not worth precaching: the worker itself, Vite's manifests, source maps */
const skip = (file: string) => file === SW_FILE || file.startsWith('.vite/') || file.endsWith('.map');

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full, base) : [relative(base, full).split(sep).join('/')];
  });
}

/** the precache list and version for a set of files (exported for tests) */
export function precacheManifest(files: ReadonlyMap<string, string | Uint8Array>): { version: string; assets: string[] } {
  const assets = [...files.keys()].filter((f) => !skip(f)).sort();
  const hash = createHash('sha256');
  for (const f of assets) hash.update(f).update('\0').update(files.get(f) as string | Uint8Array).update('\0');
  return { version: hash.digest('hex').slice(0, 16), assets };
}

export function renderServiceWorker(version: string, assets: readonly string[]): string {
  return readFileSync(TEMPLATE, 'utf8').replace(/^\/\* global __ASSETS__ .*\*\/\n/m, '').replace("'__VERSION__'", () => JSON.stringify(version)).replace('const ASSETS = __ASSETS__;', () => `const ASSETS = ${JSON.stringify(assets, null, 2)};`);
}

export function serviceWorker(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'kms-playground:service-worker',
    apply: 'build',
    configResolved(c) {
      config = c;
    },
    generateBundle: {
      // after Vite's own generateBundle hooks, so the pages (HTML) and worker files are in the bundle
      order: 'post',
      handler(_options, bundle) {
        const files = new Map<string, string | Uint8Array>();
        for (const [fileName, out] of Object.entries(bundle)) files.set(fileName, out.type === 'chunk' ? out.code : out.source);
        if (config.build.copyPublicDir && config.publicDir) {
          try {
            for (const f of walk(config.publicDir)) files.set(f, readFileSync(join(config.publicDir, f)));
          } catch {
            /* no public dir */
          }
        }
        if (![...files.keys()].some((f) => f.endsWith('.html'))) this.error('service worker: the bundle has no page to precache');
        const { version, assets } = precacheManifest(files);
        this.emitFile({ type: 'asset', fileName: SW_FILE, source: renderServiceWorker(version, assets) });
      },
    },
  };
}
