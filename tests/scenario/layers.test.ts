/**
 * The layer rule for src/scenario/ (STYLE.md "Layers"): it imports only from src/kms/, fflate and
 * itself, touches no DOM, and reads neither the wall clock nor Math.random, so that a scenario
 * replays the same way everywhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../src/scenario/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('src/scenario layer rule', () => {
  it.each(files)('%s imports only from src/kms/, fflate and src/scenario/', (file) => {
    const source = readFileSync(new URL(file, dir), 'utf8');
    const specifiers = [...source.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
    for (const s of specifiers) expect(s).toMatch(/^(\.\/[\w-]+|\.\.\/kms\/[\w/-]+|fflate)$/);
  });

  it.each(files)('%s reads no wall clock, no Math.random and no DOM', (file) => {
    const code = readFileSync(new URL(file, dir), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(code).not.toMatch(/Date\.now|new Date\(\s*\)|performance\.now|Math\.random|crypto\.getRandomValues|randomUUID/);
    expect(code).not.toMatch(/\b(document|window|localStorage|sessionStorage|location|history|navigator)\b/);
  });
});
