/**
 * Determinism checks of STYLE.md against the real engine. They are skipped while
 * src/kms/index.ts does not export createSimulator (the engine is being written in parallel);
 * once it does, they run by themselves and must pass: do not leave them skipped.
 */
import { describe, expect, it } from 'vitest';
import { decodeScenario, encodeScenario } from '../../src/scenario/codec';
import type { Scenario } from '../../src/scenario/format';
import { scenarioFromLog, type LoggedRequest } from '../../src/scenario/record';
import type { ReplayResult } from '../../src/scenario/run';
import { APP_ROLE, LESSON_20, MINIMAL, TOKEN_LAB } from './fixtures';

async function engineExports(): Promise<Record<string, unknown> | undefined> {
  // a variable path, so that the missing module fails here at run time and not at transform time
  const path = '../../src/kms/index';
  try {
    return (await import(/* @vite-ignore */ path)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const engineReady = typeof (await engineExports())?.createSimulator === 'function';

async function replay(s: Scenario): Promise<ReplayResult> {
  const mod = await import('../../src/scenario/replay');
  return mod.replay(s);
}

const SCENARIOS: [string, Scenario][] = [
  ['the 20-step lesson', LESSON_20],
  ['the grant-token lab', TOKEN_LAB],
  ['the minimal scenario', MINIMAL],
  ['a pinned, round-robin variant', { ...LESSON_20, seed: 7, settings: { ...LESSON_20.settings, routing: 'round-robin', hosts: 5 } }],
];

describe.skipIf(!engineReady)('replay against the engine', () => {
  it.each(SCENARIOS)('replay(decode(encode(s))) equals replay(s) for %s: responses and events', async (_name, s) => {
    const decoded = decodeScenario(encodeScenario(s));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    const direct = await replay(s);
    const viaLink = await replay(decoded.scenario);
    expect(viaLink.results).toEqual(direct.results);
    expect(JSON.stringify(viaLink.events)).toBe(JSON.stringify(direct.events));
  });

  it.each(SCENARIOS)('the same seed gives byte-identical event traces for %s', async (_name, s) => {
    const a = await replay(s);
    const b = await replay(s);
    expect(a.events.length).toBeGreaterThan(0);
    expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
    expect(JSON.stringify(b.results)).toBe(JSON.stringify(a.results));
  });

  it('a different seed gives a different trace (the seed is used)', async () => {
    const a = await replay(LESSON_20);
    const b = await replay({ ...LESSON_20, seed: LESSON_20.seed + 1 });
    expect(JSON.stringify(b.events)).not.toBe(JSON.stringify(a.events));
  });

  it('sends one request per request step and answers each with AWS JSON', async () => {
    const { results, events } = await replay(LESSON_20);
    const requests = results.filter((r) => r.kind === 'request');
    expect(requests).toHaveLength(LESSON_20.steps.filter((s) => s.kind === 'request').length);
    expect(events.filter((e) => e.type === '@kms.request')).toHaveLength(requests.length);
    for (const r of requests) {
      expect(r.headers['x-amzn-requestid']).toBeTruthy();
      if (r.body !== '') expect(() => JSON.parse(r.body)).not.toThrow();
    }
  });

  it('signs requests of a principal with a secret in a way the engine accepts', async () => {
    const { results } = await replay(LESSON_20);
    for (const r of results) {
      if (r.kind === 'request' && r.caller === APP_ROLE) expect(r.body).not.toMatch(/SignatureDoesNotMatch|IncompleteSignature|InvalidSignatureException/);
    }
  });

  it('a scenario recorded from a session replays to the same responses', async () => {
    const first = await replay(LESSON_20);
    const log: LoggedRequest[] = [];
    LESSON_20.steps.forEach((step, i) => {
      const r = first.results[i];
      if (step.kind === 'request' && r.kind === 'request') log.push({ at: r.at, caller: r.caller, target: step.target, body: step.body, host: step.host });
    });
    const recorded = scenarioFromLog(log, { seed: LESSON_20.seed, settings: LESSON_20.settings, until: first.sim.clock.now() });
    const second = await replay(recorded);
    const responses = (x: ReplayResult) => x.results.filter((r) => r.kind === 'request');
    expect(responses(second)).toEqual(responses(first));
    expect(second.sim.clock.now()).toBe(first.sim.clock.now());
  });
});

describe('engine readiness', () => {
  it.skipIf(engineReady)('the replay tests above are skipped: src/kms/index.ts does not export createSimulator yet', () => {
    console.warn('[scenario] replay tests SKIPPED: src/kms/index.ts does not export createSimulator yet');
  });
});
