/**
 * Markers stamped from sprites (src/ui/timeline/markers.ts): a crowd of one kind in neighbouring
 * pixel columns of a lane is three copies (the first shape, its middle column stretched, the last
 * marker whole), not one per marker; anything else is a copy per marker. Node has no canvas, so
 * the canvases here record what is copied where.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markers, type Palette } from '../../src/ui/timeline/markers';

const PALETTE: Palette = {
  bg: '#fff',
  fg: '#111',
  muted: '#666',
  grid: '#ddd',
  band: '#eee',
  create: '#00f',
  remove: '#f60',
  allowed: '#0a0',
  denied: '#a00',
  failed: '#777',
  key: '#70f',
  cursor: '#d27',
  focus: '#26e',
};

type Copy = { image: unknown; args: number[] };

/** a 2D context that records drawImage calls and ignores everything else */
function recordingContext(dpr: number): { ctx: CanvasRenderingContext2D; copies: Copy[] } {
  const copies: Copy[] = [];
  const target: Record<string, unknown> = {
    getTransform: () => ({ a: dpr, b: 0, c: 0, d: dpr, e: 0, f: 0 }),
    drawImage: (image: unknown, ...args: number[]) => copies.push({ image, args }),
    imageSmoothingEnabled: true,
  };
  const ctx = new Proxy(target, {
    get: (t, k) => (k in t ? t[k as string] : () => undefined),
    set: (t, k, v) => ((t[k as string] = v), true),
  });
  return { ctx: ctx as unknown as CanvasRenderingContext2D, copies };
}

/** OffscreenCanvas for the sprites: each one a distinct bitmap token, named by what was drawn in it */
class FakeOffscreenCanvas {
  static made = 0;
  readonly width: number;
  readonly height: number;
  #ops: string[] = [];
  constructor(w: number, h: number) {
    this.width = w;
    this.height = h;
  }
  getContext(): CanvasRenderingContext2D {
    const ops = this.#ops;
    return new Proxy({} as Record<string, unknown>, {
      get: (_t, k) => (k === 'getTransform' ? undefined : (..._a: unknown[]) => void ops.push(String(k))),
      set: () => true,
    }) as unknown as CanvasRenderingContext2D;
  }
  transferToImageBitmap(): { bitmap: number; stroked: boolean; size: number } {
    return { bitmap: ++FakeOffscreenCanvas.made, stroked: this.#ops.includes('stroke'), size: this.width };
  }
}

const g = globalThis as { OffscreenCanvas?: unknown };
let saved: unknown;
beforeEach(() => {
  saved = g.OffscreenCanvas;
  g.OffscreenCanvas = FakeOffscreenCanvas;
});
afterEach(() => {
  g.OffscreenCanvas = saved;
});

/** x, y pairs: `n` markers one pixel apart from x0 on lane y */
const run = (x0: number, n: number, y: number) => Array.from({ length: n }, (_, i) => [x0 + i, y]).flat();

describe('timeline markers', () => {
  it('draws a crowd in neighbouring columns as its first shape, a stretched middle column and its last marker', () => {
    const { ctx, copies } = recordingContext(1);
    // 'allowed' has an overlay (a tick): the whole sprite is stroked, the shape alone is not
    markers(ctx, 'allowed', run(100, 50, 40), 5, PALETTE);
    expect(copies).toHaveLength(3);
    const [cap, middle, last] = copies as [Copy, Copy, Copy];
    const side = (cap.image as { size: number }).size;
    const centre = (side - 1) / 2;
    expect((cap.image as { stroked: boolean }).stroked).toBe(false);
    expect(cap.args).toEqual([100 - centre, 40 - centre, side, side]);
    // the middle column of the shape, from the first marker to the last but one
    expect(middle.image).toBe(cap.image);
    expect(middle.args).toEqual([centre, 0, 1, side, 100, 40 - centre, 148 - 100 + 1, side]);
    // the last marker whole, overlay included
    expect((last.image as { stroked: boolean }).stroked).toBe(true);
    expect(last.args).toEqual([149 - centre, 40 - centre, side, side]);
  });

  it('stamps markers apart, a lane change and short runs one by one', () => {
    const { ctx, copies } = recordingContext(1);
    const xy = [
      ...[10, 40, 13, 40, 16, 40], // 3 px apart: each one whole
      ...run(20, 2, 40), // two neighbours: not a crowd
      ...run(30, 3, 40), // three: a run
      ...run(33, 3, 70), // carries on in x, but on the next lane: a run of its own
    ];
    markers(ctx, 'arrive-create', xy, 5, PALETTE);
    expect(copies).toHaveLength(3 + 2 + 3 + 3);
    const lefts = copies.map((c) => (c.args.length === 4 ? c.args[0] : c.args[4]));
    const side = (copies[0].image as { size: number }).size;
    const centre = (side - 1) / 2;
    expect(lefts).toEqual([10, 13, 16, 20, 21, 30, 30 + centre, 32, 33, 33 + centre, 35].map((x) => x - centre));
  });

  it('at two device pixels per CSS pixel the run is measured in device pixels', () => {
    const { ctx, copies } = recordingContext(2);
    markers(ctx, 'grant-create', run(10, 10, 20), 5, PALETTE);
    expect(copies).toHaveLength(3);
    const middle = copies[1];
    // from x 10 to 18 (the last but one): 16 device pixels apart, 17 columns wide, in CSS pixels
    expect(middle.args[4]).toBe(10);
    expect(middle.args[6]).toBe(17 / 2);
  });
});
