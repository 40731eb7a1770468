/**
 * The callers a person picks from: the account root first, then every configured principal but
 * the root's own entry (which configures the root: its access key, its policy), each ARN once.
 * Apart from validate.ts, which needs the engine's policy parser, so that the page's first load
 * (the Caller list) does not carry the parser.
 */
export function configuredCallers<P extends { arn: string }>(accountId: string, principals: readonly P[]): P[] {
  const seen = new Set([`arn:aws:iam::${accountId}:root`]);
  return principals.filter((p) => !seen.has(p.arn) && seen.add(p.arn) !== undefined);
}
