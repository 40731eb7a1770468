/**
 * "Copy as …": the current request as AWS CLI v2, boto3 and AWS SDK for JavaScript v3 code.
 * Blob members are base64 strings in the JSON body; the SDKs want bytes, so they are decoded there.
 */

import type { CodeFlavour } from './codeFlavours';
import { commentText, hex4, jsString, kebab, numberText, safeJson, shellJson, shellQuote, shellWord, UNSAFE_CHARS } from '../scenario/literals';

export { kebab };

export { FLAVOUR_LABELS, type CodeFlavour } from './codeFlavours';

export interface CodeInput {
  operation: string;
  body: string;
  region: string;
  callerArn: string;
  rootArn: string;
  /** is the member at this path (e.g. ["Recipient", "AttestationDocument"]) a blob? */
  isBlob?: (path: readonly string[]) => boolean;
}

const BLOB_MEMBERS = new Set([
  'Plaintext',
  'CiphertextBlob',
  'Message',
  'Signature',
  'Mac',
  'PublicKey',
  'AttestationDocument',
  'ImportToken',
  'EncryptedKeyMaterial',
  'Ciphertext',
]);

/** The fallback blob test: KMS's blob members by name. */
export function isBlobByName(path: readonly string[]): boolean {
  return path.length > 0 && BLOB_MEMBERS.has(path[path.length - 1]) && !path.includes('EncryptionContext');
}


export function snake(operation: string): string {
  return kebab(operation).replaceAll('-', '_');
}

function parseBody(body: string): { ok: true; value: Record<string, unknown> } | { ok: false } {
  try {
    const v: unknown = JSON.parse(body.trim() ? body : '{}');
    if (v && typeof v === 'object' && !Array.isArray(v)) return { ok: true, value: v as Record<string, unknown> };
  } catch {
    /* fall through */
  }
  return { ok: false };
}

/*
 * Every name and value below may come from a hostile share link, so nothing reaches the output raw:
 * values and member names are string literals (or JSON inside one single-quoted shell word), the
 * operation must be letters only, and the text in comments can neither end the comment nor carry
 * characters a terminal or an editor would act on.
 */

/** a code point as a Python escape (Python reads "\ud83d\ude00" as two lone surrogates, so \U beyond U+FFFF) */
function pyEscape(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return cp <= 0xffff ? hex4(cp) : `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** a Python string literal (JSON's escapes \" \\ \b \f \n \r \t \uXXXX all mean the same in Python) */
function pyString(s: string): string {
  return JSON.stringify(s).replace(UNSAFE_CHARS, pyEscape);
}

function callerComment(input: CodeInput, prefix: string, lang: 'sh' | 'py' | 'js'): string {
  const show =
    lang === 'sh'
      ? // zsh without INTERACTIVE_COMMENTS runs a pasted "# ..." line as a command, so the ARN is one quoted word there too
        (s: string) => shellWord(s) ?? shellQuote(commentText(s, 'sh'))
      : (s: string) => commentText(s, lang);
  return input.callerArn === input.rootArn
    ? `${prefix} Caller: the account root (${show(input.rootArn)})\n`
    : `${prefix} Caller: ${show(input.callerArn)} (use credentials for this principal)\n`;
}

/** KMS operation names are letters only; anything else is refused rather than written as a method or command name */
const OPERATION = /^[A-Za-z]+$/;

/** Python rejects deeper bracket nesting (its limit is 200), and no KMS request comes near it */
const MAX_DEPTH = 100;

/** does v nest deeper than limit? (stops looking at the limit, so a hostile body cannot exhaust the stack) */
function nestsDeeper(v: unknown, limit: number): boolean {
  if (!v || typeof v !== 'object') return false;
  if (limit === 0) return true;
  return Object.values(v as Record<string, unknown>).some((x) => nestsDeeper(x, limit - 1));
}

/** the reason no code can be written for this request, or undefined */
function refusal(input: CodeInput, parsed: ReturnType<typeof parseBody>): string | undefined {
  if (!OPERATION.test(input.operation)) return 'The operation name is not a KMS operation name (letters only): no code is written.';
  if (!parsed.ok) return 'The body is not a JSON object yet: fix it in the editor first.';
  if (nestsDeeper(parsed.value, MAX_DEPTH)) return `The body nests deeper than ${MAX_DEPTH} levels: no code is written.`;
  return undefined;
}

function toCli(input: CodeInput): string {
  const parsed = parseBody(input.body);
  const head = callerComment(input, '#', 'sh');
  const refused = refusal(input, parsed);
  if (refused || !parsed.ok) return `${head}# ${refused}\n`;
  const region = shellWord(input.region);
  if (region === undefined) return `${head}# The region holds control or invisible characters, so it cannot be written as a shell word: no code is written.\n`;
  const lines = [`aws kms ${kebab(input.operation)}`, `  --region ${region}`];
  if (Object.keys(parsed.value).length > 0) lines.push(`  --cli-input-json ${shellJson(safeJson(parsed.value))}`);
  return head + lines.join(' \\\n') + '\n';
}

function pyValue(v: unknown, path: string[], isBlob: (p: readonly string[]) => boolean, indent: string, uses: Set<string>): string {
  if (typeof v === 'string') {
    if (isBlob(path)) {
      uses.add('base64');
      return `base64.b64decode(${pyString(v)})`;
    }
    return pyString(v);
  }
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return numberText(v);
  const inner = indent + '    ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + pyValue(x, path, isBlob, inner, uses)).join(',\n')},\n${indent}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${pyString(k)}: ${pyValue(x, [...path, k], isBlob, inner, uses)}`).join(',\n')},\n${indent}}`;
}

/** Python's keywords (and __debug__, which cannot be assigned either): no keyword argument or attribute can have these names */
const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield __debug__'.split(
    ' ',
  ),
);

/** ASCII only: Python NFKC-normalises other identifiers, so "ｆoo=" would pass foo */
const PY_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function pyName(name: string): boolean {
  return PY_IDENT.test(name) && !PY_KEYWORDS.has(name);
}

function toBoto3(input: CodeInput): string {
  const parsed = parseBody(input.body);
  const head = callerComment(input, '#', 'py');
  const refused = refusal(input, parsed);
  if (refused || !parsed.ok) return `${head}# ${refused}\n`;
  const isBlob = input.isBlob ?? isBlobByName;
  const uses = new Set<string>();
  // a member whose name is not a plain identifier is passed as **{"name": value}, never written as code
  const args = Object.entries(parsed.value).map(([k, v]) => {
    const value = pyValue(v, [k], isBlob, '    ', uses);
    return pyName(k) ? `    ${k}=${value},` : `    **{${pyString(k)}: ${value}},`;
  });
  const imports = [...(uses.has('base64') ? ['import base64'] : []), 'import boto3'].join('\n');
  const method = snake(input.operation);
  const fn = pyName(method) ? `kms.${method}` : `getattr(kms, ${pyString(method)})`;
  const call = args.length ? `${fn}(\n${args.join('\n')}\n)` : `${fn}()`;
  return `${head}${imports}\n\nkms = boto3.client("kms", region_name=${pyString(input.region)})\nresponse = ${call}\nprint(response)\n`;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** an object literal key; "__proto__" (bare or quoted) would set the prototype instead of a member, so it is computed */
function jsKey(k: string): string {
  if (k === '__proto__') return `[${jsString(k)}]`;
  return IDENT.test(k) ? k : jsString(k);
}

function jsValue(v: unknown, path: string[], isBlob: (p: readonly string[]) => boolean, indent: string): string {
  if (typeof v === 'string') return isBlob(path) ? `Buffer.from(${jsString(v)}, "base64")` : jsString(v);
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return numberText(v);
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + jsValue(x, path, isBlob, inner)).join(',\n')},\n${indent}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${jsKey(k)}: ${jsValue(x, [...path, k], isBlob, inner)}`).join(',\n')},\n${indent}}`;
}

function toJsV3(input: CodeInput): string {
  const parsed = parseBody(input.body);
  const head = callerComment(input, '//', 'js');
  const refused = refusal(input, parsed);
  if (refused || !parsed.ok) return `${head}// ${refused}\n`;
  const isBlob = input.isBlob ?? isBlobByName;
  const cmd = `${input.operation}Command`;
  const arg = jsValue(parsed.value, [], isBlob, '  ');
  return (
    `${head}import { KMSClient, ${cmd} } from "@aws-sdk/client-kms";\n\n` +
    `const client = new KMSClient({ region: ${jsString(input.region)} });\n` +
    `const response = await client.send(\n  new ${cmd}(${arg}),\n);\nconsole.log(response);\n`
  );
}

export function generate(flavour: CodeFlavour, input: CodeInput): string {
  return flavour === 'cli' ? toCli(input) : flavour === 'boto3' ? toBoto3(input) : toJsV3(input);
}
