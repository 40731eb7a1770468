/**
 * The state browser's picture of the account: keys (with their policies), aliases and grants,
 * read through the KMS API as the account root. With a time-travel simulator the reads are
 * `peek`s: no log entry (reading the past never forks it) and no event on the timeline.
 *
 * After a Send or a key event only what changed is read again: a key's grants only when grant
 * events named it, and one by one when only a few did (a key with 50,000 grants is not listed
 * again for one CreateGrant).
 */
import type { SimEvent } from '../../kms/events';
import { errorType, loadSigner } from '../wire';
import { EMPTY_WORLD, type AliasView, type GrantView, type WorldView, aliasFromEntry, grantFromEntry, keyFromMetadata } from '../world';
import type { Engine } from './engine.svelte';

/** the state browser reads a list in pages of PAGE, at most READ_PAGES of them (10,000 entries) */
const PAGE = 100;
const READ_PAGES = 100;
/** more grant changes on one key than this since the last read: its whole grant list is read again */
const STALE_GRANTS_READ_ONE_BY_ONE = 50;

export class StateReader {
  readonly #engine: Engine;
  /** true while another time travel is on its way (it re-reads when it gets there) */
  readonly #superseded: () => boolean;
  #world = $state.raw<WorldView>(EMPTY_WORLD);
  #refreshQueued = false;
  /** the queued re-read of the world reads every key's grants (not only the changed ones) */
  #refreshAll = true;
  /**
   * grant changes (events) since the world was last read, per key ARN: the grant ids, or
   * undefined for too many of them (that key's whole list is read again)
   */
  #staleGrants = new Map<string, Set<string> | undefined>();

  constructor(engine: Engine, superseded: () => boolean) {
    this.#engine = engine;
    this.#superseded = superseded;
  }

  get world(): WorldView {
    return this.#world;
  }

  /** another past: the next read of the world reads all of it */
  markAllStale(): void {
    this.#refreshAll = true;
  }

  /** a grant change: its key's listing changed (listings are immediate), for the next read of the world */
  grantChanged(e: SimEvent | undefined): void {
    if (e?.type !== '@kms.grant.changed') return;
    if (!this.#staleGrants.has(e.keyArn)) this.#staleGrants.set(e.keyArn, new Set());
    const ids = this.#staleGrants.get(e.keyArn);
    if (!ids) return;
    ids.add(e.grantId);
    if (ids.size > STALE_GRANTS_READ_ONE_BY_ONE) this.#staleGrants.set(e.keyArn, undefined);
  }

  /**
   * Re-reads the world. `all`: every key's grants too; else (after a Send, a key event) the grants
   * of a key are read only when they changed since the last read.
   */
  refresh(all: boolean): Promise<void> {
    const engine = this.#engine;
    if (all) this.#refreshAll = true;
    if (this.#refreshQueued) return engine.settled();
    this.#refreshQueued = true;
    return engine.exclusive(async () => {
      this.#refreshQueued = false;
      // another time travel is on its way (a drag): it re-reads when it gets there
      if (this.#superseded()) return;
      const everything = this.#refreshAll || !this.#world.loaded || this.#world.error !== undefined;
      const stale = this.#staleGrants;
      this.#refreshAll = false;
      this.#staleGrants = new Map();
      const before = new Map(this.#world.keys.map((k) => [k.arn, k]));
      engine.internal = true;
      try {
        const aliases: AliasView[] = (await this.#readAll('ListAliases', 'Aliases')).map(aliasFromEntry);
        const keyEntries = await this.#readAll('ListKeys', 'Keys');
        const keys = [];
        for (const entry of keyEntries) {
          const keyId = typeof entry.KeyId === 'string' ? entry.KeyId : '';
          const described = await this.#read('DescribeKey', { KeyId: keyId });
          const meta = (described.KeyMetadata ?? {}) as Record<string, unknown>;
          const arn = typeof meta.Arn === 'string' ? meta.Arn : '';
          const known = everything ? undefined : before.get(arn);
          const changed = stale.get(arn);
          const grants: GrantView[] =
            known && !stale.has(arn)
              ? known.grants
              : known && changed
                ? await this.#readGrants(keyId, known.grants, changed)
                : (await this.#readAll('ListGrants', 'Grants', { KeyId: keyId })).map(grantFromEntry);
          let policy: string | undefined;
          try {
            const p = (await this.#read('GetKeyPolicy', { KeyId: keyId, PolicyName: 'default' })).Policy;
            policy = typeof p === 'string' ? p : undefined;
          } catch {
            /* shown as "could not be read" */
          }
          keys.push({ ...keyFromMetadata(meta, aliases, grants), policy });
        }
        this.#world = { loaded: true, keys, aliases };
      } catch (err) {
        this.#world = { ...this.#world, loaded: true, error: err instanceof Error ? err.message : String(err) };
        this.#refreshAll = true;
      } finally {
        engine.internal = false;
        engine.sync();
      }
    });
  }

  /**
   * A key's grants with those named in `ids` read again (ListGrants with GrantId): gone ones
   * dropped, new ones put in their place (ListGrants lists in ascending GrantId).
   */
  async #readGrants(keyId: string, grants: readonly GrantView[], ids: ReadonlySet<string>): Promise<GrantView[]> {
    const fresh: GrantView[] = [];
    for (const grantId of ids) fresh.push(...(await this.#readAll('ListGrants', 'Grants', { KeyId: keyId, GrantId: grantId })).map(grantFromEntry));
    const out = grants.filter((g) => !ids.has(g.grantId));
    // a list read in full stops at READ_PAGES pages: a grant after its last one is not in it either
    const capped = grants.length >= READ_PAGES * PAGE;
    for (const g of fresh) {
      let lo = 0;
      let hi = out.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (out[mid].grantId < g.grantId) lo = mid + 1;
        else hi = mid;
      }
      if (!(capped && lo === out.length)) out.splice(lo, 0, g);
    }
    if (capped && out.length > READ_PAGES * PAGE) out.length = READ_PAGES * PAGE;
    return out;
  }

  async #read(operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const engine = this.#engine;
    // pinned to host 0 so these reads never touch the simulator's routing choices; peek leaves no
    // trace (no log entry, so reading the past never forks it; no event on the timeline)
    await loadSigner();
    const request = engine.request({ operation, callerArn: engine.rootArn, body: JSON.stringify(body), host: 0 });
    const res = engine.tt ? await engine.tt.peek(request) : await engine.sim.fetch(request);
    const text = await res.text();
    if (res.status >= 400) {
      const code = errorType({ status: res.status, body: text });
      throw new Error(`${operation} failed: ${code ?? res.status}`);
    }
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }

  async #readAll(operation: string, member: string, body: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let marker: string | undefined;
    for (let page = 0; page < READ_PAGES; page++) {
      const res = await this.#read(operation, { ...body, Limit: PAGE, ...(marker ? { Marker: marker } : {}) });
      const list = res[member];
      if (Array.isArray(list)) out.push(...(list as Record<string, unknown>[]));
      marker = res.Truncated === true && typeof res.NextMarker === 'string' ? res.NextMarker : undefined;
      if (!marker) break;
    }
    return out;
  }
}
