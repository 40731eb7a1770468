import { ACCOUNT, type Lesson } from './common';

/**
 * Facts used (from the AWS KMS Developer Guide, "AWS KMS condition keys", and the IAM User Guide,
 * "IAM policy elements: Variables and tags"): kms:EncryptionContext:<context-key> compares the
 * value of one encryption-context pair of the request, and a policy variable such as
 * ${aws:username} (the IAM user's friendly name) or ${aws:PrincipalTag/<key>} (a tag of the
 * calling principal) is replaced with the caller's value before the comparison; a condition on a
 * request parameter also applies when the parameter is left out and its default is used, so a
 * Deny on kms:EncryptionAlgorithm StringNotEquals SYMMETRIC_DEFAULT does not stop an Encrypt that
 * names no algorithm; a key policy that names a principal of the key's account needs no IAM
 * policy beside it; a denied call is AccessDeniedException.
 */
const ALICE = `arn:aws:iam::${ACCOUNT}:user/Alice`;
const BOB = `arn:aws:iam::${ACCOUNT}:user/Bob`;
const USERS = { AWS: [ALICE, BOB] };

const policy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
    {
      Sid: 'OwnData',
      Effect: 'Allow',
      Principal: USERS,
      Action: ['kms:Encrypt', 'kms:Decrypt'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:EncryptionContext:user': '${aws:username}' } },
    },
    {
      Sid: 'TeamData',
      Effect: 'Allow',
      Principal: USERS,
      Action: 'kms:GenerateDataKey',
      Resource: '*',
      Condition: { StringEquals: { 'kms:EncryptionContext:team': '${aws:PrincipalTag/team}' } },
    },
    {
      Sid: 'DefaultAlgorithmOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: ['kms:Encrypt', 'kms:Decrypt'],
      Resource: '*',
      Condition: { StringNotEquals: { 'kms:EncryptionAlgorithm': 'SYMMETRIC_DEFAULT' } },
    },
  ],
});

const KEY = '{{key.KeyMetadata.Arn}}';

export const conditionKeys: Lesson = {
  id: 'condition-keys',
  title: 'Condition keys and policy variables',
  summary: 'One key policy for many users: kms:EncryptionContext conditions with ${aws:username} and ${aws:PrincipalTag/team}, and a Deny on kms:EncryptionAlgorithm.',
  scenario: {
    v: 2,
    title: 'Condition keys and policy variables',
    description: 'A policy variable is filled in with the caller\'s own value when the policy is evaluated, so one statement can give each user a different permission.',
    seed: 17,
    settings: {
      principals: [
        { arn: ALICE, accessKeyId: 'AKIAALICEEXAMPLE0001', tags: { team: 'blue' } },
        { arn: BOB, accessKeyId: 'AKIABOBEXAMPLE000001', tags: { team: 'red' } },
      ],
    },
    steps: [
      {
        kind: 'request',
        id: 'key',
        title: 'Create a key with a conditional policy',
        target: 'CreateKey',
        body: { Policy: policy },
        expect: { status: 200 },
        note: 'Alice (tag `team=blue`) and Bob (tag `team=red`) are IAM users with no IAM policy: the key policy names them. Read its three conditions.',
      },
      {
        kind: 'request',
        id: 'enc',
        title: 'Alice encrypts her own data',
        caller: ALICE,
        target: 'Encrypt',
        body: { KeyId: KEY, Plaintext: 'aGk=', EncryptionContext: { user: 'Alice' } },
        expect: { status: 200 },
        note: 'For Alice, `${aws:username}` is `Alice`, and the request\'s context pair `user=Alice` matches.\n\nThe request names no `EncryptionAlgorithm`: the condition sees the default, `SYMMETRIC_DEFAULT`, so the Deny does not apply.',
      },
      {
        kind: 'request',
        title: 'Alice writes as Bob',
        caller: ALICE,
        target: 'Encrypt',
        body: { KeyId: KEY, Plaintext: 'aGk=', EncryptionContext: { user: 'Bob' } },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'The same statement, evaluated for Alice, asks for `user=Alice`.',
      },
      {
        kind: 'request',
        title: 'Bob reads Alice\'s ciphertext',
        caller: BOB,
        target: 'Decrypt',
        body: { CiphertextBlob: '{{enc.CiphertextBlob}}', EncryptionContext: { user: 'Alice' } },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'Bob has the right context, but for him the variable is `Bob`. One statement keeps each user to their own data.',
      },
      {
        kind: 'request',
        title: 'Alice reads it back',
        caller: ALICE,
        target: 'Decrypt',
        body: { CiphertextBlob: '{{enc.CiphertextBlob}}', EncryptionContext: { user: 'Alice' }, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
        expect: { status: 200 },
        note: 'Naming the default algorithm is the same as leaving it out.',
      },
      {
        kind: 'request',
        title: 'A data key for the blue team',
        caller: ALICE,
        target: 'GenerateDataKey',
        body: { KeyId: KEY, KeySpec: 'AES_256', EncryptionContext: { team: 'blue' } },
        expect: { status: 200 },
        note: '`${aws:PrincipalTag/team}` is the caller\'s `team` tag: `blue` for Alice.',
      },
      {
        kind: 'request',
        title: 'Bob asks for a blue data key',
        caller: BOB,
        target: 'GenerateDataKey',
        body: { KeyId: KEY, KeySpec: 'AES_256', EncryptionContext: { team: 'blue' } },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'Bob\'s tag is `red`. Changing a user\'s tag changes what the policy allows them, without editing the policy.',
      },
      {
        kind: 'request',
        title: 'Bob asks for a red one',
        caller: BOB,
        target: 'GenerateDataKey',
        body: { KeyId: KEY, KeySpec: 'AES_256', EncryptionContext: { team: 'red' } },
        expect: { status: 200 },
        note: 'His own team\'s context passes.',
      },
      {
        kind: 'request',
        title: 'No context at all',
        caller: BOB,
        target: 'GenerateDataKey',
        body: { KeyId: KEY, KeySpec: 'AES_256' },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'Without a `team` pair there is nothing for `StringEquals` to match, so the Allow does not apply.',
      },
    ],
  },
};
