/**
 * AccessDeniedException message texts, exactly as real AWS words them (SPEC §2, quoted verbatim
 * in many public reports of real KMS responses):
 *
 *   User: <caller> is not authorized to perform: kms:<Action> on resource: <key ARN> because no identity-based policy allows the kms:<Action> action
 *   User: <caller> is not authorized to perform: kms:<Action> on resource: <key ARN> because no resource-based policy allows the kms:<Action> action
 *   User: <caller> is not authorized to perform: kms:<Action> on resource: <key ARN> with an explicit deny in a resource-based policy
 *   User: <caller> is not authorized to perform: kms:<Action> on resource: <key ARN> with an explicit deny in an identity-based policy
 *
 * `<caller>` is the caller's ARN as AWS reports it (an assumed-role session ARN for a role
 * session). `action` may be given with or without the `kms:` prefix.
 */

export type AccessDeniedReason =
  | 'no-identity-policy'
  | 'no-resource-policy'
  | 'explicit-deny-resource-policy'
  | 'explicit-deny-identity-policy';

/** 'Decrypt' → 'kms:Decrypt'; 'kms:Decrypt' stays as it is */
function kmsAction(action: string): string {
  return action.includes(':') ? action : `kms:${action}`;
}

function head(caller: string, action: string, resource: string): string {
  return `User: ${caller} is not authorized to perform: ${kmsAction(action)} on resource: ${resource}`;
}

/** the key policy lets IAM decide (or names the caller cross-account) and no IAM policy allows it */
export function accessDeniedNoIdentity(caller: string, action: string, resource: string): string {
  return `${head(caller, action, resource)} because no identity-based policy allows the ${kmsAction(action)} action`;
}

/** no key policy statement allows the caller or its account */
export function accessDeniedNoResource(caller: string, action: string, resource: string): string {
  return `${head(caller, action, resource)} because no resource-based policy allows the ${kmsAction(action)} action`;
}

/** a Deny statement in the key policy applies */
export function accessDeniedExplicitResource(caller: string, action: string, resource: string): string {
  return `${head(caller, action, resource)} with an explicit deny in a resource-based policy`;
}

/** a Deny statement in the caller's IAM policy applies */
export function accessDeniedExplicitIdentity(caller: string, action: string, resource: string): string {
  return `${head(caller, action, resource)} with an explicit deny in an identity-based policy`;
}

/** one entry point for all four forms */
export function accessDeniedMessage(caller: string, action: string, resource: string, reason: AccessDeniedReason): string {
  switch (reason) {
    case 'no-identity-policy':
      return accessDeniedNoIdentity(caller, action, resource);
    case 'no-resource-policy':
      return accessDeniedNoResource(caller, action, resource);
    case 'explicit-deny-resource-policy':
      return accessDeniedExplicitResource(caller, action, resource);
    case 'explicit-deny-identity-policy':
      return accessDeniedExplicitIdentity(caller, action, resource);
  }
}

/**
 * MalformedPolicyDocumentException text of the key policy lockout safety check (CreateKey /
 * PutKeyPolicy without BypassPolicyLockoutSafetyCheck, when the new policy would not let the
 * caller call PutKeyPolicy again). Quoted verbatim in many public reports of real KMS errors.
 */
export const KEY_POLICY_LOCKOUT_MESSAGE = 'The new key policy will not allow you to update the key policy in the future.';
