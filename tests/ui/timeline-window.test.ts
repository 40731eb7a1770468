/**
 * The timeline draws the window in view, not every grant ever made: `EventIndex.changesIn` gives
 * the changes that reach into a time window (none that does is left out), and the renderer strokes
 * no change line whose both ends are out of view.
 */
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/kms/index';
import { EventIndex } from '../../src/ui/eventIndex';
import { draw, layoutFor, MAX_LINES, type Palette } from '../../src/ui/timeline/renderer';

const START = Date.UTC(2026, 0, 1, 12);
const APP = 'arn:aws:iam::111122223333:role/App';

/** `n` grants on one key, one every `every` ms of virtual time, arriving 500 ms to 5 s later */
async function grants(n: number, every: number) {
  const sim = createSimulator({ seed: 7, startTime: START, hosts: 3, propagation: { minMs: 500, maxMs: 5_000 } });
  const post = async (target: string, body: object) => {
    const res = await sim.fetch(
      new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` }, body: JSON.stringify(body) }),
    );
    return (await res.json()) as Record<string, any>;
  };
  const keyId: string = (await post('CreateKey', {})).KeyMetadata.KeyId;
  for (let i = 0; i < n; i++) {
    await post('CreateGrant', { KeyId: keyId, GranteePrincipal: APP, Operations: ['Encrypt'] });
    sim.clock.advance(every);
  }
  sim.clock.settle();
  return EventIndex.rebuild(3, sim.events);
}

/** a 2D context that counts strokes (and draws nothing) */
function countingContext(): { ctx: CanvasRenderingContext2D; strokes: () => number } {
  let strokes = 0;
  const target: Record<string | symbol, unknown> = {};
  const ctx = new Proxy(target, {
    get: (t, name) => {
      if (name in t) return t[name];
      if (name === 'measureText') return () => ({ width: 10 });
      if (name === 'stroke') return () => void strokes++;
      return () => undefined;
    },
    set: (t, name, value) => {
      t[name] = value;
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
  return { ctx, strokes: () => strokes };
}

const PALETTE = Object.fromEntries(
  ['bg', 'fg', 'muted', 'grid', 'band', 'create', 'remove', 'allowed', 'denied', 'failed', 'key', 'cursor', 'focus'].map((k) => [k, '#000']),
) as unknown as Palette;

describe('the timeline draws what is in view', () => {
  it('changesIn holds every change that reaches into the window, and few beyond it', async () => {
    const index = await grants(400, 1_000);
    expect(index.changes.length).toBe(400);
    for (const [t0, t1] of [
      [START + 100_000, START + 120_000],
      [START - 10_000, START + 5_000],
      [START + 395_000, START + 500_000],
      [START + 1_000_000, START + 1_100_000],
    ]) {
      const [from, to] = index.changesIn(t0, t1);
      index.changes.forEach((c, i) => {
        const times = [c.at, ...c.arrivals];
        const reaches = Math.max(...times) >= t0 && c.at <= t1;
        if (reaches) expect(i >= from && i < to, `change ${i} reaches into [${t0 - START}, ${t1 - START}]`).toBe(true);
      });
      // a 20 s window over one grant a second holds about 20 of them (and those still arriving)
      expect(to - from).toBeLessThanOrEqual(Math.ceil((t1 - t0) / 1_000) + 10);
    }
    // past the last arrival: none
    const [from, to] = index.changesIn(START + 1_000_000, START + 1_100_000);
    expect(to - from).toBe(0);
  });

  it('a frame strokes as many lines for a window at the end of 2,000 grants as at the end of 200', async () => {
    const frame = (index: EventIndex, end: number) => {
      const { ctx, strokes } = countingContext();
      const l = layoutFor(1200, 4, 14);
      draw(ctx, index, { t0: end - 20_000, t1: end }, l, PALETTE, { now: end, start: START });
      return strokes();
    };
    const small = await grants(200, 1_000);
    const large = await grants(2_000, 1_000);
    // the same 20 s before each one's last grant: the same number of grants in view
    const a = frame(small, START + 200_000);
    const b = frame(large, START + 2_000_000);
    expect(a).toBeGreaterThan(10);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(Math.ceil(a * 0.2));
  });

  it('a burst of 3,000 grants in view strokes no more than MAX_LINES change lines, and draws every arrival', async () => {
    const index = await grants(3_000, 0);
    const { ctx, strokes } = countingContext();
    const l = layoutFor(1200, 4, 14);
    const hits = draw(ctx, index, { t0: START - 1_000, t1: START + 9_000 }, l, PALETTE, { now: START + 9_000, start: START });
    // the grid, the clock and the outlines add a few dozen strokes
    expect(strokes()).toBeLessThanOrEqual(MAX_LINES + 200);
    // every host lane still shows its arrivals (markers are not thinned)
    for (let lane = 1; lane <= 3; lane++) expect(hits.some((h) => h.type === 'item' && h.item.lane === lane && h.item.kind === 'arrive-create')).toBe(true);
  });
});
