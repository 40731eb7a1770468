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
 * Pure: no clock, no randomness, no I/O. Each statement is compiled (compile.ts) as it is parsed.
 */

import { compiled } from './compile';
import { dateValue, VARIABLE_OPERATORS } from './conditions';
import { ACCOUNT_ID, PRINCIPAL_ARN } from './compile';
import { CONDITION_OPERATORS, KEY_POLICY_MAX_SIZE, type ConditionOperatorName, type ParsedPolicy, type ParsedPrincipal, type ParsedStatement, type ParseResult, type PolicyErrorCode, type PolicyKind } from './types';

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

/**
 * parse results by kind and text, least recently used first (results are never changed by their
 * users). Module state shared by every simulator, but a pure memo: the result is a function of
 * the kind and the text alone.
 */
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
