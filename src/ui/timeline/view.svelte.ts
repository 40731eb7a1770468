/**
 * What the timeline shows and how it is moved (no drawing, no DOM): the span of time in view
 * (following the clock, or panned by hand), zoom steps, the selected and hovered event, the
 * keyboard's way between events, and the words that explain an event.
 */
import type { Session } from '../Session.svelte';
import type { TimelineItem } from '../eventIndex';
import { explain, laneName } from '../describe';
import { formatDuration, formatRelative } from '../format';
import type { Hit, View } from './renderer';

/** the share of the view kept before the start of the scenario */
const LEAD = 0.025;
/** the spans zoom steps through (ms) */
const SPANS = [2_000, 5_000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000, 21_600_000, 86_400_000];

export class TimelineView {
  readonly #session: () => Session;
  span = $state(20_000);
  /** the view follows the clock (else it stays where it was panned to: `manualEnd`) */
  follow = $state(true);
  /** right edge of the view when not following */
  manualEnd = $state(0);
  selected = $state<TimelineItem | undefined>(undefined);
  hovered = $state<Hit | undefined>(undefined);

  constructor(session: () => Session) {
    this.#session = session;
  }

  get #start(): number {
    return this.#session().config.startTime;
  }

  /** the span of virtual time in view */
  readonly view: View = $derived.by((): View => {
    const session = this.#session();
    const start = this.#start;
    // a little room left of the start, so the first markers are not cut in half by the lane labels
    const end = this.follow ? Math.max(session.now + this.span * 0.3, start + this.span * (1 - LEAD)) : this.manualEnd;
    return { t0: end - this.span, t1: end };
  });

  /** the lines that say what the hovered (else the selected) event is */
  readonly explanation: string[] = $derived.by((): string[] => {
    const session = this.#session();
    void session.version;
    const start = this.#start;
    const ctx = { start, index: session.index };
    const h = this.hovered ?? (this.selected ? ({ type: 'item', item: this.selected, x: 0, y: 0 } as Hit) : undefined);
    if (!h) return [];
    if (h.type === 'pending') {
      const e = session.events[h.change.ev];
      return [
        `${h.change.change === 'create' ? 'Grant' : h.change.change === 'retire' ? 'Retirement of grant' : 'Revocation of grant'} ${h.change.grantId.slice(0, 8)}… is on its way to host ${h.host}.`,
        `Arrives at ${formatRelative(h.at - start)}, ${formatDuration(h.at - session.now)} from now.`,
        ...(e ? explain(e, ctx).slice(2) : []),
      ];
    }
    const e = session.events[h.item.ev];
    if (!e) return [];
    const lines = explain(e, ctx);
    // several events at this very time on this lane are drawn side by side: say which one this is
    const place = session.index.locate(h.item);
    if (place && place.of > 1) {
      lines.splice(2, 0, `Event ${place.nth + 1} of ${place.of} at this time on this lane (set side by side, in the order they happened).`);
    }
    return [`${laneName(h.item.lane)}:`, ...lines];
  });

  /**
   * Stops following the clock, keeping the view where it is. The end is read first: once
   * `follow` is false the view is derived from `manualEnd`, so reading it after would give the
   * old `manualEnd` back (0 at first: the view jumped to 1970).
   */
  hold(): void {
    const end = this.view.t1;
    this.follow = false;
    this.manualEnd = end;
  }

  /** shows time t (the view moves only when t is out of it) */
  reveal(t: number): void {
    if (t < this.view.t0 || t > this.view.t1) {
      this.follow = false;
      this.manualEnd = t + this.span / 2;
    }
  }

  /** pans by a share of the span (positive: later) */
  pan(share: number): void {
    const end = this.view.t1 + share * this.span;
    this.follow = false;
    this.manualEnd = end;
  }

  /** one zoom step: -1 in, 1 out */
  zoom(dir: number): void {
    const i = SPANS.findIndex((s) => s >= this.span);
    const j = Math.min(SPANS.length - 1, Math.max(0, (i < 0 ? SPANS.length - 1 : i) + dir));
    const centre = (this.view.t0 + this.view.t1) / 2;
    this.span = SPANS[j];
    if (!this.follow) this.manualEnd = centre + this.span / 2;
  }

  /** the whole scenario so far in view */
  fit(): void {
    const session = this.#session();
    const start = this.#start;
    const last = Math.max(session.now, session.index.latest, start + 1000);
    const want = (last - start) * 1.08;
    this.span = SPANS.find((s) => s >= want) ?? SPANS[SPANS.length - 1];
    this.follow = false;
    this.manualEnd = start + this.span * (1 - LEAD);
  }

  /** selects an event and brings it into view */
  select(item: TimelineItem): void {
    this.selected = item;
    this.hovered = undefined;
    this.reveal(item.at);
  }

  /** time travel rebuilt the index: forgets a selected event that has not happened at the shown time */
  forgetUnhappened(): void {
    if (this.selected && this.selected.ev >= this.#session().events.length) this.selected = undefined;
  }

  #neighbour(dir: 1 | -1): TimelineItem | undefined {
    const idx = this.#session().index;
    const selected = this.selected;
    if (!selected) {
      const all = idx.items;
      return dir > 0 ? all[0] : all[all.length - 1];
    }
    // by position in the lane (time, then the order they happened: as drawn, left to right)
    const at = idx.locate(selected);
    if (!at) return undefined;
    return idx.lanes[selected.lane][at.pos + dir];
  }

  #otherLane(dir: 1 | -1): TimelineItem | undefined {
    const session = this.#session();
    const idx = session.index;
    const lanes = session.config.hosts + 1;
    const from = this.selected?.lane ?? 0;
    for (let lane = from + dir; lane >= 0 && lane < lanes; lane += dir) {
      const arr = idx.lanes[lane];
      if (!arr.length) continue;
      const t = this.selected?.at ?? session.now;
      let best = arr[0];
      for (const it of arr) if (Math.abs(it.at - t) < Math.abs(best.at - t)) best = it;
      return best;
    }
    return undefined;
  }

  /**
   * The timeline's keys while it has the focus: arrows between events (along the lane, or to the
   * lane above or below), Home and End, + and − zoom, Escape clears. True when the key was one of them.
   */
  key(key: string): boolean {
    const lanes = this.#session().index.lanes;
    let item: TimelineItem | undefined;
    switch (key) {
      case 'ArrowRight':
        item = this.#neighbour(1);
        break;
      case 'ArrowLeft':
        item = this.#neighbour(-1);
        break;
      case 'ArrowDown':
        item = this.#otherLane(1);
        break;
      case 'ArrowUp':
        item = this.#otherLane(-1);
        break;
      case 'Home':
        item = lanes[this.selected?.lane ?? 0][0];
        break;
      case 'End': {
        const arr = lanes[this.selected?.lane ?? 0];
        item = arr[arr.length - 1];
        break;
      }
      case '+':
      case '=':
        this.zoom(-1);
        break;
      case '-':
        this.zoom(1);
        break;
      case 'Escape':
        this.selected = undefined;
        break;
      default:
        return false;
    }
    if (item) this.select(item);
    return true;
  }
}
