/**
 * "Copy request as code" turns a request from a possibly hostile share link into AWS CLI, boto3 and
 * SDK for JavaScript v3 code. Every name and value in it is the attacker's, so each snippet must
 * parse, and run, as a call whose arguments are exactly the request: nothing else runs.
 *
 * Each language's snippets are run for real with a fake SDK that records the call:
 * - boto3: python3 parses the snippet (only the node kinds a call needs are allowed), execs it with
 *   fake boto3 and base64 modules, and prints the recorded kwargs as JSON;
 * - CLI: sh (dash) and bash run it with `aws` as a shell function that writes its argv NUL-separated;
 * - JavaScript: the TypeScript parser checks the shape, and node:vm runs it with a fake
 *   @aws-sdk/client-kms that records the command input.
 * Payloads try to touch a marker file (`$(touch …)`, backticks, `__import__("os")`), which must never appear.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import fc from 'fast-check';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, isBlobByName, kebab, snake, type CodeInput } from '../../src/ui/codegen';

const ROOT = 'arn:aws:iam::111122223333:root';
const ALICE = 'arn:aws:iam::111122223333:user/alice';

let work: string;
/** a payload that runs writes a file here */
let markerDir: string;
let marker: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'codegen-sec-'));
  markerDir = mkdtempSync(join(tmpdir(), 'codegen-marker-'));
  marker = join(markerDir, 'pwned');
  writeFileSync(join(work, 'harness.py'), PY_HARNESS);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(markerDir, { recursive: true, force: true });
});

function expectNoSideEffect(): void {
  expect(readdirSync(markerDir), 'a payload ran').toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// What each snippet must evaluate to

const BLOB = '\u0000blob';
const INF = '\u0000inf';

/**
 * The request as each harness reports it: blob members (base64.b64decode / Buffer.from) as
 * {BLOB: the string given}, ±Infinity as {INF: ±1}; objects are built with fromEntries, so a
 * "__proto__" member stays an own member.
 */
function marked(v: unknown, path: string[]): unknown {
  if (typeof v === 'string') return isBlobByName(path) ? { [BLOB]: v } : v;
  if (typeof v === 'number' && !Number.isFinite(v)) return { [INF]: v > 0 ? 1 : -1 };
  if (Array.isArray(v)) return v.map((x) => marked(x, path));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, marked(x, [...path, k])]));
  return v;
}

function expectedArgs(body: string): Record<string, unknown> {
  const parsed = JSON.parse(body.trim() ? body : '{}') as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, marked(v, [k])]));
}

/** JSON text, with own "__proto__" members kept (JSON.stringify writes own members) */
const canon = (v: unknown): string => JSON.stringify(v);

const codeOperation = (op: string): boolean => /^[A-Za-z]+$/.test(op);

/** the characters the generator never writes raw (mirrors its own list, but checked from outside) */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/u;

// ---------------------------------------------------------------------------------------------
// Python

const PY_HARNESS = String.raw`
import ast, builtins, json, math, sys, types

ALLOWED_NODES = (ast.Module, ast.Import, ast.alias, ast.Assign, ast.Expr, ast.Call, ast.Attribute, ast.Name,
                 ast.Load, ast.Store, ast.keyword, ast.Constant, ast.Dict, ast.List, ast.UnaryOp, ast.USub)
ALLOWED_NAMES = {"base64", "boto3", "kms", "response", "print", "getattr"}

class Blob:
    def __init__(self, s):
        if not isinstance(s, str):
            raise TypeError("b64decode got " + repr(s))
        self.s = s

def plain(o):
    if isinstance(o, Blob):
        return {"\u0000blob": o.s}
    if isinstance(o, float) and math.isinf(o):
        return {"\u0000inf": 1 if o > 0 else -1}
    if isinstance(o, dict):
        return {k: plain(v) for k, v in o.items()}
    if isinstance(o, list):
        return [plain(v) for v in o]
    return o

def run(code):
    tree = ast.parse(code, mode="exec")
    for node in ast.walk(tree):
        if not isinstance(node, ALLOWED_NODES):
            raise ValueError("node not allowed: " + type(node).__name__)
        if isinstance(node, ast.Name) and node.id not in ALLOWED_NAMES:
            raise ValueError("name not allowed: " + node.id)
        if isinstance(node, ast.UnaryOp) and not isinstance(node.operand, ast.Constant):
            raise ValueError("minus on a non-constant")
    rec = {"calls": []}

    class Client:
        def __getattr__(self, name):
            def call(*args, **kwargs):
                if args:
                    raise TypeError("positional arguments")
                rec["calls"].append({"method": name, "kwargs": kwargs})
                return {}
            return call

    def client(*args, **kwargs):
        rec["client"] = {"args": list(args), "kwargs": kwargs}
        return Client()

    boto3 = types.ModuleType("boto3")
    boto3.client = client
    base64 = types.ModuleType("base64")
    base64.b64decode = Blob
    sys.modules["boto3"] = boto3
    sys.modules["base64"] = base64
    g = {"__builtins__": dict(vars(builtins), print=lambda *a, **k: None)}
    exec(compile(tree, "<snippet>", "exec"), g)
    return plain(rec)

out = []
for code in json.load(sys.stdin):
    try:
        out.append({"ok": True, "rec": run(code)})
    except BaseException as e:
        out.append({"ok": False, "error": type(e).__name__ + ": " + str(e)})
sys.stdout.write(json.dumps(out, ensure_ascii=True))
`;

interface PyResult {
  ok: boolean;
  error?: string;
  rec?: { client?: { args: unknown[]; kwargs: Record<string, unknown> }; calls: Array<{ method: string; kwargs: Record<string, unknown> }> };
}

function runPython(snippets: readonly string[]): PyResult[] {
  const r = spawnSync('python3', [join(work, 'harness.py')], { input: JSON.stringify(snippets), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as PyResult[];
}

function checkPython(input: CodeInput, code: string, res: PyResult): void {
  const what = `boto3 for ${JSON.stringify(input)}:\n${code}\n→ ${JSON.stringify(res)}`;
  expect(res.ok, what).toBe(true);
  if (!codeOperation(input.operation)) {
    expect(res.rec!.calls, what).toEqual([]);
    expect(res.rec!.client, what).toBeUndefined();
    return;
  }
  expect(canon(res.rec!.client), what).toBe(canon({ args: ['kms'], kwargs: { region_name: input.region } }));
  expect(res.rec!.calls.length, what).toBe(1);
  expect(res.rec!.calls[0].method, what).toBe(snake(input.operation));
  expect(canon(res.rec!.calls[0].kwargs), what).toBe(canon(expectedArgs(input.body)));
}

// ---------------------------------------------------------------------------------------------
// Shell

/** runs every snippet in one shell; case i's argv (if it called aws) ends up in out/i */
function runShell(shell: 'sh' | 'bash', snippets: readonly string[]): Array<string[] | undefined> {
  const dir = mkdtempSync(join(work, `${shell}-`));
  const script = [
    `OUT='${dir}'`,
    `aws() { printf '%s\\0' "$@" > "$OUT/$N"; }`,
    ...snippets.flatMap((s, i) => [`N=${i}`, s]),
    `printf done`,
  ].join('\n');
  writeFileSync(join(dir, 'script.sh'), script);
  const r = spawnSync(shell, [join(dir, 'script.sh')], { encoding: 'utf8', cwd: dir });
  expect(r.stdout, `${shell} did not reach the end of the batch: ${r.stderr}`).toBe('done');
  return snippets.map((_, i) => {
    const f = join(dir, String(i));
    if (!existsSync(f)) return undefined;
    const argv = readFileSync(f, 'utf8').split('\0');
    expect(argv.pop()).toBe('');
    return argv;
  });
}

function checkShell(shell: string, input: CodeInput, code: string, argv: string[] | undefined): void {
  const what = `${shell} CLI for ${JSON.stringify(input)}:\n${code}\n→ ${JSON.stringify(argv)}`;
  // the whole command is printable text: nothing a terminal would act on when it is pasted
  expect(UNSAFE.test(code.replaceAll('\n', '')), what).toBe(false);
  if (!codeOperation(input.operation) || UNSAFE.test(input.region)) {
    expect(argv, `${what}\n(should be refused)`).toBeUndefined();
    return;
  }
  expect(argv, what).toBeDefined();
  const [kms, op, regionFlag, region, ...rest] = argv!;
  expect([kms, op, regionFlag, region], what).toEqual(['kms', kebab(input.operation), '--region', input.region]);
  const expected = JSON.parse(input.body.trim() ? input.body : '{}') as object;
  if (Object.keys(expected).length === 0) {
    expect(rest, what).toEqual([]);
    return;
  }
  expect(rest.length, what).toBe(2);
  expect(rest[0], what).toBe('--cli-input-json');
  expect(canon(JSON.parse(rest[1])), what).toBe(canon(expected));
}

// ---------------------------------------------------------------------------------------------
// JavaScript

const ALLOWED_JS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.SourceFile,
  ts.SyntaxKind.ImportDeclaration,
  ts.SyntaxKind.ImportClause,
  ts.SyntaxKind.NamedImports,
  ts.SyntaxKind.ImportSpecifier,
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.Identifier,
  ts.SyntaxKind.VariableStatement,
  ts.SyntaxKind.VariableDeclarationList,
  ts.SyntaxKind.VariableDeclaration,
  ts.SyntaxKind.NewExpression,
  ts.SyntaxKind.ObjectLiteralExpression,
  ts.SyntaxKind.PropertyAssignment,
  ts.SyntaxKind.ComputedPropertyName,
  ts.SyntaxKind.ArrayLiteralExpression,
  ts.SyntaxKind.AwaitExpression,
  ts.SyntaxKind.CallExpression,
  ts.SyntaxKind.PropertyAccessExpression,
  ts.SyntaxKind.ExpressionStatement,
  ts.SyntaxKind.NumericLiteral,
  ts.SyntaxKind.PrefixUnaryExpression,
  ts.SyntaxKind.TrueKeyword,
  ts.SyntaxKind.FalseKeyword,
  ts.SyntaxKind.NullKeyword,
  ts.SyntaxKind.EndOfFileToken,
]);

class FakeBlob {
  constructor(readonly s: unknown) {}
}

/** the recorded input in the harness's shape; objects must be plain objects of the snippet's realm */
function jsPlain(v: unknown, objectProto: object): unknown {
  if (v instanceof FakeBlob) return { [BLOB]: v.s };
  if (typeof v === 'number' && !Number.isFinite(v)) return { [INF]: v > 0 ? 1 : -1 };
  if (Array.isArray(v)) return v.map((x) => jsPlain(x, objectProto));
  if (v && typeof v === 'object') {
    if (Object.getPrototypeOf(v) !== objectProto) throw new Error('an object with a changed prototype');
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsPlain(x, objectProto)]));
  }
  return v;
}

interface JsResult {
  imports: string[];
  region?: unknown;
  command?: string;
  input?: unknown;
  statements: number;
}

async function runJs(code: string): Promise<JsResult> {
  const sf = ts.createSourceFile('snippet.mjs', code, ts.ScriptTarget.ESNext, true, ts.ScriptKind.JS);
  // the parser's own syntax errors (V8 parses the rest again when it runs it)
  const syntax = (sf as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics;
  if (!syntax) throw new Error('this TypeScript no longer exposes parseDiagnostics: check syntax another way');
  if (syntax.length) throw new Error(`syntax: ${ts.flattenDiagnosticMessageText(syntax[0].messageText, '\n')}`);
  const visit = (n: ts.Node): void => {
    if (!ALLOWED_JS.has(n.kind)) throw new Error(`node not allowed: ${ts.SyntaxKind[n.kind]}`);
    if (ts.isPrefixUnaryExpression(n) && (n.operator !== ts.SyntaxKind.MinusToken || !ts.isNumericLiteral(n.operand))) throw new Error('unary on a non-number');
    ts.forEachChild(n, visit);
  };
  visit(sf);
  const result: JsResult = { imports: [], statements: sf.statements.length };
  if (sf.statements.length === 0) return result;
  const [imp, ...rest] = sf.statements;
  if (!ts.isImportDeclaration(imp) || !ts.isStringLiteral(imp.moduleSpecifier) || imp.moduleSpecifier.text !== '@aws-sdk/client-kms') throw new Error('first statement is not the SDK import');
  const named = imp.importClause?.namedBindings;
  if (!named || !ts.isNamedImports(named)) throw new Error('no named imports');
  result.imports = named.elements.map((e) => e.name.text);

  const ctx = vm.createContext({});
  const objectProto = vm.runInContext('Object.prototype', ctx) as object;
  const fake: Record<string, unknown> = {
    KMSClient: class {
      constructor(config: { region?: unknown }) {
        result.region = config.region;
      }
      async send(cmd: { name: string; input: unknown }) {
        result.command = cmd.name;
        result.input = jsPlain(cmd.input, objectProto);
        return {};
      }
    },
  };
  for (const name of result.imports)
    if (name !== 'KMSClient')
      fake[name] = class {
        name = name;
        constructor(readonly input: unknown) {}
      };
  Object.assign(ctx, { __kms: fake, Buffer: { from: (s: unknown, enc: unknown) => (enc === 'base64' ? new FakeBlob(s) : null) }, console: { log() {} } });
  // the import becomes a destructuring of the fake module; the rest runs as written, in an async function for its await
  const body = code.slice(rest[0].getFullStart());
  await (vm.runInContext(`(async () => { const { ${result.imports.join(', ')} } = __kms;\n${body}\n})()`, ctx) as Promise<void>);
  return result;
}

async function checkJs(input: CodeInput, code: string): Promise<void> {
  let res: JsResult;
  try {
    res = await runJs(code);
  } catch (e) {
    throw new Error(`JS for ${JSON.stringify(input)}:\n${code}\n→ ${String(e)}`);
  }
  const what = `JS for ${JSON.stringify(input)}:\n${code}\n→ ${JSON.stringify(res)}`;
  expect(/<\/|<!--/.test(code), `${what}\n(no </script> or <!-- in the snippet)`).toBe(false);
  if (!codeOperation(input.operation)) {
    expect(res.statements, what).toBe(0);
    return;
  }
  expect(res.imports, what).toEqual(['KMSClient', `${input.operation}Command`]);
  expect(res.region, what).toBe(input.region);
  expect(res.command, what).toBe(`${input.operation}Command`);
  expect(canon(res.input), what).toBe(canon(expectedArgs(input.body)));
}

// ---------------------------------------------------------------------------------------------
// The caller ARN only ever touches the first line, which stays one comment

const LINE_BREAK = /[\n\r\v\f\u0085\u2028\u2029]/;

function checkCallerLine(input: CodeInput): void {
  for (const flavour of ['cli', 'boto3', 'js'] as const) {
    const code = generate(flavour, input);
    const benign = generate(flavour, { ...input, callerArn: ALICE, rootArn: ROOT });
    const [first, ...rest] = code.split('\n');
    const what = `${flavour} for ${JSON.stringify(input)}:\n${code}`;
    expect(rest.join('\n'), what).toBe(benign.split('\n').slice(1).join('\n'));
    expect(first.startsWith(flavour === 'js' ? '// Caller: ' : '# Caller: '), what).toBe(true);
    expect(LINE_BREAK.test(first), what).toBe(false);
    expect(UNSAFE.test(first), what).toBe(false);
    // Python reads coding[:=] in a comment on line 1 or 2 as the file's encoding
    if (flavour === 'boto3') expect(/^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/.test(first), what).toBe(false);
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile inputs

const hostileFragments = () => [
  "'",
  '"',
  '\\',
  '\\u0000',
  '\n',
  '\r\n',
  '\t',
  '\u2028',
  '\u2029',
  '\u0085',
  '\u0000',
  '\u001b[2J',
  '\u007f',
  '\u202e',
  '\ufeff',
  '\u200b',
  '\ud800',
  '\udfff',
  '\u{1F600}',
  '\u{10FFFF}',
  'é',
  'ｆ',
  '$(touch ' + marker + ')',
  '`touch ' + marker + '`',
  "'; touch " + marker + "; '",
  '"; touch ' + marker + '; "',
  '${IFS}',
  '$HOME',
  '~',
  '*',
  '!!',
  '#',
  ';',
  '&&',
  '|',
  '=',
  ',',
  ' ',
  '(',
  ')',
  '**',
  '__import__("os").system("touch ' + marker + '")',
  'require("fs").writeFileSync("' + marker + '", "")',
  '</script>',
  '<!--',
  '*/',
  '+ACI-',
  'coding=utf-7',
  '-*- coding: latin-1 -*-',
  '__proto__',
  'constructor',
  'class',
  'import',
  'None',
  '__debug__',
  'Plaintext',
  'EncryptionContext',
  '--debug',
  '-',
  '1',
];

function arbitraries() {
  const fragment = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...hostileFragments()) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
    { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
  );
  const hostile = fc.array(fragment, { maxLength: 5 }).map((xs) => xs.join(''));
  const name = fc.oneof(
    hostile,
    fc.constantFrom('KeyId', 'Description', 'Plaintext', 'CiphertextBlob', 'EncryptionContext', '__proto__', 'class', 'None', 'ｆoo', '__debug__', '_x', 'a b', '1a', '$x'),
  );
  const leaf = fc.oneof(
    hostile,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('aGVsbG8=', '', '1e400'),
  );
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(name, tie('value'), { maxKeys: 3 })),
  }));
  const body = fc.oneof(
    { weight: 8, arbitrary: fc.dictionary(name, value, { maxKeys: 5 }).map((o) => JSON.stringify(o)) },
    // a number JSON.parse reads as Infinity, written as text
    { weight: 1, arbitrary: fc.constantFrom('{"N":1e400,"M":[-1e400]}', '', '  ', '{}') },
  );
  const operation = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('CreateKey', 'Encrypt', 'CreateGrant', 'GenerateDataKeyWithoutPlaintext', 'Import', 'Class', 'If', 'None') },
    { weight: 1, arbitrary: hostile },
  );
  const region = fc.oneof({ weight: 2, arbitrary: fc.constantFrom('us-east-1', 'eu-west-2') }, { weight: 3, arbitrary: hostile });
  const callerArn = fc.oneof(fc.constant(ROOT), fc.constant(ALICE), hostile, hostile.map((s) => `arn:aws:iam::111122223333:user/${s}`));
  return fc.record({ operation, body, region, callerArn, rootArn: fc.oneof({ weight: 3, arbitrary: fc.constant(ROOT) }, { weight: 1, arbitrary: hostile }) });
}

const RUNS = Number(process.env.CODEGEN_RUNS ?? 300);
const seed = Number(process.env.CODEGEN_SEED ?? Date.now() % 2 ** 31);

describe(`generated code, property (seed ${seed}: CODEGEN_SEED=${seed} repeats it)`, () => {
  let cases: CodeInput[];
  beforeAll(() => {
    cases = fc.sample(arbitraries(), { numRuns: RUNS, seed });
  });

  it('boto3 parses, allows only a call, and passes exactly the request', () => {
    const codes = cases.map((c) => generate('boto3', c));
    const results = runPython(codes);
    cases.forEach((c, i) => checkPython(c, codes[i], results[i]));
    expectNoSideEffect();
  });

  it('the CLI command gives aws exactly the request, under sh and bash', () => {
    const codes = cases.map((c) => generate('cli', c));
    for (const shell of ['sh', 'bash'] as const) {
      const argvs = runShell(shell, codes);
      cases.forEach((c, i) => checkShell(shell, c, codes[i], argvs[i]));
    }
    expectNoSideEffect();
  });

  it('the JavaScript parses, allows only the SDK call, and sends exactly the request', async () => {
    for (const c of cases) await checkJs(c, generate('js', c));
    expectNoSideEffect();
  });

  it('the caller ARN stays on the first line, as one comment', () => {
    for (const c of cases) checkCallerLine(c);
  });
});

// ---------------------------------------------------------------------------------------------
// The inputs from the attack run, and each escape on its own

describe('generated code, the known attacks', () => {
  const base: CodeInput = { operation: 'CreateKey', body: '{}', region: 'us-east-1', callerArn: ALICE, rootArn: ROOT };
  const pyAttack = () => `Description=__import__("os").system("touch ${marker}") and "a" or "b", Tags`;
  /** runs the inputs as boto3 (one python3) and CLI (one sh, one bash), checks them and the caller line; the first one's code */
  const all = (...inputs: CodeInput[]) => {
    const py = inputs.map((i) => generate('boto3', i));
    runPython(py).forEach((r, n) => checkPython(inputs[n], py[n], r));
    const cli = inputs.map((i) => generate('cli', i));
    for (const shell of ['sh', 'bash'] as const) runShell(shell, cli).forEach((argv, n) => checkShell(shell, inputs[n], cli[n], argv));
    inputs.forEach(checkCallerLine);
    return { py: py[0], cli: cli[0] };
  };

  it('a boto3 member name with Python code in it is a string key of **{...}, and runs nothing', async () => {
    const input = { ...base, body: JSON.stringify({ [pyAttack()]: 'x', Description: 'd' }) };
    const { py } = all(input);
    await checkJs(input, generate('js', input));
    expect(py).toContain(`**{${JSON.stringify(pyAttack())}: "x"},`);
    expect(py).toContain('    Description="d",');
    expectNoSideEffect();
  });

  it('keywords, non-ASCII and __debug__ member names are passed as **{...}; plain ones stay keyword arguments', () => {
    const input = { ...base, body: JSON.stringify({ class: 1, None: 2, __debug__: 3, ｆoo: 4, 'a-b': 5, KeyId: 'k', _x: 6 }) };
    const { py } = all(input);
    for (const k of ['class', 'None', '__debug__', 'ｆoo', 'a-b']) expect(py).toContain(`**{"${k}": `);
    expect(py).toContain('    KeyId="k",');
    expect(py).toContain('    _x=6,');
  });

  it('a region with $(...) is one quoted shell word, and runs nothing', async () => {
    const region = 'us-east-1$(touch${IFS}' + marker + ')';
    const input = { ...base, region, body: '{"Description":"x"}' };
    const { cli } = all(input);
    await checkJs(input, generate('js', input));
    expect(cli).toContain(`  --region 'us-east-1$(touch\${IFS}${marker})' \\\n`);
    expectNoSideEffect();
  });

  it('regions with quotes, backslashes and backticks are quoted so sh, bash (and fish) read them back', () => {
    all(...["us-east-1'; touch " + marker + "; '", 'x\\', '`touch ' + marker + '`', '', '-x', '=x', '~'].map((region) => ({ ...base, region, body: '{"A":1}' })));
    expect(generate('cli', { ...base, region: 'x\\', body: '{"A":1}' })).toContain("  --region 'x'\\\\'' \\\n");
    expectNoSideEffect();
  });

  it('a region with a control character is refused by the CLI flavour (a raw one could act on the terminal it is pasted into)', () => {
    const regions = ['us-east-1\ntouch ' + marker, 'us-east-1\u001b[201~', 'a\u0000', 'us\u202eeast'];
    for (const region of regions) {
      const cli = generate('cli', { ...base, region });
      expect(cli).not.toContain('aws kms');
      expect(cli).toMatch(/^# Caller: .*\n# The region holds control or invisible characters/);
    }
    all(...regions.map((region) => ({ ...base, region })));
    expectNoSideEffect();
  });

  it('a caller ARN with a newline stays inside its comment in every flavour', async () => {
    const inputs = [`${ALICE}\ntouch ${marker}`, `${ALICE}\r\n$(touch ${marker})`, `x\u2028alert(1)`, `x\u2029y`, `x\u0085y`, 'x</script><script>alert(1)</script>'].map(
      (callerArn) => ({ ...base, callerArn, body: '{"KeyId":"k"}' }),
    );
    all(...inputs);
    for (const input of inputs) await checkJs(input, generate('js', input));
    expect(generate('cli', { ...base, callerArn: `${ALICE}\ntouch x` })).toMatch(/^# Caller: '[^\n]*\\u000atouch x' \(use credentials/);
    expect(generate('js', { ...base, callerArn: 'x\u2028y' })).toMatch(/^\/\/ Caller: x\\u2028y \(/);
    expectNoSideEffect();
  });

  it('a caller ARN with shell syntax is one quoted word in the CLI comment (zsh without INTERACTIVE_COMMENTS runs a pasted comment line)', () => {
    const cli = generate('cli', { ...base, callerArn: 'arn:x; touch /tmp/p #' });
    expect(cli.split('\n')[0]).toBe("# Caller: 'arn:x; touch /tmp/p #' (use credentials for this principal)");
    const root = generate('cli', { ...base, callerArn: "r'$(x)", rootArn: "r'$(x)" });
    expect(root.split('\n')[0]).toBe("# Caller: the account root ('r'\\''$(x)')");
  });

  it('a caller ARN cannot declare the Python file encoding (coding=utf-7 would turn +ACI- into a quote)', () => {
    const input = { ...base, callerArn: 'arn:aws:iam::111122223333:user/coding=utf-7', body: JSON.stringify({ Description: '+ACI-)+AAo-import os+AAo-os.system(+ACI-touch x+ACI-)+AAo-(+ACI-' }) };
    const py = generate('boto3', input);
    expect(py.split('\n')[0]).toBe('# Caller: arn:aws:iam::111122223333:user/coding\\u003dutf-7 (use credentials for this principal)');
    all(input);
    // and as a file, which is where the declaration takes effect
    const file = join(work, 'cookie.py');
    writeFileSync(file, `${py.split('\n')[0]}\nimport sys\nprint("+ACI-")\n`);
    expect(spawnSync('python3', [file], { encoding: 'utf8' }).stdout).toBe('+ACI-\n');
  });

  it('an operation name that is not letters only is refused in every flavour; a keyword-named one is called with getattr', async () => {
    const refused = ['Create-Key', 'CreateKey; touch x', 'create_key', 'Encrypt(', '', 'Encrypt\n', 'Éncrypt'].map((operation) => ({ ...base, operation }));
    for (const input of refused) {
      for (const f of ['cli', 'boto3', 'js'] as const) expect(generate(f, input)).toMatch(/\n(#|\/\/) The operation name is not a KMS operation name \(letters only\): no code is written\.\n$/);
      await checkJs(input, generate('js', input));
    }
    const input = { ...base, operation: 'Import', body: '{"KeyId":"k"}' };
    expect(generate('boto3', input)).toContain('response = getattr(kms, "import")(\n');
    all(input, ...refused);
  });

  it('JS: a "__proto__" member is a computed key, so it is sent as a member instead of setting the prototype', async () => {
    const input = { ...base, body: '{"__proto__":{"KeyId":"k"},"EncryptionContext":{"__proto__":"v"}}' };
    const js = generate('js', input);
    expect(js).toContain('    ["__proto__"]: {\n');
    expect(js).toContain('      ["__proto__"]: "v",\n');
    await checkJs(input, js);
    all(input);
  });

  it('JS: U+2028, U+2029 and "<" in strings are escapes, so no "</script>" or "<!--" appears', async () => {
    const input = { ...base, body: JSON.stringify({ Description: 'a\u2028b\u2029c</script><!--' }), region: '</script>' };
    const js = generate('js', input);
    expect(js).toContain('Description: "a\\u2028b\\u2029c\\u003c/script>\\u003c!--"');
    expect(js).toContain('region: "\\u003c/script>"');
    await checkJs(input, js);
  });

  it('values with NUL, bidi overrides and lone surrogates are escapes in every flavour, and read back exactly', async () => {
    const input = { ...base, body: JSON.stringify({ Description: 'a\u0000b\u202ec\ud800d\u{1F600}e\u{F0000}\u007f', Tags: [{ TagKey: '\ufeff', TagValue: '\u001b[31m' }] }) };
    const { py, cli } = all(input);
    await checkJs(input, generate('js', input));
    expect(py).toContain('Description="a\\u0000b\\u202ec\\ud800d\u{1F600}e\\U000f0000\\u007f"');
    expect(cli).toContain('"Description":"a\\u0000b\\u202ec\\ud800d\u{1F600}e\\udb80\\udc00\\u007f"');
  });

  it('blob members are decoded from a string literal, whatever the string holds', async () => {
    const input = { ...base, operation: 'Encrypt', body: JSON.stringify({ KeyId: 'k', Plaintext: '") or __import__("os").system("touch x") or ("', EncryptionContext: { Plaintext: 'not a blob' } }) };
    const { py } = all(input);
    expect(py).toContain('Plaintext=base64.b64decode("\\") or __import__(\\"os\\").system(\\"touch x\\") or (\\""),');
    await checkJs(input, generate('js', input));
    expectNoSideEffect();
  });

  it('a number JSON.parse reads as Infinity is written as 1e999, which reads back as Infinity', async () => {
    const input = { ...base, body: '{"N":1e400,"M":[-1e400]}' };
    const { py, cli } = all(input);
    expect(py).toContain('N=1e999,');
    expect(cli).toContain(`'{"N":1e999,"M":[-1e999]}'`);
    await checkJs(input, generate('js', input));
  });

  it('a body nested deeper than Python can parse is refused', () => {
    const deep = '{"A":' + '['.repeat(150) + ']'.repeat(150) + '}';
    for (const f of ['cli', 'boto3', 'js'] as const) expect(generate(f, { ...base, body: deep })).toMatch(/The body nests deeper than 100 levels/);
    const ok = '{"A":' + '['.repeat(98) + ']'.repeat(98) + '}';
    all({ ...base, body: ok });
    // a body deep enough to overflow a recursive walk is refused too, not a crash
    expect(generate('boto3', { ...base, body: '{"A":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}' })).toMatch(/nests deeper/);
  });
});
