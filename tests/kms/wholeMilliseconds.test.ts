/**
 * Virtual time is whole milliseconds everywhere: the engine's clock refuses a fraction, as the
 * scenario format does, so a session can always travel as a share link.
 */
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/kms/index';

describe('the virtual clock', () => {
  it('refuses to move by a fraction of a millisecond, and moves by whole ones', () => {
    const sim = createSimulator({ seed: 1, startTime: Date.UTC(2026, 0, 1) });
    const start = sim.clock.now();
    expect(() => sim.clock.advance(1234.5)).toThrow(/whole, non-negative number of milliseconds, got 1234.5/);
    expect(() => sim.clock.set(start + 0.25)).toThrow(RangeError);
    expect(() => sim.clock.advance(Number.NaN)).toThrow(RangeError);
    expect(sim.clock.now()).toBe(start);
    sim.clock.advance(1235);
    expect(sim.clock.now()).toBe(start + 1235);
    expect(sim.log.filter((e) => e.kind === 'clock').map((e) => (e as { to: number }).to)).toEqual([start + 1235]);
  });
});
