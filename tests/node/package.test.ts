/**
 * The acceptance check of the installable package: `npm pack` (prepack builds lib/), install the
 * tarball with @aws-sdk/client-kms in an empty folder, and
 * - from plain Node (no tsx, no bundler), run the SDK v3 through kmsRequestHandler: CreateKey,
 *   CreateGrant, Encrypt as the grantee with the token before propagation, settle, ListGrants,
 *   RetireGrant; import the store, scenario and node entries; start `serve` through the bin;
 * - type-check a TypeScript consumer against the .d.ts (moduleResolution nodenext);
 * - bundle it for a browser: no node: import, no UI code, and importing one function does not
 *   pull the engine in (sideEffects).
 * Slow by nature (a build, an install): about a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;
let app: string;
let tarball: string;

const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' } });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kgp-package-'));
  npm(['pack', '--pack-destination', dir], ROOT);
  tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
  app = join(dir, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  npm(['install', '--prefer-offline', '--no-save', tarball, '@aws-sdk/client-kms'], app);
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }), 120_000);

const LIFECYCLE = `
import assert from 'node:assert/strict';
import { CreateGrantCommand, CreateKeyCommand, EncryptCommand, KMSClient, ListGrantsCommand, RetireGrantCommand } from '@aws-sdk/client-kms';
import { createSimulator, kmsRequestHandler } from 'kms-grant-playground';
import { LESSONS, replay, scenarioToVitest } from 'kms-grant-playground/scenario';
import { openIndexedDbStore, parseWorkspaceFile } from 'kms-grant-playground/store';
import { serve } from 'kms-grant-playground/node';

const APP = 'arn:aws:iam::111122223333:role/App';
const sim = createSimulator({ unknownAccessKeys: 'root', propagation: { minMs: 2000, maxMs: 8000 }, principals: [{ arn: APP, accessKeyId: 'AKIAAPPROLE000000001', secretAccessKey: 'app-secret' }] });
const client = (accessKeyId, secretAccessKey) => new KMSClient({ region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, requestHandler: kmsRequestHandler(sim), maxAttempts: 1 });
const admin = client('AKIAANYONEATALL00000', 'any');
const app = client('AKIAAPPROLE000000001', 'app-secret');

const { KeyMetadata } = await admin.send(new CreateKeyCommand({}));
const grant = await admin.send(new CreateGrantCommand({ KeyId: KeyMetadata.KeyId, GranteePrincipal: APP, Operations: ['Encrypt'] }));
const plaintext = new TextEncoder().encode('hi');
await assert.rejects(app.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: plaintext })), { name: 'AccessDeniedException' });
const early = await app.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: plaintext, GrantTokens: [grant.GrantToken] }));
assert.equal(early.KeyId, KeyMetadata.Arn);
sim.clock.settle();
await app.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: plaintext }));
const listed = await admin.send(new ListGrantsCommand({ KeyId: KeyMetadata.KeyId }));
assert.deepEqual(listed.Grants.map((g) => g.GrantId), [grant.GrantId]);
await admin.send(new RetireGrantCommand({ GrantToken: grant.GrantToken }));
assert.deepEqual((await admin.send(new ListGrantsCommand({ KeyId: KeyMetadata.KeyId }))).Grants, []);

// the other entries load in plain Node too
assert.equal(typeof openIndexedDbStore, 'function');
assert.equal(parseWorkspaceFile('{}').ok, false);
const { results } = await replay(LESSONS[0].scenario);
assert.ok(results.every((r) => r.kind !== 'request' || !r.check || r.check.ok));
assert.match(await scenarioToVitest(LESSONS[0].scenario), /from "kms-grant-playground"/);
const server = await serve({ port: 0 });
const res = await fetch(server.url + '/_playground/clock');
assert.equal(res.status, 200);
await server.close();
console.log('lifecycle ok', sim.events.length);
`;

describe('the package', () => {
  it('ships lib, the bin and the docs, and no sources or UI', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files).toContain('package/lib/index.js');
    expect(files).toContain('package/lib/index.d.ts');
    expect(files).toContain('package/bin/kms-grant-playground.mjs');
    expect(files).toContain('package/docs/use-in-code.md');
    expect(files.filter((f) => f.startsWith('package/src/') || f.endsWith('.svelte') || f.endsWith('.png'))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules', 'kms-grant-playground', 'package.json'), 'utf8'));
    expect(pkg.private).toBe(true);
    expect(Object.keys(pkg.exports)).toEqual(['.', './store', './scenario', './node', './package.json']);
  });

  it('runs the SDK v3 through kmsRequestHandler from plain Node', () => {
    writeFileSync(join(app, 'lifecycle.mjs'), LIFECYCLE);
    const out = execFileSync(process.execPath, ['lifecycle.mjs'], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toMatch(/^lifecycle ok \d+$/m);
  });

  it('serves through its bin, and says what is wrong with bad arguments', async () => {
    const bin = join(app, 'node_modules', '.bin', 'kms-grant-playground');
    const bad = (() => {
      try {
        execFileSync(bin, ['serve', '--port', 'x'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        return null;
      } catch (e) {
        return e as { status: number; stderr: string };
      }
    })();
    expect(bad?.status).toBe(2);
    expect(bad?.stderr).toContain('--port must be a whole number');

    const child = spawn(bin, ['serve', '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let text = '';
        child.stdout.on('data', (c: Buffer) => {
          text += c.toString();
          const m = /serving KMS at (http:\/\/\S+) /.exec(text);
          if (m) resolveUrl(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${text}`)));
      });
      const res = await fetch(url + '/', { method: 'POST', headers: { 'x-amz-target': 'TrentService.CreateKey', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
      expect(res.status).toBe(200);
      expect((await res.json()).KeyMetadata.KeyState).toBe('Enabled');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await new Promise((r) => child.on('exit', (code) => r(code)))).toBe(0);
  });

  it('type-checks a TypeScript consumer against its declarations (nodenext)', () => {
    writeFileSync(
      join(app, 'consumer.ts'),
      `import { createSimulator, kmsRequestHandler, type SimulatorOptions, type SimEvent } from 'kms-grant-playground';
import { KMSClient } from '@aws-sdk/client-kms';
import { replay, scenarioToVitest, type Scenario } from 'kms-grant-playground/scenario';
import { openIndexedDbStore } from 'kms-grant-playground/store';
import { serve, type ServeOptions } from 'kms-grant-playground/node';
const options: SimulatorOptions = { unknownAccessKeys: 'root', seed: 1 };
const sim = createSimulator(options);
const client = new KMSClient({ region: 'us-east-1', requestHandler: kmsRequestHandler(sim) });
const scenario: Scenario = { v: 2, seed: 1, steps: [] };
const events: readonly SimEvent[] = sim.events;
const now: number = sim.clock.settle();
const serveOptions: ServeOptions = { port: 0 };
// @ts-expect-error: the option takes 'root' or 'reject' only
createSimulator({ unknownAccessKeys: 'allow' });
export { client, replay, scenarioToVitest, openIndexedDbStore, serve, scenario, events, now, serveOptions };
`,
    );
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, lib: ['es2022', 'dom'], types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] }, files: ['consumer.ts'] }));
    let out = '';
    try {
      out = execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout) + String((e as { stderr?: string }).stderr);
    }
    // the consumer uses the exported types, and expects an error where the types must refuse
    expect(out.split('\n').filter((l) => l.startsWith('consumer.ts') || l.includes('kms-grant-playground/'))).toEqual([]);
  }, 180_000);

  it('bundles for a browser: no node: imports, no UI, and one function does not pull in the engine', async () => {
    const bundle = async (code: string) => {
      const r = await build({ stdin: { contents: code, resolveDir: app, loader: 'js' }, bundle: true, write: false, platform: 'browser', format: 'esm', minify: true, logLevel: 'silent' });
      return r.outputFiles[0].text;
    };
    const engine = await bundle(`import { createSimulator } from 'kms-grant-playground'; export const sim = createSimulator({});`);
    const nodeImport = /(?:from|import)\s*\(?\s*["']node:|require\(["']node:/;
    expect(nodeImport.exec(engine)?.[0]).toBeUndefined();
    expect(/svelte|monaco/.exec(engine)?.[0]).toBeUndefined();
    expect(engine.length).toBeGreaterThan(50_000);
    const handlerOnly = await bundle(`export { kmsRequestHandler } from 'kms-grant-playground';`);
    expect(handlerOnly.length).toBeLessThan(3_000);
    const scenario = await bundle(`import { decodeScenario } from 'kms-grant-playground/scenario'; export const d = decodeScenario('v2.x');`);
    expect(nodeImport.exec(scenario)?.[0]).toBeUndefined();
    expect(/svelte|monaco/.exec(scenario)?.[0]).toBeUndefined();
  });
});
