/**
 * ReDoS in key policies: a StringLike pattern with many wildcards (`*a*a*a*a*a*a*b`) used to be
 * compiled into a backtracking RegExp, and an Encrypt whose encryption context value was 60 "a"s
 * blocked the page for seconds (12 wildcards against 80 characters never finished). Workspaces
 * are replayed on load, so such a workspace froze the page every time it was opened.
 *
 * These tests run the hostile workspace through sim.fetch (policies with 12 to 30 wildcards, a
 * context value of 10,000 "a"s), check that every answer is the right one, and check the work
 * the matchers did by counting their steps (glob.ts stepsTaken), not by timing them: a bound
 * linear in the value's length, where the RegExp took exponentially many.
 */
import { describe, expect, it } from 'vitest';
import { stepsTaken } from '../../src/kms/auth/glob';
import { POLICY_STEP_BUDGET } from '../../src/kms/auth/policy';
import { APP_ROLE, ROOT, makeSim } from '../kms/helpers';

const PLAINTEXT = 'aGVsbG8='; // "hello"
const rootStatement = { Sid: 'Root', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' };
const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: [rootStatement, ...statements] });

/** Encrypt as the app role with one encryption context pair; the answer and the matching steps it took */
async function encryptAs(t: ReturnType<typeof makeSim>, keyId: string, context: Record<string, string>) {
  const before = stepsTaken();
  const r = await t.call('Encrypt', { KeyId: keyId, Plaintext: PLAINTEXT, EncryptionContext: context }, { as: APP_ROLE });
  return { status: r.status, type: r.type, steps: stepsTaken() - before };
}

describe('hostile wildcard patterns in a key policy', () => {
  for (const stars of [12, 20, 30]) {
    const n = 10_000;
    const hostile = [
      // the reported pattern, and forms that make the matcher scan the whole value
      `${'*a'.repeat(stars)}*b`,
      `${'*a'.repeat(stars)}*b*`,
      `${'*a?'.repeat(stars)}*b*`,
      `*${'a?'.repeat(stars)}b*`,
      `${'*aa'.repeat(stars)}*ab*`,
    ];
    for (const pattern of hostile) {
      it(`StringLike ${pattern.slice(0, 24)}… (${stars} wildcards) against ${n.toLocaleString('en-US')} a's: the right answer, in linear work`, async () => {
        const t = makeSim();
        const key = await t.createKey({
          Policy: policy({ Sid: 'AppWithB', Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Encrypt', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:app': pattern } } }),
        });
        const m = pattern.length;
        // no "b": the pattern does not match, and nothing else lets the role encrypt
        const miss = await encryptAs(t, key.KeyId, { app: 'a'.repeat(n) });
        expect(miss).toMatchObject({ status: 400, type: 'AccessDeniedException' });
        // a bound linear in n (the general bound is c·(n+1)·(m+1)); the exponential RegExp took ~2^stars
        expect(miss.steps).toBeLessThanOrEqual(4 * (n + m + 1));
        expect(miss.steps).toBeLessThanOrEqual(3 * (n + 1) * (m + 1));

        // a value the pattern matches: allowed
        const value = pattern.includes('?') ? 'ab'.repeat(n / 2) + 'b' : 'a'.repeat(n) + 'b';
        const hit = await encryptAs(t, key.KeyId, { app: value });
        expect(hit).toMatchObject({ status: 200 });
        expect(hit.steps).toBeLessThanOrEqual(4 * (value.length + m + 1));
      });
    }
  }

  it('a Deny with a hostile StringNotLike, an Allow with a hostile ArnLike: the Deny applies only when it should', async () => {
    const stars = 30;
    const t = makeSim();
    const key = await t.createKey({
      Policy: policy(
        { Sid: 'App', Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Encrypt', Resource: '*', Condition: { ArnLike: { 'kms:EncryptionContext:arn': `arn:aws:s3:::${'*a'.repeat(stars)}*` } } },
        { Sid: 'NeedsB', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:Encrypt', Resource: '*', Condition: { StringNotLike: { 'kms:EncryptionContext:app': `${'*a'.repeat(stars)}*b*` } } },
      ),
    });
    const arn = `arn:aws:s3:::${'a'.repeat(10_000)}`;
    const denied = await encryptAs(t, key.KeyId, { arn, app: 'a'.repeat(10_000) });
    expect(denied).toMatchObject({ status: 400, type: 'AccessDeniedException' });
    expect(denied.steps).toBeLessThanOrEqual(10 * 20_000);
    const allowed = await encryptAs(t, key.KeyId, { arn, app: 'a'.repeat(10_000) + 'b' });
    expect(allowed).toMatchObject({ status: 200 });
    // not enough a's for the ArnLike pattern: the Allow does not apply
    const few = await encryptAs(t, key.KeyId, { arn: `arn:aws:s3:::${'a'.repeat(stars - 1)}`, app: 'b' });
    expect(few).toMatchObject({ status: 400, type: 'AccessDeniedException' });
  });

  it('the workspace replays (time travel) with the same answers and the same bounded work', async () => {
    const t = makeSim();
    const pattern = `${'*a'.repeat(30)}*b*`;
    const key = await t.createKey({
      Policy: policy({ Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Encrypt', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:app': pattern } } }),
    });
    const first = await encryptAs(t, key.KeyId, { app: 'a'.repeat(10_000) });
    expect(first.type).toBe('AccessDeniedException');
    const end = t.sim.clock.now();
    const before = stepsTaken();
    await t.sim.seek(t.sim.log[0].at);
    await t.sim.seek(end);
    expect(stepsTaken() - before).toBeLessThanOrEqual(4 * (10_000 + pattern.length + 1) * 2);
    const again = await encryptAs(t, key.KeyId, { app: 'a'.repeat(10_000) });
    expect(again).toEqual(first);
  });
});

describe('the per-evaluation budget', () => {
  it('a policy whose conditions cost more than the budget fails closed, says so, and stops early', async () => {
    const t = makeSim();
    // 400 distinct patterns, each scanning a 20,000-character value: 8,000,000 steps, over the budget
    const patterns = Array.from({ length: 400 }, (_, i) => `*${'a'.repeat(3)}${i.toString(36)}?*`);
    const key = await t.createKey({
      Policy: policy(
        { Sid: 'Costly', Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Encrypt', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:app': patterns } } },
        { Sid: 'Cheap', Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:ok': 'yes' } } },
      ),
    });
    const value = 'b'.repeat(20_000);
    const r = await encryptAs(t, key.KeyId, { app: value, ok: 'yes' });
    // the Allow with conditions fails closed (even the cheap one: the policy is not evaluated further)
    expect(r).toMatchObject({ status: 400, type: 'AccessDeniedException' });
    expect(r.steps).toBeGreaterThan(POLICY_STEP_BUDGET);
    // stopped within a scan chunk or one value read of the budget
    expect(r.steps).toBeLessThanOrEqual(POLICY_STEP_BUDGET + 2 * value.length + 10_000);
    expect(t.sim.lastDecision?.notes.join('\n')).toContain('failed closed');

    // a short value stays well inside the budget and is evaluated in full
    const short = await encryptAs(t, key.KeyId, { app: 'xaaa7z', ok: 'yes' });
    expect(short).toMatchObject({ status: 200 });
    const cheap = await encryptAs(t, key.KeyId, { app: 'nothing', ok: 'yes' });
    expect(cheap).toMatchObject({ status: 200 });
  });

  it('a Deny with conditions over the budget still denies, even when they would not match', async () => {
    const t = makeSim();
    const patterns = Array.from({ length: 400 }, (_, i) => `*${i.toString(36)}?zz*`);
    const key = await t.createKey({
      Policy: policy(
        { Sid: 'App', Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Encrypt', Resource: '*' },
        { Sid: 'Costly', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:Encrypt', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:app': patterns } } },
      ),
    });
    expect(await encryptAs(t, key.KeyId, { app: 'b'.repeat(20_000) })).toMatchObject({ status: 400, type: 'AccessDeniedException' });
    expect(await encryptAs(t, key.KeyId, { app: 'b'.repeat(200) })).toMatchObject({ status: 200 });
  });
});
