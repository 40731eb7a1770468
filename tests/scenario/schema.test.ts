import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../src/scenario/format';
import { scenarioJsonSchema } from '../../src/scenario/schema';
import { scenarioArbitrary } from './arbitraries';
import { LESSONS } from '../../src/scenario/lessons/index';
import { LESSON_20, MINIMAL, TOKEN_LAB } from './fixtures';
import { check } from './json-schema-lite';

const schema = scenarioJsonSchema as unknown as Record<string, unknown>;

describe('scenarioJsonSchema', () => {
  it('accepts the sample scenarios', () => {
    for (const s of [LESSON_20, TOKEN_LAB, MINIMAL]) expect(check(schema, s)).toEqual([]);
  });

  it('accepts every built-in lesson (ids, titles, notes, expectations, references)', () => {
    for (const lesson of LESSONS) expect(check(schema, lesson.scenario), lesson.id).toEqual([]);
  });

  it('accepts every scenario validateScenario accepts (property)', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (s) => {
        const r = validateScenario(s);
        expect(r.ok).toBe(true);
        if (r.ok) expect(check(schema, r.scenario)).toEqual([]);
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it.each([
    ['a newer version', { v: 3, seed: 1, steps: [] }, /expected 2/],
    ['an older version (it must be migrated first)', { v: 1, seed: 1, steps: [] }, /expected 2/],
    ['a step id that starts with a digit', { v: 2, seed: 1, steps: [{ kind: 'settle', id: '1st' }] }, /steps\[0\]/],
    ['a step title over 120 characters', { v: 2, seed: 1, steps: [{ kind: 'settle', title: 'x'.repeat(121) }] }, /steps\[0\]/],
    ['a status out of range', { v: 2, seed: 1, steps: [{ kind: 'request', target: 'ListKeys', body: {}, expect: { status: 99 } }] }, /steps\[0\]/],
    ['a match path with a space', { v: 2, seed: 1, steps: [{ kind: 'request', target: 'ListKeys', body: {}, expect: { match: { 'Keys length': 1 } } }] }, /steps\[0\]/],
    ['a missing seed', { v: 2, steps: [] }, /missing seed/],
    ['a typo in a member name', { v: 2, seed: 1, step: [] }, /unexpected member step/],
    ['a request without body', { v: 2, seed: 1, steps: [{ kind: 'request', target: 'CreateKey' }] }, /matches 0 of oneOf/],
    ['an unknown step kind', { v: 2, seed: 1, steps: [{ kind: 'wait', ms: 1 }] }, /matches 0 of oneOf/],
    ['a bad region', { v: 2, seed: 1, settings: { region: 'Mars' }, steps: [] }, /settings\.region: does not match/],
    ['too many steps', { v: 2, seed: 1, steps: Array.from({ length: 501 }, () => ({ kind: 'settle' })) }, /more than 500 items/],
  ])('refuses %s, as validateScenario does', (_name, input, error) => {
    expect(check(schema, input).join('\n')).toMatch(error);
    expect(validateScenario(input).ok).toBe(false);
  });

  it('is published unchanged as static/scenario.schema.json', () => {
    // to regenerate: npx tsx -e "import('./src/scenario/schema.ts').then(m => require('fs').writeFileSync('static/scenario.schema.json', JSON.stringify(m.scenarioJsonSchema, null, 2) + '\n'))"
    const published = readFileSync(new URL('../../static/scenario.schema.json', import.meta.url), 'utf8');
    expect(published).toBe(JSON.stringify(scenarioJsonSchema, null, 2) + '\n');
  });
});
