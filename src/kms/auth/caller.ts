/** Who is calling: resolved from the SigV4 access key id, or the account root when unsigned. */
import type { ParsedPolicy } from './policy';

export interface Caller {
  /** the caller's ARN as AWS reports it in messages (a role session shows as assumed-role) */
  arn: string;
  account: string;
  isRoot: boolean;
  /** the ARN that grants and key policies match: for a role session, the role's ARN */
  principalArn: string;
  /** its IAM identity policy; the root needs none */
  identityPolicy?: ParsedPolicy;
  accessKeyId?: string;
}

const ASSUMED_ROLE = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;
const IAM_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):(.+)$/;

const roots = new Map<string, string>();
/** arn:aws:iam::<account>:root, one shared string per account (every grant records its issuer's) */
export function rootArn(account: string): string {
  let arn = roots.get(account);
  if (arn === undefined) {
    arn = `arn:aws:iam::${account}:root`;
    if (roots.size < 1_024) roots.set(account, arn);
  }
  return arn;
}

/** the account of an IAM or STS principal ARN, or null */
export function accountOf(arn: string): string | null {
  const a = ASSUMED_ROLE.exec(arn);
  if (a) return a[2];
  const m = IAM_ARN.exec(arn);
  return m ? m[1] : null;
}

export function makeCaller(arn: string, identityPolicy?: ParsedPolicy, accessKeyId?: string): Caller {
  const a = ASSUMED_ROLE.exec(arn);
  const account = accountOf(arn) ?? '000000000000';
  const principalArn = a ? `arn:${a[1]}:iam::${a[2]}:role/${a[3]}` : arn;
  return { arn, account, isRoot: arn === rootArn(account), principalArn, identityPolicy, accessKeyId };
}
