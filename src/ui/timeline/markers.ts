/**
 * The timeline's markers: each kind's shape and colour, and how a frame's thousands of them are
 * put on the canvas (stamped from small sprites; a crowd in neighbouring pixel columns drawn as
 * one run). ./renderer.ts decides where they go.
 */
import type { ItemKind } from '../eventIndex';

/** the colours a frame is drawn in (read from the page's CSS custom properties) */
export interface Palette {
  bg: string;
  fg: string;
  muted: string;
  grid: string;
  band: string;
  create: string;
  remove: string;
  allowed: string;
  denied: string;
  failed: string;
  key: string;
  cursor: string;
  focus: string;
}

function colourFor(kind: ItemKind, p: Palette): string {
  switch (kind) {
    case 'grant-create':
    case 'arrive-create':
      return p.create;
    case 'grant-retire':
    case 'grant-revoke':
    case 'arrive-retire':
    case 'arrive-revoke':
      return p.remove;
    case 'allowed':
      return p.allowed;
    case 'denied':
      return p.denied;
    case 'failed':
      return p.failed;
    case 'key':
      return p.key;
  }
}

/** adds a marker's shape to the current path (markers of one kind are filled together) */
function shape(ctx: CanvasRenderingContext2D, kind: ItemKind, x: number, y: number, r: number): void {
  switch (kind) {
    case 'grant-create':
    case 'grant-retire':
    case 'grant-revoke':
    case 'denied':
      if (kind === 'denied') {
        ctx.moveTo(x, y - r - 1);
        ctx.lineTo(x + r + 1, y + r);
        ctx.lineTo(x - r - 1, y + r);
      } else {
        ctx.moveTo(x, y - r - 1);
        ctx.lineTo(x + r + 1, y);
        ctx.lineTo(x, y + r + 1);
        ctx.lineTo(x - r - 1, y);
      }
      ctx.closePath();
      return;
    case 'arrive-create':
    case 'arrive-retire':
    case 'arrive-revoke':
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, Math.PI * 2);
      return;
    case 'allowed':
      ctx.rect(x - r, y - r, r * 2, r * 2);
      return;
    case 'failed':
      ctx.rect(x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6);
      return;
    case 'key':
      ctx.rect(x - r, y - r / 2, r * 2, r);
      return;
  }
}

/** adds the mark drawn over a marker, in the background colour: a bar for removals, a tick for allowed */
function overlay(ctx: CanvasRenderingContext2D, kind: ItemKind, x: number, y: number, r: number): boolean {
  switch (kind) {
    case 'grant-retire':
    case 'grant-revoke':
    case 'arrive-retire':
    case 'arrive-revoke':
      ctx.moveTo(x - r / 2, y);
      ctx.lineTo(x + r / 2, y);
      return true;
    case 'allowed':
      ctx.moveTo(x - r / 2, y);
      ctx.lineTo(x - r / 8, y + r / 2);
      ctx.lineTo(x + r / 2, y - r / 2);
      return true;
    default:
      return false;
  }
}

/**
 * Markers are stamped from sprites: each kind's shape and overlay drawn once (per palette, radius
 * and pixel ratio) into a small canvas, then copied onto whole device pixels (a plain blit, the
 * pixels the paths give there): a dense view has thousands of markers, and a blit costs a fraction
 * of an anti-aliased fill in software. Without a canvas to draw them in (tests), the paths.
 */
const sprites = new Map<ItemKind, { image: ImageBitmap; centre: number } | null>();
/** each kind's shape alone (no overlay), whose middle column is stretched along a run (see stamp) */
const fills = new Map<ItemKind, ImageBitmap | null>();
let spriteKey = '';

function stamp(ctx: CanvasRenderingContext2D, kind: ItemKind, xy: readonly number[], r: number, p: Palette): boolean {
  const m = typeof ctx.getTransform === 'function' && typeof OffscreenCanvas === 'function' ? ctx.getTransform() : undefined;
  const dpr = m?.a;
  if (!m || !dpr || dpr !== m.d || m.b || m.c || m.e || m.f) return false;
  const key = `${r}|${dpr}|${p.bg}|${p.create}|${p.remove}|${p.allowed}|${p.denied}|${p.failed}|${p.key}`;
  if (key !== spriteKey) sprites.clear(), fills.clear();
  spriteKey = key;
  if (!sprites.has(kind)) {
    const centre = Math.ceil((r + 3) * dpr);
    const image = new OffscreenCanvas(2 * centre + 1, 2 * centre + 1);
    const c = image.getContext('2d') as unknown as CanvasRenderingContext2D | null;
    sprites.set(kind, null); // none while it is drawn: markers() below draws the paths into it
    c?.setTransform(dpr, 0, 0, dpr, 0, 0); // (kept as an ImageBitmap: a canvas is snapshot at every copy)
    if (c) markers(c, kind, [centre / dpr, centre / dpr], r, p), sprites.set(kind, { image: image.transferToImageBitmap(), centre });
    fills.set(kind, c ? fillSprite(kind, centre, dpr, r, p) : null);
  }
  const sprite = sprites.get(kind);
  if (!sprite) return false;
  const fill = fills.get(kind);
  const smoothing = ctx.imageSmoothingEnabled;
  ctx.imageSmoothingEnabled = false;
  const { centre } = sprite;
  const side = 2 * centre + 1;
  const size = side / dpr;
  const px = (v: number) => Math.round(v * dpr);
  for (let k = 0; k < xy.length; ) {
    // a run: markers of this kind in neighbouring pixel columns of one lane (a crowd, zoomed
    // out). Stamped one by one, each covered the one before but for its shape's left edge, so
    // what showed was their shapes run together and the last one whole. Drawn as that: the
    // first one's shape, its middle column stretched to the last but one, then the last.
    let e = k;
    while (e + 2 < xy.length && xy[e + 3] === xy[k + 1] && xy[e + 2] > xy[e] && xy[e + 2] - xy[e] <= 1) e += 2;
    const top = (px(xy[k + 1]) - centre) / dpr;
    if (fill && e - k >= 4) {
      const x0 = px(xy[k]);
      ctx.drawImage(fill, (x0 - centre) / dpr, top, size, size);
      ctx.drawImage(fill, centre, 0, 1, side, x0 / dpr, top, (px(xy[e - 2]) - x0 + 1) / dpr, size);
      ctx.drawImage(sprite.image, (px(xy[e]) - centre) / dpr, top, size, size);
      k = e + 2;
      continue;
    }
    ctx.drawImage(sprite.image, (px(xy[k]) - centre) / dpr, top, size, size);
    k += 2;
  }
  ctx.imageSmoothingEnabled = smoothing;
  return true;
}

/** a kind's shape alone, filled, in a sprite of the same size and centre */
function fillSprite(kind: ItemKind, centre: number, dpr: number, r: number, p: Palette): ImageBitmap | null {
  const image = new OffscreenCanvas(2 * centre + 1, 2 * centre + 1);
  const c = image.getContext('2d') as unknown as CanvasRenderingContext2D | null;
  if (!c) return null;
  c.setTransform(dpr, 0, 0, dpr, 0, 0);
  c.fillStyle = colourFor(kind, p);
  c.beginPath();
  shape(c, kind, centre / dpr, centre / dpr, r);
  c.fill();
  return image.transferToImageBitmap();
}

/** draws every marker of one kind: positions as x, y pairs (stamped from sprites; else a fill each: one fill of them all costs more) */
export function markers(ctx: CanvasRenderingContext2D, kind: ItemKind, xy: readonly number[], r: number, p: Palette): void {
  // one kind's markers share their colours: set once, not per marker (a sprite is drawn the same way)
  ctx.fillStyle = colourFor(kind, p);
  ctx.strokeStyle = p.bg;
  ctx.lineWidth = 1.5;
  if (xy.length && stamp(ctx, kind, xy, r, p)) return;
  for (let k = 0; k < xy.length; k += 2) {
    ctx.beginPath();
    shape(ctx, kind, xy[k], xy[k + 1], r);
    ctx.fill();
    ctx.beginPath();
    if (overlay(ctx, kind, xy[k], xy[k + 1], r)) ctx.stroke();
  }
}

export const KINDS: readonly ItemKind[] = ['key', 'grant-create', 'grant-retire', 'grant-revoke', 'arrive-create', 'arrive-retire', 'arrive-revoke', 'failed', 'allowed', 'denied'];
