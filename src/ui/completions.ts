/** Values the editor offers as completions, from the state browser's world and the session's recent results. */
import type { CompletionValues, Suggestion } from './editor/schema';
import type { Caller } from './wire';
import { shortGrantId, shortPrincipal } from './wire';
import type { WorldView } from './world';

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
  const grantIds: Suggestion[] = [];
  for (const k of world.keys)
    for (const g of k.grants) {
      const who = g.granteePrincipal ?? g.granteeServicePrincipal ?? '';
      grantIds.push({ value: g.grantId, label: `${g.grantId}`, detail: `→ ${shortPrincipal(who)} (${g.operations.join(', ')}) on ${k.keyId}` });
    }
  const grantTokens = [...tokens].reverse().map((t, i) => ({
    value: t,
    label: `${i === 0 ? 'Latest grant token' : 'Grant token'} ${shortGrantId(t)}`,
    detail: i === 0 ? 'from the last CreateGrant' : 'from an earlier CreateGrant',
  }));
  const aliases = world.aliases.filter((a) => !a.name.startsWith('alias/aws/')).map((a) => ({ value: a.name, label: a.name, detail: `→ ${a.targetKeyId ?? ''}` }));
  const ciphertexts = ciphertext ? [{ value: ciphertext, label: `Last ciphertext ${shortGrantId(ciphertext)}`, detail: 'from the last Encrypt / GenerateDataKey' }] : [];
  return { keys, keysAndAliases, principals, grantIds, grantTokens, aliases, ciphertexts };
}
