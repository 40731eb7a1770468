#!/usr/bin/env node
// Generates src/kms/model/shapes.generated.ts from the KMS API model.
//
//   node scripts/gen-model.mjs <modelDir> [--out <file>] [--botocore <version>] [--model-date <yyyy-mm-dd>]
//
// modelDir (or KMS_MODEL_DIR) is a folder outside this repository (the model is reference data
// and is not committed). It must hold
// kms-2014-11-01.service-2.json (botocore) and may hold enums.aws-sdk-client-kms-<version>.d.ts
// (newer enum values, merged in) and README.md (where the botocore version and date are read from).
//
// What is emitted: the constraint-bearing part of every shape reachable from the 54 operations'
// inputs and outputs (type, min, max, pattern, enum, sensitive, members, required), the operation
// table, the enums as `as const` tuples, and TypeScript interfaces for the structures. The
// model's documentation strings are never copied.
//
// Plain Node ESM, no dependencies.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = { modelDir: process.env.KMS_MODEL_DIR ? resolve(process.env.KMS_MODEL_DIR) : undefined, out: join(repoRoot, 'src/kms/model/shapes.generated.ts') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--out') opts.out = resolve(next());
    else if (a === '--botocore') opts.botocore = next();
    else if (a === '--model-date') opts.modelDate = next();
    else if (a === '--help' || a === '-h') {
      console.log('usage: node scripts/gen-model.mjs <modelDir> [--out file] [--botocore version] [--model-date yyyy-mm-dd]');
      process.exit(0);
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else opts.modelDir = resolve(a);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
if (!opts.modelDir) {
  console.error('gen-model: name the folder that holds kms-2014-11-01.service-2.json (botocore\'s KMS model): node scripts/gen-model.mjs <modelDir>, or set KMS_MODEL_DIR');
  process.exit(2);
}
const modelPath = join(opts.modelDir, 'kms-2014-11-01.service-2.json');
const modelText = readFileSync(modelPath, 'utf8');
const model = JSON.parse(modelText);
const modelSha = createHash('sha256').update(modelText).digest('hex');

// ---------------------------------------------------------------------------------------------
// Version information

function readBotocoreInfo() {
  let version = opts.botocore;
  let date = opts.modelDate;
  const readme = join(opts.modelDir, 'README.md');
  if ((!version || !date) && existsSync(readme)) {
    const row = readFileSync(readme, 'utf8')
      .split('\n')
      .find((l) => l.includes('kms-2014-11-01.service-2.json') && l.includes('botocore'));
    if (row) {
      version ??= /botocore\s+(\d+\.\d+\.\d+)/.exec(row)?.[1];
      // the date column is a cell holding only a date (the file name itself contains one)
      date ??= row
        .split('|')
        .map((c) => c.trim())
        .find((c) => /^\d{4}-\d{2}-\d{2}$/.test(c));
    }
  }
  return { version: version ?? 'unknown', date: date ?? 'unknown date' };
}

function findSdkEnums() {
  const files = readdirSync(opts.modelDir)
    .map((f) => ({ f, m: /^enums\.aws-sdk-client-kms-(\d+)\.(\d+)\.(\d+)\.d\.ts$/.exec(f) }))
    .filter((x) => x.m)
    .sort((a, b) => {
      for (let i = 1; i <= 3; i++) {
        const d = Number(a.m[i]) - Number(b.m[i]);
        if (d !== 0) return d;
      }
      return 0;
    });
  const last = files.at(-1);
  if (!last) return { version: null, enums: {} };
  const text = readFileSync(join(opts.modelDir, last.f), 'utf8');
  const enums = {};
  for (const m of text.matchAll(/export declare const (\w+): \{([^}]*)\};/g)) {
    enums[m[1]] = [...m[2].matchAll(/readonly\s+[\w$]+\s*:\s*"([^"]*)"/g)].map((v) => v[1]);
  }
  return { version: `${last.m[1]}.${last.m[2]}.${last.m[3]}`, enums };
}

const boto = readBotocoreInfo();
const sdk = findSdkEnums();
const MODEL_VERSION =
  `botocore ${boto.version} (${boto.date})` + (sdk.version ? ` + @aws-sdk/client-kms ${sdk.version} enums` : '');

// ---------------------------------------------------------------------------------------------
// Enum merging: model order first, then the values only the SDK knows, in natural order
// (ML_KEM_512 before ML_KEM_1024). The SDK lists its values alphabetically, so its order
// carries no information about the service's own order.

const natural = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

function mergedEnum(name, modelValues) {
  const extra = (sdk.enums[name] ?? []).filter((v) => !modelValues.includes(v)).sort(natural.compare);
  return [...modelValues, ...extra];
}

// ---------------------------------------------------------------------------------------------
// Reachability

const S = model.shapes;
const opNames = Object.keys(model.operations).sort();
const reachable = new Set();
function walk(name) {
  if (reachable.has(name)) return;
  const s = S[name];
  if (!s) throw new Error(`shape ${name} is referenced but not defined`);
  reachable.add(name);
  if (s.type === 'structure') for (const m of Object.values(s.members)) walk(m.shape);
  else if (s.type === 'list') walk(s.member.shape);
  else if (s.type === 'map') {
    walk(s.key.shape);
    walk(s.value.shape);
  }
}
for (const op of opNames) {
  const o = model.operations[op];
  if (o.input) walk(o.input.shape);
  if (o.output) walk(o.output.shape);
}
const shapeNames = [...reachable].sort();

// ---------------------------------------------------------------------------------------------
// Emission helpers

const ident = /^[A-Za-z_$][\w$]*$/;
const key = (k) => (ident.test(k) ? k : JSON.stringify(k));
// single-quoted TypeScript string literal
const str = (v) => `'${JSON.stringify(v).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
const strList = (a) => `[${a.map(str).join(', ')}]`;

function shapeDef(name) {
  const s = S[name];
  const parts = [`type: ${str(s.type)}`];
  const num = (k) => {
    if (typeof s[k] === 'number') parts.push(`${k}: ${s[k]}`);
  };
  switch (s.type) {
    case 'string':
      num('min');
      num('max');
      if (s.pattern !== undefined) parts.push(`pattern: ${str(s.pattern)}`);
      if (s.enum) parts.push(`enum: ENUMS.${name}`);
      if (s.sensitive) parts.push('sensitive: true');
      break;
    case 'integer':
    case 'long':
      num('min');
      num('max');
      break;
    case 'boolean':
    case 'timestamp':
      break;
    case 'blob':
      num('min');
      num('max');
      if (s.sensitive) parts.push('sensitive: true');
      break;
    case 'list':
      parts.push(`member: ${str(s.member.shape)}`);
      num('min');
      num('max');
      break;
    case 'map':
      parts.push(`key: ${str(s.key.shape)}`, `value: ${str(s.value.shape)}`);
      num('min');
      num('max');
      break;
    case 'structure': {
      const members = Object.entries(s.members).map(([m, d]) => `${key(m)}: ${str(d.shape)}`);
      parts.push(`members: { ${members.join(', ')} }`, `required: ${strList(s.required ?? [])}`);
      if (s.sensitive) parts.push('sensitive: true');
      break;
    }
    default:
      throw new Error(`shape ${name}: unsupported type ${s.type}`);
  }
  return `{ ${parts.join(', ')} }`;
}

function tsType(name) {
  const s = S[name];
  switch (s.type) {
    case 'string':
      return s.enum ? name : 'string';
    case 'integer':
    case 'long':
    case 'timestamp':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'blob':
      return 'string';
    case 'list':
      return `${tsType(s.member.shape)}[]`;
    case 'map':
      return `Record<string, ${tsType(s.value.shape)}>`;
    case 'structure':
      return name;
    default:
      throw new Error(`shape ${name}: unsupported type ${s.type}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Enums: every enum shape of the model (reachable or not) plus the SDK-only ones.

const enumNames = new Set(Object.keys(S).filter((n) => S[n].enum));
for (const n of Object.keys(sdk.enums)) enumNames.add(n);
const enums = [...enumNames].sort().map((n) => [n, S[n]?.enum ? mergedEnum(n, S[n].enum) : [...sdk.enums[n]].sort(natural.compare)]);
for (const n of shapeNames) if (S[n].enum && !enumNames.has(n)) throw new Error(`enum ${n} missing`);

// ---------------------------------------------------------------------------------------------
// Output

const out = [];
const w = (l = '') => out.push(l);

w('// GENERATED FILE: do not edit by hand.');
w(`// Source: ${MODEL_VERSION}.`);
w(`//   botocore kms/2014-11-01/service-2.json, sha256 ${modelSha}`);
w('// Derived data only (types and constraints; no documentation text). Regenerate with:');
w('//   node scripts/gen-model.mjs <modelDir>     (a folder with botocore\'s kms-2014-11-01.service-2.json)');
w('/* eslint-disable */');
w();
w(`export const MODEL_VERSION: string = ${str(MODEL_VERSION)};`);
w();
w('export type ShapeDef =');
w("  | { type: 'string'; min?: number; max?: number; pattern?: string; enum?: readonly string[]; sensitive?: true }");
w("  | { type: 'integer' | 'long'; min?: number; max?: number }");
w("  | { type: 'boolean' }");
w("  | { type: 'blob'; min?: number; max?: number; sensitive?: true }");
w("  | { type: 'timestamp' }");
w("  | { type: 'list'; member: string; min?: number; max?: number }");
w("  | { type: 'map'; key: string; value: string; min?: number; max?: number }");
w("  | { type: 'structure'; members: Readonly<Record<string, string>>; required: readonly string[]; sensitive?: true };");
w();
w('/** Enum values: the model\'s, in model order, then values only the newer SDK knows. */');
w('export const ENUMS = {');
for (const [n, values] of enums) w(`  ${n}: ${strList(values)},`);
w('} as const;');
w();
for (const [n] of enums) w(`export type ${n} = (typeof ENUMS.${n})[number];`);
w();
w(`/** ${shapeNames.length} shapes: everything reachable from the operations' inputs and outputs. */`);
w('export const SHAPES: Readonly<Record<string, ShapeDef>> = {');
for (const n of shapeNames) w(`  ${key(n)}: ${shapeDef(n)},`);
w('};');
w();
w('export type OperationName =');
opNames.forEach((op, i) => w(`  | ${str(op)}${i === opNames.length - 1 ? ';' : ''}`));
w();
w('export const OPERATION_NAMES: readonly OperationName[] = [');
for (const op of opNames) w(`  ${str(op)},`);
w('];');
w();
w('export interface OperationDef {');
w('  /** input structure shape name */');
w('  readonly input: string | null;');
w('  /** output structure shape name; null when the operation answers with an empty body */');
w('  readonly output: string | null;');
w('  /** modelled exception shape names, in model order */');
w('  readonly errors: readonly string[];');
w('}');
w();
w('export const OPERATIONS: Readonly<Record<OperationName, OperationDef>> = {');
for (const op of opNames) {
  const o = model.operations[op];
  const errors = (o.errors ?? []).map((e) => e.shape);
  w(`  ${op}: { input: ${o.input ? str(o.input.shape) : 'null'}, output: ${o.output ? str(o.output.shape) : 'null'}, errors: ${strList(errors)} },`);
}
w('};');
w();
w('// ---- Structures ----');
for (const n of shapeNames) {
  const s = S[n];
  if (s.type !== 'structure') continue;
  const required = new Set(s.required ?? []);
  w();
  w(`export interface ${n} {`);
  for (const [m, d] of Object.entries(s.members)) {
    if (d.deprecated) w('  /** @deprecated */');
    w(`  ${key(m)}${required.has(m) ? '' : '?'}: ${tsType(d.shape)};`);
  }
  w('}');
}
w();
w('/** Request and response body types per operation (void: empty response body). */');
w('export interface OperationIO {');
for (const op of opNames) {
  const o = model.operations[op];
  const input = o.input ? o.input.shape : 'Record<string, never>';
  const output = o.output ? o.output.shape : 'void';
  w(`  ${op}: { input: ${input}; output: ${output} };`);
}
w('}');
w();
w("export type OperationInput<O extends OperationName> = OperationIO[O]['input'];");
w("export type OperationOutput<O extends OperationName> = OperationIO[O]['output'];");

if (opNames.length !== 54) console.warn(`note: the model has ${opNames.length} operations (54 expected)`);
writeFileSync(opts.out, out.join('\n') + '\n');
console.log(
  `wrote ${relative(process.cwd(), opts.out)}: ${opNames.length} operations, ${shapeNames.length} shapes, ${enums.length} enums (${MODEL_VERSION})`,
);
