import { OPS, PRINCIPALS, type Lesson } from './common';

/**
 * Facts used (SPEC.md): GranteeServicePrincipal (2026) names an AWS service; exactly one of
 * GranteePrincipal and GranteeServicePrincipal; a service grantee needs a SourceArn constraint
 * and a RetiringPrincipal or RetiringServicePrincipal (§6, §6.1 rules 1–3 — the error type is
 * not recorded, so only the status is checked); the ListGrants entry carries
 * GranteeServicePrincipal and the constraints (§6.4, §7); SourceArn is evaluated only on
 * requests an AWS service makes (§6.4); ListRetirableGrants lists the grants a principal of the
 * caller's account may retire (§8); the retiring principal may retire (§9).
 */
const service = 'dynamodb.amazonaws.com';
const table = 'arn:aws:dynamodb:us-east-1:111122223333:table/Orders';

export const servicePrincipals: Lesson = {
  id: 'service-principals',
  title: 'Service principals with SourceArn',
  summary: 'Grant an AWS service the use of a key, for one of your resources only.',
  scenario: {
    v: 2,
    title: 'Service principals with SourceArn',
    description: 'A grant can name an AWS service as grantee. It must then say on behalf of which resource (SourceArn) and who may retire it.',
    seed: 9,
    settings: { principals: [PRINCIPALS.ops] },
    steps: [
      { kind: 'request', id: 'key', title: 'Create a key', target: 'CreateKey', body: {}, expect: { status: 200 }, note: 'The account root creates a key.' },
      {
        kind: 'request',
        title: 'A service grantee without SourceArn',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteeServicePrincipal: service, RetiringPrincipal: OPS, Operations: ['Decrypt'] },
        expect: { status: 400 },
        note: 'Refused: a service grant must be tied to one resource with a `SourceArn` constraint.',
      },
      {
        kind: 'request',
        title: 'With SourceArn but nobody to retire it',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteeServicePrincipal: service, Operations: ['Decrypt'], Constraints: { SourceArn: table } },
        expect: { status: 400 },
        note: 'Refused as well: name a `RetiringPrincipal` (or a `RetiringServicePrincipal`).',
      },
      {
        kind: 'request',
        title: 'Two grantees at once',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: OPS, GranteeServicePrincipal: service, RetiringPrincipal: OPS, Operations: ['Decrypt'], Constraints: { SourceArn: table } },
        expect: { status: 400 },
        note: 'A grant has exactly one grantee: a principal or a service.',
      },
      {
        kind: 'request',
        id: 'grant',
        title: 'A complete service grant',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteeServicePrincipal: service, RetiringPrincipal: OPS, Operations: ['Encrypt', 'Decrypt'], Constraints: { SourceArn: table } },
        expect: { status: 200 },
        note: 'DynamoDB may now use the key, but only when it acts for the Orders table.',
      },
      {
        kind: 'request',
        title: 'How it is listed',
        target: 'ListGrants',
        body: { KeyId: '{{key.KeyMetadata.Arn}}' },
        expect: { status: 200, match: { 'Grants.length': 1, 'Grants.0.GranteeServicePrincipal': service, 'Grants.0.Constraints.SourceArn': table, 'Grants.0.RetiringPrincipal': OPS } },
        note: 'The entry shows `GranteeServicePrincipal` and the `SourceArn`. You cannot call KMS as a service from here, so the grant is never used in this lesson.',
      },
      {
        kind: 'request',
        title: 'What may Ops retire?',
        target: 'ListRetirableGrants',
        body: { RetiringPrincipal: OPS },
        expect: { status: 200, match: { 'Grants.length': 1, 'Grants.0.GrantId': '{{grant.GrantId}}' } },
        note: 'ListRetirableGrants finds the grants a principal of your account may retire, on any key.',
      },
      {
        kind: 'request',
        title: 'Ops retires the grant',
        caller: OPS,
        target: 'RetireGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GrantId: '{{grant.GrantId}}' },
        expect: { status: 200 },
        note: 'When the table is deleted, its owner retires the grant.',
      },
    ],
  },
};
