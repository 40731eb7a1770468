/**
 * The AWS policy language, as far as KMS key policies and IAM identity policies need it:
 * types.ts (a parsed policy, a request, an evaluation), parse.ts (parsing, with the
 * MalformedPolicyDocument texts real AWS returns, and the default key policy), compile.ts and
 * conditions.ts (statements and condition operators compiled into matchers), variables.ts
 * (policy variables), evaluate.ts (one policy against one request).
 */
export * from './types';
export { POLICY_MESSAGES, defaultKeyPolicy, parsePolicy } from './parse';
export { buildConditionIndex, evaluatePolicy } from './evaluate';
