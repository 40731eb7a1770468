/**
 * The policy language's public types: a parsed policy, the request it is evaluated against, and
 * the evaluation's answer. parse.ts builds a ParsedPolicy, evaluate.ts answers a RequestContext.
 */

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

/** a request's condition keys by lower-cased name (a Map is one) */
export interface ConditionIndex {
  get(keyLc: string): ContextValue;
  has(keyLc: string): boolean;
}

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
  conditionIndex?(): ConditionIndex;
  /**
   * optional, with conditionSource: the name, as the request set it, of the condition key with
   * this lower-cased name, and where its value came from. describe() reads nothing else, so an
   * evaluation that read the same names, values and sources gives the same answer: a context that
   * has both lets evaluatePolicy reuse its last answer for a policy (evaluate.ts, "answers by value").
   */
  conditionName?(keyLc: string): string | undefined;
  conditionSource?(name: string): string | undefined;
  /**
   * optional, for a context with conditionName and conditionSource: both at once, by the
   * lower-cased name (`{ name: conditionName(keyLc), source: conditionSource(that name) }`)
   */
  conditionKey?(keyLc: string): { readonly name: string; readonly source: string } | undefined;
  /** optional: describe(key), by the key's lower-cased name */
  describeLc?(keyLc: string): string | undefined;
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

/** key policy size quota: "32 KB (32,768 bytes)" [KMS quotas; CreateKey/PutKeyPolicy docs] */
export const KEY_POLICY_MAX_SIZE = 32768;
