import type { PrincipalConfig } from '../../kms/api';
import type { Lesson } from './common';

/**
 * Facts used (from the AWS KMS documentation): GranteeServicePrincipal (2026) names an AWS service; a service grantee
 * needs a SourceArn constraint and a RetiringPrincipal or RetiringServicePrincipal (CreateGrant rules
 * 2–3 — the error type is not recorded, so only the status is checked); the ListGrants entry
 * carries GranteeServicePrincipal and the constraints; SourceArn is "effectively the
 * same as having the aws:SourceArn global condition key in the grant", evaluated on requests an
 * AWS service makes, and not for RetireGrant; the retiring service principal may retire
 *. The service calls with the simulated request context of src/kms/api.ts (the step's
 * sourceArn is sent as x-playground-source-arn).
 */
const service = 'logs.amazonaws.com';
const group = 'arn:aws:logs:us-east-1:111122223333:log-group:app';
const other = 'arn:aws:logs:us-east-1:111122223333:log-group:audit';
const LOGS: PrincipalConfig = { arn: service, accessKeyId: 'AKIALOGSSERVICE00001' };
const enc = { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'bG9n' };

export const servicePrincipals: Lesson = {
  id: 'service-principals',
  title: 'Service principals with SourceArn',
  summary: 'Grant an AWS service the use of a key, for one of your resources only, and watch the service use it.',
  scenario: {
    v: 2,
    title: 'Service principals with SourceArn',
    description: 'A grant can name an AWS service as grantee. It must then say for which resource (SourceArn) the service may use it, and who may retire it. Here CloudWatch Logs calls KMS itself.',
    seed: 9,
    settings: { principals: [LOGS] },
    steps: [
      { kind: 'request', id: 'key', title: 'Create a key', target: 'CreateKey', body: {}, expect: { status: 200 }, note: 'The account root creates a key.' },
      {
        kind: 'request',
        title: 'A service grantee without SourceArn',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteeServicePrincipal: service, RetiringServicePrincipal: service, Operations: ['Encrypt'] },
        expect: { status: 400 },
        note: 'Refused: a service grant must be tied to one resource with a `SourceArn` constraint, and name a retiring principal.',
      },
      {
        kind: 'request',
        id: 'grant',
        title: 'A grant for one log group',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteeServicePrincipal: service, RetiringServicePrincipal: service, Operations: ['Encrypt', 'Decrypt'], Constraints: { SourceArn: group } },
        expect: { status: 200 },
        note: 'CloudWatch Logs may now use the key, but only when it acts for the log group `app`.',
      },
      {
        kind: 'request',
        title: 'How it is listed',
        target: 'ListGrants',
        body: { KeyId: '{{key.KeyMetadata.Arn}}' },
        expect: { status: 200, match: { 'Grants.0.GranteeServicePrincipal': service, 'Grants.0.Constraints.SourceArn': group } },
        note: 'The entry shows `GranteeServicePrincipal` and the `SourceArn`.',
      },
      { kind: 'settle', title: 'Let the grant reach every host', note: 'Wait until every KMS host knows the grant.' },
      {
        kind: 'request',
        title: 'The service encrypts for its log group',
        caller: service,
        sourceArn: group,
        target: 'Encrypt',
        body: enc,
        expect: { status: 200 },
        note: 'The service calls with the log group as its source ARN (aws:SourceArn): it matches the constraint, so the grant applies.',
      },
      {
        kind: 'request',
        title: 'The same service, for another log group',
        caller: service,
        sourceArn: other,
        target: 'Encrypt',
        body: enc,
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'Denied: the grant requires the `app` log group, and the request came from `audit`. The Why box names both.',
      },
      {
        kind: 'request',
        title: 'The service retires the grant',
        caller: service,
        target: 'RetireGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GrantId: '{{grant.GrantId}}' },
        expect: { status: 200 },
        note: 'The retiring service principal may retire it, say when the log group is deleted. SourceArn does not apply to RetireGrant.',
      },
    ],
  },
};
