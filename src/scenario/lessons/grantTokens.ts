import { APP, PRINCIPALS, type Lesson } from './common';

/**
 * Facts used (from the AWS KMS documentation): a grant reaches KMS hosts over time ("usually less than five
 * minutes", typically seconds), and until then the grantee "might get an access denied error";
 * a grant token lets the grantee use the grant at once, in `GrantTokens` (up to 10) of Encrypt,
 * Decrypt, GenerateDataKey and the others listed there; after consistency KMS uses the grant
 * itself. Only CreateGrant returns a token.
 *
 * The propagation range is 2–8 s, so that a request sent right after CreateGrant finds no host
 * that has the grant yet: in real KMS the first call may also succeed, and the notes say so.
 */
export const grantTokens: Lesson = {
  id: 'grant-tokens',
  title: 'Grant tokens before consistency',
  summary: 'A new grant takes a while to reach every KMS host. Its grant token lets the grantee use it at once.',
  scenario: {
    v: 2,
    title: 'Grant tokens before consistency',
    description: 'Grants are eventually consistent. In this scenario every grant change takes 2 to 8 seconds to reach each of the 3 simulated hosts.',
    seed: 2,
    settings: { propagation: { minMs: 2_000, maxMs: 8_000, distribution: 'uniform' }, principals: [PRINCIPALS.app] },
    steps: [
      {
        kind: 'request',
        id: 'key',
        title: 'Create a key',
        target: 'CreateKey',
        body: {},
        expect: { status: 200 },
        note: 'The account root creates a key.',
      },
      {
        kind: 'request',
        id: 'grant',
        title: 'Grant Encrypt to App',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, Operations: ['Encrypt', 'Decrypt'] },
        expect: { status: 200 },
        note: 'KMS stores the grant at once, but each host learns about it a little later.',
      },
      {
        kind: 'request',
        title: 'App encrypts right away',
        caller: APP,
        target: 'Encrypt',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'aGk=' },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'No host has the grant yet, so this host denies the call. Real KMS may deny it too: "access denied" right after CreateGrant is a normal sight.',
      },
      {
        kind: 'request',
        title: 'The same call with the grant token',
        caller: APP,
        target: 'Encrypt',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'aGk=', GrantTokens: ['{{grant.GrantToken}}'] },
        expect: { status: 200 },
        note: 'The token stands in for the grant until every host has it. Pass it in `GrantTokens`; the value comes from the CreateGrant answer.',
      },
      {
        kind: 'request',
        title: 'The token does not widen the grant',
        caller: APP,
        target: 'GenerateDataKey',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', KeySpec: 'AES_256', GrantTokens: ['{{grant.GrantToken}}'] },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'A token carries exactly the operations of its grant, here Encrypt and Decrypt.',
      },
      {
        kind: 'advance',
        title: 'Wait 8 seconds',
        ms: 8_000,
        note: 'Every host has now received the grant (this scenario caps the delay at 8 s; real KMS says up to five minutes).',
      },
      {
        kind: 'request',
        title: 'App encrypts without the token',
        caller: APP,
        target: 'Encrypt',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'aGk=' },
        expect: { status: 200 },
        note: 'Once the grant is everywhere, the token is no longer needed: KMS uses the grant itself.',
      },
    ],
  },
};
