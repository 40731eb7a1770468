/**
 * The world model: every key, alias and grant, the indexes that keep reads fast, the seeded
 * generator and the propagation agenda. Plain records (JSON- and structured-clone-friendly) so
 * a store can persist them and a checkpoint can copy them.
 *
 * Handlers check everything first and mutate last, so a failed or dry-run request leaves the
 * world untouched; every mutation goes through a method here that marks what it touched, so
 * the simulator can hand a store one change set per request.
 */
import { aliasRecordId, type AliasRecord, type GrantChange, type GrantRecord, type KeyRecord, type StoreName } from './api';
import { Rng, type RngState } from './rng';
import { MinHeap } from './util/heap';
import { SortedIds } from './util/sortedIds';

/** the records are part of the engine contract (api.ts); re-exported for the modules that read them here */
export type { AliasRecord, GrantConstraints, GrantRecord, KeyRecord, KeyState, StoreName } from './api';

export interface Arrival {
  at: number;
  seq: number;
  grantId: string;
  host: number;
  change: GrantChange;
}

/**
 * One grant change on the agenda: it stands for the change's arrival at each host still to
 * hear of it, and is keyed by the next of those in (time, sequence) order. Popping it delivers
 * that host and puts it back keyed by the following one, so the agenda yields exactly the
 * order a per-host agenda would (a k-way merge), with one entry per change instead of one per
 * host.
 */
interface Pending {
  /** the next arrival: its time and sequence number (base + host) */
  at: number;
  seq: number;
  base: number;
  grantId: string;
  change: GrantChange;
  arrivals: readonly number[];
}

/** the host after (at, seq) in (time, host) order among a change's arrivals, or -1 */
function nextHost(arrivals: readonly number[], at: number, host: number): number {
  let best = -1;
  for (let h = 0; h < arrivals.length; h++) {
    const t = arrivals[h];
    if (t < at || (t === at && h <= host)) continue;
    if (best < 0 || t < arrivals[best]) best = h;
  }
  return best;
}

export interface WorldConfig {
  hosts: number;
}

/**
 * The last grantee key built (World.granteeKey): a pure memo shared by every simulator on the
 * page, since the key depends on its two strings alone; it holds one string, no world's state.
 */
let lastGrantee = { keyId: '', principal: '', key: '\n' };

export class World {
  readonly keys = new Map<string, KeyRecord>();
  /** `${account}:${region}:${aliasName}` */
  readonly aliases = new Map<string, AliasRecord>();
  /** every grant that is active, or removed but not yet gone from every host */
  readonly grants = new Map<string, GrantRecord>();
  /** active grants per key id, in GrantId order (the order of the AWS ListGrants example) */
  readonly grantsByKey = new Map<string, SortedIds>();
  /** `${keyId}\n${name}` -> active grant ids with that name */
  readonly grantsByName = new Map<string, string[]>();
  /** `${keyId}\n${principal}` -> grant ids that may authorize it at some host */
  readonly grantsByGrantee = new Map<string, Set<string>>();
  /** `${region}\n${retiringPrincipal}` -> active grant ids */
  readonly grantsByRetiring = new Map<string, SortedIds>();
  /** per host: ids of the grants it honours now (maintained incrementally by drain) */
  readonly hostViews: Set<string>[];
  readonly agenda = new MinHeap<Pending>();
  agendaSeq = 0;
  readonly rng: Rng;
  /** secret for grant-token tags, drawn from the seed */
  readonly tokenSecret: Uint8Array;
  /** records touched since the last takeChanges(), per store */
  #touched: Record<StoreName, Set<string>> = { keys: new Set(), aliases: new Set(), grants: new Set() };

  constructor(
    readonly config: WorldConfig,
    rng: RngState,
  ) {
    this.rng = new Rng(rng);
    this.tokenSecret = this.rng.bytes(32);
    this.hostViews = Array.from({ length: config.hosts }, () => new Set<string>());
  }

  /**
   * Whether touch() keeps what changed. A simulator without a store never takes the changes,
   * so it turns this off rather than keep every record id ever touched.
   */
  trackChanges = true;

  touch(store: StoreName, id: string): void {
    if (this.trackChanges) this.#touched[store].add(id);
  }

  /** the records touched since the last call, for a store's one-transaction write */
  takeChanges(): { store: StoreName; id: string; value: unknown }[] {
    const out: { store: StoreName; id: string; value: unknown }[] = [];
    for (const store of ['keys', 'aliases', 'grants'] as const) {
      const table: Map<string, unknown> = this[store];
      for (const id of this.#touched[store]) out.push({ store, id, value: table.get(id) ?? null });
      this.#touched[store].clear();
    }
    return out;
  }

  // ---- keys -------------------------------------------------------------------------------

  putKey(k: KeyRecord): void {
    this.keys.set(k.keyId, k);
    this.touch('keys', k.keyId);
  }

  deleteKey(keyId: string): void {
    this.keys.delete(keyId);
    this.touch('keys', keyId);
    for (const [id, a] of this.aliases) {
      if (a.targetKeyId === keyId) this.deleteAlias(id);
    }
  }

  // ---- aliases ----------------------------------------------------------------------------

  static aliasId(account: string, region: string, aliasName: string): string {
    return aliasRecordId(account, region, aliasName);
  }

  putAlias(a: AliasRecord): void {
    const id = World.aliasId(a.account, a.region, a.aliasName);
    this.aliases.set(id, a);
    this.touch('aliases', id);
  }

  deleteAlias(id: string): void {
    this.aliases.delete(id);
    this.touch('aliases', id);
  }

  // ---- grants -----------------------------------------------------------------------------

  static granteeKey(keyId: string, principal: string): string {
    // the same pair comes again and again (one key, one grantee): hand back the same string,
    // whose hash the maps have already computed
    if (keyId !== lastGrantee.keyId || principal !== lastGrantee.principal) lastGrantee = { keyId, principal, key: `${keyId}\n${principal}` };
    return lastGrantee.key;
  }

  /** the principal a grant authorizes: GranteePrincipal, or the service principal */
  static granteeOf(g: GrantRecord): string {
    return (g.granteePrincipal ?? g.granteeServicePrincipal)!;
  }

  addGrant(g: GrantRecord): void {
    this.grants.set(g.grantId, g);
    let byKey = this.grantsByKey.get(g.keyId);
    if (!byKey) this.grantsByKey.set(g.keyId, (byKey = new SortedIds()));
    byKey.add(g.grantId);
    if (g.name) {
      const nk = `${g.keyId}\n${g.name}`;
      const list = this.grantsByName.get(nk);
      if (list) list.push(g.grantId);
      else this.grantsByName.set(nk, [g.grantId]);
    }
    const gk = World.granteeKey(g.keyId, World.granteeOf(g));
    let set = this.grantsByGrantee.get(gk);
    if (!set) this.grantsByGrantee.set(gk, (set = new Set()));
    set.add(g.grantId);
    const retiring = g.retiringPrincipal ?? g.retiringServicePrincipal;
    if (retiring) {
      const rk = `${g.region}\n${retiring}`;
      let r = this.grantsByRetiring.get(rk);
      if (!r) this.grantsByRetiring.set(rk, (r = new SortedIds()));
      r.add(g.grantId);
    }
    g.aseq = this.#schedule(g.grantId, 'create', g.arrivals);
    this.touch('grants', g.grantId);
  }

  /** takes the grant out of every listing now; hosts drop it as the change reaches them */
  removeGrant(g: GrantRecord, change: 'retire' | 'revoke', at: number, by: string, arrivals: number[]): void {
    g.removed = { change, at, by, arrivals };
    g.removed.aseq = this.#schedule(g.grantId, change, arrivals);
    this.grantsByKey.get(g.keyId)?.delete(g.grantId);
    if (g.name) {
      const nk = `${g.keyId}\n${g.name}`;
      const list = this.grantsByName.get(nk);
      if (list) {
        const rest = list.filter((id) => id !== g.grantId);
        if (rest.length) this.grantsByName.set(nk, rest);
        else this.grantsByName.delete(nk);
      }
    }
    const retiring = g.retiringPrincipal ?? g.retiringServicePrincipal;
    if (retiring) this.grantsByRetiring.get(`${g.region}\n${retiring}`)?.delete(g.grantId);
    this.touch('grants', g.grantId);
  }

  /** puts one change's arrivals on the agenda; returns the sequence number of the first */
  #schedule(grantId: string, change: GrantChange, arrivals: readonly number[], base = this.agendaSeq, now = -Infinity): number {
    // the first arrival after now (the others up to now have happened already)
    const first = nextHost(arrivals, now, Infinity);
    if (first >= 0) this.agenda.push({ at: arrivals[first], seq: base + first, base, grantId, change, arrivals });
    this.agendaSeq = Math.max(this.agendaSeq, base + arrivals.length);
    return base;
  }

  /**
   * Rebuilds a grant's indexes, host views and pending arrivals from its record, as it stands
   * at `now` (used when a store hands the world back after a reload).
   */
  restoreGrant(g: GrantRecord, now: number): void {
    this.grants.set(g.grantId, g);
    const gk = World.granteeKey(g.keyId, World.granteeOf(g));
    let set = this.grantsByGrantee.get(gk);
    if (!set) this.grantsByGrantee.set(gk, (set = new Set()));
    set.add(g.grantId);
    if (!g.removed) {
      let byKey = this.grantsByKey.get(g.keyId);
      if (!byKey) this.grantsByKey.set(g.keyId, (byKey = new SortedIds()));
      byKey.add(g.grantId);
      if (g.name) {
        const nk = `${g.keyId}\n${g.name}`;
        const list = this.grantsByName.get(nk);
        if (list) list.push(g.grantId);
        else this.grantsByName.set(nk, [g.grantId]);
      }
      const retiring = g.retiringPrincipal ?? g.retiringServicePrincipal;
      if (retiring) {
        const rk = `${g.region}\n${retiring}`;
        let r = this.grantsByRetiring.get(rk);
        if (!r) this.grantsByRetiring.set(rk, (r = new SortedIds()));
        r.add(g.grantId);
      }
    }
    for (let h = 0; h < this.hostViews.length; h++) if (World.visibleAt(g, h, now)) this.hostViews[h].add(g.grantId);
    this.#schedule(g.grantId, 'create', g.arrivals, g.aseq ?? this.agendaSeq, now);
    if (g.removed) this.#schedule(g.grantId, g.removed.change, g.removed.arrivals, g.removed.aseq ?? this.agendaSeq, now);
  }

  /** forgets a removed grant once no host honours it any more */
  #forget(g: GrantRecord): void {
    this.grants.delete(g.grantId);
    const gk = World.granteeKey(g.keyId, World.granteeOf(g));
    const set = this.grantsByGrantee.get(gk);
    if (set) {
      set.delete(g.grantId);
      if (set.size === 0) this.grantsByGrantee.delete(gk);
    }
    this.touch('grants', g.grantId);
  }

  /**
   * Applies every arrival due at or before `now`, in (time, order) sequence, and returns them.
   * This is raftscope's deliver/keep split: one pass, deterministic order.
   */
  drain(now: number): Arrival[] {
    const due: Arrival[] = [];
    let top = this.agenda.peek();
    while (top && top.at <= now) {
      const p = this.agenda.pop()!;
      const a: Arrival = { at: p.at, seq: p.seq, grantId: p.grantId, host: p.seq - p.base, change: p.change };
      const next = nextHost(p.arrivals, a.at, a.host);
      if (next >= 0) {
        p.at = p.arrivals[next];
        p.seq = p.base + next;
        this.agenda.push(p);
      }
      due.push(a);
      const g = this.grants.get(a.grantId);
      if (a.change === 'create') {
        // a removal never arrives before the creation at the same host (see removeGrant callers)
        if (g && !(g.removed && g.removed.arrivals[a.host] <= a.at)) this.hostViews[a.host].add(a.grantId);
      } else {
        // several hosts may hear of a removal at the same instant: the record may already be
        // forgotten when the others' arrivals are applied, so clear the view regardless
        this.hostViews[a.host].delete(a.grantId);
        if (g?.removed && g.removed.arrivals.every((t) => t <= a.at)) this.#forget(g);
      }
      top = this.agenda.peek();
    }
    return due;
  }

  /** when every pending change will have reached every host (now when nothing is pending) */
  settledAt(now: number): number {
    // arrivals already delivered are at or before now, so every change's latest will do
    let latest = now;
    for (const p of this.agenda.toArray()) for (const t of p.arrivals) if (t > latest) latest = t;
    return latest;
  }

  /** whether host `host` honours grant g at time `now`, computed from the records alone */
  static visibleAt(g: GrantRecord, host: number, now: number): boolean {
    return g.arrivals[host] <= now && !(g.removed && g.removed.arrivals[host] <= now);
  }
}
