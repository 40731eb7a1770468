import { APP, OPS, PRINCIPALS, type Lesson } from './common';

/**
 * Facts used (from the AWS KMS documentation): kms:GrantIsForAWSResource is true only when an AWS service
 * integrated with KMS calls CreateGrant on the principal's behalf, so a direct call does not
 * meet a Bool "true" condition; kms:GrantOperations holds the operations of the requested grant,
 * used with ForAllValues; CreateGrant is allowed by a key policy or IAM policy; denials are
 * AccessDeniedException. A key policy that names a principal of the key's account needs no
 * IAM policy beside it (the key policy / IAM policy rules).
 */
const policy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
    {
      Sid: 'AppOnlyViaServices',
      Effect: 'Allow',
      Principal: { AWS: APP },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    },
    {
      Sid: 'OpsOnlyCrypto',
      Effect: 'Allow',
      Principal: { AWS: OPS },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Encrypt', 'Decrypt', 'DescribeKey'] } },
    },
  ],
});

export const policyConditions: Lesson = {
  id: 'policy-conditions',
  title: 'Key policy conditions on CreateGrant',
  summary: 'Use kms:GrantIsForAWSResource and kms:GrantOperations in a key policy to limit who creates which grants.',
  scenario: {
    v: 2,
    title: 'Key policy conditions on CreateGrant',
    description: 'Whoever may call CreateGrant may hand out any operation. Conditions in the key policy narrow that down.',
    seed: 8,
    settings: { principals: [PRINCIPALS.app, PRINCIPALS.ops] },
    steps: [
      {
        kind: 'request',
        id: 'key',
        title: 'Create a key with a custom policy',
        target: 'CreateKey',
        body: { Policy: policy },
        expect: { status: 200 },
        note: 'Read the `Policy`: the root keeps full control; App may create grants only through an AWS service; Ops may create grants only for Encrypt, Decrypt and DescribeKey.',
      },
      {
        kind: 'request',
        title: 'App creates a grant directly',
        caller: APP,
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: OPS, Operations: ['Decrypt'] },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: '`kms:GrantIsForAWSResource` is true only when an AWS service integrated with KMS creates the grant on App\'s behalf. A direct call does not meet the condition.',
      },
      {
        kind: 'request',
        title: 'Ops grants Decrypt',
        caller: OPS,
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, Operations: ['Decrypt'] },
        expect: { status: 200 },
        note: 'Every requested operation is in the allowed list.',
      },
      {
        kind: 'request',
        title: 'Ops grants three allowed operations',
        caller: OPS,
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, Operations: ['Encrypt', 'Decrypt', 'DescribeKey'] },
        expect: { status: 200 },
        note: '`ForAllValues` checks each operation of the grant against the list.',
      },
      {
        kind: 'request',
        title: 'Ops adds ReEncryptFrom',
        caller: OPS,
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, Operations: ['Decrypt', 'ReEncryptFrom'] },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'One operation outside the list is enough to fail the condition.',
      },
      {
        kind: 'request',
        title: 'Ops tries to pass on CreateGrant',
        caller: OPS,
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, Operations: ['Decrypt', 'CreateGrant'] },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'This is how a policy stops grantees from re-granting.',
      },
      {
        kind: 'request',
        title: 'Two grants were made',
        target: 'ListGrants',
        body: { KeyId: '{{key.KeyMetadata.Arn}}' },
        expect: { status: 200, match: { 'Grants.length': 2 } },
        note: 'The root lists them; the statement `Root` allows it everything.',
      },
    ],
  },
};
