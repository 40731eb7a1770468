/**
 * "Copy as …": the current request as AWS CLI v2, boto3 and AWS SDK for JavaScript v3 code.
 * Blob members are base64 strings in the JSON body; the SDKs want bytes, so they are decoded there.
 */

import type { CodeFlavour } from './codeFlavours';

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

/** CreateGrant → create-grant; GenerateDataKeyWithoutPlaintext → generate-data-key-without-plaintext */
export function kebab(operation: string): string {
  return operation.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
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

function callerComment(input: CodeInput, prefix: string): string {
  return input.callerArn === input.rootArn
    ? `${prefix} Caller: the account root (${input.rootArn})\n`
    : `${prefix} Caller: ${input.callerArn} (use credentials for this principal)\n`;
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

export function toCli(input: CodeInput): string {
  const parsed = parseBody(input.body);
  const head = callerComment(input, '#');
  if (!parsed.ok) return `${head}# The body is not a JSON object yet: fix it in the editor first.\n`;
  const lines = [`aws kms ${kebab(input.operation)}`, `  --region ${input.region}`];
  if (Object.keys(parsed.value).length > 0) lines.push(`  --cli-input-json ${shellQuote(JSON.stringify(parsed.value))}`);
  return head + lines.join(' \\\n') + '\n';
}

function pyValue(v: unknown, path: string[], isBlob: (p: readonly string[]) => boolean, indent: string, uses: Set<string>): string {
  if (typeof v === 'string') {
    if (isBlob(path)) {
      uses.add('base64');
      return `base64.b64decode(${JSON.stringify(v)})`;
    }
    return JSON.stringify(v);
  }
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  const inner = indent + '    ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + pyValue(x, path, isBlob, inner, uses)).join(',\n')},\n${indent}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pyValue(x, [...path, k], isBlob, inner, uses)}`).join(',\n')},\n${indent}}`;
}

export function toBoto3(input: CodeInput): string {
  const parsed = parseBody(input.body);
  const head = callerComment(input, '#');
  if (!parsed.ok) return `${head}# The body is not a JSON object yet: fix it in the editor first.\n`;
  const isBlob = input.isBlob ?? isBlobByName;
  const uses = new Set<string>();
  const args = Object.entries(parsed.value).map(([k, v]) => `    ${k}=${pyValue(v, [k], isBlob, '    ', uses)},`);
  const imports = [...(uses.has('base64') ? ['import base64'] : []), 'import boto3'].join('\n');
  const call = args.length ? `kms.${snake(input.operation)}(\n${args.join('\n')}\n)` : `kms.${snake(input.operation)}()`;
  return `${head}${imports}\n\nkms = boto3.client("kms", region_name=${JSON.stringify(input.region)})\nresponse = ${call}\nprint(response)\n`;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function jsValue(v: unknown, path: string[], isBlob: (p: readonly string[]) => boolean, indent: string): string {
  if (typeof v === 'string') return isBlob(path) ? `Buffer.from(${JSON.stringify(v)}, "base64")` : JSON.stringify(v);
  if (v === null || v === undefined) return 'undefined';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + jsValue(x, path, isBlob, inner)).join(',\n')},\n${indent}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries
    .map(([k, x]) => `${inner}${IDENT.test(k) ? k : JSON.stringify(k)}: ${jsValue(x, [...path, k], isBlob, inner)}`)
    .join(',\n')},\n${indent}}`;
}

export function toJsV3(input: CodeInput): string {
  const parsed = parseBody(input.body);
  const head = callerComment(input, '//');
  if (!parsed.ok) return `${head}// The body is not a JSON object yet: fix it in the editor first.\n`;
  const isBlob = input.isBlob ?? isBlobByName;
  const cmd = `${input.operation}Command`;
  const arg = jsValue(parsed.value, [], isBlob, '  ');
  return (
    `${head}import { KMSClient, ${cmd} } from "@aws-sdk/client-kms";\n\n` +
    `const client = new KMSClient({ region: ${JSON.stringify(input.region)} });\n` +
    `const response = await client.send(\n  new ${cmd}(${arg}),\n);\nconsole.log(response);\n`
  );
}

export function generate(flavour: CodeFlavour, input: CodeInput): string {
  return flavour === 'cli' ? toCli(input) : flavour === 'boto3' ? toBoto3(input) : toJsV3(input);
}
