/**
 * Upgrades (issue 8 §4): share links that older releases wrote, committed as they were made
 * (tests/fixtures/scenarios/README.md), still open in this release and replay.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeScenario, scenarioFromHash } from '../../src/scenario/codec';
import { SCENARIO_VERSION, type Scenario } from '../../src/scenario/format';
import { replay } from '../../src/scenario/replay';

function open(file: string): Scenario {
  const url = readFileSync(new URL(`../fixtures/scenarios/${file}`, import.meta.url), 'utf8').trim();
  const r = scenarioFromHash(new URL(url).hash);
  expect(r, file).not.toBeNull();
  expect(r!.ok, r && !r.ok ? r.detail : '').toBe(true);
  return (r as { ok: true; scenario: Scenario }).scenario;
}

function outcome(run: Awaited<ReturnType<typeof replay>>): string[] {
  return run.results.map((r) => (r.kind === 'request' ? `${r.target} ${r.status} ${r.headers['x-amzn-errortype'] ?? ''}`.trim() : r.kind));
}

describe('a v1 link made by release 0.1', () => {
  it('opens as the latest version, with its content unchanged', () => {
    const s = open('v1-share-link.txt');
    expect(s.v).toBe(SCENARIO_VERSION);
    expect(s.title).toBe('Shared from release 0.1');
    expect(s.seed).toBe(20250615);
    expect(s.settings?.hosts).toBe(2);
    expect(s.settings?.principals?.map((p) => p.arn)).toEqual(['arn:aws:iam::111122223333:role/OrdersApp', 'arn:aws:iam::111122223333:role/KeyOps']);
    expect(s.steps.map((st) => st.kind)).toEqual(['note', 'request', 'request', 'request', 'advance', 'request', 'request', 'settle', 'request']);
    expect(s.steps[3]).toMatchObject({ at: 1200, host: 0, note: 'too early' });
    // nothing of v2 appears out of nowhere
    for (const st of s.steps) expect(Object.keys(st).filter((k) => ['id', 'title', 'expect'].includes(k))).toEqual([]);
  });

  it('replays to what it showed then: denied before the grant arrives, allowed after, retired by the retiring principal', async () => {
    const run = await replay(open('v1-share-link.txt'));
    expect(outcome(run)).toEqual([
      'note',
      'CreateKey 200',
      'CreateGrant 200',
      'Encrypt 400 AccessDeniedException',
      'advance',
      'Encrypt 200',
      'RetireGrant 200',
      'settle',
      'ListGrants 200',
    ]);
    expect(JSON.parse((run.results[8] as { body: string }).body).Grants).toEqual([]);
    // the requests of the principal with a secret were really signed, and verified
    expect(run.results.every((r) => r.kind !== 'request' || !/Signature/.test(r.headers['x-amzn-errortype'] ?? ''))).toBe(true);
  });

  it('re-shares as a v2 link that replays the same', async () => {
    const s = open('v1-share-link.txt');
    const again = scenarioFromHash('#s=' + encodeScenario(s));
    expect(again).toEqual({ ok: true, scenario: s });
    const a = await replay(s);
    const b = await replay((again as { ok: true; scenario: Scenario }).scenario);
    expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
  });
});

describe('a v0 link made by a development build', () => {
  it('opens through both migrations', () => {
    const s = open('v0-share-link.txt');
    expect(s).toEqual({
      v: SCENARIO_VERSION,
      seed: 7,
      settings: { region: 'eu-west-1', hosts: 2 },
      steps: [
        { kind: 'request', target: 'CreateKey', body: { Description: 'from a development build' } },
        { kind: 'request', at: 500, target: 'ListKeys', body: {} },
        {
          kind: 'request',
          at: 900,
          target: 'CreateGrant',
          body: { KeyId: 'arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000', GranteePrincipal: 'arn:aws:iam::111122223333:role/App', Operations: ['Decrypt'] },
        },
      ],
    });
  });

  it('replays', async () => {
    const run = await replay(open('v0-share-link.txt'));
    expect(outcome(run)).toEqual(['CreateKey 200', 'ListKeys 200', 'CreateGrant 400 NotFoundException']);
  });
});
