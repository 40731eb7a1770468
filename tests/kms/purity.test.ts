/**
 * The engine is headless and pure (docs/architecture.md, Layers): nothing in src/kms/
 * imports from outside src/kms/, touches the DOM or IndexedDB, reads the wall clock, draws
 * unseeded randomness or schedules timers. A seed and a list of requests determine everything.
 *
 * One exception to "nothing from outside": the audited, pure elliptic-curve packages
 * @noble/curves (and its @noble/hashes), which do no I/O and are deterministic as long as their
 * key-generation helpers (which draw from crypto.getRandomValues) are not called.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../src/kms/', import.meta.url).pathname;
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const files = walk(root).map((p) => relative(root, p));
/** the only package imports the engine may make */
const ALLOWED_PACKAGE = /^@noble\/(curves|hashes)\/[\w./-]+\.js$/;

describe('src/kms is pure', () => {
  it.each(files)('%s imports nothing from outside src/kms', (file) => {
    const source = readFileSync(join(root, file), 'utf8');
    for (const m of source.matchAll(/(?:import|export)[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2];
      if (ALLOWED_PACKAGE.test(spec)) continue;
      expect(spec, `${file}: ${spec}`).toMatch(/^\.\.?\//);
      const target = join(root, file, '..', spec);
      expect(relative(root, target).startsWith('..'), `${file} imports ${spec}`).toBe(false);
    }
  });

  it.each(files)('%s has no wall clock, unseeded randomness, timers, DOM or storage', (file) => {
    const code = readFileSync(join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '').replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
    expect(code).not.toMatch(/Date\.now|new Date\(\s*\)|performance\.now|Math\.random|getRandomValues|randomUUID|generateKey\(/);
    // @noble's helpers that draw unseeded randomness
    expect(code).not.toMatch(/\b(randomBytes|randomSecretKey|keygen)\b/);
    expect(code).not.toMatch(/\b(setTimeout|setInterval|requestAnimationFrame|queueMicrotask)\s*\(/);
    expect(code).not.toMatch(/\b(document|window|localStorage|sessionStorage|indexedDB|location|navigator)\s*[.[]/);
  });
});
