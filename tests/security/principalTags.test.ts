/**
 * Principal tags and organizations from outside (a share link, a workspace file, a snapshot):
 * any value gets an answer, never an exception; what is refused is refused in words naming the
 * field; what is accepted is kept as own data (a tag named __proto__ included) and starts a
 * simulator; nothing reaches a prototype.
 */
import '../store/helpers';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/kms/index';
import { scenarioFromHash, toBase64Url } from '../../src/scenario/codec';
import { checkSettings, checkSimulatorOptions } from '../../src/scenario/validate';
import { parseWorkspaceFile } from '../../src/store/file';

const ACCOUNT = '111122223333';
const ALICE = `arn:aws:iam::${ACCOUNT}:user/Alice`;
const JARGON = /must match|\/\^|must be an integer|must be an array|must be a string\b/;
const PROTO_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

const hostileString = fc.oneof(
  fc.constantFrom(...PROTO_NAMES, '', 'aws:team', 'AWS:x', 'team\n', 'a\u2028b', '${aws:username}', 'x'.repeat(129), 'x'.repeat(257), 'o-a1b2c3d4e5', ACCOUNT),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);
const hostileValue = fc.oneof(hostileString, fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }), fc.constant({}), fc.constant(undefined));
/** a map with these pairs as own members, as JSON.parse makes them (a "__proto__" pair included) */
const ownMap = (pairs: [string, unknown][]) => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of pairs) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
};
/** pairs IAM allows (prototype names included), with now and then one hostile pair among them */
const plausibleKey = fc.constantFrom('team', 'Cost Center', '__proto__', 'constructor', 'toString', 'a:b/c=d+e-f@g', 'équipe', ACCOUNT);
const plausibleValue = fc.constantFrom('blue', '', 'x y', 'o-a1b2c3d4e5', 'o-zzzzzzzzzz99');
const hostileMap = fc.oneof(
  fc.array(fc.tuple(plausibleKey, plausibleValue), { maxLength: 5 }).map(ownMap),
  fc.tuple(fc.array(fc.tuple(plausibleKey, plausibleValue), { maxLength: 4 }), fc.tuple(hostileString, hostileValue)).map(([pairs, bad]) => ownMap([...pairs, bad])),
  fc.array(fc.tuple(hostileString, hostileValue), { maxLength: 6 }).map(ownMap),
  fc.array(fc.tuple(hostileString, hostileString), { minLength: 49, maxLength: 53 }).map(ownMap),
  hostileValue,
);
const settingsLike = fc.record(
  {
    principals: fc.array(
      fc.record({ arn: fc.constantFrom(ALICE, 'logs.amazonaws.com'), accessKeyId: fc.constant('AKIAALICE00000000001'), tags: hostileMap }, { requiredKeys: ['arn', 'accessKeyId'] }),
      { maxLength: 1 },
    ),
    organizations: hostileMap,
  },
  { requiredKeys: [] },
);

describe('hostile principal tags and organizations', () => {
  it('get ok or a reason in words from every boundary check, and nothing reaches a prototype', () => {
    const seen = { accepted: 0, refused: 0, acceptedWithTags: 0 };
    fc.assert(
      fc.property(settingsLike, (x) => {
        for (const r of [checkSettings(x), checkSimulatorOptions(x)]) {
          expect(typeof r.ok).toBe('boolean');
          seen[r.ok ? 'accepted' : 'refused']++;
          if (r.ok && r.value.principals?.[0]?.tags && Object.keys(r.value.principals[0].tags).length > 0) seen.acceptedWithTags++;
          if (r.ok) {
            expect(checkSimulatorOptions(r.value)).toEqual({ ok: true, value: r.value });
            for (const map of [r.value.organizations, ...(r.value.principals ?? []).map((p) => p.tags)]) {
              if (!map) continue;
              expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
              for (const k of Object.keys(map)) expect(typeof Object.getOwnPropertyDescriptor(map, k)?.value).toBe('string');
            }
            // an accepted set starts a simulator
            expect(() => createSimulator({ seed: 1, ...r.value })).not.toThrow();
          } else {
            expect(r.error).toMatch(/^(settings|options)\.(principals\[0\]\.tags|principals\[0\]|organizations)\b/);
            expect(r.error).not.toMatch(JARGON);
            expect(r.error).not.toMatch(/[\n\r\u2028]/);
            expect(r.error.length).toBeLessThan(400);
          }
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype.toString.call({})).toBe('[object Object]');
      }),
      { numRuns: 1500, seed: 17 },
    );
    // the property is not vacuous: both paths are taken, tags included
    expect(seen.accepted).toBeGreaterThan(100);
    expect(seen.refused).toBeGreaterThan(100);
    expect(seen.acceptedWithTags).toBeGreaterThan(10);
  });

  it('a share link carrying them is refused in words, or opens with them kept', () => {
    const hash = (doc: unknown) => `#s=v2.${toBase64Url(deflateSync(new TextEncoder().encode(JSON.stringify(doc)), { level: 9 }))}`;
    const bad = scenarioFromHash(hash({ v: 2, seed: 1, settings: { principals: [{ arn: ALICE, accessKeyId: 'AKIAALICE00000000001', tags: { team: 'x'.repeat(10_000) } }] }, steps: [] }));
    expect(bad).toMatchObject({ ok: false, error: 'bad-shape' });
    expect(bad && !bad.ok && bad.detail).toBe('settings.principals[0].tags.team is 10,000 characters long; at most 256 are allowed');
    // the JSON text of a link: "__proto__" is a tag key there, never the prototype
    const text = `{"v":2,"seed":1,"settings":{"principals":[{"arn":"${ALICE}","accessKeyId":"AKIAALICE00000000001","tags":{"__proto__":"x","team":"blue"}}],"organizations":{"${ACCOUNT}":"o-a1b2c3d4e5"}},"steps":[]}`;
    const good = scenarioFromHash(`#s=v2.${toBase64Url(deflateSync(new TextEncoder().encode(text), { level: 9 }))}`);
    expect(good && good.ok).toBe(true);
    if (good && good.ok) {
      const tags = good.scenario.settings!.principals![0].tags!;
      expect(Object.keys(tags)).toEqual(['__proto__', 'team']);
      expect(Object.getPrototypeOf(tags)).toBe(Object.prototype);
      expect(good.scenario.settings!.organizations).toEqual({ [ACCOUNT]: 'o-a1b2c3d4e5' });
    }
  });

  it('a workspace file keeps them, and refuses a bad one naming the field', () => {
    const fixture = () => JSON.parse(readFileSync(new URL('../fixtures/store/workspace-file-v1.json', import.meta.url), 'utf8')) as { workspace: { options: Record<string, unknown> } };
    const f = fixture();
    f.workspace.options.principals = [{ arn: ALICE, accessKeyId: 'AKIAALICE00000000001', tags: { team: 'blue' } }];
    f.workspace.options.organizations = { [ACCOUNT]: 'o-a1b2c3d4e5' };
    const r = parseWorkspaceFile(f);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (r.ok) {
      const options = r.options as Record<string, unknown>;
      expect(options.organizations).toEqual({ [ACCOUNT]: 'o-a1b2c3d4e5' });
      expect((options.principals as { tags?: unknown }[])[0].tags).toEqual({ team: 'blue' });
    }
    const g = fixture();
    g.workspace.options.organizations = { [ACCOUNT]: 'o-' };
    const refused = parseWorkspaceFile(g) as { ok: boolean; error?: string; detail?: string };
    expect(refused.ok).toBe(false);
    expect(String(refused.detail ?? refused.error)).toMatch(/workspace\.options\.organizations\.111122223333 'o-' is not an AWS Organizations id/);
  });
});
