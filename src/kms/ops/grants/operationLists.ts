/**
 * Grants' operation lists, kept once: most grants repeat a few lists, and records never change
 * them. One table per simulator (the simulator hands it to every engine it builds, so records a
 * seek replays share the lists of those it replaced); nothing is shared between simulators.
 */
import { ENUMS } from '../../model/shapes.generated';

interface OpsNode {
  next: Map<string, OpsNode>;
  list?: string[];
}
const MAX_INTERNED = 4_096;
/** each grant operation's place in the model's GrantOperation enum (immutable) */
const ENUM_ORDER: ReadonlyMap<string, number> = new Map<string, number>(ENUMS.GrantOperation.map((o, i) => [o, i]));

/**
 * The operations as KMS keeps them: without repeats, in the GrantOperation enum's order, not the
 * request's. AWS's own examples show it: CreateGrant with ["Encrypt","Decrypt"] returns grant
 * 0c237476…, which ListRetirableGrants lists with ["Decrypt","Encrypt"] (docs/fidelity.md).
 */
export function canonicalOperations(ops: readonly string[]): string[] {
  const rank = (o: string) => ENUM_ORDER.get(o) ?? ENUM_ORDER.size;
  return [...new Set(ops)].sort((a, b) => rank(a) - rank(b));
}

export class OperationLists {
  /** a trie over operation names: looking a list up allocates nothing */
  readonly #root: OpsNode = { next: new Map() };
  #nodes = 0;

  /**
   * The grant's operations in canonical form, as one array shared by every grant (and event)
   * with the same list. Past MAX_INTERNED trie nodes, new lists are no longer shared.
   */
  intern(ops: readonly string[]): string[] {
    let node = this.#root;
    for (const o of ops) {
      let n = node.next.get(o);
      if (n === undefined) {
        if (this.#nodes >= MAX_INTERNED) return canonicalOperations(ops);
        node.next.set(o, (n = { next: new Map() }));
        this.#nodes++;
      }
      node = n;
    }
    return (node.list ??= canonicalOperations(ops));
  }
}
