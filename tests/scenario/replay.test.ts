import { beforeAll, describe, expect, it } from 'vitest';
import { decodeScenario, encodeScenario, fitsInUrl } from '../../src/scenario/codec';
import type { Scenario, Step } from '../../src/scenario/format';
import { scenarioFromLog, type LoggedRequest } from '../../src/scenario/record';
import { replay, type ReplayResult } from '../../src/scenario/replay';
import { APP_ROLE, CIPHERTEXT, GRANT_ID, GRANT_TOKEN, KEY_ARN, LESSON_20, MINIMAL, TOKEN_LAB } from './fixtures';

/**
 * What the UI does when it records a session: each request is sent with the ids that earlier
 * responses returned. The fixtures' illustrative ids become {{placeholders}}, filled from the
 * engine's own answers (the fixture value stays where the engine returned nothing).
 */
async function record(lesson: Scenario): Promise<Scenario> {
  const template = JSON.stringify(lesson)
    .replaceAll(KEY_ARN, '{{keyArn}}')
    .replaceAll(GRANT_ID, '{{grantId}}')
    .replaceAll(GRANT_TOKEN, '{{grantToken}}')
    .replaceAll(CIPHERTEXT, '{{ciphertext}}');
  const vars: Record<string, string> = { keyArn: KEY_ARN, grantId: GRANT_ID, grantToken: GRANT_TOKEN, ciphertext: CIPHERTEXT };
  const { steps: templateSteps, ...rest } = JSON.parse(template) as Scenario;
  const steps: Step[] = [];
  for (const step of templateSteps) {
    steps.push(JSON.parse(JSON.stringify(step).replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k])) as Step);
    if (step.kind !== 'request') continue;
    const last = (await replay({ ...rest, steps })).results.at(-1)!;
    if (last.kind !== 'request' || last.status !== 200 || last.body === '') continue;
    const out = JSON.parse(last.body) as { KeyMetadata?: { Arn?: string }; GrantId?: string; GrantToken?: string; CiphertextBlob?: string };
    if (out.KeyMetadata?.Arn) vars.keyArn = out.KeyMetadata.Arn;
    if (out.GrantId) vars.grantId = out.GrantId;
    if (out.GrantToken) vars.grantToken = out.GrantToken;
    if (out.CiphertextBlob && step.target === 'Encrypt') vars.ciphertext = out.CiphertextBlob;
  }
  return { ...rest, steps };
}

const scenarios: [string, Scenario][] = [];

describe('replay against the engine', () => {
  let lesson: Scenario;
  let lab: Scenario;

  beforeAll(async () => {
    lesson = await record(LESSON_20);
    lab = await record(TOKEN_LAB);
    scenarios.push(
      ['the recorded 20-step lesson', lesson],
      ['the recorded grant-token lab', lab],
      ['a round-robin variant on 5 hosts', { ...lesson, seed: 7, settings: { ...lesson.settings, routing: 'round-robin', hosts: 5 } }],
      ['the minimal scenario', MINIMAL],
      ['the hand-written lesson (illustrative ids: mostly errors)', LESSON_20],
    );
    const lessonLink = encodeScenario(lesson);
    const labLink = encodeScenario(lab);
    console.info(
      `[scenario] recorded on the engine: lesson ${lessonLink.length} chars; grant-token lab ${labLink.length} chars (fits: ${fitsInUrl(labLink)})`,
    );
  });

  it('records a lesson that really creates, propagates and retires a grant', async () => {
    const { results, events } = await replay(lesson);
    const byTarget = (t: string) => results.filter((r, i) => r.kind === 'request' && (lesson.steps[i] as { target?: string }).target === t);
    expect(byTarget('CreateKey').map((r) => r.kind === 'request' && r.status)).toEqual([200]);
    expect(byTarget('CreateGrant').map((r) => r.kind === 'request' && r.status)).toEqual([200]);
    const changes = events.filter((e) => e.type === '@kms.grant.changed').map((e) => e.type === '@kms.grant.changed' && e.change);
    expect(changes).toEqual(['create', 'retire']);
    expect(events.some((e) => e.type === '@kms.grant.arrived')).toBe(true);
    const summary = results.map((r, i) => (r.kind === 'request' ? `${i} ${(lesson.steps[i] as { target: string }).target} ${r.status} ${r.headers['x-amzn-errortype'] ?? ''}`.trim() : `${i} ${r.kind}`));
    console.info(`[scenario] recorded lesson on the engine:\n  ${summary.join('\n  ')}`);
  });

  it('replay(decode(encode(s))) equals replay(s): responses and events', async () => {
    for (const [name, s] of scenarios) {
      const decoded = decodeScenario(encodeScenario(s));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
      const direct = await replay(s);
      const viaLink = await replay(decoded.scenario);
      expect(viaLink.results, name).toEqual(direct.results);
      expect(JSON.stringify(viaLink.events), name).toBe(JSON.stringify(direct.events));
    }
  });

  it('the same seed gives byte-identical event traces', async () => {
    for (const [name, s] of scenarios) {
      const a = await replay(s);
      const b = await replay(s);
      expect(a.events.length, name).toBeGreaterThan(0);
      expect(JSON.stringify(b.events), name).toBe(JSON.stringify(a.events));
      expect(JSON.stringify(b.results), name).toBe(JSON.stringify(a.results));
    }
  });

  it('a different seed gives a different trace (the seed is used)', async () => {
    const a = await replay(lesson);
    const b = await replay({ ...lesson, seed: lesson.seed + 1 });
    expect(JSON.stringify(b.events)).not.toBe(JSON.stringify(a.events));
  });

  it('sends one request per request step and answers each with AWS JSON', async () => {
    const { results, events } = await replay(lesson);
    const requests = results.filter((r) => r.kind === 'request');
    expect(requests).toHaveLength(lesson.steps.filter((s) => s.kind === 'request').length);
    expect(events.filter((e) => e.type === '@kms.request')).toHaveLength(requests.length);
    for (const r of requests) {
      expect(r.headers['x-amzn-requestid']).toBeTruthy();
      if (r.body !== '') expect(() => JSON.parse(r.body)).not.toThrow();
    }
  });

  it('signs requests of a principal with a secret in a way the engine accepts', async () => {
    const { results } = await replay(lesson);
    const signed = results.filter((r) => r.kind === 'request' && r.caller === APP_ROLE);
    expect(signed.length).toBeGreaterThan(0);
    for (const r of signed) {
      if (r.kind === 'request') expect(r.headers['x-amzn-errortype'] ?? '').not.toMatch(/Signature|UnrecognizedClient/);
    }
  });

  it('a scenario recorded from a session replays to the same responses', async () => {
    const first = await replay(lesson);
    const log: LoggedRequest[] = [];
    lesson.steps.forEach((step, i) => {
      const r = first.results[i];
      if (step.kind === 'request' && r.kind === 'request') log.push({ at: r.at, caller: r.caller, target: step.target, body: step.body, host: step.host });
    });
    const recorded = scenarioFromLog(log, { seed: lesson.seed, settings: lesson.settings, until: first.sim.clock.now() });
    const second = await replay(recorded);
    const responses = (x: ReplayResult) => x.results.filter((r) => r.kind === 'request');
    expect(responses(second)).toEqual(responses(first));
    expect(second.sim.clock.now()).toBe(first.sim.clock.now());
  });
});
