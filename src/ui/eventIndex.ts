/**
 * An incremental index over the simulator's event stream, for the timeline, the state browser's
 * per-host visibility and the accessible event table. Pure (no DOM, no Svelte): the Session feeds it
 * the engine's append-only `sim.events` and it only looks at what is new since the last sync.
 *
 * Visibility rule (the engine contract): a grant change is in effect at host h once its
 * '@kms.grant.arrived' event for h has happened. The `arrivals` of '@kms.grant.changed' are only used
 * to draw arrivals that are still pending.
 *
 * Time travel: after `sim.seek(t)` the engine's events are those of the world at t, and the Session
 * builds a fresh index over them with `EventIndex.rebuild`; `sync` only ever appends.
 */
import type { GrantChange, SimEvent } from '../kms/events';

/** lane 0 is the control plane (grant and key changes); lane h + 1 is simulated host h */
export type Lane = number;

export type ItemKind =
  | 'grant-create'
  | 'grant-retire'
  | 'grant-revoke'
  | 'arrive-create'
  | 'arrive-retire'
  | 'arrive-revoke'
  | 'allowed'
  | 'denied'
  | 'failed'
  | 'key';

export interface TimelineItem {
  /** position in `items` (emission order) */
  readonly i: number;
  /** index into the engine's event array */
  readonly ev: number;
  readonly at: number;
  readonly lane: Lane;
  readonly kind: ItemKind;
}

export interface ChangeTrack {
  readonly ev: number;
  readonly change: GrantChange;
  readonly grantId: string;
  readonly at: number;
  readonly arrivals: readonly number[];
  /** per host: has the '@kms.grant.arrived' event happened? */
  readonly arrived: boolean[];
  /** the change's own marker on lane 0 (the timeline draws its lines from where it is drawn) */
  item?: TimelineItem;
  /** per host: the arrival's marker, once it has happened */
  readonly arrivedItems: (TimelineItem | undefined)[];
}

export interface GrantTrack {
  readonly grantId: string;
  readonly keyArn: string;
  readonly grantee: string;
  readonly operations: readonly string[];
  readonly by: string;
  create?: ChangeTrack;
  removal?: ChangeTrack;
}

/** a grant whose removal is on its way (EventIndex.removing) */
type RemovingGrant = GrantTrack & { removal: ChangeTrack };

export type HostVisibility = 'pending' | 'visible' | 'removing' | 'gone' | 'unknown';

export class EventIndex {
  readonly hosts: number;
  /** every drawable event, in emission order */
  readonly items: TimelineItem[] = [];
  /** per lane, items sorted by time */
  readonly lanes: TimelineItem[][];
  /** every grant change, in emission order */
  readonly changes: ChangeTrack[] = [];
  /**
   * per change: the latest time any change up to it reaches (its own time or an arrival's), so a
   * non-decreasing list: the changes that reach into a time window start where it passes the
   * window's start (`changesIn`)
   */
  readonly #reach: number[] = [];
  /** are the changes in time order (each at or after the one before)? The engine emits them so */
  #changesInOrder = true;
  readonly grants = new Map<string, GrantTrack>();
  /** requests that the UI made for itself (state browser reads): never drawn or listed */
  readonly hiddenRequests = new Set<string>();
  #open = new Set<ChangeTrack>();
  #byChangeKey = new Map<string, ChangeTrack>();
  #cursor = 0;
  #latest = Number.NEGATIVE_INFINITY;

  constructor(hosts: number) {
    this.hosts = hosts;
    this.lanes = Array.from({ length: hosts + 1 }, () => []);
  }

  /** how many engine events have been consumed */
  get cursor(): number {
    return this.#cursor;
  }

  /** the latest time anything happened or is scheduled to happen (pending arrivals included) */
  get latest(): number {
    return this.#latest;
  }

  /** consumes events appended since the last call; returns the new items */
  sync(events: readonly SimEvent[]): TimelineItem[] {
    const added: TimelineItem[] = [];
    for (; this.#cursor < events.length; this.#cursor++) {
      const ev = this.#cursor;
      const e = events[ev];
      switch (e.type) {
        case '@kms.request': {
          if (this.hiddenRequests.has(e.requestId)) break;
          const kind: ItemKind = e.decision
            ? e.decision.allowed
              ? e.status < 400
                ? 'allowed'
                : 'failed'
              : 'denied'
            : e.errorType === 'AccessDeniedException'
              ? 'denied'
              : e.status < 400
                ? 'allowed'
                : 'failed';
          added.push(this.#add(ev, e.at, this.#hostLane(e.host), kind));
          break;
        }
        case '@kms.grant.changed': {
          const track: ChangeTrack = {
            ev,
            change: e.change,
            grantId: e.grantId,
            at: e.at,
            arrivals: e.arrivals,
            arrived: e.arrivals.map(() => false),
            arrivedItems: e.arrivals.map(() => undefined),
          };
          const prev = this.changes[this.changes.length - 1];
          if (prev && prev.at > e.at) this.#changesInOrder = false;
          let reach = Math.max(e.at, this.#reach[this.#reach.length - 1] ?? Number.NEGATIVE_INFINITY);
          for (const t of e.arrivals) if (t > reach) reach = t;
          this.changes.push(track);
          this.#reach.push(reach);
          this.#byChangeKey.set(`${e.grantId}|${e.change}`, track);
          if (e.arrivals.length > 0) this.#open.add(track);
          for (const t of e.arrivals) this.#latest = Math.max(this.#latest, t);
          let g = this.grants.get(e.grantId);
          if (!g) {
            g = { grantId: e.grantId, keyArn: e.keyArn, grantee: e.grantee, operations: e.operations, by: e.by };
            this.grants.set(e.grantId, g);
          }
          if (e.change === 'create') g.create = track;
          else if (!g.removal) g.removal = track;
          track.item = this.#add(ev, e.at, 0, `grant-${e.change}`);
          added.push(track.item);
          break;
        }
        case '@kms.grant.arrived': {
          const track = this.#byChangeKey.get(`${e.grantId}|${e.change}`);
          const item = this.#add(ev, e.at, this.#hostLane(e.host), `arrive-${e.change}`);
          if (track && e.host >= 0 && e.host < track.arrived.length) {
            track.arrived[e.host] = true;
            track.arrivedItems[e.host] = item;
            if (track.arrived.every(Boolean)) this.#open.delete(track);
          }
          added.push(item);
          break;
        }
        case '@kms.key.changed':
          added.push(this.#add(ev, e.at, 0, 'key'));
          break;
        case '@kms.clock':
          break;
      }
    }
    return added;
  }

  /** a fresh index over `events` (for a reset, or later for time travel to a checkpoint) */
  static rebuild(hosts: number, events: readonly SimEvent[], hidden: Iterable<string> = []): EventIndex {
    const idx = new EventIndex(hosts);
    for (const id of hidden) idx.hiddenRequests.add(id);
    idx.sync(events);
    return idx;
  }

  /** whether grant `grantId` is in effect at `host`, from the arrival events seen so far */
  visibility(grantId: string, host: number): HostVisibility {
    const g = this.grants.get(grantId);
    if (!g?.create) return 'unknown';
    const created = g.create.arrived[host] ?? false;
    if (!g.removal) return created ? 'visible' : 'pending';
    if (g.removal.arrived[host]) return 'gone';
    return created ? 'removing' : 'pending';
  }

  /**
   * The grants whose removal has not reached every host yet, in the order they were first seen.
   * Only the changes still in flight are looked at, so it costs what is arriving, not what exists
   * (a key may hold 50,000 grants; the state browser asks on every Send).
   */
  removing(): RemovingGrant[] {
    const out: RemovingGrant[] = [];
    for (const t of this.#open) {
      if (t.change === 'create') continue;
      const g = this.grants.get(t.grantId);
      if (g?.removal === t) out.push(g as RemovingGrant);
    }
    // the grants map's own order: a grant is first seen at its creation (or, created before this
    // session, at its removal)
    const first = (g: RemovingGrant) => (g.create ?? g.removal).ev;
    return out.sort((a, b) => first(a) - first(b));
  }

  /** the earliest scheduled arrival strictly after `now`, if any */
  nextPendingAt(now: number): number | undefined {
    let next: number | undefined;
    for (const t of this.#open) {
      for (let h = 0; h < t.arrivals.length; h++) {
        const a = t.arrivals[h];
        if (!t.arrived[h] && a > now && (next === undefined || a < next)) next = a;
      }
    }
    // an arrival due at exactly `now` that has not been applied yet also counts
    if (next === undefined) {
      for (const t of this.#open) if (t.arrivals.some((a, h) => !t.arrived[h] && a <= now)) return now;
    }
    return next;
  }

  /** the latest scheduled arrival not applied yet (where "Settle" goes), if any */
  lastPendingAt(): number | undefined {
    let last: number | undefined;
    for (const t of this.#open) {
      for (let h = 0; h < t.arrivals.length; h++) {
        if (!t.arrived[h] && (last === undefined || t.arrivals[h] > last)) last = t.arrivals[h];
      }
    }
    return last;
  }

  /** how many grant changes are still on their way to at least one host */
  get pendingChanges(): number {
    return this.#open.size;
  }

  /**
   * The changes that may be drawn in the window [t0, t1], as a [start, end) range into `changes`:
   * none before it reaches t0 (neither the change nor an arrival of it, nor of any earlier one),
   * none after it starts past t1. What the range holds is proportional to the window, not to every
   * grant ever made (a change with a far-off arrival keeps the later ones in, as it should).
   */
  changesIn(t0: number, t1: number): [number, number] {
    const reach = this.#reach;
    let lo = 0;
    let hi = reach.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (reach[mid] < t0) lo = mid + 1;
      else hi = mid;
    }
    const start = lo;
    if (!this.#changesInOrder) return [start, this.changes.length];
    hi = this.changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.changes[mid].at <= t1) lo = mid + 1;
      else hi = mid;
    }
    return [start, lo];
  }

  /** items of `lane` with lo <= at <= hi, as a [start, end) range into lanes[lane] */
  range(lane: Lane, lo: number, hi: number): [number, number] {
    const arr = this.lanes[lane];
    return [lowerBound(arr, lo), upperBound(arr, hi)];
  }

  /**
   * where `item` (or the item at its place: matched by `i`, so an item of an index that time travel
   * replaced still finds its twin) stands in its lane: its position in lanes[lane], and its place
   * among the events of that lane at exactly its time (0-based) out of how many. Equal times keep
   * emission order, so `nth` is the order in which they happened. Undefined when it is not there.
   */
  locate(item: Pick<TimelineItem, 'i' | 'at' | 'lane'>): { pos: number; nth: number; of: number } | undefined {
    const arr = this.lanes[item.lane];
    if (!arr) return undefined;
    const lo = lowerBound(arr, item.at);
    const hi = upperBound(arr, item.at);
    for (let k = lo; k < hi; k++) if (arr[k].i === item.i) return { pos: k, nth: k - lo, of: hi - lo };
    return undefined;
  }

  #hostLane(host: number): Lane {
    return host >= 0 && host < this.hosts ? host + 1 : 0;
  }

  #add(ev: number, at: number, lane: Lane, kind: ItemKind): TimelineItem {
    const item: TimelineItem = { i: this.items.length, ev, at, lane, kind };
    this.items.push(item);
    const arr = this.lanes[lane];
    if (arr.length === 0 || arr[arr.length - 1].at <= at) arr.push(item);
    else arr.splice(upperBound(arr, at), 0, item);
    this.#latest = Math.max(this.#latest, at);
    return item;
  }
}

/** first index whose item is at or after t */
export function lowerBound(arr: readonly TimelineItem[], t: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid].at < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** first index whose item is strictly after t */
function upperBound(arr: readonly TimelineItem[], t: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid].at <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
