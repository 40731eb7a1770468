/// <reference types="vitest/config" />
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { contentSecurityPolicy } from './build/csp.ts';
import { serviceWorker } from './build/serviceWorker.ts';
import { renderBlockingEntry } from './build/firstPaint.ts';

/** every page of the app: the playground, the lesson player and the embeddable player */
const PAGES = ['index', 'lesson', 'embed'].filter((p) => existsSync(resolve(import.meta.dirname, `${p}.html`)));

export default defineConfig({
  plugins: [svelte(), contentSecurityPolicy(), renderBlockingEntry(), serviceWorker()],
  publicDir: 'static',
  base: './',
  build: {
    target: 'es2022',
    sourcemap: false,
    // Monaco is two lazy chunks (its core, about 2.7 MB, then its features and the JSON mode,
    // 1.2 MB; 1.2 MB gzip together): they cannot shrink once JSON support is in, and load after the
    // page is interactive, so they should not warn; anything larger still does
    chunkSizeWarningLimit: 4_500,
    rolldownOptions: { input: Object.fromEntries(PAGES.map((p) => [p, resolve(import.meta.dirname, `${p}.html`)])) },
  },
  worker: { format: 'es' },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // generous: seeded RSA-4096 key generation is pure JavaScript and takes over 30 s on a loaded
    // 2-core machine; a hung test still fails, after two minutes
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
