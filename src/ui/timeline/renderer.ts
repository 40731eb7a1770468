/**
 * Draws the timeline on a canvas: one lane for grant/key changes, one per simulated host; change
 * lines to each host's arrival (dashed while still on the way); requests at the host that served
 * them; the virtual clock as a cursor. Only the visible time window is drawn, and markers that
 * would land on the same pixel column of a lane are drawn once, so 10,000 events stay smooth.
 * Shapes differ by kind as well as colour (no colour-only meaning).
 */
import type { ChangeTrack, EventIndex, ItemKind, TimelineItem } from '../eventIndex';
import { laneName } from '../describe';
import { formatRelative } from '../format';

export interface View {
  /** left edge, epoch ms */
  t0: number;
  /** right edge, epoch ms */
  t1: number;
}

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

export interface Layout {
  width: number;
  height: number;
  gutter: number;
  axis: number;
  laneHeight: number;
  lanes: number;
  font: number;
}

/** a marker the pointer can hit: an indexed item or a pending arrival */
export type Hit =
  | { type: 'item'; item: TimelineItem; x: number; y: number }
  | { type: 'pending'; change: ChangeTrack; host: number; at: number; x: number; y: number };

export function layoutFor(width: number, lanes: number, font: number): Layout {
  const laneHeight = Math.round(font * 2.6);
  const axis = Math.round(font * 1.9);
  return { width, height: axis + laneHeight * lanes + 4, gutter: Math.round(font * 5.5), axis, laneHeight, lanes, font };
}

export const xOf = (t: number, v: View, l: Layout) => l.gutter + ((t - v.t0) / (v.t1 - v.t0)) * (l.width - l.gutter - 8);
export const tOf = (x: number, v: View, l: Layout) => v.t0 + ((x - l.gutter) / (l.width - l.gutter - 8)) * (v.t1 - v.t0);
export const laneY = (lane: number, l: Layout) => l.axis + lane * l.laneHeight + l.laneHeight / 2;

const TICKS = [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000];

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

function marker(ctx: CanvasRenderingContext2D, kind: ItemKind, x: number, y: number, r: number, p: Palette): void {
  ctx.fillStyle = colourFor(kind, p);
  ctx.strokeStyle = colourFor(kind, p);
  ctx.beginPath();
  switch (kind) {
    case 'grant-create':
    case 'grant-retire':
    case 'grant-revoke':
      ctx.moveTo(x, y - r - 1);
      ctx.lineTo(x + r + 1, y);
      ctx.lineTo(x, y + r + 1);
      ctx.lineTo(x - r - 1, y);
      ctx.closePath();
      ctx.fill();
      if (kind !== 'grant-create') {
        ctx.strokeStyle = p.bg;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(x - r / 2, y);
        ctx.lineTo(x + r / 2, y);
        ctx.stroke();
      }
      return;
    case 'arrive-create':
      ctx.arc(x, y, r, 0, Math.PI * 2);
      ctx.fill();
      return;
    case 'arrive-retire':
    case 'arrive-revoke':
      ctx.arc(x, y, r, 0, Math.PI * 2);
      ctx.fill();
      ctx.strokeStyle = p.bg;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(x - r / 2, y);
      ctx.lineTo(x + r / 2, y);
      ctx.stroke();
      return;
    case 'allowed':
      ctx.rect(x - r, y - r, r * 2, r * 2);
      ctx.fill();
      ctx.strokeStyle = p.bg;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(x - r / 2, y);
      ctx.lineTo(x - r / 8, y + r / 2);
      ctx.lineTo(x + r / 2, y - r / 2);
      ctx.stroke();
      return;
    case 'denied':
      ctx.moveTo(x, y - r - 1);
      ctx.lineTo(x + r + 1, y + r);
      ctx.lineTo(x - r - 1, y + r);
      ctx.closePath();
      ctx.fill();
      return;
    case 'failed':
      ctx.rect(x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6);
      ctx.fill();
      return;
    case 'key':
      ctx.rect(x - r, y - r / 2, r * 2, r);
      ctx.fill();
      return;
  }
}

export interface DrawState {
  now: number;
  start: number;
  /** the latest time history reaches: after `now` while the past is shown (the kept future) */
  horizon?: number;
  selected?: TimelineItem;
  hovered?: Hit;
}

/** draws the frame; returns the markers drawn (for hit testing), lane by lane */
export function draw(ctx: CanvasRenderingContext2D, index: EventIndex, v: View, l: Layout, p: Palette, s: DrawState): Hit[] {
  const hits: Hit[] = [];
  const r = Math.max(4, Math.round(l.font * 0.38));
  ctx.clearRect(0, 0, l.width, l.height);
  ctx.fillStyle = p.bg;
  ctx.fillRect(0, 0, l.width, l.height);
  ctx.font = `${l.font * 0.85}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';

  // lane bands and names
  for (let lane = 0; lane < l.lanes; lane++) {
    const y = l.axis + lane * l.laneHeight;
    if (lane % 2 === 0) {
      ctx.fillStyle = p.band;
      ctx.fillRect(0, y, l.width, l.laneHeight);
    }
    ctx.fillStyle = p.fg;
    ctx.fillText(laneName(lane), 6, y + l.laneHeight / 2);
  }

  // time grid
  const span = v.t1 - v.t0;
  const pxPerMs = (l.width - l.gutter - 8) / span;
  const step = TICKS.find((t) => t * pxPerMs >= l.font * 6) ?? TICKS[TICKS.length - 1];
  const first = Math.ceil((v.t0 - s.start) / step) * step + s.start;
  ctx.strokeStyle = p.grid;
  ctx.lineWidth = 1;
  ctx.fillStyle = p.muted;
  ctx.textAlign = 'center';
  for (let t = first; t <= v.t1; t += step) {
    const x = Math.round(xOf(t, v, l)) + 0.5;
    if (x < l.gutter) continue;
    ctx.beginPath();
    ctx.moveTo(x, l.axis - 4);
    ctx.lineTo(x, l.height);
    ctx.stroke();
    const label = formatRelative(t - s.start).replace(/\.000$/, '');
    const half = ctx.measureText(label).width / 2;
    if (x + half <= l.width - 2 && x - half >= 0) ctx.fillText(label, x, l.axis / 2);
  }
  ctx.textAlign = 'left';

  ctx.save();
  ctx.beginPath();
  ctx.rect(l.gutter, 0, l.width - l.gutter, l.height);
  ctx.clip();

  // the kept future (shown the past): hatched, up to the horizon, labelled
  if (s.horizon !== undefined && s.horizon > s.now) {
    const xa = Math.max(l.gutter, xOf(s.now, v, l));
    const xb = Math.min(l.width, xOf(s.horizon, v, l));
    if (xb > xa) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(xa, l.axis, xb - xa, l.height - l.axis);
      ctx.clip();
      ctx.strokeStyle = p.muted;
      ctx.globalAlpha = 0.22;
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let x = xa - (l.height - l.axis); x < xb; x += 8) {
        ctx.moveTo(x, l.height);
        ctx.lineTo(x + (l.height - l.axis), l.axis);
      }
      ctx.stroke();
      ctx.restore();
      const xh = Math.round(xOf(s.horizon, v, l)) + 0.5;
      if (xh <= l.width) {
        ctx.strokeStyle = p.muted;
        ctx.setLineDash([3, 3]);
        ctx.beginPath();
        ctx.moveTo(xh, l.axis);
        ctx.lineTo(xh, l.height);
        ctx.stroke();
        ctx.setLineDash([]);
      }
      ctx.fillStyle = p.muted;
      ctx.textAlign = 'left';
      const label = 'kept future';
      if (xb - xa > ctx.measureText(label).width + 12) ctx.fillText(label, xa + 8, l.axis + l.laneHeight * 0.25);
    }
  }

  // change lines and pending arrivals
  for (const c of index.changes) {
    let last = c.at;
    for (const a of c.arrivals) if (a > last) last = a;
    if (last < v.t0 || c.at > v.t1) continue;
    const x0 = xOf(c.at, v, l);
    const y0 = laneY(0, l);
    const colour = c.change === 'create' ? p.create : p.remove;
    c.arrivals.forEach((a, h) => {
      const x1 = xOf(a, v, l);
      const y1 = laneY(h + 1, l);
      ctx.strokeStyle = colour;
      ctx.globalAlpha = 0.55;
      ctx.lineWidth = 1.25;
      ctx.setLineDash(c.arrived[h] ? [] : [4, 4]);
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
      if (!c.arrived[h]) {
        ctx.fillStyle = p.bg;
        ctx.beginPath();
        ctx.arc(x1, y1, r, 0, Math.PI * 2);
        ctx.fill();
        ctx.lineWidth = 2;
        ctx.stroke();
        hits.push({ type: 'pending', change: c, host: h, at: a, x: x1, y: y1 });
      }
    });
  }

  // markers, one per pixel column and kind in each lane
  for (let lane = 0; lane < l.lanes; lane++) {
    const [from, to] = index.range(lane, tOf(l.gutter - r, v, l), tOf(l.width + r, v, l));
    const arr = index.lanes[lane];
    const y = laneY(lane, l);
    const lastX = new Map<ItemKind, number>();
    for (let i = from; i < to; i++) {
      const item = arr[i];
      const x = Math.round(xOf(item.at, v, l));
      if (lastX.get(item.kind) === x) continue;
      lastX.set(item.kind, x);
      // stack different kinds at the same instant slightly so both stay visible
      marker(ctx, item.kind, x, y, r, p);
      hits.push({ type: 'item', item, x, y });
    }
  }

  // the clock
  const xn = Math.round(xOf(s.now, v, l)) + 0.5;
  if (xn >= l.gutter && xn <= l.width) {
    ctx.strokeStyle = p.cursor;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(xn, l.axis - 6);
    ctx.lineTo(xn, l.height);
    ctx.stroke();
    ctx.fillStyle = p.cursor;
    ctx.beginPath();
    ctx.moveTo(xn - 5, l.axis - 10);
    ctx.lineTo(xn + 5, l.axis - 10);
    ctx.lineTo(xn, l.axis - 3);
    ctx.closePath();
    ctx.fill();
  }

  // selection and hover rings
  const ring = (x: number, y: number, colour: string) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    ctx.arc(x, y, r + 5, 0, Math.PI * 2);
    ctx.stroke();
  };
  if (s.selected) ring(xOf(s.selected.at, v, l), laneY(s.selected.lane, l), p.focus);
  if (s.hovered) ring(s.hovered.x, s.hovered.y, p.fg);
  ctx.restore();
  return hits;
}

/** the marker nearest to (x, y) within `radius` px, if any */
export function hitTest(hits: readonly Hit[], x: number, y: number, radius: number): Hit | undefined {
  let best: Hit | undefined;
  let bestD = radius * radius;
  for (const h of hits) {
    const d = (h.x - x) ** 2 + (h.y - y) ** 2;
    if (d <= bestD) {
      best = h;
      bestD = d;
    }
  }
  return best;
}
