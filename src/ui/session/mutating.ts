/**
 * THE single place the UI decides which operations change the account: after one of them
 * succeeds, the state browser reads the world again (reads and crypto operations leave it as
 * it was).
 *
 * The engine says it itself: each operation's descriptor (src/kms/operations.ts) has a
 * `mutating` flag, which reaches the session with the engine (EngineInfo.mutating, given where
 * the engine is loaded). The descriptors sit beside the generated API model, so the page's first
 * load cannot import them; until a session is told, it goes by the verb below, which
 * tests/ui/session-mutating.test.ts keeps equal to the descriptors.
 */
const MUTATING_VERB = /^(Create|Delete|Update|Put|Enable|Disable|Schedule|Cancel|Retire|Revoke|Tag|Untag|Import|Replicate|Rotate|Connect|Disconnect)/;

/** does a successful `operation` change keys, aliases, grants, policies or tags (by its verb)? */
export function changesAccountByName(operation: string): boolean {
  return MUTATING_VERB.test(operation);
}

/** the session's test: the engine's descriptors when it gave them, else the verb */
export function accountChanges(described: ((operation: string) => boolean) | undefined): (operation: string) => boolean {
  return described ?? changesAccountByName;
}
