import { OTHER_ACCOUNT, PARTNER, PRINCIPALS, type Lesson } from './common';

/**
 * Facts used (from the AWS KMS documentation): a grant may name a principal of another account, and that principal
 * uses the key through the key ARN; a bare key id is looked up in the
 * caller's own account and region, so it is not found there (NotFoundException "Key '<arn>'
 * does not exist"); the grant allows only its operations; ListGrants is not granted
 *; IssuingAccount is the account that created the grant. Whether the grantee's
 * own account must also allow the call in IAM is not settled by the documentation, so the Partner role has an
 * IAM policy that does: the lesson holds either way.
 */
export const crossAccount: Lesson = {
  id: 'cross-account',
  title: 'Cross-account grants',
  summary: 'Let a role in another AWS account use your key, without changing the key policy.',
  scenario: {
    v: 2,
    title: 'Cross-account grants',
    description: `The key lives in account 111122223333. The Partner role lives in account ${OTHER_ACCOUNT}; its IAM policy there allows Encrypt, Decrypt and DescribeKey on keys of 111122223333.`,
    seed: 10,
    settings: { principals: [PRINCIPALS.partner] },
    steps: [
      { kind: 'request', id: 'key', title: 'Create a key', target: 'CreateKey', body: {}, expect: { status: 200 }, note: 'The key policy only trusts account 111122223333.' },
      {
        kind: 'request',
        id: 'grant',
        title: 'Grant the partner role Encrypt and Decrypt',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: PARTNER, Operations: ['Encrypt', 'Decrypt'] },
        expect: { status: 200 },
        note: 'The grantee may be in any account.',
      },
      {
        kind: 'request',
        title: 'The grant, as the key owner sees it',
        target: 'ListGrants',
        body: { KeyId: '{{key.KeyMetadata.Arn}}' },
        expect: { status: 200, match: { 'Grants.0.GranteePrincipal': PARTNER, 'Grants.0.IssuingAccount': 'arn:aws:iam::111122223333:root' } },
        note: 'Issued by the key owner, for a principal elsewhere.',
      },
      { kind: 'settle', title: 'Let the grant spread', note: 'Every host has the grant.' },
      {
        kind: 'request',
        title: 'Partner uses the key id',
        caller: PARTNER,
        target: 'Encrypt',
        body: { KeyId: '{{key.KeyMetadata.KeyId}}', Plaintext: 'aGk=' },
        expect: { status: 400, error: 'NotFoundException' },
        note: `A bare key id is looked up in the caller's own account, ${OTHER_ACCOUNT}, where no such key exists.`,
      },
      {
        kind: 'request',
        id: 'enc',
        title: 'Partner uses the key ARN',
        caller: PARTNER,
        target: 'Encrypt',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'aGk=' },
        expect: { status: 200 },
        note: 'The ARN names the account. On the key side the grant allows the call; on the partner side, its IAM policy does.',
      },
      {
        kind: 'request',
        title: 'Partner decrypts',
        caller: PARTNER,
        target: 'Decrypt',
        body: { CiphertextBlob: '{{enc.CiphertextBlob}}', KeyId: '{{key.KeyMetadata.Arn}}' },
        expect: { status: 200, match: { Plaintext: 'aGk=' } },
        note: 'Decrypt is in the grant.',
      },
      {
        kind: 'request',
        title: 'Partner describes the key',
        caller: PARTNER,
        target: 'DescribeKey',
        body: { KeyId: '{{key.KeyMetadata.Arn}}' },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'Its own IAM policy allows DescribeKey, but on the key side nothing does: it is not in the grant, and the key policy does not trust the partner account. Cross-account calls need a yes from both sides.',
      },
      {
        kind: 'request',
        title: 'Partner lists the grants',
        caller: PARTNER,
        target: 'ListGrants',
        body: { KeyId: '{{key.KeyMetadata.Arn}}' },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'Listing grants takes a policy; a grant cannot give it.',
      },
      {
        kind: 'request',
        title: 'The owner revokes',
        target: 'RevokeGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GrantId: '{{grant.GrantId}}' },
        expect: { status: 200 },
        note: 'The key owner stays in control: revoking needs no cooperation from the other account.',
      },
    ],
  },
};
