import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** every page of the app: the playground, the lesson player and the embeddable player */
const PAGES = ['index', 'lesson', 'embed'].filter((p) => existsSync(resolve(import.meta.dirname, `${p}.html`)));

export default defineConfig({
  plugins: [svelte()],
  publicDir: 'static',
  base: './',
  build: {
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: { input: Object.fromEntries(PAGES.map((p) => [p, resolve(import.meta.dirname, `${p}.html`)])) },
  },
  worker: { format: 'es' },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
