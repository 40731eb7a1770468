/**
 * `serve --persist`: how the workspace file is written. node:fs/promises is wrapped so a test
 * can count the writes, slow them down, or make one fail.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { serve, type RunningServer } from '../../src/node/serve.mjs';

const disk = vi.hoisted(() => ({ writes: 0, delayMs: 0, fail: false }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const writeFile = async (...args: Parameters<typeof real.writeFile>) => {
    disk.writes++;
    if (disk.delayMs) await new Promise((r) => setTimeout(r, disk.delayMs));
    if (disk.fail) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    return real.writeFile(...args);
  };
  return { ...real, default: { ...real, writeFile }, writeFile };
});

const running: RunningServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  Object.assign(disk, { writes: 0, delayMs: 0, fail: false });
});

function worldFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'kgp-persist-'));
  dirs.push(d);
  return join(d, 'world.json');
}

async function createKey(server: RunningServer, description: string): Promise<number> {
  const client = new KMSClient({ region: 'us-east-1', endpoint: server.url, credentials: { accessKeyId: 'AKIAROOT000000000000', secretAccessKey: 'anything' }, maxAttempts: 1 });
  const out = await client.send(new CreateKeyCommand({ Description: description }));
  return out.$metadata.httpStatusCode ?? 0;
}

describe('serve --persist', () => {
  it('a failed write is said once; requests go on in memory and close() still resolves', async () => {
    const file = worldFile();
    const warnings: string[] = [];
    const server = await serve({ port: 0, persist: file, warn: (line) => warnings.push(line) });
    disk.fail = true;
    expect(await createKey(server, 'lost')).toBe(200);
    expect(await createKey(server, 'also lost')).toBe(200);
    const advanced = await fetch(server.url + '/_playground/clock/advance', { method: 'POST', body: '{"ms":1000}' });
    expect(advanced.status).toBe(200);
    await expect(server.close()).resolves.toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Writing .*world\.json failed \(ENOSPC: no space left on device, write\): the simulator goes on in memory/);
  });

  it('a burst of requests shares writes, and each is answered only once a write holding it has ended', async () => {
    const file = worldFile();
    const server = await serve({ port: 0, persist: file });
    running.push(server);
    const before = disk.writes;
    disk.delayMs = 40;
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        expect(await createKey(server, `key ${i}`)).toBe(200);
        const saved = JSON.parse(readFileSync(file, 'utf8'));
        const mine = saved.snapshot.log.findIndex((e: { body: string }) => e.body.includes(`"key ${i}"`));
        expect(mine).toBeGreaterThanOrEqual(0);
      }),
    );
    expect(JSON.parse(readFileSync(file, 'utf8')).snapshot.log).toHaveLength(12);
    // one write per request would be 12
    expect(disk.writes - before).toBeLessThanOrEqual(4);
  });
});
