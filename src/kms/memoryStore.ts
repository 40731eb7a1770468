/**
 * A SimulatorStore kept in memory, applying changes exactly as a database would (structured
 * copies, one change at a time). The reference the IndexedDB store is tested against, and the
 * fallback when IndexedDB is unavailable.
 */
import type { SimulatorStore, StoreChange, StoredSimulator } from './api';
import type { EngineMeta } from './engine';
import type { SimEvent } from './events';
import type { LogEntry } from './api';

export interface MemoryStore extends SimulatorStore {
  /** how many commits were applied */
  readonly commits: number;
}

export function createMemoryStore(): MemoryStore {
  let meta: EngineMeta | undefined;
  const tables = { keys: new Map<string, unknown>(), aliases: new Map<string, unknown>(), grants: new Map<string, unknown>() };
  let log: LogEntry[] = [];
  let events: SimEvent[] = [];
  let commits = 0;
  const copy = <T>(v: T): T => structuredClone(v);

  function apply(change: StoreChange): void {
    if (change.kind === 'replace') {
      const s = change.snapshot;
      meta = copy(s.state.meta);
      tables.keys = new Map(s.state.keys.map((k) => [k.keyId, copy(k)]));
      tables.aliases = new Map(s.state.aliases.map((a) => [`${a.account}:${a.region}:${a.aliasName}`, copy(a)]));
      tables.grants = new Map(s.state.grants.map((g) => [g.grantId, copy(g)]));
      log = copy(s.log);
      events = copy(s.events);
      return;
    }
    meta = copy(change.meta);
    for (const r of change.records) {
      if (r.value === null) tables[r.store].delete(r.id);
      else tables[r.store].set(r.id, copy(r.value));
    }
    if (change.truncateLogAt !== undefined) log.length = change.truncateLogAt;
    for (const { index, entry } of change.log) log[index] = copy(entry);
    if (change.truncateEventsAt !== undefined) events.length = change.truncateEventsAt;
    for (const { index, event } of change.events) events[index] = copy(event);
  }

  return {
    get commits() {
      return commits;
    },
    async load(): Promise<StoredSimulator | null> {
      if (!meta) return null;
      return copy({
        state: { meta, keys: [...tables.keys.values()], aliases: [...tables.aliases.values()], grants: [...tables.grants.values()] } as StoredSimulator['state'],
        log,
        events,
      });
    },
    async commit(change: StoreChange): Promise<void> {
      apply(change);
      commits++;
    },
  };
}
