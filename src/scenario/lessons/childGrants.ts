import { APP, OPS, PRINCIPALS, type Lesson } from './common';

/**
 * Facts used (from the AWS KMS documentation): a grant may include CreateGrant; a child made through it may carry only
 * a subset of the parent's operations and constraints as strict or stricter (the error
 * when a child exceeds its parent is not recorded, so only the status is checked); a grant of
 * CreateGrant alone is refused with ValidationException "Grants must not contain only the
 * CreateGrant operation." (as recorded); CreateGrant accepts GrantTokens;
 * encryption-context constraints.
 */
const acmeBilling = { tenant: 'acme', app: 'billing' };

export const childGrants: Lesson = {
  id: 'child-grants',
  title: 'Child grants through CreateGrant',
  summary: 'A grant that includes CreateGrant lets its grantee pass on part of what it holds, never more.',
  scenario: {
    v: 2,
    title: 'Child grants through CreateGrant',
    description: 'App holds a grant that includes CreateGrant. It can hand a narrower grant to Ops, but not a wider one.',
    seed: 6,
    settings: { principals: [PRINCIPALS.app, PRINCIPALS.ops] },
    steps: [
      { kind: 'request', id: 'key', title: 'Create a key', target: 'CreateKey', body: {}, expect: { status: 200 }, note: 'The account root creates a key.' },
      {
        kind: 'request',
        id: 'parent',
        title: 'The parent grant',
        target: 'CreateGrant',
        body: {
          KeyId: '{{key.KeyMetadata.Arn}}',
          GranteePrincipal: APP,
          Operations: ['Encrypt', 'Decrypt', 'CreateGrant'],
          Constraints: { EncryptionContextSubset: { tenant: 'acme' } },
        },
        expect: { status: 200 },
        note: 'App may encrypt and decrypt for tenant acme, and create grants.',
      },
      {
        kind: 'request',
        id: 'child',
        title: 'App passes Decrypt on to Ops',
        caller: APP,
        target: 'CreateGrant',
        body: {
          KeyId: '{{key.KeyMetadata.Arn}}',
          GranteePrincipal: OPS,
          Operations: ['Decrypt'],
          Constraints: { EncryptionContextSubset: acmeBilling },
          GrantTokens: ['{{parent.GrantToken}}'],
        },
        expect: { status: 200 },
        note: 'One of its operations, and a stricter constraint (one more pair). The parent token lets App use its grant before it has spread.',
      },
      {
        kind: 'request',
        title: 'App tries to pass on more than it has',
        caller: APP,
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: OPS, Operations: ['Decrypt', 'GenerateDataKey'], Constraints: { EncryptionContextSubset: acmeBilling }, GrantTokens: ['{{parent.GrantToken}}'] },
        expect: { status: 400 },
        note: 'App cannot give `GenerateDataKey`: its own grant lacks it.',
      },
      {
        kind: 'request',
        title: 'App tries to drop the constraint',
        caller: APP,
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: OPS, Operations: ['Decrypt'], GrantTokens: ['{{parent.GrantToken}}'] },
        expect: { status: 400 },
        note: 'A child without the tenant constraint would be looser than its parent.',
      },
      {
        kind: 'request',
        title: 'A grant of CreateGrant alone',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, Operations: ['CreateGrant'] },
        expect: { status: 400, error: 'ValidationException' },
        note: 'Even the root cannot do this: a grant must allow something besides CreateGrant.',
      },
      {
        kind: 'request',
        title: 'Find the child grant',
        target: 'ListGrants',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: OPS },
        expect: { status: 200, match: { 'Grants.length': 1, 'Grants.0.GrantId': '{{child.GrantId}}', 'Grants.0.Constraints.EncryptionContextSubset.app': 'billing' } },
        note: 'Filter by grantee to find the child. It lists App\'s account as the issuer, like any grant.',
      },
      { kind: 'settle', title: 'Let the grants spread', note: 'Every host now has both grants.' },
      {
        kind: 'request',
        id: 'enc',
        title: 'App encrypts a billing record',
        caller: APP,
        target: 'Encrypt',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'aGk=', EncryptionContext: acmeBilling },
        expect: { status: 200 },
        note: 'Allowed by the parent grant.',
      },
      {
        kind: 'request',
        title: 'Ops decrypts it',
        caller: OPS,
        target: 'Decrypt',
        body: { CiphertextBlob: '{{enc.CiphertextBlob}}', EncryptionContext: acmeBilling },
        expect: { status: 200, match: { Plaintext: 'aGk=' } },
        note: 'Allowed by the child grant.',
      },
      {
        kind: 'request',
        title: 'Ops tries to encrypt',
        caller: OPS,
        target: 'Encrypt',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'aGk=', EncryptionContext: acmeBilling },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'The child has Decrypt only.',
      },
    ],
  },
};
