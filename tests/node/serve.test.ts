/**
 * `kms-grant-playground serve`, started on port 0 and driven over real HTTP by the AWS SDK v3
 * (its default Node HTTP handler, an endpoint, nothing else): the grant lifecycle with the clock
 * moved through the playground's routes, the event stream, SigV4 through the server, the
 * persisted file, a scenario link, and the errors a person starting it can meet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateGrantCommand, CreateKeyCommand, EncryptCommand, KMSClient, KMSServiceException, ListGrantsCommand, ListKeysCommand, RetireGrantCommand } from '@aws-sdk/client-kms';
import { MAX_BODY_BYTES as SERVE_MAX_BODY_BYTES, serve, type RunningServer } from '../../src/node/serve.mjs';
import { main, serveOptions } from '../../src/node/cli.mjs';
import { MAX_BODY_BYTES as WIRE_MAX_BODY_BYTES } from '../../src/kms/wire/http';
import { LIMITS } from '../../src/scenario/limits';
import { scenarioToUrlHash } from '../../src/scenario/codec';

const ACCOUNT = '111122223333';
const APP = { arn: `arn:aws:iam::${ACCOUNT}:role/App`, accessKeyId: 'AKIASERVEAPP00000001', secretAccessKey: 'app-secret' };
const running: RunningServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(options: Parameters<typeof serve>[0] = {}): Promise<RunningServer> {
  const s = await serve({ port: 0, ...options });
  running.push(s);
  return s;
}

function client(server: RunningServer, accessKeyId: string, secretAccessKey = 'anything'): KMSClient {
  return new KMSClient({ region: 'us-east-1', endpoint: server.url, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
}

async function post(server: RunningServer, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

async function events(server: RunningServer, since = 0): Promise<{ next: number; list: any[] }> {
  const res = await fetch(`${server.url}/_playground/events?since=${since}`);
  expect(res.headers.get('content-type')).toBe('application/x-ndjson');
  const text = await res.text();
  return { next: Number(res.headers.get('x-playground-event-count')), list: text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

async function rejection(p: Promise<unknown>): Promise<KMSServiceException> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(KMSServiceException);
  return e as KMSServiceException;
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kgp-serve-'));
  dirs.push(d);
  return d;
}

describe('serve', () => {
  it('runs the grant lifecycle for the SDK over HTTP, the clock moved only when the test says', async () => {
    const server = await start({ simulator: { accountId: ACCOUNT, propagation: { minMs: 2_000, maxMs: 8_000 } }, principals: [APP] });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const root = client(server, 'AKIAANYKEYATALL00000');
    const app = client(server, APP.accessKeyId, APP.secretAccessKey);

    const { KeyMetadata } = await root.send(new CreateKeyCommand({}));
    const keyId = KeyMetadata!.KeyId!;
    const grant = await root.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: APP.arn, Operations: ['Encrypt', 'RetireGrant'], Name: 'app' }));
    const plaintext = new TextEncoder().encode('hello');

    // before propagation: denied without the token, allowed with it
    const early = await rejection(app.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext })));
    expect(early.name).toBe('AccessDeniedException');
    const withToken = await app.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, GrantTokens: [grant.GrantToken!] }));
    expect(withToken.KeyId).toBe(KeyMetadata!.Arn);

    // the clock has not moved by itself
    const clock0 = await (await fetch(`${server.url}/_playground/clock`)).json();
    expect(clock0.now).toBe(server.sim.engine.clock.now());
    const before = await events(server);
    const created = before.list.find((e) => e.type === '@kms.grant.changed' && e.grantId === grant.GrantId);
    expect(created.arrivals).toHaveLength(3);
    expect(before.list.some((e) => e.type === '@kms.grant.arrived')).toBe(false);

    // settle: every host has the grant, and the event stream says so from where we read last
    const settled = await post(server, '/_playground/clock/settle');
    expect(settled.status).toBe(200);
    expect(settled.json.now).toBe(Math.max(...created.arrivals));
    const after = await events(server, before.next);
    expect(after.list.filter((e) => e.type === '@kms.grant.arrived' && e.grantId === grant.GrantId).map((e) => e.host).sort()).toEqual([0, 1, 2]);
    expect(after.next).toBe(before.next + after.list.length);

    const late = await app.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext }));
    expect(late.CiphertextBlob!.length).toBeGreaterThan(plaintext.length);

    const listed = await root.send(new ListGrantsCommand({ KeyId: keyId }));
    expect(listed.Grants?.map((g) => [g.GrantId, g.Name, g.GranteePrincipal])).toEqual([[grant.GrantId, 'app', APP.arn]]);

    await app.send(new RetireGrantCommand({ KeyId: KeyMetadata!.Arn, GrantId: grant.GrantId }));
    expect((await root.send(new ListGrantsCommand({ KeyId: keyId }))).Grants).toEqual([]);

    // advance moves exactly that far; a bad body is refused in words
    const moved = await post(server, '/_playground/clock/advance', { ms: 1_500 });
    expect(moved.json.now).toBe(settled.json.now + 1_500);
    const bad = await post(server, '/_playground/clock/advance', { ms: -1 });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toContain('"ms" must be a whole number of milliseconds');
    const unknown = await post(server, '/_playground/nothing');
    expect(unknown.status).toBe(404);
  });

  it('verifies SigV4 through the server for a principal with a secret', async () => {
    const server = await start({ principals: [APP] });
    const forged = await rejection(client(server, APP.accessKeyId, 'not-the-secret').send(new ListKeysCommand({})));
    expect(forged.name).toBe('InvalidSignatureException');
    // an unsigned request is the root too (curl, a health check)
    const res = await fetch(server.url + '/', { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' }, body: '{}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ Keys: [], Truncated: false });
  });

  it('persists to a workspace file after each request and resumes from it', async () => {
    const file = join(tempDir(), 'world.json');
    const first = await start({ persist: file, principals: [APP] });
    const { KeyMetadata } = await client(first, 'AKIAROOT000000000000').send(new CreateKeyCommand({ Description: 'kept' }));
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.format).toBe('kms-playground-workspace');
    expect(saved.snapshot.log).toHaveLength(1);
    await first.close();
    running.splice(running.indexOf(first), 1);

    const second = await start({ persist: file });
    const keys = await client(second, 'AKIAROOT000000000000').send(new ListKeysCommand({}));
    expect(keys.Keys?.map((k) => k.KeyId)).toEqual([KeyMetadata!.KeyId]);
    // the principals came back with the file: the wrong secret is still refused
    const forged = await rejection(client(second, APP.accessKeyId, 'wrong').send(new ListKeysCommand({})));
    expect(forged.name).toBe('InvalidSignatureException');
  });

  it('starts from a shared link', async () => {
    const link = 'https://example.com/#' + scenarioToUrlHash({ v: 2, seed: 7, settings: { region: 'eu-west-1' }, steps: [{ kind: 'request', target: 'CreateKey', body: { Description: 'from the link' } }] }).slice(1);
    const out: string[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const { runServe } = await import('../../src/node/cli.mjs');
    let server: RunningServer | undefined;
    const code = runServe(['--port', '0', '--link', link], { out: (t) => out.push(t), err: (t) => out.push(t) }, stopped, (s) => (server = s));
    await expect.poll(() => server).toBeDefined();
    const kms = new KMSClient({ region: 'eu-west-1', endpoint: server!.url, credentials: { accessKeyId: 'AKIAX', secretAccessKey: 'x' }, maxAttempts: 1 });
    const keys = await kms.send(new ListKeysCommand({}));
    expect(keys.Keys).toHaveLength(1);
    expect(out.join('')).toContain('replayed 1 steps');
    stop();
    expect(await code).toBe(0);
  });

  it('refuses web pages: a request with an Origin, or with a Host that is not loopback', async () => {
    const server = await start();
    const { request } = await import('node:http');
    const send = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolveRes, reject) => {
        const req = request(`${server.url}/_playground/clock/settle`, { method: 'POST', headers }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolveRes({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const fromPage = await send({ origin: 'https://evil.example' });
    expect(fromPage.status).toBe(403);
    expect(fromPage.body).toContain('Requests from web pages');
    const rebound = await send({ host: `evil.example:${server.port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain('is not a loopback address');
    expect((await send({ host: `localhost:${server.port}` })).status).toBe(200);
    expect(server.sim.events.filter((e) => e.type === '@kms.clock')).toHaveLength(0);
  });

  it('answers 400 in words to a clock advance it cannot make: a fraction, a negative, past the year 9999', async () => {
    const server = await start({ simulator: { startTime: Date.UTC(9999, 11, 31, 23, 0) } });
    for (const ms of [1.5, -1, 'ten', null]) {
      const r = await post(server, '/_playground/clock/advance', { ms });
      expect(r.status).toBe(400);
      expect(r.json.message).toContain('"ms" must be a whole number of milliseconds');
    }
    const past = await post(server, '/_playground/clock/advance', { ms: 2 * 3_600_000 });
    expect(past.status).toBe(400);
    expect(past.json.message).toContain('9999-12-31T23:59:59.999Z');
    // the refused moves left the clock where it was, and a move it can make still works
    const ok = await post(server, '/_playground/clock/advance', { ms: 1000 });
    expect(ok).toEqual({ status: 200, json: { now: Date.UTC(9999, 11, 31, 23, 0, 1), iso: '9999-12-31T23:00:01.000Z' } });
  });

  it('takes its bounds from the engine and the shared limits: body size, clock advance, seed, hosts', async () => {
    expect(SERVE_MAX_BODY_BYTES).toBe(WIRE_MAX_BODY_BYTES);
    const server = await start();
    expect((await post(server, '/_playground/clock/advance', { ms: LIMITS.timeMs + 1 })).status).toBe(400);
    expect((await post(server, '/_playground/clock/advance', { ms: LIMITS.timeMs })).status).toBe(200);
    expect((await serveOptions(['--seed', String(LIMITS.seedMax), '--hosts', String(LIMITS.optionHosts)]))?.simulator).toMatchObject({ seed: LIMITS.seedMax, hosts: LIMITS.optionHosts });
    await expect(serveOptions(['--seed', String(LIMITS.seedMax + 1)])).rejects.toThrow('--seed');
    await expect(serveOptions(['--hosts', String(LIMITS.optionHosts + 1)])).rejects.toThrow('--hosts');
  });

  it('says what is wrong: a port in use, a remote host, bad arguments', async () => {
    const server = await start();
    await expect(serve({ port: server.port })).rejects.toThrow(`Port ${server.port} on 127.0.0.1 is already in use`);
    await expect(serve({ port: 0, host: '0.0.0.0' })).rejects.toThrow('Refusing to listen on 0.0.0.0');
    await expect(serve({ port: 0, persist: join(tempDir(), 'no', 'such', 'folder', 'world.json') })).rejects.toThrow(/Cannot keep the world in .*world\.json: ENOENT/);
    const notAWorkspace = join(tempDir(), 'other.json');
    writeFileSync(notAWorkspace, '{"hello":1}');
    await expect(serve({ port: 0, persist: notAWorkspace })).rejects.toThrow(/other\.json cannot be resumed: This is not a KMS Playground workspace file/);

    const run = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
      return { code, out: out.join(''), err: err.join('') };
    };
    const inUse = await run('serve', '--port', String(server.port));
    expect(inUse).toMatchObject({ code: 1 });
    expect(inUse.err).toContain('already in use');
    expect((await run('serve', '--port', 'eighty')).err).toContain('--port must be a whole number from 0 to 65535, not "eighty"');
    expect((await run('serve', '--host'))).toMatchObject({ code: 2, err: expect.stringContaining('--host needs a value') });
    expect((await run('serve', '--frobnicate')).err).toContain('Unknown option --frobnicate');
    expect((await run('serve', '--host', '10.0.0.1')).err).toContain('--allow-remote');
    expect((await run('bogus')).code).toBe(2);
    const dir = tempDir();
    writeFileSync(join(dir, 'p.json'), '[{"arn":"not an arn","accessKeyId":"AKIA1"}]');
    const principals = await run('serve', '--port', '0', '--principals', join(dir, 'p.json'));
    expect(principals.code).toBe(2);
    expect(principals.err).toContain('The principals file is not valid');
    expect((await run('serve', '--scenario', join(dir, 'missing.json'))).err).toContain('there is no such file');
    expect((await run('serve', '--link', 'https://x/#s=v2.!!!')).err).toContain('does not hold a scenario');
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('/_playground/clock/advance');
  });
});
