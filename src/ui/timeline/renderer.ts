/**
 * Draws the timeline on a canvas: one lane for grant/key changes, one per simulated host; change
 * lines to each host's arrival (dashed while still on the way); requests at the host that served
 * them; the virtual clock as a cursor. Only the visible time window is drawn (the changes that
 * reach into it: `EventIndex.changesIn`; a change line with both ends out of view is skipped; past
 * MAX_LINES lines in view they are thinned out), and markers that would land on the same pixel
 * column of a lane are drawn once, so 10,000 events stay smooth and 50,000 grants cost what is in view.
 * Shapes differ by kind as well as colour (no colour-only meaning).
 *
 * The virtual clock stands still while requests are sent, so many events share a time: markers
 * closer than a marker's width on a lane are set side by side in the order they happened (see
 * `dodge`), joined by a thin line; the tooltip and the explanation keep their exact time.
 */
import type { ChangeTrack, EventIndex, ItemKind, TimelineItem } from '../eventIndex';
import { laneName } from '../describe';
import { formatRelative } from '../format';
import { KINDS, markers, type Palette } from './markers';

export interface View {
  /** left edge, epoch ms */
  t0: number;
  /** right edge, epoch ms */
  t1: number;
}

export type { Palette } from './markers';

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
const laneY = (lane: number, l: Layout) => l.axis + lane * l.laneHeight + l.laneHeight / 2;
/** a marker's radius */
export const markerRadius = (l: Layout) => Math.max(4, Math.round(l.font * 0.38));
/** how far apart markers that share a time are set: a marker's width and a little air */
export const dodgeStep = (l: Layout) => 2 * markerRadius(l) + 4;

/**
 * Where the markers of one lane are drawn. `xs[0..n)` are their true x positions in lane order
 * (ascending; equal times in the order they happened). A run of markers each less than `step` px
 * after the previous one (most often: the very same time) is set side by side, `step` px apart,
 * left to right in that order, as one cluster centred on the run's time (never starting before the
 * previous run's last marker plus a step, nor after its own first time), when the run has room for that before the next run (the
 * last run: before `end`). Centred, not starting at its time: a cluster drawn rightwards from the
 * clock cursor read as events that happened later. A crowded run (zoomed out) is not pushed on:
 * each of its times spreads its markers over the room up to the next time (the lane's last one:
 * as much as the run's times have on average), so no marker is drawn past a later event, none drifts far from
 * its time, and zooming in separates them again.
 * Writes `out[0..n)`; O(n).
 */
export function dodge(xs: ArrayLike<number>, n: number, step: number, out: { [k: number]: number }, end = Number.POSITIVE_INFINITY, begin = Number.NEGATIVE_INFINITY): void {
  let i = 0;
  let prev = Number.NEGATIVE_INFINITY;
  while (i < n) {
    let j = i + 1;
    while (j < n && xs[j] - xs[j - 1] < step) j++;
    const next = j < n ? xs[j] : Math.max(end, xs[j - 1] + step);
    // the run's gaps are under a step, so centred on the middle of its times it starts at or before
    // its first time: it ends no later than the old layout drawn rightwards from that time did
    const width = (j - i - 1) * step;
    // (after a crowded run, whose markers are closer than a step, never later than its own first time)
    // (and a run whose time is in view never starts left of `begin`, the lanes' left edge)
    const start = Math.max((xs[i] + xs[j - 1]) / 2 - width / 2, Math.min(prev + step, xs[i]), xs[i] >= begin ? begin : Number.NEGATIVE_INFINITY);
    if (start + width + step <= next) {
      // room for all: a full step apart, in order, centred on their time
      for (let k = i; k < j; k++) out[k] = start + (k - i) * step;
    } else {
      // the lane's last time gets as much room as the run's times have on average (not all of it
      // up to `end`)
      let times = 1;
      if (j === n) for (let k = i + 1; k < j; k++) if (xs[k] !== xs[k - 1]) times++;
      const last = times > 1 ? Math.min(next, xs[j - 1] + (xs[j - 1] - xs[i]) / (times - 1)) : next;
      for (let g = i; g < j; ) {
        let h = g + 1;
        while (h < j && xs[h] === xs[g]) h++;
        const s = Math.min(step, ((h < j ? xs[h] : last) - xs[g]) / (h - g));
        for (let k = g; k < h; k++) out[k] = xs[g] + (k - g) * s;
        g = h;
      }
    }
    prev = out[j - 1];
    i = j;
  }
}

// scratch buffers of `draw` (reused: no garbage per frame)
let trueX: Float64Array = new Float64Array(1024);
let drawnX: Float64Array = new Float64Array(1024);
/** per item (by `i`): where it was drawn this frame, valid when `placedIn[i] === frameNo` */
let placedX = new Float64Array(1024);
let placedIn = new Uint32Array(1024);
/** per laid-out marker: its position in the lane (>= 0) or -1 - its place among pending arrivals */
let refs = new Int32Array(1024);
let frameNo = 0;
const byKind = new Map<ItemKind, number[]>();
const lastX = new Map<ItemKind, number>();

/** the most change lines a frame strokes (beyond it the lines are thinned out: `draw`); a software-rasterized line costs about 20 µs */
export const MAX_LINES = 400;

/** the change lines drawn in the current frame, by rounded ends, host, colour and dash */
const drawnLines = new Set<number>();

function grow(a: Float64Array, n: number): Float64Array {
  return a.length >= n ? a : new Float64Array(Math.max(n, a.length * 2));
}

const TICKS = [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000];

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
  const r = markerRadius(l);
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
  const tick = TICKS.find((t) => t * pxPerMs >= l.font * 6) ?? TICKS[TICKS.length - 1];
  const first = Math.ceil((v.t0 - s.start) / tick) * tick + s.start;
  ctx.strokeStyle = p.grid;
  ctx.lineWidth = 1;
  ctx.fillStyle = p.muted;
  ctx.textAlign = 'center';
  for (let t = first; t <= v.t1; t += tick) {
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

  // the changes in view, and per host lane the arrivals still on their way (in time order)
  interface Pending {
    x: number;
    drawn: number;
    c: ChangeTrack;
    h: number;
    at: number;
  }
  /** the changes in view, with their place in index.changes (n) */
  const shown: { c: ChangeTrack; n: number; pending?: (Pending | undefined)[] }[] = [];
  const pendingIn: Pending[][] = Array.from({ length: l.lanes }, () => []);
  const [cFrom, cTo] = index.changesIn(v.t0, v.t1);
  for (let ci = cFrom; ci < cTo; ci++) {
    const c = index.changes[ci];
    let last = c.at;
    let open = false;
    for (let h = 0; h < c.arrivals.length; h++) {
      if (c.arrivals[h] > last) last = c.arrivals[h];
      if (!c.arrived[h]) open = true;
    }
    if (last < v.t0 || c.at > v.t1) continue;
    if (!open) {
      shown.push({ c, n: ci });
      continue;
    }
    const pending = c.arrivals.map((a, h) => {
      if (c.arrived[h] || h + 1 >= l.lanes) return undefined;
      const x = xOf(a, v, l);
      const entry: Pending = { x, drawn: x, c, h, at: a };
      pendingIn[h + 1].push(entry);
      return entry;
    });
    shown.push({ c, n: ci, pending });
  }
  for (const list of pendingIn) list.sort((a, b) => a.x - b.x);

  // where each marker goes, lane by lane: the visible ones, the runs that reach into view, and the
  // arrivals on their way (so a request and an arrival at one time do not hide each other)
  const step = dodgeStep(l);
  frameNo = (frameNo + 1) >>> 0 || 1;
  if (placedX.length < index.items.length) {
    placedX = new Float64Array(Math.max(index.items.length, placedX.length * 2));
    placedIn = new Uint32Array(placedX.length);
  }
  const ranges: [number, number][] = [];
  /** the runs set side by side: lane, first marker's x, last marker's x, the x of their time */
  const runs: number[] = [];
  for (let lane = 0; lane < l.lanes; lane++) {
    const arr = index.lanes[lane];
    let [from, to] = index.range(lane, tOf(l.gutter - r, v, l), tOf(l.width + r, v, l));
    const px = (k: number) => xOf(arr[k].at, v, l);
    // a run that starts left of the view spreads into it; the first marker after the view caps
    // the last run (both walks are bounded: beyond that the layout is only slightly off)
    for (let n = 0; n < 1000 && from > 0 && from < arr.length && px(from) - px(from - 1) < step; n++) from--;
    for (let n = 0; n < 1000 && to > 0 && to < arr.length && px(to) - px(to - 1) < step; n++) to++;
    if (to < arr.length) to++;
    ranges.push([from, to]);
    const pend = pendingIn[lane];
    const n = to - from + pend.length;
    trueX = grow(trueX, n);
    drawnX = grow(drawnX, n);
    if (refs.length < n) refs = new Int32Array(Math.max(n, refs.length * 2));
    // merge in time order (an arrival not there yet comes after what has happened at its time)
    for (let m = 0, k = from, q = 0; m < n; m++) {
      if (q >= pend.length || (k < to && px(k) <= pend[q].x)) {
        trueX[m] = px(k);
        refs[m] = k++;
      } else {
        trueX[m] = pend[q].x;
        refs[m] = -1 - q++;
      }
    }
    dodge(trueX, n, step, drawnX, l.width, l.gutter + r + 2);
    let runStart = 0;
    for (let m = 0; m < n; m++) {
      const ref = refs[m];
      if (ref >= 0) {
        const it = arr[ref].i;
        placedX[it] = drawnX[m];
        placedIn[it] = frameNo;
      } else pend[-1 - ref].drawn = drawnX[m];
      if (m + 1 === n || trueX[m + 1] - trueX[m] >= step) {
        // the end of a run: underline it when its markers stand apart (not in a crowd, zoomed out)
        if (m > runStart && drawnX[m] - drawnX[runStart] >= ((m - runStart) * step) / 2) runs.push(lane, drawnX[runStart], drawnX[m], (trueX[runStart] + trueX[m]) / 2);
        runStart = m + 1;
      }
    }
  }
  const at = (item: TimelineItem | undefined, t: number) => (item && placedIn[item.i] === frameNo ? placedX[item.i] : xOf(t, v, l));

  // change lines (from where the change is drawn to where each arrival is), then the arrivals still
  // on their way. A stroke per line: a path of several translucent lines costs far more to rasterize.
  // Zoomed out, thousands of lines share their pixels: a line whose ends round to those of one
  // already drawn (same host, colour and dash) is drawn once.
  // Thousands of changes in view (a burst of grants) would cost a stroke each, and their lines
  // fill the same band: past MAX_LINES, one change in `every` is drawn (chosen by its place in the
  // index, so the same ones stay drawn from frame to frame); every marker is still drawn.
  let every = 1;
  while ((shown.length * (l.lanes - 1)) / every > MAX_LINES) every *= 2;
  const circles: Pending[] = [];
  ctx.globalAlpha = 0.55;
  ctx.lineWidth = 1.25;
  const y0 = laneY(0, l);
  drawnLines.clear();
  for (const dashed of [false, true]) {
    ctx.setLineDash(dashed ? [4, 4] : []);
    for (const { c, pending, n } of shown) {
      if (dashed && !pending) continue;
      const thinned = every > 1 && n % every !== 0;
      const x0 = at(c.item, c.at);
      const create = c.change === 'create';
      ctx.strokeStyle = create ? p.create : p.remove;
      for (let h = 0; h < c.arrivals.length; h++) {
        if (c.arrived[h] === dashed) continue;
        const entry = pending?.[h];
        if (entry) circles.push(entry);
        if (thinned) continue;
        const x1 = entry?.drawn ?? at(c.arrivedItems[h], c.arrivals[h]);
        // both ends left of the lanes, or both right of them: nothing of the line is in view
        if ((x0 < l.gutter && x1 < l.gutter) || (x0 > l.width && x1 > l.width)) continue;
        const r0 = Math.round(x0) + 8192;
        const r1 = Math.round(x1) + 8192;
        if (r0 >= 0 && r0 < 16384 && r1 >= 0 && r1 < 16384 && h < 64) {
          const key = ((r0 * 16384 + r1) * 64 + h) * 4 + (create ? 2 : 0) + (dashed ? 1 : 0);
          if (drawnLines.has(key)) continue;
          drawnLines.add(key);
        }
        ctx.beginPath();
        ctx.moveTo(x0, y0);
        ctx.lineTo(x1, laneY(h + 1, l));
        ctx.stroke();
      }
    }
  }
  drawnLines.clear();
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  ctx.lineWidth = 2;
  for (const e of circles) {
    const y1 = laneY(e.h + 1, l);
    ctx.fillStyle = p.bg;
    ctx.strokeStyle = e.c.change === 'create' ? p.create : p.remove;
    ctx.beginPath();
    ctx.arc(e.drawn, y1, r, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
    hits.push({ type: 'pending', change: e.c, host: e.h, at: e.at, x: e.drawn, y: y1 });
  }

  // the clock (under the markers: a marker at the present stays readable)
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

  // an outline round each run set side by side, centred on its time, with a tick at that time
  // below it: "these happened together, at this time, in this order (left to right)"
  ctx.strokeStyle = p.muted;
  ctx.lineWidth = 1.25;
  ctx.beginPath();
  for (let k = 0; k < runs.length; k += 4) {
    const y = laneY(runs[k], l);
    const pad = r + 3;
    const x0 = runs[k + 1] - pad;
    const x1 = runs[k + 2] + pad;
    ctx.moveTo(x0 + pad, y - pad);
    ctx.lineTo(x1 - pad, y - pad);
    ctx.arc(x1 - pad, y, pad, -Math.PI / 2, Math.PI / 2);
    ctx.lineTo(x0 + pad, y + pad);
    ctx.arc(x0 + pad, y, pad, Math.PI / 2, (3 * Math.PI) / 2);
    ctx.moveTo(runs[k + 3], y + pad);
    ctx.lineTo(runs[k + 3], y + pad + 4);
  }
  ctx.stroke();

  // markers, one per pixel column and kind in each lane, filled kind by kind
  let selectedX: number | undefined;
  for (const xy of byKind.values()) xy.length = 0;
  for (let lane = 0; lane < l.lanes; lane++) {
    const [from, to] = ranges[lane];
    const arr = index.lanes[lane];
    const y = laneY(lane, l);
    lastX.clear();
    for (let k = from; k < to; k++) {
      const item = arr[k];
      const x = Math.round(placedX[item.i]);
      if (s.selected && item.i === s.selected.i) selectedX = x;
      if (lastX.get(item.kind) === x) continue;
      lastX.set(item.kind, x);
      let xy = byKind.get(item.kind);
      if (!xy) byKind.set(item.kind, (xy = []));
      xy.push(x, y);
      hits.push({ type: 'item', item, x, y });
    }
  }
  for (const kind of KINDS) markers(ctx, kind, byKind.get(kind) ?? [], r, p);

  // selection and hover rings
  const ring = (x: number, y: number, colour: string) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    ctx.arc(x, y, r + 5, 0, Math.PI * 2);
    ctx.stroke();
  };
  if (s.selected) ring(selectedX ?? xOf(s.selected.at, v, l), laneY(s.selected.lane, l), p.focus);
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
