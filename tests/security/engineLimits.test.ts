/**
 * Two engine limits an attack run found open: a body nested 100,000 levels deep in a member that
 * nothing validates (answered 500, a stack overflow), and a clock pushed past year 9999 by a link's
 * advances (signed requests then carried five-digit years and failed).
 */
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/kms/index';
import { LATEST_TIME } from '../../src/kms/clock';

const kms = (target: string, body: string) =>
  new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` }, body });

describe('engine limits', () => {
  it('ignores an unknown member nested 100,000 levels deep, as KMS ignores unknown members, and keeps serving', async () => {
    const sim = createSimulator({ seed: 1 });
    for (const target of ['CreateKey', 'ListKeys']) {
      const body = `{"a":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
      const res = await sim.fetch(kms(target, body));
      // was 500 KMSInternalException (Maximum call stack size exceeded)
      expect(res.status, await res.clone().text()).toBe(200);
    }
    expect((await sim.fetch(kms('ListKeys', '{}'))).status).toBe(200);
  });

  it('keeps the clock at or before 9999-12-31T23:59:59.999Z, refusing a move past it without moving', () => {
    expect(new Date(LATEST_TIME).toISOString()).toBe('9999-12-31T23:59:59.999Z');
    const sim = createSimulator({ seed: 1, startTime: LATEST_TIME - 1000 });
    const log = sim.log.length;
    expect(() => sim.clock.advance(10 * 365 * 86_400_000)).toThrow(/cannot pass 9999-12-31/);
    expect(sim.clock.now()).toBe(LATEST_TIME - 1000);
    expect(sim.log.length).toBe(log);
    sim.clock.advance(1000);
    expect(sim.clock.now()).toBe(LATEST_TIME);
  });
});
