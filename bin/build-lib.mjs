#!/usr/bin/env node
/**
 * npm run build:lib: the installable package in lib/, apart from the app (npm run build).
 *
 *   lib/index.js     the engine: createSimulator, kmsRequestHandler, the engine's types
 *   lib/store.js     persistence: openIndexedDbStore, the workspace file
 *   lib/scenario.js  the scenario format, share links, replay, the lessons, scenarioToVitest
 *   lib/node.js      the local HTTP endpoint (node:http) behind `kms-grant-playground serve`
 *
 * One esbuild run with code splitting (what two entries share is one chunk, so a class such as
 * KmsError is the same class from every entry), the package's dependencies left external, and
 * tsc for the declarations. Prints the size of the engine entry against its budget and fails
 * when it is over.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// --outdir DIR builds elsewhere (tests build their own copy); --no-types skips the declarations
const args = process.argv.slice(2);
const outArg = args.indexOf('--outdir');
const lib = outArg >= 0 ? resolve(args[outArg + 1]) : join(root, 'lib');
const withTypes = !args.includes('--no-types');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** the engine entry (lib/index.js and the chunks it imports), minified and gzipped, must stay under this */
export const ENGINE_BUDGET_GZIP = 90 * 1024;

/** entry -> [source module (.ts unless it names its extension), names it re-exports ('*' for all)] */
const ENTRIES = {
  index: [
    ['kms/index', '*'],
    ['kms/sdkHandler', '*'],
    ['kms/auth/caller', 'type UnknownAccessKeys'],
  ],
  store: [['store/index', '*']],
  scenario: [
    ['scenario/format', '*'],
    ['scenario/codec', '*'],
    ['scenario/replay', '*'],
    ['scenario/lessons/index', 'LESSONS, lessonById, type Lesson'],
    ['scenario/toTest', '*'],
  ],
  node: [
    ['node/serve.mts', '*'],
    ['node/cli.mts', '*'],
  ],
};
/** the source file of a module, and the .d.ts path tsc gives it (from lib/types, as a Node import) */
const sourceOf = (m) => (/\.m?ts$/.test(m) ? m : `${m}.ts`);
const typesOf = (m) => (m.endsWith('.mts') ? m.replace(/\.mts$/, '.mjs') : `${m.replace(/\.ts$/, '')}.js`);
const present = (m) => existsSync(join(root, 'src', sourceOf(m)));

function reexports(entry, from) {
  return ENTRIES[entry]
    .filter(([m]) => present(m))
    .map(([m, names]) => (names === '*' ? `export * from '${from(m)}';` : `export { ${names} } from '${from(m)}';`))
    .join('\n') + '\n';
}

rmSync(lib, { recursive: true, force: true });
mkdirSync(join(lib, '.entries'), { recursive: true });
for (const entry of Object.keys(ENTRIES)) {
  writeFileSync(join(lib, '.entries', `${entry}.ts`), reexports(entry, (m) => join(root, 'src', sourceOf(m)).split('\\').join('/')));
}

const external = [...Object.keys(pkg.dependencies ?? {}), 'node:*'];
const common = {
  entryPoints: Object.fromEntries(Object.keys(ENTRIES).map((e) => [e, join(lib, '.entries', `${e}.ts`)])),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external,
  logLevel: 'warning',
};
await build({ ...common, outdir: lib, chunkNames: 'chunks/[name]-[hash]' });

// the budget is measured on what a bundler ships after minifying
const sized = await build({ ...common, outdir: join(lib, '.sized'), minify: true, metafile: true, write: true });
rmSync(join(lib, '.entries'), { recursive: true, force: true });

// ---- declarations ------------------------------------------------------------------------------
/** relative specifiers in .d.ts files get the .js / /index.js a Node ESM resolver needs */
function fixSpecifiers(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) fixSpecifiers(path);
    else if (name.endsWith('.d.ts') || name.endsWith('.d.mts')) {
      const text = readFileSync(path, 'utf8').replace(/((?:from|import)\s*\(?\s*')(\.{1,2}\/[^']*)(')/g, (all, head, spec, tail) => {
        if (/\.(m?js|json)$/.test(spec)) return all;
        const target = resolve(dirname(path), spec);
        if (existsSync(`${target}.d.ts`)) return `${head}${spec}.js${tail}`;
        if (existsSync(join(target, 'index.d.ts'))) return `${head}${spec}/index.js${tail}`;
        return all;
      });
      writeFileSync(path, text);
    }
  }
}

if (withTypes) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const files = JSON.parse(readFileSync(join(root, 'tsconfig.lib.json'), 'utf8')).files.filter((f) => existsSync(join(root, f)));
  const extra = Object.values(ENTRIES).flat().map(([m]) => `src/${sourceOf(m)}`).filter((f) => existsSync(join(root, f)) && !files.includes(f));
  const tmpConfig = join(root, `tsconfig.lib.build-${process.pid}.json`);
  writeFileSync(tmpConfig, JSON.stringify({ extends: './tsconfig.lib.json', compilerOptions: { outDir: join(lib, 'types') }, files: [...files, ...extra] }));
  try {
    execFileSync(process.execPath, [tsc, '-p', tmpConfig], { cwd: root, stdio: 'inherit' });
  } finally {
    rmSync(tmpConfig, { force: true });
  }
  fixSpecifiers(join(lib, 'types'));
  for (const entry of Object.keys(ENTRIES)) writeFileSync(join(lib, `${entry}.d.ts`), reexports(entry, (m) => `./types/${typesOf(m)}`));
}

// ---- the engine's size against its budget ------------------------------------------------------
function closure(outputs, file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const imp of outputs[file].imports) if (imp.kind === 'import-statement' && !imp.external) closure(outputs, imp.path, seen);
  return seen;
}
const outputs = sized.metafile.outputs;
const engineFile = Object.keys(outputs).find((f) => f.endsWith('/index.js'));
let raw = 0;
let gz = 0;
for (const f of closure(outputs, engineFile)) {
  const bytes = readFileSync(join(root, f));
  raw += bytes.length;
  gz += gzipSync(bytes, { level: 9 }).length;
}
rmSync(join(lib, '.sized'), { recursive: true, force: true });
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const over = gz > ENGINE_BUDGET_GZIP;
console.log(`lib/index.js (the engine, with the chunks it imports): ${kb(raw)} minified, ${kb(gz)} gzip; budget ${kb(ENGINE_BUDGET_GZIP)} gzip${over ? ' -- OVER BUDGET' : ''}`);
console.log(`built ${Object.keys(ENTRIES).map((e) => `${e}.js`).join(', ')}${withTypes ? ' and their .d.ts' : ''} in ${relative(process.cwd(), lib) || '.'}`);
if (over) process.exit(1);
