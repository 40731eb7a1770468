import { APP, PRINCIPALS, type Lesson } from './common';

/**
 * Facts used (from the AWS KMS documentation): while a grant spreads, a host that has not seen it may deny the
 * grantee, and the grant token lets the call succeed anyway; after a retire or revoke the
 * grantee "might still be able to use its permissions for a brief period"; once a change is
 * everywhere KMS goes by the grant, not the token (so a retired grant's token stops working —
 * inferred, not documented, so only the status is checked). The issuing account may retire.
 *
 * Three hosts and a 1–6 s propagation range; `host` pins a request to one simulated host. Which
 * host hears first depends on the seed: the per-host checks hold for seed 12.
 */
export const tokenRace: Lesson = {
  id: 'token-race',
  title: 'A grant-token race',
  summary: 'Send the same call with and without the grant token to each KMS host while a grant spreads, and again after it is retired.',
  scenario: {
    v: 2,
    title: 'A grant-token race',
    description: 'Three KMS hosts; every grant change reaches each of them 1 to 6 seconds after it happens. Requests here are pinned to one host each.',
    seed: 12,
    settings: { propagation: { minMs: 1_000, maxMs: 6_000, distribution: 'uniform' }, principals: [PRINCIPALS.app] },
    steps: [
      { kind: 'request', id: 'key', title: 'Create a key', target: 'CreateKey', body: {}, expect: { status: 200 }, note: 'The account root creates a key.' },
      {
        kind: 'request',
        id: 'enc',
        title: 'Encrypt something',
        target: 'Encrypt',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'c2VjcmV0' },
        expect: { status: 200 },
        note: 'The root encrypts a secret that App will want to read.',
      },
      {
        kind: 'request',
        id: 'grant',
        title: 'Grant Decrypt to App',
        target: 'CreateGrant',
        body: { KeyId: '{{key.KeyMetadata.Arn}}', GranteePrincipal: APP, Operations: ['Decrypt'] },
        expect: { status: 200 },
        note: 'The race starts: each host will hear of the grant at its own moment.',
      },
      {
        kind: 'request',
        title: 'Without the token, on host 0',
        caller: APP,
        target: 'Decrypt',
        body: { CiphertextBlob: '{{enc.CiphertextBlob}}' },
        host: 0,
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'Host 0 has not heard of the grant yet.',
      },
      {
        kind: 'request',
        title: 'With the token, on host 0',
        caller: APP,
        target: 'Decrypt',
        body: { CiphertextBlob: '{{enc.CiphertextBlob}}', GrantTokens: ['{{grant.GrantToken}}'] },
        host: 0,
        expect: { status: 200 },
        note: 'The same call with the token wins the race.',
      },
      { kind: 'advance', title: 'Wait 3 seconds', ms: 3_000, note: 'Some hosts have the grant now, some do not.' },
      {
        kind: 'request',
        title: 'Without the token, on host 1',
        caller: APP,
        target: 'Decrypt',
        body: { CiphertextBlob: '{{enc.CiphertextBlob}}' },
        host: 1,
        expect: { status: 200 },
        note: 'Host 1 has it.',
      },
      {
        kind: 'request',
        title: 'Without the token, on host 0',
        caller: APP,
        target: 'Decrypt',
        body: { CiphertextBlob: '{{enc.CiphertextBlob}}' },
        host: 0,
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'Host 0 does not, yet. Without pinning, your calls land on either: success comes and goes.',
      },
      { kind: 'advance', title: 'Wait 3 more seconds', ms: 3_000, note: 'Six seconds: every host has the grant.' },
      {
        kind: 'request',
        title: 'Without the token, on host 0',
        caller: APP,
        target: 'Decrypt',
        body: { CiphertextBlob: '{{enc.CiphertextBlob}}' },
        host: 0,
        expect: { status: 200 },
        note: 'The race is over.',
      },
      {
        kind: 'request',
        title: 'Retire the grant',
        target: 'RetireGrant',
        body: { GrantToken: '{{grant.GrantToken}}' },
        expect: { status: 200 },
        note: 'The account that created the grant retires it. The retirement spreads like the creation did.',
      },
      {
        kind: 'request',
        title: 'App decrypts right after',
        caller: APP,
        target: 'Decrypt',
        body: { CiphertextBlob: '{{enc.CiphertextBlob}}' },
        host: 2,
        expect: { status: 200 },
        note: 'No host has heard of the retirement yet, so the old grant still works for a moment.',
      },
      { kind: 'settle', title: 'Let the retirement spread', note: 'Every host now knows the grant is gone.' },
      {
        kind: 'request',
        title: 'Without the token',
        caller: APP,
        target: 'Decrypt',
        body: { CiphertextBlob: '{{enc.CiphertextBlob}}' },
        host: 2,
        expect: { status: 400, error: 'AccessDeniedException' },
        note: 'Denied everywhere now.',
      },
      {
        kind: 'request',
        title: 'With the old token',
        caller: APP,
        target: 'Decrypt',
        body: { CiphertextBlob: '{{enc.CiphertextBlob}}', GrantTokens: ['{{grant.GrantToken}}'] },
        host: 2,
        expect: { status: 400 },
        note: 'A token only bridges the gap until every host agrees. After that, a retired grant gives nothing.',
      },
    ],
  },
};
