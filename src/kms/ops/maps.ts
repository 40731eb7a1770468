/**
 * User-supplied maps (encryption contexts, grant constraints) keyed by any string the caller
 * likes, `__proto__`, `constructor` and `toString` included: KMS treats those as ordinary keys.
 *
 * A request body parsed by JSON.parse holds them as own properties, but copying one the usual
 * ways does not keep them: `out[k] = v` and Object.assign call the `__proto__` setter instead of
 * storing a pair, and a bare `obj[k]` or `k in obj` finds Object.prototype's members. So the
 * engine takes such a map at its boundary as a fresh copy of its own string pairs built with
 * Object.fromEntries (which defines properties, never sets them), and looks keys up with
 * Object.hasOwn only. The copy has the ordinary prototype on purpose: that is what JSON.parse
 * and structuredClone (a store, a checkpoint) hand back, so a fresh world and a restored one
 * hold the same records.
 */

export type StringMap = Record<string, string>;

/**
 * A copy of `m` with its own enumerable pairs, in their order, as own properties; undefined
 * for undefined or null. Detaches the world from the caller's object, and drops anything
 * inherited.
 */
export function ownStringMap(m: Readonly<StringMap> | null | undefined): StringMap | undefined {
  if (m === undefined || m === null) return undefined;
  return Object.fromEntries(Object.entries(m));
}

/** the map with every key lower-cased (a later key wins a collision, as assignment would) */
export function lowerCaseKeys(m: Readonly<StringMap>): StringMap {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k.toLowerCase(), v]));
}

/** whether every pair of `small` is in `big` (keys as given, values case-sensitive) */
export function containsPairs(big: Readonly<StringMap>, small: Readonly<StringMap>): boolean {
  for (const [k, v] of Object.entries(small)) if (!Object.hasOwn(big, k) || big[k] !== v) return false;
  return true;
}
