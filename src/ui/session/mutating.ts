/**
 * THE single place the UI decides which operations change the account: after one of them
 * succeeds, the state browser reads the world again (reads and crypto operations leave it as
 * it was). Matched on the operation's name until the engine describes its operations itself;
 * then this should read that description instead of guessing from the verb.
 */
const MUTATING = /^(Create|Delete|Update|Put|Enable|Disable|Schedule|Cancel|Retire|Revoke|Tag|Untag|Import|Replicate|Rotate|Connect|Disconnect)/;

/** does a successful `operation` change keys, aliases, grants or policies? */
export function changesAccount(operation: string): boolean {
  return MUTATING.test(operation);
}
