/**
 * What a scenario carries of its callers beside their policies: each principal's IAM tags
 * (aws:PrincipalTag/<key>, and `${aws:PrincipalTag/<key>}` in policies) and the organization of
 * each account (aws:PrincipalOrgID). Both travel through a share link and replay to the same
 * decisions; both are checked at the boundary like every other setting; links made before them
 * open as they did.
 */
import { describe, expect, it } from 'vitest';
import type { SimulatorOptions } from '../../src/kms/api';
import { decodeScenario, encodeScenario, scenarioFromHash, scenarioToUrlHash } from '../../src/scenario/codec';
import { resolveSettings, SCENARIO_VERSION, settingsFromOptions, simulatorOptions, stripDefaults, validateScenario, type Scenario } from '../../src/scenario/format';
import { replay } from '../../src/scenario/replay';
import { checkSettings, checkSimulatorOptions } from '../../src/scenario/validate';

const ACCOUNT = '111122223333';
const ALICE = `arn:aws:iam::${ACCOUNT}:user/Alice`;
const BOB = `arn:aws:iam::${ACCOUNT}:user/Bob`;

/** Encrypt only under an encryption context whose `team` is the caller's own `team` tag */
const TEAM_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'kms:Encrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:EncryptionContext:team': '${aws:PrincipalTag/team}' } },
    },
  ],
};
/** DescribeKey only for callers in the organization */
const ORG_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }],
};

const encrypt = (caller: string, team: string) => ({
  kind: 'request' as const,
  caller,
  target: 'Encrypt',
  body: { KeyId: '{{key.KeyMetadata.Arn}}', Plaintext: 'aGk=', EncryptionContext: { team } },
});

const TEAMS: Scenario = {
  v: 2,
  title: 'Tags and organizations',
  seed: 17,
  settings: {
    principals: [
      { arn: ALICE, accessKeyId: 'AKIAALICE00000000001', policy: { Version: '2012-10-17', Statement: [...TEAM_POLICY.Statement, ...ORG_POLICY.Statement] }, tags: { team: 'blue' } },
      { arn: BOB, accessKeyId: 'AKIABOB0000000000001', policy: TEAM_POLICY, tags: { team: 'red', 'cost-center': '12345' } },
    ],
    organizations: { [ACCOUNT]: 'o-a1b2c3d4e5' },
  },
  steps: [
    { kind: 'request', id: 'key', target: 'CreateKey', body: {} },
    encrypt(ALICE, 'blue'),
    encrypt(ALICE, 'red'),
    encrypt(BOB, 'red'),
    encrypt(BOB, 'blue'),
    { kind: 'request', caller: ALICE, target: 'DescribeKey', body: { KeyId: '{{key.KeyMetadata.Arn}}' } },
  ],
};

const statuses = async (s: Scenario) => (await replay(s)).results.map((r) => (r.kind === 'request' ? r.status : r.kind));

function settingsOf(x: unknown) {
  return validateScenario({ v: SCENARIO_VERSION, seed: 1, settings: x, steps: [] });
}

describe('principal tags and organizations in a scenario', () => {
  it('are kept by the boundary check, in the order the encoder writes', () => {
    const r = validateScenario(TEAMS);
    expect(r.ok, r.ok ? '' : r.detail).toBe(true);
    if (!r.ok) return;
    expect(r.scenario).toEqual(TEAMS);
    expect(Object.keys(r.scenario.settings!)).toEqual(['principals', 'organizations']);
    expect(Object.keys(r.scenario.settings!.principals![1])).toEqual(['arn', 'accessKeyId', 'policy', 'tags']);
    // copies, not the input's objects
    expect(r.scenario.settings!.principals![0].tags).not.toBe(TEAMS.settings!.principals![0].tags);
    expect(r.scenario.settings!.organizations).not.toBe(TEAMS.settings!.organizations);
  });

  it('a share link using ${aws:PrincipalTag/team} and aws:PrincipalOrgID replays the same decisions', async () => {
    const direct = await statuses(TEAMS);
    expect(direct).toEqual([200, 200, 400, 200, 400, 200]);
    const url = 'https://example.test/' + scenarioToUrlHash(TEAMS);
    const opened = scenarioFromHash(new URL(url).hash);
    expect(opened).toEqual({ ok: true, scenario: TEAMS });
    const viaLink = (opened as { ok: true; scenario: Scenario }).scenario;
    expect(await statuses(viaLink)).toEqual(direct);
    const a = await replay(TEAMS);
    const b = await replay(viaLink);
    expect(JSON.stringify(b.results)).toBe(JSON.stringify(a.results));
    expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
  });

  it('are what decides: without them the same steps are denied', async () => {
    const bare = structuredClone(TEAMS);
    for (const p of bare.settings!.principals!) delete p.tags;
    delete bare.settings!.organizations;
    // a missing tag makes the variable unresolvable, so no context value matches it; no organization, no aws:PrincipalOrgID
    expect(await statuses(bare)).toEqual([200, 400, 400, 400, 400, 400]);
  });

  it('round-trip: options -> scenario -> URL -> scenario -> options are equal', () => {
    const options: SimulatorOptions = {
      seed: 5,
      accountId: ACCOUNT,
      principals: [{ arn: ALICE, accessKeyId: 'AKIAALICE00000000001', tags: JSON.parse('{"team":"blue","__proto__":"kept","Cost Center":"A-1 / 2"}') as Record<string, string> }],
      organizations: { [ACCOUNT]: 'o-a1b2c3d4e5', '444455556666': 'o-zzzzzzzzzz99' },
    };
    const scenario = { v: SCENARIO_VERSION, seed: 5, settings: settingsFromOptions(options), steps: [] } as Scenario;
    const decoded = decodeScenario(encodeScenario(scenario));
    expect(decoded.ok, decoded.ok ? '' : decoded.detail).toBe(true);
    if (!decoded.ok) return;
    const back = simulatorOptions(decoded.scenario);
    expect(back.principals).toEqual(options.principals);
    expect(back.organizations).toEqual(options.organizations);
    // the tag named __proto__ is an own member all the way, and no prototype changed
    const tags = back.principals![0].tags!;
    expect(Object.keys(tags)).toEqual(['team', '__proto__', 'Cost Center']);
    expect(Object.getPrototypeOf(tags)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).kept).toBeUndefined();
    // and what the workspace's own check keeps of the options, it keeps whole
    const checked = checkSimulatorOptions(options);
    expect(checked.ok && checked.value).toEqual(options);
  });

  it('leaves empty maps out of a link, and resolves without organizations when none is named', () => {
    const s: Scenario = { v: 2, seed: 1, settings: { organizations: {} }, steps: [] };
    expect(stripDefaults(s).settings).toBeUndefined();
    expect('organizations' in resolveSettings(s.settings)).toBe(false);
    expect('organizations' in simulatorOptions({ v: 2, seed: 1, steps: [] })).toBe(false);
    expect(settingsFromOptions({ organizations: {} })).toEqual({});
  });

  it('a link made before them opens and encodes exactly as it did', () => {
    // the link of a scenario without the new members: no tags, no organizations appear
    const old: Scenario = { v: 2, seed: 3, settings: { principals: [{ arn: ALICE, accessKeyId: 'AKIAALICE00000000001' }] }, steps: [{ kind: 'request', target: 'ListKeys', body: {} }] };
    const link = encodeScenario(old);
    const r = decodeScenario(link);
    expect(r).toEqual({ ok: true, scenario: old });
    const s = (r as { ok: true; scenario: Scenario }).scenario;
    expect(Object.keys(s.settings!)).toEqual(['principals']);
    expect(Object.keys(s.settings!.principals![0])).toEqual(['arn', 'accessKeyId']);
    expect(encodeScenario(s)).toBe(link);
    expect('organizations' in simulatorOptions(s)).toBe(false);
    expect('tags' in simulatorOptions(s).principals![0]).toBe(false);
  });
});

describe('hostile principal tags and organizations are refused with a reason', () => {
  const principal = (tags: unknown) => ({ principals: [{ arn: ALICE, accessKeyId: 'AKIAALICE00000000001', tags }] });

  it.each([
    ['tags that are a list', principal([['team', 'blue']]), /settings\.principals\[0\]\.tags must be an object of tag keys and values, not a list/],
    ['tags that are text', principal('team=blue'), /settings\.principals\[0\]\.tags must be an object of tag keys and values, not text/],
    ['a tag value that is a number', principal({ team: 7 }), /settings\.principals\[0\]\.tags\.team must be text .*not a number/],
    ['a tag value that is null', principal({ team: null }), /settings\.principals\[0\]\.tags\.team must be text .*not null/],
    ['a tag value that is an object', principal({ team: { toString: 'blue' } }), /tags\.team must be text .*not an object/],
    ['a tag value of 257 characters', principal({ team: 'x'.repeat(257) }), /tags\.team is 257 characters long; at most 256 are allowed/],
    ['a tag value of a million characters', principal({ team: 'x'.repeat(1_000_000) }), /tags\.team is 1,000,000 characters long; at most 256 are allowed/],
    ['a tag key of 129 characters', principal({ ['k'.repeat(129)]: 'v' }), /settings\.principals\[0\]\.tags key is 129 characters long; at most 128 are allowed/],
    ['an empty tag key', principal({ '': 'v' }), /settings\.principals\[0\]\.tags key is empty/],
    ['a tag key with a line break', principal({ 'team\nx': 'v' }), /has a control character/],
    ['a tag value with a line separator', principal({ team: 'blue\u2028red' }), /has a control character/],
    ['a tag key with a quote', principal({ 'team"': 'v' }), /is not an IAM tag key/],
    ['a tag value with ${', principal({ team: '${aws:username}' }), /is not an IAM tag value/],
    ['a tag key in the aws: namespace', principal({ 'AWS:team': 'v' }), /is not an IAM tag key .*not starting with aws:/],
    ['two tag keys that differ only in case', principal({ team: 'blue', Team: 'red' }), /differ only in case/],
    ['51 tags', principal(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']))), /holds 51 tags; at most 50 are allowed/],
    ['tags on an AWS service', { principals: [{ arn: 'logs.amazonaws.com', accessKeyId: 'AKIALOGS000000000001', tags: { team: 'blue' } }] }, /logs\.amazonaws\.com is an AWS service, which has no IAM tags/],
    ['organizations that are a list', { organizations: [ACCOUNT] }, /settings\.organizations must be an object of account ids and organization ids, not a list/],
    ['an organization keyed by something else than an account', { organizations: { __proto__x: 'o-a1b2c3d4e5' } }, /settings\.organizations key '__proto__x' is not a 12-digit AWS account id/],
    ['an organization keyed __proto__', { organizations: JSON.parse('{"__proto__":"o-a1b2c3d4e5"}') }, /settings\.organizations key '__proto__' is not a 12-digit AWS account id/],
    ['an organization id that is a number', { organizations: { [ACCOUNT]: 12 } }, /settings\.organizations\.111122223333 must be text .*not a number/],
    ['an organization id of the wrong form', { organizations: { [ACCOUNT]: 'org-1' } }, /'org-1' is not an AWS Organizations id/],
    ['a very long organization id', { organizations: { [ACCOUNT]: 'o-' + 'a'.repeat(100_000) } }, /is 100,002 characters long; at most 34 are allowed/],
    ['51 organizations', { organizations: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [String(100000000000 + i), 'o-a1b2c3d4e5'])) }, /names 51 accounts; at most 50 are allowed/],
  ])('%s', (_name, settings, reason) => {
    const r = settingsOf(settings);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBe('bad-shape');
      expect(r.detail).toMatch(reason);
      expect(r.detail.length).toBeLessThan(400);
    }
    // the same answer where workspaces and snapshots are checked
    const c = checkSettings(settings);
    expect(c.ok).toBe(false);
    if (!c.ok && !r.ok) expect(c.error).toBe(r.detail);
  });

  it('keeps tag keys named like Object.prototype members as plain tags (IAM allows them), and reads nothing through a prototype', () => {
    const tags = JSON.parse('{"__proto__":"a","constructor":"b","toString":"c","hasOwnProperty":"d"}');
    const r = settingsOf(principal(tags));
    expect(r.ok, r.ok ? '' : r.detail).toBe(true);
    if (!r.ok) return;
    const kept = r.scenario.settings!.principals![0].tags!;
    expect(Object.keys(kept)).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
    expect(Object.getPrototypeOf(kept)).toBe(Object.prototype);
    expect(JSON.stringify(kept)).toBe('{"__proto__":"a","constructor":"b","toString":"c","hasOwnProperty":"d"}');
    // members inherited from a prototype are not tags, and tags or organizations inherited by the principal or settings are not read
    const inherited = Object.create({ team: 'blue' }) as Record<string, string>;
    const viaProto = JSON.parse(`{"principals":[{"arn":"${ALICE}","accessKeyId":"AKIAALICE00000000001","__proto__":{"tags":{"team":"blue"}}}],"__proto__":{"organizations":{"${ACCOUNT}":"o-a1b2c3d4e5"}}}`);
    const v = settingsOf(viaProto);
    expect(v.ok && v.scenario.settings).toEqual({ principals: [{ arn: ALICE, accessKeyId: 'AKIAALICE00000000001' }] });
    expect(settingsOf(principal(inherited)).ok).toBe(false);
  });

  it('answers instead of throwing when reading tags throws', () => {
    const tags = { get team(): string {
      throw new Error('boom');
    } };
    const r = settingsOf(principal(tags));
    expect(r).toEqual({ ok: false, error: 'bad-shape', detail: 'scenario cannot be read (Error: boom)' });
  });
});

describe('the JSON Schema', () => {
  it('accepts principal tags and organizations as the loader does', async () => {
    const { scenarioJsonSchema } = await import('../../src/scenario/schema');
    const { check } = await import('./json-schema-lite');
    const schema = scenarioJsonSchema as unknown as Record<string, unknown>;
    expect(check(schema, TEAMS)).toEqual([]);
    expect(check(schema, { v: 2, seed: 1, settings: { organizations: { [ACCOUNT]: 'org-1' } }, steps: [] }).join('\n')).toMatch(/does not match/);
    expect(check(schema, { v: 2, seed: 1, settings: { principals: [{ arn: ALICE, accessKeyId: 'AKIAALICE00000000001', tags: { team: 7 } }] }, steps: [] }).join('\n')).toMatch(/team/);
  });
});
