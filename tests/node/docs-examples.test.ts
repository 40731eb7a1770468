/**
 * docs/use-in-code.md runs as written: every ```ts block (not those marked ```ts no-run) is
 * bundled with `kms-grant-playground` resolved to this checkout's sources and run in plain Node,
 * where its node:assert checks must hold; the ```python block runs against `serve` when boto3
 * is installed (python3-boto3 on Debian).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { serve } from '../../src/node/serve.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/use-in-code.md'), 'utf8');
// inside the checkout, so the bundles' external imports (the AWS SDK) resolve from its node_modules
const OUT = join(ROOT, 'node_modules', '.cache', `docs-examples-${process.pid}`);

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

/** the fenced blocks of one info string, in order */
function blocks(info: string): string[] {
  const out: string[] = [];
  const re = /^```([^\n]*)\n([\s\S]*?)^```$/gm;
  for (const m of DOC.matchAll(re)) if (m[1].trim() === info) out.push(m[2]);
  return out;
}

/** the package's entries, as package.json maps them, resolved to the sources they are built from */
const ENTRIES: Record<string, string[]> = {
  'kms-grant-playground': ['kms/index', 'kms/sdkHandler'],
  'kms-grant-playground/scenario': ['scenario/format', 'scenario/codec', 'scenario/replay', 'scenario/toTest', 'scenario/lessons/index'],
  'kms-grant-playground/store': ['store/index'],
  'kms-grant-playground/node': ['node/serve.mts', 'node/cli.mts'],
};
const packageFromSources: Plugin = {
  name: 'package-from-sources',
  setup(b) {
    b.onResolve({ filter: /^kms-grant-playground(\/|$)/ }, (args) => ({ path: args.path, namespace: 'entry' }));
    b.onLoad({ filter: /.*/, namespace: 'entry' }, (args) => {
      const modules = ENTRIES[args.path];
      if (!modules) return { errors: [{ text: `${args.path} is not an entry of the package` }] };
      const lines = modules.map((m) => (m === 'scenario/lessons/index' ? `export { LESSONS, lessonById } from '${join(ROOT, 'src', m)}';` : `export * from '${join(ROOT, 'src', m)}';`));
      return { contents: lines.join('\n'), resolveDir: ROOT, loader: 'ts' };
    });
  },
};

async function runTs(code: string, name: string): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `${name}.mjs`);
  await build({
    stdin: { contents: code, loader: 'ts', resolveDir: OUT, sourcefile: `${name}.ts` },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: file,
    external: ['@aws-sdk/*', 'fflate', 'idb'],
    plugins: [packageFromSources],
    logLevel: 'silent',
  });
  return execFileSync(process.execPath, [file], { cwd: OUT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

const ts = blocks('ts');

describe('docs/use-in-code.md', () => {
  it('has runnable examples, and the msw recipe as the brief gives it', () => {
    expect(ts.length).toBeGreaterThanOrEqual(5);
    expect(blocks('ts no-run').join('')).toContain(`http.post('https://kms.us-east-1.amazonaws.com/', ({ request }) => sim.fetch(request))`);
  });

  it.each(ts.map((code, i) => [i + 1, code.split('\n').find((l) => l.startsWith('import {') && l.includes('kms-grant-playground')) ?? '', code]))(
    'example %i runs (%s)',
    async (i, _title, code) => {
      await expect(runTs(code as string, `example-${i}`)).resolves.toBeTypeOf('string');
    },
    60_000,
  );

  const boto3 = spawnSync('/usr/bin/python3', ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!boto3)('the boto3 example runs against serve (python3-boto3)', async () => {
    const [python] = blocks('python');
    const server = await serve({ port: 0 });
    try {
      const code = python.replace('http://127.0.0.1:4599', server.url);
      // asynchronously: the server answers from this process's event loop
      const child = spawn('/usr/bin/python3', ['-c', code], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const status = await new Promise((r) => child.on('exit', r));
      expect(stderr).toBe('');
      expect(status).toBe(0);
      expect(stdout.trim()).toBe('True');
    } finally {
      await server.close();
    }
  });

  it('the README links to it', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.indexOf('## Use it in your code');
    expect(section).toBeGreaterThan(0);
    expect(section).toBeLessThan(readme.indexOf('## Layout'));
    expect(readme.slice(section, readme.indexOf('## Layout'))).toContain('(docs/use-in-code.md)');
    writeFileSync(join(OUT, '.keep'), '');
  });
});
