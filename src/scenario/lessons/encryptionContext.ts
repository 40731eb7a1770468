import { APP, OPS, PRINCIPALS, type Lesson } from './common';

/**
 * Facts used (from the AWS KMS documentation): EncryptionContextSubset needs the request's context to contain the
 * constraint's pairs and allows more; EncryptionContextEquals needs an exact match; a
 * grant whose constraint is not met allows nothing, so the call is denied (AccessDeniedException); decrypting with another context than the one used to encrypt fails
 * with InvalidCiphertextException (as recorded); a grant may carry only one of the two
 * constraints (the error type is not recorded, so only the status is checked).
 */
const ctx = { tenant: 'acme', doc: '42' };

export const encryptionContext: Lesson = {
  id: 'encryption-context',
  title: 'Encryption-context constraints',
  summary: 'Limit a grant to requests that carry a given encryption context: a subset of pairs, or exactly these pairs.',
  scenario: {
    v: 2,
    title: 'Encryption-context constraints',
    description: 'An encryption context is a set of key-value pairs bound to a ciphertext. A grant constraint can require some of them.',
    seed: 5,
    settings: { principals: [PRINCIPALS.app, PRINCIPALS.ops] },
    steps: [
      { kind: 'request', id: 'key', title: 'Create a key', target: 'CreateKey', body: {}, expect: { status: 200 }, note: 'The account root creates a key.' },
      {
        kind: 'request',
        title: 'A grant for tenant acme only',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, Operations: ['Encrypt', 'Decrypt'], Constraints: { EncryptionContextSubset: { tenant: 'acme' } } },
        expect: { status: 200 },
        note: '`EncryptionContextSubset`: the request must carry `tenant=acme`, and may carry more pairs.',
      },
      {
        kind: 'request',
        title: 'A stricter grant for Ops',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: OPS, Operations: ['Encrypt'], Constraints: { EncryptionContextEquals: { tenant: 'acme' } } },
        expect: { status: 200 },
        note: '`EncryptionContextEquals`: the context must be exactly `tenant=acme`, nothing more.',
      },
      { kind: 'settle', title: 'Let the grants spread', note: 'Both grants reach every host.' },
      {
        kind: 'request',
        id: 'enc',
        title: 'App encrypts for acme',
        caller: APP,
        target: 'Encrypt',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'aGk=', EncryptionContext: ctx },
        expect: { status: 200 },
        note: 'The context holds `tenant=acme` plus `doc=42`: a superset, which Subset accepts.',
      },
      {
        kind: 'request',
        title: 'App encrypts for another tenant',
        caller: APP,
        target: 'Encrypt',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'aGk=', EncryptionContext: { tenant: 'globex' } },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'The grant does not apply, and nothing else allows the call.',
      },
      {
        kind: 'request',
        title: 'App encrypts with no context',
        caller: APP,
        target: 'Encrypt',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'aGk=' },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'No context, no `tenant=acme`: denied as well.',
      },
      {
        kind: 'request',
        title: 'App decrypts with the same context',
        caller: APP,
        target: 'Decrypt',
        body: { CiphertextBlob: '{{enc.CiphertextBlob}}', EncryptionContext: ctx },
        expect: { status: 200, match: { Plaintext: 'aGk=' } },
        note: 'Decrypt must be sent the context the data was encrypted with.',
      },
      {
        kind: 'request',
        title: 'App decrypts with part of the context',
        caller: APP,
        target: 'Decrypt',
        body: { CiphertextBlob: '{{enc.CiphertextBlob}}', EncryptionContext: { tenant: 'acme' } },
        expect: { status: 400, error: 'InvalidCiphertextException' },
        note: 'The grant allows this request, but the cryptography does not: the context is part of the ciphertext, so a different context cannot decrypt it.',
      },
      {
        kind: 'request',
        title: 'Ops encrypts with exactly tenant=acme',
        caller: OPS,
        target: 'Encrypt',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'aGk=', EncryptionContext: { tenant: 'acme' } },
        expect: { status: 200 },
        note: 'An exact match.',
      },
      {
        kind: 'request',
        title: 'Ops adds one more pair',
        caller: OPS,
        target: 'Encrypt',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'aGk=', EncryptionContext: ctx },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'Equals allows no extra pairs.',
      },
      {
        kind: 'request',
        title: 'Both constraints at once',
        target: 'CreateGrant',
        body: {
          KeyId: '{{key.KeyMetadata.Arn}}',
          GranteePrincipal: APP,
          Operations: ['Encrypt'],
          Constraints: { EncryptionContextSubset: { tenant: 'acme' }, EncryptionContextEquals: { tenant: 'acme' } },
        },
        expect: { status: 400 },
        note: 'A grant takes one kind of context constraint or the other, never both.',
      },
    ],
  },
};
