/** Values the editor offers as completions, from the state browser's world and the session's recent results. */
import type { CompletionValues, Suggestion } from './editor/schema';
import type { Caller } from './wire';
import { shortGrantId, shortPrincipal } from './wire';
import type { GrantView, KeyView, WorldView } from './world';

/**
 * The most grant ids (and grant tokens) offered: the latest ones. A key may hold 50,000 grants,
 * and everything offered goes to the editor's worker whenever it changes.
 */
export const COMPLETION_GRANTS = 200;

export function buildCompletions(world: WorldView, callers: readonly Caller[], tokens: readonly string[], ciphertext?: string): CompletionValues {
  const keys: Suggestion[] = [];
  for (let i = world.keys.length - 1; i >= 0; i--) {
    const k = world.keys[i];
    const detail = `${k.spec || 'key'} · ${k.usage} · ${k.state}${k.description ? ` · ${k.description}` : ''}`;
    keys.push({ value: k.keyId, label: `${k.keyId} (key ID)`, detail });
    keys.push({ value: k.arn, label: `${k.arn}`, detail: `key ARN · ${detail}` });
  }
  // a copy, not push(...keys): one argument per key would overflow the stack in a large workspace
  const keysAndAliases: Suggestion[] = keys.slice();
  for (const a of world.aliases) {
    if (a.name.startsWith('alias/aws/')) continue;
    keysAndAliases.push({ value: a.name, label: a.name, detail: `alias of ${a.targetKeyId ?? 'no key'}` });
  }
  const principals = callers.map((c) => ({ value: c.arn, label: c.arn, detail: c.label }));
  const grantIds: Suggestion[] = latestGrants(world.keys, COMPLETION_GRANTS).map(({ k, g }) => {
    const who = g.granteePrincipal ?? g.granteeServicePrincipal ?? '';
    return { value: g.grantId, label: `${g.grantId}`, detail: `→ ${shortPrincipal(who)} (${g.operations.join(', ')}) on ${k.keyId}` };
  });
  const grantTokens = tokens
    .slice(-COMPLETION_GRANTS)
    .reverse()
    .map((t, i) => ({
      value: t,
      label: `${i === 0 ? 'Latest grant token' : 'Grant token'} ${shortGrantId(t)}`,
      detail: i === 0 ? 'from the last CreateGrant' : 'from an earlier CreateGrant',
    }));
  const aliases = world.aliases.filter((a) => !a.name.startsWith('alias/aws/')).map((a) => ({ value: a.name, label: a.name, detail: `→ ${a.targetKeyId ?? ''}` }));
  const ciphertexts = ciphertext ? [{ value: ciphertext, label: `Last ciphertext ${shortGrantId(ciphertext)}`, detail: 'from the last Encrypt / GenerateDataKey' }] : [];
  return { keys, keysAndAliases, principals, grantIds, grantTokens, aliases, ciphertexts };
}

/**
 * The `max` latest grants of all keys (by creation date; ListGrants lists by grant id), in key
 * order and each key's order. One pass over the grants with a heap of `max`; a key's own newest
 * are remembered while its grant list is the same array.
 */
function latestGrants(keys: readonly KeyView[], max: number): { k: KeyView; g: GrantView }[] {
  const all: { k: KeyView; g: GrantView; order: number }[] = [];
  keys.forEach((k, i) => {
    for (const j of newestOf(k.grants, max)) all.push({ k, g: k.grants[j], order: i * 2 ** 32 + j });
  });
  if (all.length <= max) return all;
  const newest = [...all].sort((a, b) => (b.g.creationDate ?? 0) - (a.g.creationDate ?? 0) || b.order - a.order).slice(0, max);
  return newest.sort((a, b) => a.order - b.order);
}

const newestCache = new WeakMap<readonly GrantView[], number[]>();

/** the positions of the `max` newest of `grants` (ties: the later in the list), ascending */
function newestOf(grants: readonly GrantView[], max: number): number[] {
  if (grants.length <= max) return grants.map((_, i) => i);
  const cached = newestCache.get(grants);
  if (cached) return cached;
  // a min-heap of (date, position): its top is the oldest of the newest seen so far
  const heap: number[] = [];
  const date = (i: number) => grants[i].creationDate ?? 0;
  const less = (a: number, b: number) => date(a) < date(b) || (date(a) === date(b) && a < b);
  for (let i = 0; i < grants.length; i++) {
    if (heap.length === max) {
      if (!less(heap[0], i)) continue;
      heap[0] = i;
    } else {
      heap.push(i);
      for (let c = heap.length - 1; c > 0; ) {
        const p = (c - 1) >> 1;
        if (!less(heap[c], heap[p])) break;
        [heap[c], heap[p]] = [heap[p], heap[c]];
        c = p;
      }
      continue;
    }
    for (let p = 0; ; ) {
      const l = 2 * p + 1;
      const r = l + 1;
      let m = p;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === p) break;
      [heap[m], heap[p]] = [heap[p], heap[m]];
      p = m;
    }
  }
  const out = heap.sort((a, b) => a - b);
  newestCache.set(grants, out);
  return out;
}

const sameList = (a: readonly Suggestion[], b: readonly Suggestion[]) =>
  a.length === b.length && a.every((s, i) => s.value === b[i].value && s.label === b[i].label && s.detail === b[i].detail);

/** do `a` and `b` offer the very same values? */
function sameCompletions(a: CompletionValues, b: CompletionValues): boolean {
  return (Object.keys(a) as (keyof CompletionValues)[]).every((m) => sameList(a[m], b[m]));
}

/**
 * buildCompletions, remembered: the very same object back as long as what it offers is unchanged
 * (the editor reconfigures its JSON support, and restarts its worker, for every new object). The
 * inputs are compared by identity first; when one is new, the values are built again (the latest
 * grants only: cheap) and compared with the last ones.
 */
export function completionsMemo(): typeof buildCompletions {
  let last: { world: WorldView; callers: readonly Caller[]; tokens: readonly string[]; ciphertext?: string; values: CompletionValues } | undefined;
  return (world, callers, tokens, ciphertext) => {
    if (last && last.world === world && last.callers === callers && last.tokens === tokens && last.ciphertext === ciphertext) return last.values;
    const next = buildCompletions(world, callers, tokens, ciphertext);
    const values = last && sameCompletions(last.values, next) ? last.values : next;
    last = { world, callers, tokens, ciphertext, values };
    return values;
  };
}
