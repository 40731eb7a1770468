import { APP, PRINCIPALS, type Lesson } from './common';

/**
 * Facts used (from the AWS KMS documentation): CreateGrant returns GrantId and GrantToken; ListGrants lists
 * the key ARN, grantee, operations and IssuingAccount of each grant, Name "" when none was given
 *; ListGrants is not a grant operation and is authorized by policy only;
 * AccessDeniedException is a 400; a grant allows only its operations.
 */
export const createAndList: Lesson = {
  id: 'create-and-list',
  title: 'Creating and listing grants',
  summary: 'Give a role with no IAM permissions the right to encrypt and decrypt with one key, then see the grant in ListGrants.',
  scenario: {
    v: 2,
    title: 'Creating and listing grants',
    description: 'A grant lets one principal use one KMS key for a list of operations, without touching any policy.',
    seed: 1,
    settings: { principals: [PRINCIPALS.app] },
    steps: [
      {
        kind: 'request',
        id: 'key',
        title: 'Create a key',
        target: 'CreateKey',
        body: { Description: 'orders' },
        expect: { status: 200, match: { 'KeyMetadata.KeyState': 'Enabled' } },
        note: 'Steps without a caller run as the account root. The new key gets the default key policy, which hands every decision to IAM.',
      },
      {
        kind: 'request',
        title: 'The App role tries to encrypt',
        caller: APP,
        target: 'Encrypt',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'aGVsbG8=' },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'App has no IAM policy, so nothing allows `kms:Encrypt`. KMS answers 400 `AccessDeniedException`.',
      },
      {
        kind: 'request',
        id: 'grant',
        title: 'Grant Encrypt and Decrypt to App',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, Operations: ['Encrypt', 'Decrypt'] },
        expect: { status: 200 },
        note: 'The answer holds a `GrantId`, which names the grant, and a `GrantToken`, which the grantee can use before the grant has spread (lesson 2).',
      },
      {
        kind: 'request',
        title: 'List the grants of the key',
        target: 'ListGrants',
        body: { KeyId: '{{key.KeyMetadata.KeyId}}' },
        expect: {
          status: 200,
          match: {
            'Grants.length': 1,
            'Grants.0.GrantId': '{{grant.GrantId}}',
            'Grants.0.GranteePrincipal': APP,
            'Grants.0.Operations.length': 2,
            'Grants.0.IssuingAccount': 'arn:aws:iam::111122223333:root',
            'Grants.0.Name': '',
          },
        },
        note: 'ListGrants shows the grant at once. Each entry names the key by its ARN, the grantee, the operations and the issuing account. Without a Name, `Name` is an empty string.',
      },
      {
        kind: 'settle',
        title: 'Let the grant reach every host',
        note: 'A new grant reaches the KMS hosts one by one, usually within seconds. Here the clock jumps to the moment every host has it.',
      },
      {
        kind: 'request',
        id: 'enc',
        title: 'App encrypts',
        caller: APP,
        target: 'Encrypt',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'aGVsbG8=' },
        expect: { status: 200 },
        note: 'The grant allows it: the decision header names the grant.',
      },
      {
        kind: 'request',
        title: 'App decrypts',
        caller: APP,
        target: 'Decrypt',
        body: { CiphertextBlob: '{{enc.CiphertextBlob}}' },
        expect: { status: 200, match: { Plaintext: 'aGVsbG8=' } },
        note: 'Decrypt is in the grant too.',
      },
      {
        kind: 'request',
        title: 'App asks for a data key',
        caller: APP,
        target: 'GenerateDataKey',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', KeySpec: 'AES_256' },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'A grant allows exactly its operations. `GenerateDataKey` is not one of them.',
      },
      {
        kind: 'request',
        title: 'App tries to list the grants',
        caller: APP,
        target: 'ListGrants',
        body: { KeyId: '{{key.KeyMetadata.Arn}}' },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'ListGrants cannot be granted: only a key policy or an IAM policy can allow it.',
      },
    ],
  },
};
