/**
 * A long wildcard pattern of many distinct characters compiles in memory linear in its length:
 * a segment with `?` of 32,000 distinct CJK characters used to build one 4 KB mask per character
 * (135 MB, 370 ms, none of it charged to the step budget). Masks are now built on first use,
 * charged, and cached only up to a bound.
 */
import { describe, expect, it } from 'vitest';
import { compileGlob, matchGlob, withStepBudget } from '../../src/kms/auth/glob';

const cjk = (n: number, from = 0x4e00) => Array.from({ length: n }, (_, i) => String.fromCharCode(from + i)).join('');

describe('wide wildcard segments', () => {
  it('keep positions, not a mask per distinct character, after compiling', () => {
    const body = cjk(32_000);
    const g = compileGlob(`*${body}?*`);
    const seg = g.middle[0] as unknown as { k: string; masks: Map<number, Int32Array>; at: Map<number, number[]> };
    expect(seg.k).toBe('wide');
    expect(seg.masks.size).toBe(0);
    let positions = 0;
    for (const list of seg.at.values()) positions += list.length;
    expect(positions).toBe(32_000);
  });

  it('match as before, with the mask cache bounded and its building charged', () => {
    const body = cjk(32_000);
    const g = compileGlob(`*${body}?*`);
    const run = withStepBudget(1e12, () => [matchGlob(g, `xx${body}Zyy`), matchGlob(g, `xx${body}`), matchGlob(g, body.slice(1))]);
    expect(run.ok && run.value).toEqual([true, false, false]);
    const seg = g.middle[0] as unknown as { cached: number };
    expect(seg.cached).toBeLessThanOrEqual(1 << 18);
    // the same value again, under a small budget: it fails closed instead of working unbounded
    expect(withStepBudget(1000, () => matchGlob(compileGlob(`*${body}?*`), `xx${body}Z`)).ok).toBe(false);
  });
});
