/**
 * A statement compiled for evaluation: principals as sets, Action / Resource as wildcard
 * patterns (glob.ts), conditions as matchers (conditions.ts). Compiled once per statement.
 */

import { anyPattern, compileCondition, compilePattern, VARIABLE_OPERATORS, type CompiledCondition, type KeptExpansion, type Pattern, type Template } from './conditions';
import type { ParsedPrincipal, ParsedStatement, RequestContext } from './types';

export { anyPattern };

export const ACCOUNT_ID = /^\d{12}$/;
/** IAM / STS principal ARNs: users, roles, root, assumed-role and federated-user sessions */
export const PRINCIPAL_ARN = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}):([^*?\s]+)$/;

export interface CompiledPrincipal {
  any: boolean;
  arns: Set<string>;
  accounts: Set<string>;
  services: Set<string>;
  /**
   * the last caller matched and the answer (a burst of requests comes from one caller, and the
   * statements of a policy are matched against it one after another): kept by the statement
   * itself, a memo of a pure function of the three strings
   */
  lastArn?: string;
  lastAccount?: string;
  lastService?: string;
  lastMatch?: 'direct' | 'account' | null;
}

function compilePrincipal(p: ParsedPrincipal): CompiledPrincipal {
  const c: CompiledPrincipal = { any: p.any, arns: new Set(), accounts: new Set(), services: new Set(), lastArn: undefined, lastAccount: undefined, lastService: undefined, lastMatch: undefined };
  for (const a of p.aws) {
    if (ACCOUNT_ID.test(a)) {
      c.accounts.add(a);
      continue;
    }
    c.arns.add(a);
    const m = PRINCIPAL_ARN.exec(a);
    if (m && m[1] === 'iam' && m[3] === 'root') c.accounts.add(m[2]);
  }
  for (const s of p.service) c.services.add(s.toLowerCase());
  return c;
}

/** 'direct' | 'account' | null */
export function principalMatch(c: CompiledPrincipal, who: RequestContext['principal']): 'direct' | 'account' | null {
  if (c.any) return 'direct';
  if (c.lastMatch !== undefined && c.lastArn === who.arn && c.lastAccount === who.account && c.lastService === who.service) return c.lastMatch;
  const m = matchPrincipal(c, who);
  c.lastArn = who.arn;
  c.lastAccount = who.account;
  c.lastService = who.service;
  c.lastMatch = m;
  return m;
}

function matchPrincipal(c: CompiledPrincipal, who: RequestContext['principal']): 'direct' | 'account' | null {
  if (who.service !== undefined && c.services.has(who.service.toLowerCase())) return 'direct';
  if (who.arn && c.arns.has(who.arn)) return 'direct';
  if (who.account && c.accounts.has(who.account)) return 'account';
  return null;
}

export interface CompiledStatement {
  principal?: CompiledPrincipal;
  notPrincipal?: CompiledPrincipal;
  actions?: Pattern[];
  notActions?: Pattern[];
  resources?: Pattern[];
  notResources?: Pattern[];
  conditions: CompiledCondition[];
  /** per condition: whether its values hold policy variables to expand per request */
  conditionVariables: boolean[];
  /** whether Resource / NotResource holds policy variables to expand per request */
  resourceVariables: boolean;
  /** with resourceVariables: the last expansion of Resource / NotResource (variables.ts) */
  resourceExpansion?: KeptExpansion<Pattern[]>;
  /** with resourceVariables: each Resource / NotResource value's template (null: none), made on first use */
  resourceTemplates?: (Template | null)[];
}

/**
 * Each statement compiled once, on parsing (a structured-cloned ParsedStatement is compiled again
 * on first use). Module state, but a pure memo: a parsed statement is never changed.
 */
const cache = new WeakMap<ParsedStatement, CompiledStatement>();

export function compiled(s: ParsedStatement): CompiledStatement {
  let c = cache.get(s);
  if (c) return c;
  const variables = s.variables === true;
  const hasVariable = (x: string) => x.includes('${');
  c = {
    conditions: s.conditions.map(compileCondition),
    conditionVariables: s.conditions.map((x) => variables && VARIABLE_OPERATORS.has(x.base) && x.values.some(hasVariable)),
    resourceVariables: variables && (s.resource ?? s.notResource ?? []).some(hasVariable),
  };
  if (s.principal) c.principal = compilePrincipal(s.principal);
  if (s.notPrincipal) c.notPrincipal = compilePrincipal(s.notPrincipal);
  // an empty list is treated like a missing element: the statement has no effect
  if (s.action?.length) c.actions = s.action.map((a) => compilePattern(a.toLowerCase()));
  else if (s.notAction?.length) c.notActions = s.notAction.map((a) => compilePattern(a.toLowerCase()));
  if (s.resource?.length) c.resources = s.resource.map(compilePattern);
  else if (s.notResource?.length) c.notResources = s.notResource.map(compilePattern);
  cache.set(s, c);
  return c;
}
