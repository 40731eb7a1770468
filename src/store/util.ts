/** Small helpers shared by the IndexedDB store and the in-memory fallback. */
import type { GrantRecord, StoreChange } from '../kms/api';
import { LIMITS } from '../scenario/limits';
import { readText, Refusal, refuse } from '../scenario/validate';
import type { GrantPackRow, GrantRow } from './schema';

/** 16 random hex digits from the platform's generator (the store is allowed side effects; src/kms is not) */
function randomHex(bytes = 8): string {
  const b = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(b);
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

export const newWorkspaceId = (): string => `ws-${randomHex(8)}`;
export const newScenarioId = (): string => `sc-${randomHex(8)}`;
export const newToken = (): string => randomHex(8);

export const DEFAULT_WORKSPACE = 'default';

export function defaultWorkspaceName(id: string): string {
  return id === DEFAULT_WORKSPACE ? 'Default workspace' : id;
}

export function grantRow(ws: string, g: GrantRecord): GrantRow {
  const row: GrantRow = { ws, id: g.grantId, grantee: g.granteePrincipal ?? g.granteeServicePrincipal ?? '', record: g };
  const retiring = g.retiringPrincipal ?? g.retiringServicePrincipal;
  if (retiring !== undefined) row.retiring = retiring;
  return row;
}

/**
 * A pack row with its index entries: every (ws, key), (ws, grantee), (ws, retiring principal)
 * and (ws, key, name) of its grants, once each, so the multiEntry indexes of `grantPacks` find
 * the packs holding a key's, a grantee's or a retiring principal's grants, or a key's grant of
 * one name, as the `grants` indexes do for grants in rows of their own.
 */
export function packRow(ws: string, id: number, items: GrantRecord[]): GrantPackRow {
  const keys = new Set<string>();
  const grantees = new Set<string>();
  const retiring = new Set<string>();
  const names = new Set<string>();
  for (const g of items) {
    keys.add(g.keyId);
    grantees.add(g.granteePrincipal ?? g.granteeServicePrincipal ?? '');
    const r = g.retiringPrincipal ?? g.retiringServicePrincipal;
    if (r !== undefined) retiring.add(r);
    names.add(JSON.stringify([g.keyId, g.name]));
  }
  return {
    ws,
    id,
    items,
    keyIds: [...keys].map((k) => [ws, k]),
    grantees: [...grantees].map((k) => [ws, k]),
    retiring: [...retiring].map((k) => [ws, k]),
    keyNames: [...names].map((n) => {
      const [k, name] = JSON.parse(n) as [string, string];
      return [ws, k, name];
    }),
  };
}

/** the log length and event count a change leaves, as the reference memory store computes them */
export function lengthsAfter(change: StoreChange, logLength: number, eventCount: number): { logLength: number; eventCount: number } {
  if (change.kind === 'replace') return { logLength: change.snapshot.log.length, eventCount: change.snapshot.events.length };
  let log = change.truncateLogAt ?? logLength;
  for (const { index } of change.log) log = Math.max(log, index + 1);
  let events = change.truncateEventsAt ?? eventCount;
  for (const { index } of change.events) events = Math.max(events, index + 1);
  return { logLength: log, eventCount: events };
}

/**
 * A workspace's (or a saved scenario's) name: text that is not blank, at most
 * LIMITS.titleLength characters (as a shared scenario's title), with no control characters (a
 * line break, NUL, a bidirectional override's neighbours in C1). Throws a Refusal naming `path`.
 */
export function readName(x: unknown, path: string): string {
  const name = readText(x, path, { max: LIMITS.titleLength, min: 1, noControl: true, what: 'a name' });
  if (name.trim() === '') refuse(path, 'is blank: a name needs more than spaces');
  return name;
}

/** readName for the store's own methods: a TypeError that says what is wrong with the name */
export function checkName(name: string): string {
  if (typeof name !== 'string' || name.trim() === '') throw new TypeError('A workspace needs a name.');
  try {
    return readName(name, 'The name');
  } catch (e) {
    throw e instanceof Refusal ? new TypeError(`${e.message}.`) : e;
  }
}
