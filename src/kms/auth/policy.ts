/**
 * The AWS policy language, as far as KMS key policies and IAM identity policies need it:
 * parsing (with the MalformedPolicyDocument texts real AWS returns) and evaluation of one
 * policy against one request (which statements allow, which deny, why the others miss).
 *
 * Sources (see the report / docs/fidelity.md for the full list and the choices made where AWS
 * is silent):
 * - IAM User Guide, "IAM JSON policy elements: Condition operators" (missing keys, negated
 *   operators, ...IfExists, Null), "Single-valued vs. multivalued context keys" and "Creating a
 *   condition that tests multiple key values" (ForAllValues / ForAnyValue, empty sets), the
 *   note that negated operators with several values behave as a logical AND (NOR).
 * - KMS Developer Guide "Default key policy", API Reference GetKeyPolicy example (exact text),
 *   PutKeyPolicy/CreateKey `Policy` docs (principals required; missing Action/Resource makes a
 *   statement ineffective but is accepted; over-size → LimitExceededException).
 * - Real IAM MalformedPolicyDocument texts recorded against AWS (getmoto/moto
 *   tests/test_iam/test_iam_policies.py, CloudTrail captures), real KMS texts from public
 *   error reports ("Policy contains a statement with no principal.", "Policy contains a
 *   statement with one or more invalid principals.").
 *
 * Pure: no clock, no randomness, no I/O. Patterns are compiled once per statement (cached in a
 * WeakMap, so a structured-cloned ParsedPolicy still works: it is compiled again on first use).
 */

import { chargeSteps, compileGlob, matchGlob, withStepBudget, type Glob } from './glob';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export type PolicyKind = 'resource' | 'identity';

/** condition operators without the ForAllValues:/ForAnyValue: prefix and the IfExists suffix */
export const CONDITION_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
] as const;
export type ConditionOperatorName = (typeof CONDITION_OPERATORS)[number];

/** a normalised Principal / NotPrincipal element */
export interface ParsedPrincipal {
  /** "*" or {"AWS": "*"}: every caller */
  any: boolean;
  /** AWS principals as written: ARNs and 12-digit account ids */
  aws: string[];
  /** service principals as written, e.g. dynamodb.amazonaws.com */
  service: string[];
}

export interface ParsedCondition {
  /** the operator exactly as written, e.g. 'ForAllValues:StringEquals' */
  operator: string;
  base: ConditionOperatorName;
  set?: 'ForAllValues' | 'ForAnyValue';
  ifExists: boolean;
  /** the condition key as written (keys compare case-insensitively) */
  key: string;
  /** the policy values, turned into strings (JSON true → 'true') */
  values: string[];
}

export interface ParsedStatement {
  /** 0-based position in the Statement array */
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  principal?: ParsedPrincipal;
  notPrincipal?: ParsedPrincipal;
  /** Action / NotAction values as written (undefined when the element is absent) */
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  /** AND-ed; each condition's values are OR-ed (NOR for negated operators) */
  conditions: ParsedCondition[];
  /**
   * set when the policy is version 2012-10-17 and a Resource, NotResource or condition value
   * holds a policy variable (`${aws:username}`): they are then substituted per request
   * (IAM User Guide, "IAM policy elements: Variables and tags")
   */
  variables?: true;
}

export interface ParsedPolicy {
  kind: PolicyKind;
  version?: string;
  id?: string;
  statements: ParsedStatement[];
}

/** error codes: KMS uses the -Exception names, IAM uses 'MalformedPolicyDocument' */
export type PolicyErrorCode = 'MalformedPolicyDocumentException' | 'LimitExceededException' | 'MalformedPolicyDocument';

export type ParseResult =
  | { ok: true; policy: ParsedPolicy }
  | {
      ok: false;
      /** the exception AWS returns: KMS for kind 'resource', IAM for kind 'identity' */
      error: PolicyErrorCode;
      /** the wire message (may be '' where real KMS sends an empty message) */
      message: string;
      /** a learner-facing explanation of what exactly is wrong, never sent on the wire */
      detail: string;
    };

export type ContextValue = string | readonly string[] | boolean | number | undefined;

export interface RequestContext {
  /** e.g. 'kms:CreateGrant' (matched case-insensitively, wildcards * and ?) */
  action: string;
  /** key ARN, or e.g. an IAM principal ARN for ListRetirableGrants */
  resource: string;
  /** service set when the caller is an AWS service principal */
  principal: { arn: string; account: string; service?: string };
  /** condition keys, compared case-insensitively by key name; arrays are multivalued keys */
  conditions: Readonly<Record<string, ContextValue>>;
  /**
   * optional: a sentence naming a condition key's value and where it came from
   * ("kms:EncryptionAlgorithm = SYMMETRIC_DEFAULT, the default: ..."), for the decision
   */
  describe?(key: string): string | undefined;
  /**
   * optional: the condition keys by lower-cased name (buildConditionIndex), kept by the context
   * itself so that the key policy and the IAM policy of one request share it
   */
  conditionIndex?(): Map<string, ContextValue>;
}

export interface StatementMatch {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  /**
   * resource policies only: 'direct' when Principal names the caller (its ARN, '*', or the
   * service) or NotPrincipal does not exclude it; 'account' when Principal names the caller's
   * account (arn:aws:iam::<acct>:root or a bare account id), which in a KMS key policy delegates
   * to IAM. When both apply, 'direct'.
   */
  principalMatch?: 'direct' | 'account';
  /**
   * the values the statement's conditions read and the policy variables it expanded, each with
   * where it came from (set only for statements with conditions or variables)
   */
  values?: string[];
}

/** why a statement did not apply */
export interface StatementMiss {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  reason: string;
}

export interface PolicyEvaluation {
  allows: StatementMatch[];
  denies: StatementMatch[];
  misses: StatementMiss[];
  /**
   * set when the policy's conditions cost more than POLICY_STEP_BUDGET steps against this
   * request: they were then not evaluated, and the policy failed closed (every statement with
   * conditions that otherwise applies counts as a Deny if it is one, and misses if it is an
   * Allow). The text explains this to the learner.
   */
  exhausted?: string;
}

/**
 * The most matching work one policy evaluation may do, in steps of glob.ts (about one character
 * of a request value read by one matcher): enough for any policy a person writes against any
 * request (a full 32 KB policy of patterns against values of hundreds of characters), and small
 * enough that the key policy and the IAM policy of one request together keep the page busy for
 * a few tens of milliseconds at most (bench/engine.bench.ts, "worst-case policy").
 */
export const POLICY_STEP_BUDGET = 2_000_000;

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/** key policy size quota: "32 KB (32,768 bytes)" [KMS quotas; CreateKey/PutKeyPolicy docs] */
export const KEY_POLICY_MAX_SIZE = 32768;

/**
 * Wire texts. Sources: [IAM] recorded against real IAM CreatePolicy (moto's test_iam_policies.py,
 * CloudTrail captures); [KMS] quoted in public reports of real KMS errors; [CHOICE] not found,
 * written in the same style (listed in docs/fidelity.md).
 */
export const POLICY_MESSAGES = {
  /** [IAM] invalid JSON, wrong element types, unknown elements, bad Effect value, bad condition block */
  syntax: 'Syntax errors in policy.',
  /** [KMS] aws/aws-sdk-ruby#1784 (2018): CreateKey with a Policy that is not JSON → empty message */
  kmsInvalidJson: '',
  /** [IAM] missing Version or 2008-10-17 in an identity policy */
  version: 'Policy document must be version 2012-10-17 or greater.',
  /** [IAM] e.g. "Effect": "allow" (case), unparseable date condition values */
  legacy: 'The policy failed legacy parsing',
  /** [IAM] */
  sidUnique: 'Statement IDs (SID) in a single policy must be unique.',
  /** [IAM] identity policies only */
  sidAlnum: 'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
  /** [IAM] */
  noActions: 'Policy statement must contain actions.',
  /** [IAM] */
  noResources: 'Policy statement must contain resources.',
  /** [IAM] */
  identityPrincipal: 'Policy document should not specify a principal.',
  /** [IAM] */
  actionVendor: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  /** [IAM] */
  actionColons: 'Actions/Condition can contain only one colon.',
  /** [IAM] */
  vendorInvalid: (vendor: string) => `Vendor ${vendor} is not valid`,
  /** [IAM] */
  resourceArnFormat: (resource: string) => `Resource ${resource} must be in ARN format or "*".`,
  /** [IAM] */
  resourceVendor: 'Resource vendor must be fully qualified and cannot contain regexes.',
  /** [IAM] */
  resourcePartition: (partition: string, rest: string) => `Partition "${partition}" is not valid for resource "arn:${partition}:${rest}".`,
  /** [KMS] */
  noPrincipal: 'Policy contains a statement with no principal.',
  /** [KMS] */
  invalidPrincipals: 'Policy contains a statement with one or more invalid principals.',
  /**
   * [KMS] AWS KMS Developer Guide, "AWS KMS condition keys" (kms:EncryptionContext:context-key):
   * a key policy with ForAllValues on kms:EncryptionContext:<k>
   */
  overlyPermissiveEncryptionContext:
    'OverlyPermissiveCondition:EncryptionContext: Using the ForAllValues set operator with a single-valued condition key matches requests without the specified encryption context or with an unspecified encryption context. To fix, remove ForAllValues.',
  /**
   * [KMS/CHOICE] the same page gives the text with "[encryption context or tag]" for
   * aws:RequestTag/<k>; the prefix after the colon is chosen like the encryption-context one
   */
  overlyPermissiveTag:
    'OverlyPermissiveCondition:RequestTag: Using the ForAllValues set operator with a single-valued condition key matches requests without the specified tag or with an unspecified tag. To fix, remove ForAllValues.',
  /** [CHOICE] the real LimitExceededException text for an over-size key policy is not known */
  keyPolicyTooLarge: (size: number) => `The key policy size (${size}) exceeds the quota of ${KEY_POLICY_MAX_SIZE} bytes.`,
} as const;

class PolicyError extends Error {
  constructor(
    readonly wire: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

const TOP_ELEMENTS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const VERSIONS = new Set(['2008-10-17', '2012-10-17']);
const OPERATOR_SET = new Set<string>(CONDITION_OPERATORS);
/** ServicePrincipalType pattern from the KMS API model */
const SERVICE_PRINCIPAL = /^([A-Za-z0-9-]+)\.([A-Za-z0-9-]+)(\.[A-Za-z0-9-]+)+$/;
const ACCOUNT_ID = /^\d{12}$/;
/** IAM / STS principal ARNs: users, roles, root, assumed-role and federated-user sessions */
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}):([^*?\s]+)$/;
const PARTITION = /^aws(-[a-z]+)*$/;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stmtLabel(i: number, raw: Record<string, Json>): string {
  return typeof raw.Sid === 'string' && raw.Sid ? `Statement ${i} (Sid "${raw.Sid}")` : `Statement ${i}`;
}

function syntax(detail: string): never {
  throw new PolicyError(POLICY_MESSAGES.syntax, detail);
}

/** string | string[] → string[]; anything else is a syntax error */
function stringList(v: Json, what: string): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return syntax(`${what} must be a string or an array of strings.`);
}

function conditionValues(v: Json, what: string): string[] {
  const one = (x: Json): string | null => (typeof x === 'string' ? x : typeof x === 'boolean' || typeof x === 'number' ? String(x) : null);
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const x of v) {
      const s = one(x);
      if (s === null) syntax(`${what}: condition values must be strings, numbers or booleans.`);
      out.push(s);
    }
    return out;
  }
  const s = one(v);
  if (s === null) syntax(`${what}: a condition value must be a string, number, boolean or an array of them.`);
  return [s];
}

function parseOperator(op: string): { base: string; set?: 'ForAllValues' | 'ForAnyValue'; ifExists: boolean } {
  let rest = op;
  let set: 'ForAllValues' | 'ForAnyValue' | undefined;
  if (rest.startsWith('ForAllValues:')) {
    set = 'ForAllValues';
    rest = rest.slice('ForAllValues:'.length);
  } else if (rest.startsWith('ForAnyValue:')) {
    set = 'ForAnyValue';
    rest = rest.slice('ForAnyValue:'.length);
  }
  let ifExists = false;
  if (rest.endsWith('IfExists') && rest !== 'IfExists') {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  return { base: rest, set, ifExists };
}

function parsePrincipal(v: Json, where: string, elem: string): ParsedPrincipal {
  const p: ParsedPrincipal = { any: false, aws: [], service: [] };
  if (typeof v === 'string') {
    if (v === '*') {
      p.any = true;
      return p;
    }
    throw new PolicyError(POLICY_MESSAGES.invalidPrincipals, `${where}: ${elem} must be "*" or an object such as {"AWS": "<ARN or account id>"} (got the string "${v}").`);
  }
  if (!isObject(v)) syntax(`${where}: ${elem} must be "*" or an object.`);
  for (const type of Object.keys(v)) {
    const values = stringList(v[type], `${where}: ${elem}.${type}`);
    if (type === 'AWS') {
      for (const a of values) {
        if (a === '*') p.any = true;
        else if (ACCOUNT_ID.test(a) || PRINCIPAL_ARN.test(a)) p.aws.push(a);
        else
          throw new PolicyError(
            POLICY_MESSAGES.invalidPrincipals,
            `${where}: "${a}" is not a valid AWS principal (use "*", a 12-digit account id, or an IAM/STS ARN without wildcards).`,
          );
      }
    } else if (type === 'Service') {
      for (const s of values) {
        if (SERVICE_PRINCIPAL.test(s)) p.service.push(s);
        else throw new PolicyError(POLICY_MESSAGES.invalidPrincipals, `${where}: "${s}" is not a valid service principal (e.g. dynamodb.amazonaws.com).`);
      }
    } else {
      throw new PolicyError(POLICY_MESSAGES.invalidPrincipals, `${where}: principal type "${type}" is not supported in a key policy (use "AWS" or "Service").`);
    }
  }
  if (!p.any && p.aws.length === 0 && p.service.length === 0) {
    throw new PolicyError(POLICY_MESSAGES.noPrincipal, `${where}: ${elem} names no principal.`);
  }
  return p;
}

function checkActionFormat(a: string, where: string): void {
  if (a === '*') return;
  const parts = a.split(':');
  if (parts.length === 1) throw new PolicyError(POLICY_MESSAGES.actionVendor, `${where}: action "${a}" has no service prefix (write e.g. "kms:${a}").`);
  if (parts.length > 2) throw new PolicyError(POLICY_MESSAGES.actionColons, `${where}: action "${a}" has more than one colon.`);
  if (/[^a-zA-Z0-9\-.]/.test(parts[0]) || parts[0] === '') {
    throw new PolicyError(POLICY_MESSAGES.vendorInvalid(parts[0]), `${where}: "${parts[0]}" is not a valid service prefix.`);
  }
}

/** resource format errors that IAM reports as "legacy parsing" (checked early) */
function resourceLegacy(r: string): boolean {
  if (r === '*') return false;
  const parts = r.split(':');
  return r.includes('::') && parts.length < 6 && parts.length >= 3 && parts[2] !== '';
}

function checkResourceFormat(r: string, where: string): void {
  if (r === '*') return;
  const parts = r.split(':');
  if (parts.length < 2 || parts[0] !== 'arn') {
    throw new PolicyError(POLICY_MESSAGES.resourceArnFormat(r), `${where}: resource "${r}" is neither an ARN nor "*".`);
  }
  const partition = parts[1];
  if (!PARTITION.test(partition)) {
    const rem = parts.slice(2);
    const a1 = rem.length > 0 && (rem[0] !== '' || rem.length > 1) ? rem[0] : '*';
    const a2 = rem.length > 1 ? rem[1] : '*';
    const a3 = rem.length > 2 ? rem[2] : '*';
    const a4 = rem.length > 3 ? rem.slice(3).join(':') : '*';
    throw new PolicyError(POLICY_MESSAGES.resourcePartition(partition, `${a1}:${a2}:${a3}:${a4}`), `${where}: "${partition}" in "${r}" is not an AWS partition (aws, aws-cn, aws-us-gov, ...).`);
  }
  if (parts.length < 3 || parts[2] === '' || /[*?]/.test(parts[2])) {
    throw new PolicyError(POLICY_MESSAGES.resourceVendor, `${where}: resource "${r}" must name its service without wildcards (e.g. arn:aws:kms:...).`);
  }
}

function dateValue(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

interface RawStatement {
  raw: Record<string, Json>;
  label: string;
  stmt: ParsedStatement;
}

/**
 * Parses a key policy ('resource') or an IAM identity policy ('identity'). 'resource' requires
 * Principal or NotPrincipal in every statement; 'identity' forbids them. Checks run in the
 * order real IAM reports them: size, JSON/syntax, version, legacy parsing, principals, Sid
 * rules, Action/Resource presence, Resource format, Action format.
 */
export function parsePolicy(text: string, kind: PolicyKind): ParseResult {
  // the same text gives the same result: the last few are kept, so a policy read again (a key
  // record copied by time travel, a workspace replayed) is not parsed and compiled again
  const cacheKey = `${kind}\u0000${text}`;
  const hit = parsed.get(cacheKey);
  if (hit !== undefined) {
    parsed.delete(cacheKey);
    parsed.set(cacheKey, hit);
    return hit;
  }
  const result = parseText(text, kind);
  parsed.set(cacheKey, result);
  if (parsed.size > PARSED_KEPT) parsed.delete(parsed.keys().next().value!);
  return result;
}

/** parse results by kind and text, least recently used first (results are never changed by their users) */
const parsed = new Map<string, ParseResult>();
const PARSED_KEPT = 32;

function parseText(text: string, kind: PolicyKind): ParseResult {
  const kms = kind === 'resource';
  const malformed: PolicyErrorCode = kms ? 'MalformedPolicyDocumentException' : 'MalformedPolicyDocument';
  if (kms && text.length > KEY_POLICY_MAX_SIZE) {
    return {
      ok: false,
      error: 'LimitExceededException',
      message: POLICY_MESSAGES.keyPolicyTooLarge(text.length),
      detail: `The key policy is ${text.length} characters long; key policies can be at most ${KEY_POLICY_MAX_SIZE}.`,
    };
  }
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (e) {
    return {
      ok: false,
      error: malformed,
      message: kms ? POLICY_MESSAGES.kmsInvalidJson : POLICY_MESSAGES.syntax,
      detail: `The policy is not valid JSON: ${(e as Error).message}`,
    };
  }
  try {
    return { ok: true, policy: parseDocument(doc, kind) };
  } catch (e) {
    if (e instanceof PolicyError) return { ok: false, error: malformed, message: e.wire, detail: e.detail };
    throw e;
  }
}

function parseDocument(doc: Json, kind: PolicyKind): ParsedPolicy {
  const kms = kind === 'resource';
  // ---- syntax -------------------------------------------------------------------------------
  if (!isObject(doc)) syntax('The policy must be a JSON object.');
  for (const k of Object.keys(doc)) if (!TOP_ELEMENTS.has(k)) syntax(`Unknown top-level element "${k}" (allowed: Version, Id, Statement).`);
  const version = doc.Version;
  if (version !== undefined && (typeof version !== 'string' || !VERSIONS.has(version))) {
    syntax(`Version must be "2012-10-17" (or the older "2008-10-17"), got ${JSON.stringify(version)}.`);
  }
  if (doc.Id !== undefined && typeof doc.Id !== 'string') syntax('Id must be a string.');
  if (doc.Statement === undefined) syntax('The policy has no Statement element.');
  const rawList: Json[] = Array.isArray(doc.Statement) ? doc.Statement : isObject(doc.Statement) ? [doc.Statement] : syntax('Statement must be an object or an array of objects.');
  if (rawList.length === 0) syntax('The Statement array is empty.');

  const raws: RawStatement[] = rawList.map((raw, i) => {
    if (!isObject(raw)) syntax(`Statement ${i} must be an object.`);
    const label = stmtLabel(i, raw);
    if (!kms && (raw.Principal !== undefined || raw.NotPrincipal !== undefined)) {
      throw new PolicyError(POLICY_MESSAGES.identityPrincipal, `${label}: an identity policy applies to the identity it is attached to and cannot name a Principal.`);
    }
    for (const k of Object.keys(raw)) if (!STATEMENT_ELEMENTS.has(k)) syntax(`${label}: unknown element "${k}".`);
    if (raw.Action !== undefined && raw.NotAction !== undefined) syntax(`${label}: use Action or NotAction, not both.`);
    if (raw.Resource !== undefined && raw.NotResource !== undefined) syntax(`${label}: use Resource or NotResource, not both.`);
    if (raw.Principal !== undefined && raw.NotPrincipal !== undefined) syntax(`${label}: use Principal or NotPrincipal, not both.`);
    if (raw.Sid !== undefined && typeof raw.Sid !== 'string') syntax(`Statement ${i}: Sid must be a string.`);
    const effect = raw.Effect;
    if (typeof effect !== 'string' || (effect.toLowerCase() !== 'allow' && effect.toLowerCase() !== 'deny')) {
      syntax(`${label}: Effect must be "Allow" or "Deny"${effect === undefined ? ' (it is missing)' : `, got ${JSON.stringify(effect)}`}.`);
    }
    const stmt: ParsedStatement = { index: i, effect: effect === 'Deny' ? 'Deny' : 'Allow', conditions: [] };
    if (typeof raw.Sid === 'string') stmt.sid = raw.Sid;
    if (raw.Action !== undefined) stmt.action = stringList(raw.Action, `${label}: Action`);
    if (raw.NotAction !== undefined) stmt.notAction = stringList(raw.NotAction, `${label}: NotAction`);
    if (raw.Resource !== undefined) stmt.resource = stringList(raw.Resource, `${label}: Resource`);
    if (raw.NotResource !== undefined) stmt.notResource = stringList(raw.NotResource, `${label}: NotResource`);
    if (raw.Condition !== undefined) {
      const cond = raw.Condition;
      if (!isObject(cond)) syntax(`${label}: Condition must be an object like {"StringEquals": {"kms:CallerAccount": "111122223333"}}.`);
      for (const op of Object.keys(cond)) {
        const block = cond[op];
        if (!isObject(block)) syntax(`${label}: Condition operator ${op} must map condition keys to values.`);
        const parsed = parseOperator(op);
        const known = OPERATOR_SET.has(parsed.base) && !(parsed.base === 'Null' && parsed.ifExists);
        const keys = Object.keys(block);
        if (!known) {
          // IAM accepts an unknown operator only with an empty block (and ignores it)
          if (keys.length) syntax(`${label}: unknown condition operator "${op}".`);
          continue;
        }
        for (const key of keys) {
          if (key === '') syntax(`${label}: ${op} has an empty condition key.`);
          stmt.conditions.push({
            operator: op,
            base: parsed.base as ConditionOperatorName,
            ...(parsed.set ? { set: parsed.set } : {}),
            ifExists: parsed.ifExists,
            key,
            values: conditionValues(block[key], `${label}: ${op} ${key}`),
          });
        }
      }
    }
    return { raw, label, stmt };
  });

  // ---- version ------------------------------------------------------------------------------
  if (!kms && version !== '2012-10-17') {
    throw new PolicyError(
      POLICY_MESSAGES.version,
      version === undefined ? 'The policy has no "Version": "2012-10-17" element.' : `Version ${version} is too old; use "2012-10-17".`,
    );
  }

  // ---- legacy parsing -----------------------------------------------------------------------
  for (const { raw, label, stmt } of raws) {
    if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') {
      throw new PolicyError(POLICY_MESSAGES.legacy, `${label}: Effect is case-sensitive: write "Allow" or "Deny", not ${JSON.stringify(raw.Effect)}.`);
    }
    for (const c of stmt.conditions) {
      if (c.base.startsWith('Date')) {
        for (const v of c.values) {
          if (dateValue(v) === null) throw new PolicyError(POLICY_MESSAGES.legacy, `${label}: ${c.operator} ${c.key}: "${v}" is not an ISO 8601 date or epoch time.`);
        }
      }
    }
    for (const r of [...(stmt.resource ?? []), ...(stmt.notResource ?? [])]) {
      if (resourceLegacy(r)) throw new PolicyError(POLICY_MESSAGES.legacy, `${label}: resource "${r}" is not a complete ARN (arn:partition:service:region:account:resource).`);
    }
  }

  // ---- principals (key policies) ------------------------------------------------------------
  if (kms) {
    for (const { raw, label, stmt } of raws) {
      if (raw.Principal !== undefined) stmt.principal = parsePrincipal(raw.Principal, label, 'Principal');
      else if (raw.NotPrincipal !== undefined) stmt.notPrincipal = parsePrincipal(raw.NotPrincipal, label, 'NotPrincipal');
      else throw new PolicyError(POLICY_MESSAGES.noPrincipal, `${label} has no Principal; every statement in a key policy must name one.`);
    }
  }

  // ---- Sid rules ----------------------------------------------------------------------------
  if (!kms) {
    for (const { label, stmt } of raws) {
      if (stmt.sid !== undefined && !/^[0-9A-Za-z]*$/.test(stmt.sid)) {
        throw new PolicyError(POLICY_MESSAGES.sidAlnum, `${label}: an IAM policy Sid may contain only letters and digits.`);
      }
    }
  }
  const sids = new Set<string>();
  for (const { stmt } of raws) {
    if (!stmt.sid) continue;
    if (sids.has(stmt.sid)) throw new PolicyError(POLICY_MESSAGES.sidUnique, `Two statements have Sid "${stmt.sid}".`);
    sids.add(stmt.sid);
  }

  // ---- Action / Resource presence (IAM rejects; KMS accepts, the statement has no effect) -----
  if (!kms) {
    for (const { label, stmt } of raws) {
      if (!(stmt.action ?? stmt.notAction)?.length) throw new PolicyError(POLICY_MESSAGES.noActions, `${label} has no Action or NotAction.`);
    }
    for (const { label, stmt } of raws) {
      if (!(stmt.resource ?? stmt.notResource)?.length) throw new PolicyError(POLICY_MESSAGES.noResources, `${label} has no Resource or NotResource.`);
    }
  }

  // ---- formats ------------------------------------------------------------------------------
  for (const { label, stmt } of raws) {
    for (const r of [...(stmt.resource ?? []), ...(stmt.notResource ?? [])]) checkResourceFormat(r, label);
  }
  for (const { label, stmt } of raws) {
    for (const a of [...(stmt.action ?? []), ...(stmt.notAction ?? [])]) checkActionFormat(a, label);
    for (const c of stmt.conditions) {
      if (!c.key.includes(':')) throw new PolicyError(POLICY_MESSAGES.actionVendor, `${label}: condition key "${c.key}" has no service prefix (e.g. "kms:${c.key}").`);
    }
  }

  // ---- set operators on single-valued keys (key policies: KMS refuses them) ---------------------
  if (kms) {
    for (const { label, stmt } of raws) {
      for (const c of stmt.conditions) {
        if (c.set !== 'ForAllValues') continue;
        const k = c.key.toLowerCase();
        if (k.startsWith('kms:encryptioncontext:')) {
          throw new PolicyError(
            POLICY_MESSAGES.overlyPermissiveEncryptionContext,
            `${label}: ${c.operator} ${c.key}: ${c.key} is single-valued (one value per request), so ForAllValues also matches a request without that pair. Use ${c.operator.slice('ForAllValues:'.length)}.`,
          );
        }
        if (k.startsWith('aws:requesttag/')) {
          throw new PolicyError(
            POLICY_MESSAGES.overlyPermissiveTag,
            `${label}: ${c.operator} ${c.key}: ${c.key} is single-valued, so ForAllValues also matches a request without that tag. Use ${c.operator.slice('ForAllValues:'.length)}.`,
          );
        }
      }
    }
  }

  // ---- policy variables (version 2012-10-17 only; older policies take them literally) ----------
  if (version === '2012-10-17') {
    for (const { stmt } of raws) {
      const has = (xs: readonly string[] | undefined) => xs !== undefined && xs.some((x) => x.includes('${'));
      if (has(stmt.resource) || has(stmt.notResource) || stmt.conditions.some((c) => VARIABLE_OPERATORS.has(c.base) && has(c.values))) stmt.variables = true;
    }
  }

  const policy: ParsedPolicy = { kind, statements: raws.map((r) => r.stmt) };
  if (typeof version === 'string') policy.version = version;
  if (typeof doc.Id === 'string') policy.id = doc.Id;
  for (const s of policy.statements) compiled(s);
  return policy;
}

// ---------------------------------------------------------------------------------------------
// Compiled patterns
// ---------------------------------------------------------------------------------------------

/** a compiled wildcard pattern (glob.ts: linear-time, no RegExp) */
type Pattern = Glob;
const compilePattern = compileGlob;
const testPattern = matchGlob;

function anyPattern(ps: readonly Pattern[], s: string): boolean {
  for (let i = 0; i < ps.length; i++) if (testPattern(ps[i], s)) return true;
  return false;
}

interface CompiledPrincipal {
  any: boolean;
  arns: Set<string>;
  accounts: Set<string>;
  services: Set<string>;
}

function compilePrincipal(p: ParsedPrincipal): CompiledPrincipal {
  const c: CompiledPrincipal = { any: p.any, arns: new Set(), accounts: new Set(), services: new Set() };
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
function principalMatch(c: CompiledPrincipal, who: RequestContext['principal']): 'direct' | 'account' | null {
  if (c.any) return 'direct';
  if (who.service !== undefined && c.services.has(who.service.toLowerCase())) return 'direct';
  if (who.arn && c.arns.has(who.arn)) return 'direct';
  if (who.account && c.accounts.has(who.account)) return 'account';
  return null;
}

type ValueTest = (v: string) => boolean;

interface CompiledCondition {
  src: ParsedCondition;
  keyLc: string;
  /** StringNotEquals, NotIpAddress, ArnNotLike, ...: true when no policy value matches */
  negated: boolean;
  /** does this request value match any policy value (the positive form of the operator)? */
  any: ValueTest;
  /** the policy values as reasons show them, once one has */
  shown?: string;
}

/** negated operator → its positive form (a Map: an operator name never reaches Object.prototype) */
const NEGATED: ReadonlyMap<ConditionOperatorName, ConditionOperatorName> = new Map([
  ['StringNotEquals', 'StringEquals'],
  ['StringNotEqualsIgnoreCase', 'StringEqualsIgnoreCase'],
  ['StringNotLike', 'StringLike'],
  ['NumericNotEquals', 'NumericEquals'],
  ['DateNotEquals', 'DateEquals'],
  ['ArnNotEquals', 'ArnLike'],
  ['ArnNotLike', 'ArnLike'],
  ['NotIpAddress', 'IpAddress'],
]);

/** splits an ARN into its six parts (the last keeps its colons), or null */
function arnParts(s: string): string[] | null {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const c = s.indexOf(':', from);
    if (c < 0) return null;
    out.push(s.slice(from, c));
    from = c + 1;
  }
  out.push(s.slice(from));
  return out;
}

function numeric(s: string): number {
  return s.trim() === '' ? NaN : Number(s);
}

function positiveTest(base: ConditionOperatorName, values: readonly string[]): ValueTest {
  switch (base) {
    case 'StringEquals': {
      const set = new Set(values);
      return (v) => set.has(v);
    }
    case 'StringEqualsIgnoreCase': {
      const set = new Set(values.map((x) => x.toLowerCase()));
      return (v) => set.has(v.toLowerCase());
    }
    case 'StringLike': {
      const ps = values.map(compilePattern);
      return (v) => anyPattern(ps, v);
    }
    case 'NumericEquals':
    case 'NumericLessThan':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThan':
    case 'NumericGreaterThanEquals': {
      const ns = values.map(numeric).filter((n) => !Number.isNaN(n));
      const cmp =
        base === 'NumericEquals'
          ? (a: number, b: number) => a === b
          : base === 'NumericLessThan'
            ? (a: number, b: number) => a < b
            : base === 'NumericLessThanEquals'
              ? (a: number, b: number) => a <= b
              : base === 'NumericGreaterThan'
                ? (a: number, b: number) => a > b
                : (a: number, b: number) => a >= b;
      return (v) => {
        const n = numeric(v);
        return !Number.isNaN(n) && ns.some((p) => cmp(n, p));
      };
    }
    case 'DateEquals':
    case 'DateLessThan':
    case 'DateLessThanEquals':
    case 'DateGreaterThan':
    case 'DateGreaterThanEquals': {
      const ds = values.map(dateValue).filter((d): d is number => d !== null);
      const cmp =
        base === 'DateEquals'
          ? (a: number, b: number) => a === b
          : base === 'DateLessThan'
            ? (a: number, b: number) => a < b
            : base === 'DateLessThanEquals'
              ? (a: number, b: number) => a <= b
              : base === 'DateGreaterThan'
                ? (a: number, b: number) => a > b
                : (a: number, b: number) => a >= b;
      return (v) => {
        const d = dateValue(v);
        return d !== null && ds.some((p) => cmp(d, p));
      };
    }
    case 'Bool': {
      const set = new Set(values.map((x) => x.toLowerCase()));
      return (v) => set.has(v.toLowerCase());
    }
    case 'BinaryEquals': {
      const set = new Set(values);
      return (v) => set.has(v);
    }
    case 'IpAddress': {
      const nets = values.map(parseCidr).filter((n): n is Cidr => n !== null);
      return (v) => {
        const ip = parseIp(v);
        return ip !== null && nets.some((n) => inCidr(ip, n));
      };
    }
    case 'ArnEquals':
    case 'ArnLike': {
      // each of the six colon-separated parts is matched on its own; a value that is not an
      // ARN only matches a pattern that is not one either ("*")
      // Most ARN patterns name their first five parts without wildcards (arn:aws:iam::<account>)
      // and start their resource part with some literal text (role/App-*). Such patterns are
      // grouped by those five parts, and within a group bucketed by the first `minHead`
      // characters of their resource part (the shortest literal head in the group): a value is
      // then compared only with the patterns of its own group and bucket, found by two Map
      // lookups, so a long list of role ARNs costs about one comparison, not one per pattern.
      // The rest are tried one by one, part by part.
      const groups = new Map<string, { minHead: number; buckets: Map<string, { head: string; last: Pattern | string }[]> }>();
      const others: ({ whole: Pattern } | { parts: (Pattern | string)[] })[] = [];
      const wild = (x: string) => x.includes('*') || x.includes('?');
      const grouped: { prefix: string; head: string; last: Pattern | string }[] = [];
      for (const p of values) {
        const ps = arnParts(p);
        if (!ps) {
          others.push({ whole: compilePattern(p) });
          continue;
        }
        if (ps.slice(0, 5).some(wild)) {
          others.push({ parts: ps.map((x) => (wild(x) ? compilePattern(x) : x)) });
          continue;
        }
        const r = ps[5];
        let h = 0;
        while (h < r.length && r.charCodeAt(h) !== 42 && r.charCodeAt(h) !== 63) h++;
        grouped.push({ prefix: ps.slice(0, 5).join(':') + ':', head: r.slice(0, h), last: wild(r) ? compilePattern(r) : r });
      }
      for (const g of grouped) {
        let e = groups.get(g.prefix);
        if (!e) groups.set(g.prefix, (e = { minHead: Infinity, buckets: new Map() }));
        e.minHead = Math.min(e.minHead, g.head.length, 64);
      }
      for (const g of grouped) {
        const e = groups.get(g.prefix)!;
        const k = g.head.slice(0, e.minHead);
        let b = e.buckets.get(k);
        if (!b) e.buckets.set(k, (b = []));
        b.push({ head: g.head, last: g.last });
      }
      return (v) => {
        if (groups.size) {
          // the value's first five parts and the start of its sixth
          let at = -1;
          for (let i = 0; i < 5 && (at = v.indexOf(':', at + 1)) >= 0; i++);
          const e = at >= 0 ? groups.get(v.slice(0, at + 1)) : undefined;
          if (e) {
            const r = v.slice(at + 1);
            const b = r.length >= e.minHead ? e.buckets.get(r.slice(0, e.minHead)) : undefined;
            if (b) {
              for (const c of b) {
                if (!r.startsWith(c.head)) continue;
                if (typeof c.last === 'string' ? c.last === r : testPattern(c.last, r)) return true;
              }
            }
          }
        }
        if (!others.length) return false;
        const vp = arnParts(v);
        for (const p of others) {
          if ('whole' in p) {
            if (testPattern(p.whole, v)) return true;
            continue;
          }
          if (!vp) continue;
          let all = true;
          for (let j = 0; j < 6 && all; j++) {
            const pp = p.parts[j];
            all = typeof pp === 'string' ? pp === vp[j] : testPattern(pp, vp[j]);
          }
          if (all) return true;
        }
        return false;
      };
    }
    default:
      // negated operators and Null are handled by the caller
      return () => false;
  }
}

function compileCondition(c: ParsedCondition): CompiledCondition {
  const pos = NEGATED.get(c.base);
  return { src: c, keyLc: c.key.toLowerCase(), negated: pos !== undefined, any: positiveTest(pos ?? c.base, c.values) };
}

interface CompiledStatement {
  principal?: CompiledPrincipal;
  notPrincipal?: CompiledPrincipal;
  actions?: Pattern[];
  notActions?: Pattern[];
  resources?: Pattern[];
  notResources?: Pattern[];
  conditions: CompiledCondition[];
}

const cache = new WeakMap<ParsedStatement, CompiledStatement>();

function compiled(s: ParsedStatement): CompiledStatement {
  let c = cache.get(s);
  if (c) return c;
  c = { conditions: s.conditions.map(compileCondition) };
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

// ---- IP addresses (IpAddress / NotIpAddress) ------------------------------------------------

interface Cidr {
  v6: boolean;
  addr: bigint;
  bits: number;
}

function parseIp(s: string): { v6: boolean; addr: bigint } | null {
  const t = s.trim();
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(t)) {
    const parts = t.split('.').map(Number);
    if (parts.some((p) => p > 255)) return null;
    return { v6: false, addr: BigInt(((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3]) };
  }
  if (!/^[0-9a-fA-F:]+$/.test(t) || !t.includes(':')) return null;
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let addr = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    addr = (addr << 16n) + BigInt(parseInt(g, 16));
  }
  return { v6: true, addr };
}

function parseCidr(s: string): Cidr | null {
  const [ip, len] = s.split('/');
  const a = parseIp(ip);
  if (!a) return null;
  const max = a.v6 ? 128 : 32;
  const bits = len === undefined ? max : Number(len);
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return null;
  return { ...a, bits };
}

function inCidr(ip: { v6: boolean; addr: bigint }, n: Cidr): boolean {
  if (ip.v6 !== n.v6) return false;
  const shift = BigInt((n.v6 ? 128 : 32) - n.bits);
  return ip.addr >> shift === n.addr >> shift;
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/**
 * the request's condition keys by lower-cased name (built only when a statement has conditions,
 * once per request: the key policy and the IAM policy share it)
 */
function contextIndex(conditions: Readonly<Record<string, ContextValue>>): Map<string, ContextValue> {
  let m = indexes.get(conditions);
  if (m === undefined) indexes.set(conditions, (m = buildIndex(conditions)));
  return m;
}
const indexes = new WeakMap<object, Map<string, ContextValue>>();

function indexOf(ctx: RequestContext): Map<string, ContextValue> {
  if (ctx.conditionIndex) return ctx.conditionIndex();
  return ctx.conditions ? contextIndex(ctx.conditions) : EMPTY_INDEX;
}

/** the request's condition keys by lower-cased name (undefined values left out) */
export function buildConditionIndex(conditions: Readonly<Record<string, ContextValue>>): Map<string, ContextValue> {
  return buildIndex(conditions);
}

function buildIndex(conditions: Readonly<Record<string, ContextValue>>): Map<string, ContextValue> {
  const m = new Map<string, ContextValue>();
  for (const k of Object.keys(conditions)) {
    const v = conditions[k];
    if (v !== undefined) m.set(k.toLowerCase(), v);
  }
  return m;
}

/** a value quoted for a reason; a long one is cut (a request value can be a megabyte long) */
const q = (s: string) => (s.length > SHOWN_CHARS ? `'${s.slice(0, SHOWN_CHARS)}…' (${s.length} characters)` : `'${s}'`);
/** a list of values for a reason, the first SHOWN_VALUES of them */
const qs = (xs: readonly string[]) => `[${xs.slice(0, SHOWN_VALUES).map(q).join(', ')}${xs.length > SHOWN_VALUES ? `, … ${xs.length - SHOWN_VALUES} more` : ''}]`;
const SHOWN_CHARS = 200;
const SHOWN_VALUES = 20;
const list = (xs: readonly string[]) => `[${xs.join(', ')}]`;

/** evaluates one condition; returns null when it holds, else the reason it does not */
function checkCondition(c: CompiledCondition, idx: Map<string, ContextValue>): string | null {
  const { src } = c;
  const label = `Condition ${src.operator} ${src.key}`;
  const raw = idx.get(c.keyLc);
  let values: string[] | undefined;
  let multi = false;
  if (raw !== undefined) {
    if (typeof raw === 'string') values = [raw];
    else if (typeof raw === 'boolean' || typeof raw === 'number') values = [String(raw)];
    else if (raw.length > 0) {
      values = raw as string[];
      multi = true;
    }
  }
  const present = values !== undefined;
  const ok = (v: string) => {
    // the value is read (hashed, lower-cased, parsed, split) at least once by native code, about
    // four characters for one step of a matcher; the wildcard matchers count their own on top
    chargeSteps((v.length >> 2) + 1);
    return c.negated ? !c.any(v) : c.any(v);
  };

  if (src.base === 'Null') {
    const want = src.values.map((v) => v.toLowerCase());
    if (want.includes(present ? 'false' : 'true')) return null;
    return present ? `${label}: the key is present (${qs(values!)}), the policy wants it absent` : `${label}: the key is not present in the request`;
  }

  if (src.set === 'ForAllValues') {
    if (!present) return null;
    const bad = values!.filter((v) => !ok(v));
    if (!bad.length) return null;
    return c.negated ? `${label}: value ${q(bad[0])} is in ${shown(c)}` : `${label}: value ${q(bad[0])} not in ${shown(c)}`;
  }
  if (src.set === 'ForAnyValue') {
    // IfExists does not rescue a missing key here: the set operator already decides
    if (!present) return `${label}: the key is not present in the request`;
    if (values!.some(ok)) return null;
    return c.negated ? `${label}: every value of ${qs(values!)} is in ${shown(c)}` : `${label}: no value of ${qs(values!)} in ${shown(c)}`;
  }

  // single-valued operator
  if (!present) {
    if (src.ifExists || c.negated) return null;
    return `${label}: the key is not present in the request`;
  }
  if (multi && values!.length > 1) {
    return `${label}: the request has several values ${qs(values!)}; a multivalued key needs ForAnyValue: or ForAllValues:`;
  }
  const v = values![0];
  if (ok(v)) return null;
  return c.negated ? `${label}: value ${q(v)} matches ${shown(c)}` : `${label}: value ${q(v)} not in ${shown(c)}`;
}

const EMPTY_INDEX = new Map<string, ContextValue>();

/** the policy values of a condition as a reason shows them (written once: they never change) */
function shown(c: CompiledCondition): string {
  return (c.shown ??= qs(c.src.values));
}

// ---- policy variables ------------------------------------------------------------------------

/**
 * The operators whose values may hold policy variables: "You can use policy variables in the
 * Resource element and in string comparisons in the Condition element" (IAM User Guide, "IAM
 * policy elements: Variables and tags"); ARN operators compare strings too.
 */
const VARIABLE_OPERATORS: ReadonlySet<string> = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
]);

type Expansion = { ok: true; text: string } | { ok: false; missing: string };

/**
 * Substitutes the policy variables of one policy string with the request's values, in one pass
 * (linear in the text and the values put in): `${key}` is the key's value (a multivalued key with
 * one value counts as that value), `${key, 'default'}` falls back to the default, `${*}`, `${?}`
 * and `${$}` stand for the characters themselves. A key the request does not have, with no
 * default, makes the expansion fail: the statement then does not match (IAM User Guide, "IAM
 * policy elements: Variables and tags": "If a policy variable references a key that is not
 * present in the request context, the policy element does not match"). In a wildcard pattern
 * (Resource, StringLike, Arn*), `${*}` and `${?}` become `?`: glob.ts has no escape, and `?`
 * matches the literal character among others (docs/fidelity.md §7).
 */
function expand(text: string, idx: Map<string, ContextValue>, wildcard: boolean, used: string[] | undefined, ctx: RequestContext): Expansion {
  let out = '';
  let i = 0;
  for (;;) {
    const j = text.indexOf('${', i);
    if (j < 0) break;
    const end = text.indexOf('}', j + 2);
    if (end < 0) break;
    out += text.slice(i, j);
    const inner = text.slice(j + 2, end);
    i = end + 1;
    if (inner === '*' || inner === '?') {
      out += wildcard ? '?' : inner;
      continue;
    }
    if (inner === '$') {
      out += '$';
      continue;
    }
    const comma = inner.indexOf(',');
    const name = (comma < 0 ? inner : inner.slice(0, comma)).trim();
    let fallback: string | undefined;
    if (comma >= 0) {
      const d = inner.slice(comma + 1).trim();
      if (d.length >= 2 && d.charCodeAt(0) === 39 && d.charCodeAt(d.length - 1) === 39) fallback = d.slice(1, -1);
    }
    const v = idx.get(name.toLowerCase());
    let value: string | undefined;
    if (typeof v === 'string') value = v;
    else if (typeof v === 'number' || typeof v === 'boolean') value = String(v);
    else if (Array.isArray(v) && v.length === 1) value = v[0] as string;
    let source: string | undefined;
    if (value === undefined) {
      if (fallback === undefined) return { ok: false, missing: name };
      value = fallback;
      source = `the default the policy gives: the request has no ${name}`;
    } else source = ctx.describe?.(name);
    if (used && used.length < SHOWN_VALUES) used.push(`\${${inner}} expanded to ${q(value)}${source ? ` (${source})` : ''}`);
    out += value;
  }
  out += text.slice(i);
  chargeSteps(((text.length + out.length) >> 2) + 1);
  return { ok: true, text: out };
}

/** compiled patterns and conditions of expanded policy text, the most recent few hundred */
const expandedGlobs = new Map<string, Glob>();
const expandedConditions = new Map<string, CompiledCondition>();
const EXPANDED_KEPT = 256;
const EXPANDED_KEPT_CHARS = 4096;

function remember<T>(m: Map<string, T>, k: string, make: () => T): T {
  let v = m.get(k);
  if (v === undefined) {
    // compiling reads the pattern once: charged like the matching it prepares
    chargeSteps((k.length >> 2) + 1);
    v = make();
    // a pattern made long by a request value (a variable can stand for a 1 MiB encryption
    // context value) is compiled for this request only, never kept
    if (k.length <= EXPANDED_KEPT_CHARS) {
      m.set(k, v);
      if (m.size > EXPANDED_KEPT) m.delete(m.keys().next().value!);
    }
  }
  return v;
}

/** the statement's Resource / NotResource patterns for this request, or the reason there are none */
function expandedResources(list: readonly string[], idx: Map<string, ContextValue>, used: string[], ctx: RequestContext): Pattern[] | string {
  const out: Pattern[] = [];
  for (const r of list) {
    if (!r.includes('${')) {
      out.push(remember(expandedGlobs, r, () => compilePattern(r)));
      continue;
    }
    const e = expand(r, idx, true, used, ctx);
    if (!e.ok) return `Resource ${r} uses the policy variable \${${e.missing}}, which this request has no value for, so the statement does not match`;
    const text = e.text;
    out.push(remember(expandedGlobs, text, () => compilePattern(text)));
  }
  return out;
}

/** a condition whose values hold variables, expanded for this request, or the reason it cannot be */
function expandedCondition(cc: CompiledCondition, idx: Map<string, ContextValue>, used: string[], ctx: RequestContext): CompiledCondition | string {
  const src = cc.src;
  const values: string[] = [];
  const wildcard = src.base.endsWith('Like') || src.base.startsWith('Arn');
  for (const v of src.values) {
    if (!v.includes('${')) {
      values.push(v);
      continue;
    }
    const e = expand(v, idx, wildcard, used, ctx);
    if (!e.ok) return `Condition ${src.operator} ${src.key}: the value ${q(v)} uses the policy variable \${${e.missing}}, which this request has no value for, so the statement does not match`;
    values.push(e.text);
  }
  const k = `${src.operator}\u0000${src.key}\u0000${values.join('\u0000')}`;
  return remember(expandedConditions, k, () => compileCondition({ ...src, values }));
}

/**
 * The last evaluation of each policy whose answer did not read the request's condition keys:
 * the same policy, action, resource and principal then give the same answer, and a burst of
 * calls by one caller on one key (the common case) evaluates the policy once. Evaluations are
 * read, never changed, by their users, so the memo hands back the same object.
 */
interface Memo {
  action: string;
  resource: string;
  arn: string;
  account: string;
  service: string | undefined;
  result: PolicyEvaluation;
}
const memos = new WeakMap<ParsedPolicy, Memo>();

/**
 * Which statements of `policy` apply to the request: Allow and Deny matches, and for every other
 * statement the first reason it does not apply (principal, action, resource, then conditions).
 */
export function evaluatePolicy(policy: ParsedPolicy, ctx: RequestContext): PolicyEvaluation {
  const memo = memos.get(policy);
  const principal = ctx.principal;
  if (
    memo !== undefined &&
    memo.action === ctx.action &&
    memo.resource === ctx.resource &&
    memo.arn === principal.arn &&
    memo.account === principal.account &&
    memo.service === principal.service
  ) {
    return memo.result;
  }
  conditionsRead = false;
  const run = withStepBudget(POLICY_STEP_BUDGET, () => evaluate(policy, ctx, false));
  let result: PolicyEvaluation;
  if (run.ok) result = run.value;
  else {
    result = evaluate(policy, ctx, true);
    result.exhausted = `The policy's conditions took more than ${POLICY_STEP_BUDGET.toLocaleString('en-US')} steps of matching against this request's values, so the playground stopped evaluating them and failed closed: every statement with conditions that otherwise applies counts as a Deny if it is one, and does not apply if it is an Allow. Real AWS would evaluate them.`;
  }
  if (!conditionsRead) memos.set(policy, { action: ctx.action, resource: ctx.resource, arn: principal.arn, account: principal.account, service: principal.service, result });
  return result;
}

/** set by evaluate() when a statement's conditions had to be checked */
let conditionsRead = false;

/** `skipConditions`: the budget ran out, so conditions are not evaluated and fail closed */
function evaluate(policy: ParsedPolicy, ctx: RequestContext, skipConditions: boolean): PolicyEvaluation {
  const allows: StatementMatch[] = [];
  const denies: StatementMatch[] = [];
  const misses: StatementMiss[] = [];
  const action = ctx.action.toLowerCase();
  const resourcePolicy = policy.kind === 'resource';
  let idx: Map<string, ContextValue> | undefined;

  for (const s of policy.statements) {
    const c = compiled(s);
    let reason: string | null = null;
    let pm: 'direct' | 'account' | undefined;

    if (resourcePolicy) {
      if (c.principal) {
        const m = principalMatch(c.principal, ctx.principal);
        if (m) pm = m;
        else reason = `Principal ${who(ctx)} is not in ${list(principalList(s.principal!))}`;
      } else if (c.notPrincipal) {
        const m = principalMatch(c.notPrincipal, ctx.principal);
        if (m) reason = `Principal ${who(ctx)} is excluded by NotPrincipal ${list(principalList(s.notPrincipal!))}`;
        else pm = 'direct';
      } else {
        reason = 'Statement has no Principal';
      }
    }

    if (!reason) {
      if (c.actions) {
        if (!anyPattern(c.actions, action)) reason = `Action ${ctx.action} is not in ${list(s.action!)}`;
      } else if (c.notActions) {
        if (anyPattern(c.notActions, action)) reason = `Action ${ctx.action} is excluded by NotAction ${list(s.notAction!)}`;
      } else {
        reason = 'Statement has no Action or NotAction element, so it has no effect';
      }
    }

    let used: string[] | undefined;
    if (!reason && s.variables && !skipConditions && (s.resource ?? s.notResource ?? []).some((r) => r.includes('${'))) {
      // the answer now depends on the request's values: not one to remember
      conditionsRead = true;
      idx ??= indexOf(ctx);
      used = [];
      const ps = expandedResources(c.resources ? s.resource! : s.notResource!, idx, used, ctx);
      if (typeof ps === 'string') reason = ps;
      else if (c.resources) {
        if (!anyPattern(ps, ctx.resource)) reason = `Resource ${ctx.resource} is not in ${list(s.resource!)} (${used.join('; ')})`;
      } else if (anyPattern(ps, ctx.resource)) reason = `Resource ${ctx.resource} is excluded by NotResource ${list(s.notResource!)} (${used.join('; ')})`;
    } else if (s.variables && skipConditions && !reason && (s.resource ?? s.notResource ?? []).some((r) => r.includes('${'))) {
      conditionsRead = true;
      if (s.effect === 'Allow') reason = `Resource not evaluated: the policy's conditions exceeded the matching budget for this request (the statement fails closed)`;
    } else if (!reason) {
      if (c.resources) {
        if (!anyPattern(c.resources, ctx.resource)) reason = `Resource ${ctx.resource} is not in ${list(s.resource!)}`;
      } else if (c.notResources) {
        if (anyPattern(c.notResources, ctx.resource)) reason = `Resource ${ctx.resource} is excluded by NotResource ${list(s.notResource!)}`;
      } else {
        reason = 'Statement has no Resource or NotResource element, so it has no effect';
      }
    }

    if (!reason && c.conditions.length && skipConditions) {
      conditionsRead = true;
      if (s.effect === 'Allow') reason = `Conditions not evaluated: the policy's conditions exceeded the matching budget for this request (the statement fails closed)`;
    } else if (!reason && c.conditions.length) {
      // the answer now depends on the request's condition keys: not one to remember
      conditionsRead = true;
      idx ??= indexOf(ctx);
      for (const cc0 of c.conditions) {
        let cc = cc0;
        if (s.variables && VARIABLE_OPERATORS.has(cc.src.base) && cc.src.values.some((v) => v.includes('${'))) {
          const e = expandedCondition(cc, idx, (used ??= []), ctx);
          if (typeof e === 'string') {
            reason = e;
            break;
          }
          cc = e;
        }
        reason = checkCondition(cc, idx);
        if (reason) {
          const d = ctx.describe && idx.has(cc.keyLc) ? ctx.describe(cc.src.key) : undefined;
          if (d) reason += ` (${d})`;
          if (used?.length) reason += ` (${used.join('; ')})`;
          break;
        }
      }
    }

    if (reason) {
      const miss: StatementMiss = { index: s.index, effect: s.effect, reason };
      if (s.sid !== undefined) miss.sid = s.sid;
      misses.push(miss);
      continue;
    }
    const match: StatementMatch = { index: s.index, effect: s.effect };
    if (s.sid !== undefined) match.sid = s.sid;
    if (pm) match.principalMatch = pm;
    if ((c.conditions.length && !skipConditions) || used?.length) {
      const values: string[] = [];
      const seen = new Set<string>();
      if (!skipConditions && ctx.describe) {
        for (const cc of c.conditions) {
          if (seen.has(cc.keyLc) || values.length >= SHOWN_VALUES) continue;
          seen.add(cc.keyLc);
          values.push(ctx.describe(cc.src.key) ?? `${cc.src.key}: not in the request`);
        }
      }
      if (used) values.push(...used);
      if (values.length) match.values = values;
    }
    (s.effect === 'Deny' ? denies : allows).push(match);
  }
  return { allows, denies, misses };
}

function who(ctx: RequestContext): string {
  return ctx.principal.service ?? ctx.principal.arn;
}

function principalList(p: ParsedPrincipal): string[] {
  return [...(p.any ? ['*'] : []), ...p.aws, ...p.service];
}

// ---------------------------------------------------------------------------------------------
// Default key policy
// ---------------------------------------------------------------------------------------------

/**
 * The key policy KMS attaches when CreateKey has no Policy, byte for byte as GetKeyPolicy
 * returns it (Jackson-style pretty printing: `"key" : value`, `[ {`, two-space indent, no
 * trailing newline) [KMS API Reference, GetKeyPolicy example; Developer Guide, Default key policy].
 */
export function defaultKeyPolicy(accountId: string, partition = 'aws'): string {
  return [
    '{',
    '  "Version" : "2012-10-17",',
    '  "Id" : "key-default-1",',
    '  "Statement" : [ {',
    '    "Sid" : "Enable IAM User Permissions",',
    '    "Effect" : "Allow",',
    '    "Principal" : {',
    `      "AWS" : "arn:${partition}:iam::${accountId}:root"`,
    '    },',
    '    "Action" : "kms:*",',
    '    "Resource" : "*"',
    '  } ]',
    '}',
  ].join('\n');
}
