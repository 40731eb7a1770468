import { describe, expect, it } from 'vitest';
import { makeSim, APP_ROLE } from './helpers';

const req = (target: string, body: unknown, host?: number) =>
  new Request('https://kms.us-east-1.amazonaws.com/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}`, ...(host === undefined ? {} : { 'x-playground-host': String(host) }) },
    body: JSON.stringify(body),
  });

async function script(peekBetween: boolean) {
  const s = makeSim({ seed: 11, hosts: 3, propagation: { minMs: 1000, maxMs: 9000 } });
  const outputs: string[] = [];
  const peek = async (keyId: string) => {
    if (!peekBetween) return;
    await s.sim.peek(req('ListGrants', { KeyId: keyId }));
    await s.sim.peek(req('DescribeKey', { KeyId: keyId }));
    await s.sim.peek(req('ListKeys', {}));
  };
  const key = await s.createKey();
  for (let i = 0; i < 5; i++) {
    await peek(key.KeyId);
    const r = await s.call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Encrypt'], Name: `g${i}` });
    outputs.push(r.text, r.headers.get('x-amzn-requestid')!, r.headers.get('x-playground-host')!);
    const e = await s.call('Encrypt', { KeyId: key.KeyId, Plaintext: 'aGk=' }, { as: APP_ROLE });
    outputs.push(e.text, e.headers.get('x-playground-host')!);
    s.sim.clock.advance(700);
  }
  return { outputs, events: JSON.stringify(s.sim.events), log: s.sim.log.length, sim: s.sim, key };
}

describe('peek: reads that leave no trace', () => {
  it('interleaved peeks change no later response, id, host choice, event or log entry', async () => {
    const a = await script(false);
    const b = await script(true);
    expect(b.outputs).toEqual(a.outputs);
    expect(b.events).toBe(a.events);
    expect(b.log).toBe(a.log);
  });

  it('answers as fetch would, from the host it is pinned to', async () => {
    const { sim, key } = await script(false);
    const viaPeek = await sim.peek(req('ListGrants', { KeyId: key.KeyId }));
    expect(viaPeek.status).toBe(200);
    expect(viaPeek.headers.get('x-playground-host')).toBe('0');
    const grants = (await viaPeek.json()).Grants as { Name: string }[];
    expect(grants.map((g) => g.Name).sort()).toEqual(['g0', 'g1', 'g2', 'g3', 'g4']);
    const pinned = await sim.peek(req('DescribeKey', { KeyId: key.KeyId }, 2));
    expect(pinned.headers.get('x-playground-host')).toBe('2');
    const missing = await sim.peek(req('DescribeKey', { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }));
    expect(missing.status).toBe(400);
    expect((await missing.json()).__type).toBe('NotFoundException');
  });

  it('after seeking back, peeks read the past without forking the kept future', async () => {
    const { sim, key } = await script(false);
    const horizon = sim.horizon;
    const logLength = sim.log.length;
    await sim.seek(sim.clock.now() - 2000);
    const r = await sim.peek(req('ListGrants', { KeyId: key.KeyId }));
    expect(((await r.json()).Grants as unknown[]).length).toBeLessThan(5);
    expect(sim.log.length).toBe(logLength);
    expect(sim.horizon).toBe(horizon);
    await sim.seek(horizon);
    const after = await sim.peek(req('ListGrants', { KeyId: key.KeyId }));
    expect(((await after.json()).Grants as unknown[]).length).toBe(5);
  });

  it('refuses operations that change anything', async () => {
    const { sim, key } = await script(false);
    await expect(sim.peek(req('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Encrypt'] }))).rejects.toThrow(/read-only/);
    await expect(sim.peek(req('Encrypt', { KeyId: key.KeyId, Plaintext: 'aGk=' }))).rejects.toThrow(/read-only/);
  });
});
