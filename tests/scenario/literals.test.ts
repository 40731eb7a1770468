/**
 * The escapers shared by "Copy as code" and the exported tests and scripts: generated files carry no
 * character that displays differently from what runs (bidi overrides, zero-width characters, C1
 * controls), and JSON in a shell word reads back the same in sh (and leaves fish nothing to rewrite).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { safeJson, shellJson, UNSAFE_CHARS } from '../../src/scenario/literals';
import { scenarioToBash, scenarioToVitest } from '../../src/scenario/toTest';
import { SCENARIO_VERSION, type Scenario } from '../../src/scenario/format';

const SNEAKY = 'a\u202eb\u200bc\u009bd\u2028e\u0085f';

describe('literals for generated code', () => {
  it('writes JSON with backslashes as one shell word that sh reads back exactly, with no \\\\ inside', () => {
    const value = { path: 'C:\\new\\table', quote: "it's \"x\"", sneaky: SNEAKY, back: '\\\\' };
    const word = shellJson(safeJson(value));
    expect(word).not.toContain('\\\\');
    const out = execFileSync('sh', ['-c', `printf %s ${word}`], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(value);
  });

  it('leaves no unsafe character raw in an exported test or script, from a hostile title, note and body', async () => {
    const scenario = {
      v: SCENARIO_VERSION,
      seed: 1,
      title: `Title ${SNEAKY}`,
      steps: [
        { kind: 'note', text: `note ${SNEAKY}` },
        { kind: 'request', target: 'CreateKey', title: `step ${SNEAKY}`, body: { Description: SNEAKY } },
      ],
    } as Scenario;
    for (const text of [await scenarioToVitest(scenario), await scenarioToBash(scenario)]) {
      expect(text.match(UNSAFE_CHARS)?.filter((c) => c !== '\n') ?? []).toEqual([]);
    }
  });
});
