/**
 * The built-in lessons, against the engine: this is the gate that says a lesson is right. Every
 * lesson replays with every check passing, fits in a share link, and replays byte for byte the
 * same after encode -> decode.
 */
import { describe, expect, it } from 'vitest';
import { decodeScenario, encodeScenario, scenarioToUrlHash, URL_SAFE_LENGTH } from '../../src/scenario/codec';
import { LIMITS, validateScenario } from '../../src/scenario/format';
import { LESSONS, lessonById } from '../../src/scenario/lessons/index';
import { replay, type ReplayResult } from '../../src/scenario/replay';

const BASE = 'https://example.test/';

function failures(run: ReplayResult): string[] {
  return run.results.flatMap((r, i) => (r.kind === 'request' && r.check && !r.check.ok ? r.check.failures.map((f) => `step ${i}: ${f}`) : []));
}

describe('the lesson list', () => {
  it('has at least twelve lessons with unique, URL-safe ids', () => {
    expect(LESSONS.length).toBeGreaterThanOrEqual(12);
    const ids = LESSONS.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
  });

  it('covers the workshop topics of issue 7, and issue 17\'s condition keys, in workshop order', () => {
    expect(LESSONS.map((l) => l.id)).toEqual([
      'create-and-list',
      'grant-tokens',
      'retire-vs-revoke',
      'name-idempotency',
      'encryption-context',
      'child-grants',
      'key-states',
      'policy-conditions',
      'condition-keys',
      'service-principals',
      'cross-account',
      'token-race',
    ]);
  });

  it('finds a lesson by id', () => {
    expect(lessonById('token-race')?.title).toBe('A grant-token race');
    expect(lessonById('nope')).toBeUndefined();
    expect(lessonById('__proto__')).toBeUndefined();
  });
});

describe.each(LESSONS.map((l) => [l.id, l] as const))('lesson %s', (_id, lesson) => {
  const s = lesson.scenario;

  it('is a valid scenario of the latest version, equal to its validated copy', () => {
    const r = validateScenario(s);
    expect(r.ok, r.ok ? '' : r.detail).toBe(true);
    if (r.ok) expect(r.scenario).toEqual(s);
    expect(lesson.title).toBe(s.title);
    expect(lesson.summary.length).toBeGreaterThan(20);
    expect(s.description).toBeTruthy();
  });

  it('has 4 to 20 steps, each with a title and a note, and an expectation on every request', () => {
    expect(s.steps.length).toBeGreaterThanOrEqual(4);
    expect(s.steps.length).toBeLessThanOrEqual(20);
    s.steps.forEach((step, i) => {
      expect(step.title, `step ${i}`).toBeTruthy();
      expect(step.title!.length, `step ${i}`).toBeLessThanOrEqual(LIMITS.stepTitleLength);
      expect(step.kind === 'note' ? step.text : step.note, `step ${i}`).toBeTruthy();
      if (step.kind === 'request') {
        expect(step.expect?.status, `step ${i}: every request states its status`).toBeDefined();
      }
    });
  });

  it('configures every principal it calls as, and the root for the rest', () => {
    const arns = new Set((s.settings?.principals ?? []).map((p) => p.arn));
    for (const step of s.steps) if (step.kind === 'request' && step.caller !== undefined) expect(arns.has(step.caller), step.caller).toBe(true);
  });

  it('replays against the engine with every check passing', async () => {
    const run = await replay(s);
    expect(failures(run)).toEqual([]);
    const requests = run.results.filter((r) => r.kind === 'request');
    expect(requests.length).toBe(s.steps.filter((st) => st.kind === 'request').length);
    for (const r of requests) {
      expect(r.kind === 'request' && r.check?.ok).toBe(true);
      expect(r.kind === 'request' && r.unresolved).toBeUndefined();
    }
  });

  it('fits in a share link under 2,000 characters', () => {
    const url = BASE + scenarioToUrlHash(s);
    console.info(`[lessons] ${lesson.id}: ${s.steps.length} steps, ${JSON.stringify(s).length} chars of JSON, share URL ${url.length} chars`);
    expect(url.length).toBeLessThan(URL_SAFE_LENGTH);
  });

  it('replays byte for byte the same after encode -> decode', async () => {
    const decoded = decodeScenario(encodeScenario(s));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.scenario).toEqual(s);
    const direct = await replay(s);
    const viaLink = await replay(decoded.scenario);
    expect(JSON.stringify(viaLink.results)).toBe(JSON.stringify(direct.results));
    expect(JSON.stringify(viaLink.events)).toBe(JSON.stringify(direct.events));
  });
});

describe('the checks are live', () => {
  it('a lesson whose expectations are turned around fails every one of them', async () => {
    const lesson = lessonById('grant-tokens')!;
    const flipped = structuredClone(lesson.scenario);
    for (const step of flipped.steps) if (step.kind === 'request' && step.expect) step.expect = { status: step.expect.status === 200 ? 400 : 200 };
    const run = await replay(flipped);
    const requests = flipped.steps.filter((st) => st.kind === 'request').length;
    expect(failures(run)).toHaveLength(requests);
  });

  it('the 20-step lesson fits, with room to spare', () => {
    const longest = [...LESSONS].sort((a, b) => b.scenario.steps.length - a.scenario.steps.length)[0];
    expect(longest.scenario.steps).toHaveLength(20);
    const url = BASE + scenarioToUrlHash(longest.scenario);
    console.info(`[lessons] longest lesson (${longest.id}, 20 steps): ${url.length} chars of URL`);
    expect(url.length).toBeLessThan(URL_SAFE_LENGTH);
  });
});
