/**
 * The layer rule for src/scenario/ (docs/architecture.md, Layers): it imports only from src/kms/, fflate and
 * itself, touches no DOM, and reads neither the wall clock nor Math.random, so that a scenario
 * replays the same way everywhere.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../src/scenario/', import.meta.url);
/** every .ts file under src/scenario/, lessons/ included, as a path relative to it */
function list(sub: string): string[] {
  return readdirSync(new URL(sub, dir)).flatMap((f) => (statSync(new URL(sub + f, dir)).isDirectory() ? list(`${sub}${f}/`) : f.endsWith('.ts') ? [sub + f] : []));
}
const files = list('');

describe('src/scenario layer rule', () => {
  it('covers the lessons folder', () => {
    expect(files).toContain('lessons/index.ts');
  });

  it.each(files)('%s imports only from src/kms/, fflate and src/scenario/', (file) => {
    const source = readFileSync(new URL(file, dir), 'utf8');
    const specifiers = [...source.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
    const nested = file.includes('/');
    for (const s of specifiers) {
      // from src/scenario/: ./x, ../kms/…; from src/scenario/lessons/: ./x, ../x (src/scenario), ../../kms/…
      if (nested) expect(s).toMatch(/^(\.\/[\w-]+|\.\.\/[\w-]+|\.\.\/\.\.\/kms\/[\w/-]+|fflate)$/);
      else expect(s).toMatch(/^(\.\/[\w-]+|\.\.\/kms\/[\w/-]+|\.\/lessons\/[\w-]+|fflate)$/);
    }
  });

  it.each(files)('%s reads no wall clock, no Math.random and no DOM', (file) => {
    const code = readFileSync(new URL(file, dir), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(code).not.toMatch(/Date\.now|new Date\(\s*\)|performance\.now|Math\.random|crypto\.getRandomValues|randomUUID/);
    expect(code).not.toMatch(/\b(document|window|localStorage|sessionStorage|location|history|navigator)\b/);
  });
});
