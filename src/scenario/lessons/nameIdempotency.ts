import { APP, PRINCIPALS, type Lesson } from './common';

/**
 * Facts used (from the AWS KMS documentation): with Name, retrying CreateGrant with identical parameters returns
 * the original GrantId and creates nothing; the token is new each time and all tokens of a grant
 * work alike; without Name every call creates a grant; the same Name on two keys gives one grant
 * per key (validated). Same Name with different parameters is UNKNOWN, so this lesson does not
 * try it. Tokens work before consistency; ListGrants shows the Name.
 */
export const nameIdempotency: Lesson = {
  id: 'name-idempotency',
  title: 'Name makes CreateGrant safe to retry',
  summary: 'Retry a CreateGrant that carries a Name and you get the same grant back; without a Name every retry adds one.',
  scenario: {
    v: 2,
    title: 'Name makes CreateGrant safe to retry',
    description: 'A CreateGrant call can time out after KMS has created the grant. A Name lets you simply send it again.',
    seed: 4,
    settings: { principals: [PRINCIPALS.app] },
    steps: [
      { kind: 'request', id: 'key', title: 'Create a key', target: 'CreateKey', body: {}, expect: { status: 200 }, note: 'The account root creates a key.' },
      {
        kind: 'request',
        id: 'a',
        title: 'A grant with a Name',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, Operations: ['Encrypt'], Name: 'orders-app' },
        expect: { status: 200 },
        note: 'Name it after what it is for. Names are labels, not ids: no other operation accepts one.',
      },
      {
        kind: 'request',
        id: 'b',
        title: 'Send exactly the same request again',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, Operations: ['Encrypt'], Name: 'orders-app' },
        expect: { status: 200, match: { GrantId: '{{a.GrantId}}' } },
        note: 'Same key, same Name, same parameters: KMS returns the existing GrantId instead of creating a second grant.',
      },
      {
        kind: 'request',
        title: 'Still one grant',
        target: 'ListGrants',
        body: { KeyId: '{{key.KeyMetadata.Arn}}' },
        expect: { status: 200, match: { 'Grants.length': 1, 'Grants.0.Name': 'orders-app' } },
        note: 'The grant carries its Name.',
      },
      {
        kind: 'request',
        title: 'Use the token of the retry',
        caller: APP,
        target: 'Encrypt',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'aGk=', GrantTokens: ['{{b.GrantToken}}'] },
        expect: { status: 200 },
        note: 'Each call returned a different token, but every token of a grant works the same.',
      },
      {
        kind: 'request',
        title: 'Now without a Name',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, Operations: ['Encrypt'] },
        expect: { status: 200 },
        note: 'No Name, no idempotency.',
      },
      {
        kind: 'request',
        title: 'And once more',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, Operations: ['Encrypt'] },
        expect: { status: 200 },
        note: 'Identical parameters, yet KMS creates another grant.',
      },
      {
        kind: 'request',
        title: 'Three grants now',
        target: 'ListGrants',
        body: { KeyId: '{{key.KeyMetadata.Arn}}' },
        expect: { status: 200, match: { 'Grants.length': 3 } },
        note: 'A retry loop without a Name leaves duplicates behind.',
      },
      { kind: 'request', id: 'key2', title: 'A second key', target: 'CreateKey', body: {}, expect: { status: 200 }, note: 'Names are scoped to a key.' },
      {
        kind: 'request',
        title: 'The same Name on the second key',
        target: 'CreateGrant',
        body: { KeyId: '{{key2.KeyMetadata.Arn}}', GranteePrincipal: APP, Operations: ['Encrypt'], Name: 'orders-app' },
        expect: { status: 200 },
        note: 'This is a new grant: the Name matched nothing on this key.',
      },
      {
        kind: 'request',
        title: 'One grant on the second key',
        target: 'ListGrants',
        body: { KeyId: '{{key2.KeyMetadata.Arn}}' },
        expect: { status: 200, match: { 'Grants.length': 1, 'Grants.0.Name': 'orders-app' } },
        note: 'And the first key still has its three.',
      },
    ],
  },
};
