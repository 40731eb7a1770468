/**
 * Export a scenario as a test (src/scenario/toTest.ts):
 * - the vitest file generated for a lesson runs with vitest in a folder of its own, against the
 *   package as built (lib/), and passes; changed by one expected value, it fails;
 * - the bash script quotes everything a hostile link may hold: run with stand-ins for aws and
 *   curl, every argument arrives as written and nothing else runs;
 * - `export-test` prints them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lessonById } from '../../src/scenario/lessons/index';
import { cliCommandName, scenarioToBash, scenarioToVitest, shellQuote } from '../../src/scenario/toTest';
import { scenarioFromHash, scenarioToUrlHash } from '../../src/scenario/codec';
import type { Scenario } from '../../src/scenario/format';
import { main } from '../../src/node/cli.mjs';
import { serve } from '../../src/node/serve.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kgp-totest-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** a folder where `kms-grant-playground` is the package as built, and vitest can run */
function project(): string {
  const p = join(dir, 'project');
  if (existsSync(p)) return p;
  const pkgDir = join(p, 'node_modules', 'kms-grant-playground');
  mkdirSync(pkgDir, { recursive: true });
  execFileSync(process.execPath, [join(ROOT, 'bin', 'build-lib.mjs'), '--outdir', join(pkgDir, 'lib'), '--no-types'], { cwd: ROOT, stdio: 'pipe' });
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module', exports: pkg.exports, dependencies: pkg.dependencies }));
  for (const dep of ['vitest', 'fflate', 'idb']) symlinkSync(join(ROOT, 'node_modules', dep), join(p, 'node_modules', dep), 'dir');
  writeFileSync(join(p, 'package.json'), '{"name":"exported-tests","private":true,"type":"module"}');
  return p;
}

function vitest(cwd: string, file: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', file], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: '1', NO_COLOR: '1' } });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe('scenarioToVitest', () => {
  it('gives a lesson as a vitest file that passes against the built package, and fails when an answer changes', { timeout: 180_000 }, async () => {
    const lesson = lessonById('grant-tokens')!;
    const code = await scenarioToVitest(lesson.scenario);
    expect(code).toContain(`from "kms-grant-playground"`);
    expect(code.match(/expect\(r\.status\)/g)).toHaveLength(lesson.scenario.steps.filter((s) => s.kind === 'request').length);
    const p = project();
    writeFileSync(join(p, 'lesson.test.ts'), code);
    // one answer changed: the same file must fail
    writeFileSync(join(p, 'changed.test.ts'), code.replace('expect(r.status).toBe(400);', 'expect(r.status).toBe(200);'));
    const ok = vitest(p, 'lesson.test.ts');
    expect(ok.output).toMatch(/1 passed/);
    expect(ok.status).toBe(0);
    const changed = vitest(p, 'changed.test.ts');
    expect(changed.status).not.toBe(0);
    expect(changed.output).toMatch(/expected 400 to be 200/);
  });

  it('keeps hostile text out of the code: titles become one-line comments, values JSON literals', async () => {
    const hostile = "x */ throw new Error('pwned'); /*\n require('child_process').execSync('touch pwned') //\u2028</script>";
    const scenario: Scenario = { v: 2, title: hostile, seed: 1, steps: [{ kind: 'request', title: hostile, target: 'CreateKey', body: { Description: hostile } }] };
    const code = await scenarioToVitest(scenario, { title: hostile });
    // outside comments and string literals (each on one line), nothing of it is left
    for (const line of code.split('\n')) {
      if (line.trimStart().startsWith('//')) continue;
      expect(line.replace(/"(?:[^"\\]|\\.)*"/g, '""')).not.toMatch(/pwned|require|throw new Error/);
    }
    expect(code).not.toContain('\u2028');
    expect(code).not.toContain('</script>');
    // the description travels as data: a JSON literal that parses back to the same text
    const literal = /"Description": ("(?:[^"\\]|\\.)*")/.exec(code)![1];
    expect(JSON.parse(literal)).toBe(hostile);
  });
  it('keeps a "__proto__" key as a member: the object literals of settings and bodies do not set a prototype', async () => {
    const tags = JSON.parse('{"__proto__":"x","team":"blue"}');
    const body = JSON.parse('{"Description":"d","Tags":[{"TagKey":"k","TagValue":"v"}],"__proto__":{"polluted":true}}');
    const scenario: Scenario = {
      v: 2,
      seed: 1,
      settings: { principals: [{ arn: 'arn:aws:iam::111122223333:role/App', accessKeyId: 'AKIAAPP0000000000001', tags, policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] } }] },
      steps: [{ kind: 'request', target: 'CreateKey', body }],
    };
    const code = await scenarioToVitest(scenario);
    expect(code).not.toMatch(/^\s*"__proto__":/m);
    // the settings literal and the request's body literal, evaluated as JavaScript, keep the member as data
    const settings = new Function(`return (${/settings: (\{[\s\S]*?\n\})/.exec(code)![1]});`)() as { principals: { tags: object }[] };
    expect(Object.getPrototypeOf(settings.principals[0].tags)).toBe(Object.prototype);
    expect(Object.entries(settings.principals[0].tags)).toEqual([['__proto__', 'x'], ['team', 'blue']]);
    const sent = new Function(`return (${/r = await send\(sim, (\{[\s\S]*?\n {4}\})\);/.exec(code)![1]});`)() as { body: object };
    expect(Object.hasOwn(sent.body, '__proto__')).toBe(true);
    expect((sent.body as { polluted?: boolean }).polluted).toBeUndefined();
    expect(code).toContain('["__proto__"]: "x"');
  });
});

describe('scenarioToBash', () => {
  const hostile = `it's $(touch PWNED) \`touch PWNED\` "quoted" \\ ; rm -rf / # \n touch PWNED`;

  it('names commands as the AWS CLI does and quotes words for bash', () => {
    expect(cliCommandName('CreateGrant')).toBe('create-grant');
    expect(cliCommandName('GenerateDataKeyPairWithoutPlaintext')).toBe('generate-data-key-pair-without-plaintext');
    expect(cliCommandName('ListRetirableGrants')).toBe('list-retirable-grants');
    expect(execFileSync('bash', ['-c', `printf %s ${shellQuote(hostile)}`], { encoding: 'utf8' })).toBe(hostile);
  });

  it('runs every value of a hostile scenario as data: aws gets each argument exactly, nothing else runs', async () => {
    const scenario: Scenario = {
      v: 2,
      title: hostile,
      seed: 3,
      settings: { principals: [{ arn: 'arn:aws:iam::111122223333:role/App', accessKeyId: 'AKIAAPP0000000000001', secretAccessKey: "s'e\"c`id`$(touch${IFS}PWNED)", policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] } }] },
      steps: [
        { kind: 'request', id: 'key', title: hostile, target: 'CreateKey', body: { Description: hostile, Tags: [{ TagKey: 'owner', TagValue: hostile.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@']/gu, '') }] } },
        { kind: 'note', text: hostile },
        { kind: 'advance', ms: 1_000, title: hostile },
        { kind: 'request', caller: 'arn:aws:iam::111122223333:role/App', target: 'DescribeKey', body: { KeyId: '{{key.KeyMetadata.KeyId}}' } },
        { kind: 'settle' },
      ],
    };
    const script = await scenarioToBash(scenario);
    const work = join(dir, 'bash');
    mkdirSync(join(work, 'bin'), { recursive: true });
    // stand-ins: aws writes its arguments and credentials NUL-separated; curl its arguments
    writeFileSync(join(work, 'bin', 'aws'), `#!/usr/bin/env bash\n{ printf '%s\\0' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$@"; printf '\\n'; } >> "${work}/aws.log"\nexit 0\n`);
    writeFileSync(join(work, 'bin', 'curl'), `#!/usr/bin/env bash\n{ printf '%s\\0' "$@"; printf '\\n'; } >> "${work}/curl.log"\n`);
    chmodSync(join(work, 'bin', 'aws'), 0o755);
    chmodSync(join(work, 'bin', 'curl'), 0o755);
    writeFileSync(join(work, 'script.sh'), script);
    const r = spawnSync('bash', [join(work, 'script.sh')], { cwd: work, encoding: 'utf8', env: { PATH: `${join(work, 'bin')}:/usr/bin:/bin`, KMS_ENDPOINT: 'http://127.0.0.1:1' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(join(work, 'PWNED'))).toBe(false);

    const calls = readFileSync(join(work, 'aws.log'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\0').slice(0, -1));
    expect(calls).toHaveLength(2);
    const [create, describe_] = calls;
    expect(create.slice(2, 6)).toEqual(['kms', 'create-key', '--endpoint-url', 'http://127.0.0.1:1']);
    expect(JSON.parse(create[create.indexOf('--cli-input-json') + 1])).toEqual(scenario.steps[0].kind === 'request' && scenario.steps[0].body);
    // the App principal's own credentials, its secret intact; the reference resolved to the key id
    expect(describe_.slice(0, 2)).toEqual(['AKIAAPP0000000000001', "s'e\"c`id`$(touch${IFS}PWNED)"]);
    expect(JSON.parse(describe_[describe_.indexOf('--cli-input-json') + 1]).KeyId).toMatch(/^[0-9a-f-]{36}$/);
    const clock = readFileSync(join(work, 'curl.log'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\0').slice(0, -1));
    expect(clock.map((c) => [c.find((a) => a.includes('/_playground/')), c[c.length - 1]])).toEqual([
      ['http://127.0.0.1:1/_playground/clock/advance', '{"ms":1000}'],
      ['http://127.0.0.1:1/_playground/clock/settle', '{}'],
    ]);
  });
});

describe('the exported script with the real AWS CLI', () => {
  // the AWS CLI starts a Python interpreter per command (seconds each on a busy machine), so this
  // runs when asked: KGP_AWSCLI=1 npx vitest run tests/node/toTest.test.ts (Debian: apt-get install awscli)
  const aws = process.env.KGP_AWSCLI === '1' && spawnSync('/usr/bin/aws', ['--version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!aws)('runs a lesson against serve started with its settings, every step answering as in the playground (awscli)', { timeout: 180_000 }, async () => {
    const lesson = lessonById('grant-tokens')!;
    const script = await scenarioToBash(lesson.scenario);
    // the server the script's header says to start: the scenario's settings, no steps
    const link = /serve --scenario '(#s=[^']+)'/.exec(script)![1];
    const decoded = scenarioFromHash(link);
    if (!decoded?.ok) throw new Error(`the script's link does not decode: ${decoded?.detail}`);
    const server = await serve({ port: 0, scenario: decoded.scenario });
    try {
      const file = join(dir, 'lesson.sh');
      writeFileSync(file, script);
      // asynchronously: the server answers from this process's event loop
      const child = spawn('bash', [file], { env: { PATH: '/usr/bin:/bin', HOME: dir, KMS_ENDPOINT: server.url }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const status = await new Promise((r) => child.on('exit', r));
      expect(out).toContain('every step answered as in the playground');
      expect(status).toBe(0);
      // the ids the script was written with are those the server handed out
      expect(out).toContain((await scenarioToVitest(lesson.scenario)).match(/"GrantId": "([0-9a-f]{64})"/)![1]);
    } finally {
      await server.close();
    }
  });
});

describe('export-test', () => {
  it('prints the vitest file for a scenario file or a link, and the script with --bash', async () => {
    const lesson = lessonById('create-and-list')!;
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify(lesson.scenario));
    const run = async (...args: string[]) => {
      let out = '';
      let err = '';
      const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
      return { code, out, err };
    };
    const fromFile = await run('export-test', file);
    expect(fromFile.code).toBe(0);
    expect(fromFile.out).toBe(await scenarioToVitest(lesson.scenario));
    const fromLink = await run('export-test', `https://example.com/playground/${scenarioToUrlHash(lesson.scenario)}`, '--bash');
    expect(fromLink.code).toBe(0);
    expect(fromLink.out).toBe(await scenarioToBash(lesson.scenario, { command: 'npx kms-grant-playground' }));
    expect(fromLink.out.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect((await run('export-test')).code).toBe(2);
  });
});
