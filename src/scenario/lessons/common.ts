/**
 * What the built-in lessons share: their principals and the shape of a lesson.
 *
 * Every claim a lesson makes about KMS is taken from the AWS KMS documentation and every lesson is replayed against the engine by tests/scenario/lessons.test.ts,
 * with all its checks passing. The default key policy (src/kms/auth/policy.ts) lets the account
 * root do anything and leaves the account's other principals to IAM. Callers are principal ARNs (PrincipalConfig in src/kms/api.ts); a
 * step without `caller` runs as the account root, which the default key policy lets do anything.
 * No principal has a secret key: replay then signs with a placeholder the simulator does not check,
 * and the links stay short.
 */
import type { PrincipalConfig } from '../../kms/api';
import type { Scenario } from '../format';

export interface Lesson {
  /** stable, URL-safe: lesson.html#lesson=<id> */
  id: string;
  title: string;
  /** one or two sentences for the lesson list */
  summary: string;
  scenario: Scenario;
}

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';

/** An application role with no IAM permissions at all: whatever it may do comes from grants. */
export const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
/** A second role without IAM permissions (a retiring principal, a child grantee). */
export const OPS = `arn:aws:iam::${ACCOUNT}:role/Ops`;
/** An administrator whose IAM policy allows kms:* (the default key policy lets IAM decide). */
export const ADMIN = `arn:aws:iam::${ACCOUNT}:user/Admin`;
/** A role in another account, whose IAM policy allows it to use keys of ACCOUNT. */
export const PARTNER = `arn:aws:iam::${OTHER_ACCOUNT}:role/Partner`;

const ALLOW_KMS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
/** the partner account's side of cross-account use: its IAM policy must allow the calls too */
const PARTNER_IAM = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey'], Resource: `arn:aws:kms:*:${ACCOUNT}:key/*` }],
};

export const PRINCIPALS = {
  app: { arn: APP, accessKeyId: 'AKIAAPPEXAMPLE000001' },
  ops: { arn: OPS, accessKeyId: 'AKIAOPSEXAMPLE000001' },
  admin: { arn: ADMIN, accessKeyId: 'AKIAADMINEXAMPLE0001', policy: ALLOW_KMS },
  partner: { arn: PARTNER, accessKeyId: 'AKIAPARTNEREXAMPLE01', policy: PARTNER_IAM },
} satisfies Record<string, PrincipalConfig>;
