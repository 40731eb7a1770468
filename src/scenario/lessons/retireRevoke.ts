import { ADMIN, APP, OPS, PRINCIPALS, type Lesson } from './common';

/**
 * Facts used (from the AWS KMS documentation): who may retire — the retiring principal, the grantee only if the grant
 * includes RetireGrant, and the account that created the grant; RetireGrant takes a grant
 * token or KeyId + GrantId; who may revoke — anyone a key policy or IAM policy gives
 * kms:RevokeGrant, and no grant can give it; retired and revoked grants leave
 * ListGrants at once; RetireGrant and RevokeGrant answer 200 with an empty body.
 * Denials are AccessDeniedException, 400.
 */
export const retireRevoke: Lesson = {
  id: 'retire-vs-revoke',
  title: 'Retire vs revoke, and who may do each',
  summary: 'Retiring is for the principals a grant names; revoking is for key administrators. Try both as each principal.',
  scenario: {
    v: 2,
    title: 'Retire vs revoke, and who may do each',
    description: 'Both delete a grant. Retiring is done by a principal the grant itself names; revoking needs kms:RevokeGrant from a policy.',
    seed: 3,
    settings: { principals: [PRINCIPALS.app, PRINCIPALS.ops, PRINCIPALS.admin] },
    steps: [
      { kind: 'request', id: 'key', title: 'Create a key', target: 'CreateKey', body: {}, expect: { status: 200 }, note: 'The account root creates a key with the default key policy.' },
      {
        kind: 'request',
        id: 'g1',
        title: 'A grant with a retiring principal',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, RetiringPrincipal: OPS, Operations: ['Decrypt'] },
        expect: { status: 200 },
        note: 'App may decrypt; Ops is named as the principal that may retire the grant.',
      },
      {
        kind: 'request',
        title: 'The grantee tries to retire it',
        caller: APP,
        target: 'RetireGrant',
        body: { GrantToken: '{{g1.GrantToken}}' },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'Being the grantee is not enough: the grant does not include the `RetireGrant` operation.',
      },
      {
        kind: 'request',
        title: 'The retiring principal retires it',
        caller: OPS,
        target: 'RetireGrant',
        body: { GrantToken: '{{g1.GrantToken}}' },
        expect: { status: 200 },
        note: 'Ops has no IAM permissions at all, yet may retire: the grant names it. A grant token identifies the grant; KeyId plus GrantId would do as well.',
      },
      {
        kind: 'request',
        id: 'g2',
        title: 'A grant that lets its grantee retire it',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, Operations: ['Decrypt', 'RetireGrant'] },
        expect: { status: 200 },
        note: 'With `RetireGrant` in the operations, the grantee may retire its own grant.',
      },
      {
        kind: 'request',
        title: 'The grantee retires it',
        caller: APP,
        target: 'RetireGrant',
        body: { GrantToken: '{{g2.GrantToken}}' },
        expect: { status: 200 },
        note: 'Applications do this when they are done with a key.',
      },
      {
        kind: 'request',
        id: 'g3',
        title: 'A third grant',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, RetiringPrincipal: OPS, Operations: ['Decrypt'] },
        expect: { status: 200 },
        note: 'Now try revoking instead.',
      },
      {
        kind: 'request',
        title: 'The retiring principal tries to revoke',
        caller: OPS,
        target: 'RevokeGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GrantId: '{{g3.GrantId}}' },
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'Revoking needs `kms:RevokeGrant` from the key policy or an IAM policy. Being named in the grant does not give it.',
      },
      {
        kind: 'request',
        title: 'An administrator revokes',
        caller: ADMIN,
        target: 'RevokeGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GrantId: '{{g3.GrantId}}' },
        expect: { status: 200 },
        note: 'Admin has `kms:*` in IAM, and the default key policy lets IAM decide. RevokeGrant takes KeyId and GrantId, never a token.',
      },
      {
        kind: 'request',
        id: 'g4',
        title: 'One more grant, without a retiring principal',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, Operations: ['Decrypt'] },
        expect: { status: 200 },
        note: 'Nobody but the creator is named this time.',
      },
      {
        kind: 'request',
        title: 'The issuing account retires it',
        target: 'RetireGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GrantId: '{{g4.GrantId}}' },
        expect: { status: 200 },
        note: 'The account that created a grant may always retire it, as a fallback.',
      },
      {
        kind: 'request',
        title: 'No grants left',
        target: 'ListGrants',
        body: { KeyId: '{{key.KeyMetadata.Arn}}' },
        expect: { status: 200, match: { 'Grants.length': 0 } },
        note: 'Retired and revoked grants vanish from ListGrants at once, although hosts may honour them for a short while.',
      },
    ],
  },
};
