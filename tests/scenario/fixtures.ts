/**
 * Scenarios shared by the scenario tests. The 20-step lesson uses realistic bodies: ARNs,
 * a 64-hex grant id, and opaque blobs (ciphertext, grant token) of the sizes real KMS returns,
 * drawn from a seeded generator so they compress no better than real ones.
 */
import type { Scenario } from '../../src/scenario/format';

/** mulberry32: a tiny seeded generator for test data (never Math.random in tests either). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function opaque(seed: number, length: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'): string {
  const next = rng(seed);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
}

export const ACCOUNT = '111122223333';
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`;
export const APP_ROLE = `arn:aws:iam::${ACCOUNT}:role/OrdersApp`;
export const OPS_ROLE = `arn:aws:iam::${ACCOUNT}:role/KeyOps`;
export const GRANT_ID = '0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60';
/** real symmetric ciphertext blobs for a short plaintext are about 180-200 base64 characters */
export const CIPHERTEXT = 'AQICAHh' + opaque(7, 177);
/** real grant tokens are about 400-450 base64url characters (AWS CreateGrant example) */
export const GRANT_TOKEN = 'AQpAM2Rh' + opaque(11, 432, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');

const context = { tenant: 'acme', purpose: 'orders' };

export const LESSON_20: Scenario = {
  v: 2,
  title: 'Grants are eventually consistent',
  seed: 20_261_122,
  settings: {
    hosts: 4,
    propagation: { minMs: 500, maxMs: 30_000, distribution: 'uniform' },
    principals: [
      { arn: APP_ROLE, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      { arn: OPS_ROLE, accessKeyId: 'AKIAI44QH8DHBEXAMPLE' },
    ],
  },
  steps: [
    { kind: 'note', text: 'Each KMS host learns about a new grant at its own time.' },
    {
      kind: 'request',
      target: 'CreateKey',
      body: { Description: 'Orders data key', KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT', Tags: [{ TagKey: 'team', TagValue: 'orders' }] },
    },
    { kind: 'request', at: 1_000, target: 'Encrypt', body: { KeyId: KEY_ARN, Plaintext: 'b3JkZXIgIzEwNDI=', EncryptionContext: context } },
    {
      kind: 'request',
      at: 2_000,
      target: 'CreateGrant',
      body: {
        KeyId: KEY_ARN,
        GranteePrincipal: APP_ROLE,
        RetiringPrincipal: OPS_ROLE,
        Operations: ['Decrypt', 'Encrypt', 'GenerateDataKey'],
        Constraints: { EncryptionContextSubset: { tenant: 'acme' } },
        Name: 'orders-app',
      },
    },
    {
      kind: 'request',
      at: 2_200,
      caller: APP_ROLE,
      target: 'Decrypt',
      body: { CiphertextBlob: CIPHERTEXT, KeyId: KEY_ARN, EncryptionContext: context },
      note: 'May be denied: the grant is not here yet',
    },
    { kind: 'request', at: 2_400, caller: APP_ROLE, target: 'Decrypt', body: { CiphertextBlob: CIPHERTEXT, KeyId: KEY_ARN, EncryptionContext: context }, host: 2 },
    { kind: 'request', at: 2_600, caller: APP_ROLE, target: 'Decrypt', body: { CiphertextBlob: CIPHERTEXT, KeyId: KEY_ARN, EncryptionContext: context }, host: 1 },
    { kind: 'note', text: 'Or wait: most hosts see it within seconds.' },
    { kind: 'advance', ms: 5_000 },
    { kind: 'request', caller: APP_ROLE, target: 'Decrypt', body: { CiphertextBlob: CIPHERTEXT, KeyId: KEY_ARN, EncryptionContext: context } },
    { kind: 'settle' },
    { kind: 'request', caller: APP_ROLE, target: 'Decrypt', body: { CiphertextBlob: CIPHERTEXT, KeyId: KEY_ARN, EncryptionContext: context }, host: 0 },
    { kind: 'request', caller: APP_ROLE, target: 'Encrypt', body: { KeyId: KEY_ARN, Plaintext: 'b3JkZXIgIzEwNDM=', EncryptionContext: context } },
    { kind: 'request', caller: APP_ROLE, target: 'GenerateDataKey', body: { KeyId: KEY_ARN, KeySpec: 'AES_256', EncryptionContext: context } },
    { kind: 'request', target: 'ListGrants', body: { KeyId: KEY_ARN } },
    {
      kind: 'request',
      caller: OPS_ROLE,
      target: 'RetireGrant',
      body: { KeyId: KEY_ARN, GrantId: GRANT_ID },
    },
    {
      kind: 'request',
      caller: APP_ROLE,
      target: 'Decrypt',
      body: { CiphertextBlob: CIPHERTEXT, KeyId: KEY_ARN, EncryptionContext: context },
      note: 'Some hosts still allow it',
    },
    { kind: 'settle' },
    { kind: 'request', caller: APP_ROLE, target: 'Decrypt', body: { CiphertextBlob: CIPHERTEXT, KeyId: KEY_ARN, EncryptionContext: context } },
    { kind: 'request', target: 'ListGrants', body: { KeyId: KEY_ARN } },
  ],
};

/** The smallest useful scenario: defaults everywhere. */
export const MINIMAL: Scenario = {
  v: 2,
  seed: 42,
  steps: [{ kind: 'request', target: 'CreateKey', body: {} }],
};

/**
 * The grant-token lab: the lesson with step 6 sending the grant token of step 3, as AWS's
 * "Using a grant token" page suggests. A real-size token is ~440 opaque characters.
 */
export const TOKEN_LAB: Scenario = {
  ...LESSON_20,
  title: 'Grants are eventually consistent: use the grant token',
  steps: LESSON_20.steps.map((step, i) =>
    i === 6 && step.kind === 'request'
      ? { kind: 'request', at: step.at, caller: step.caller, target: 'Decrypt', body: { ...step.body, GrantTokens: [GRANT_TOKEN] }, note: 'The grant token works at once' }
      : step,
  ),
};
