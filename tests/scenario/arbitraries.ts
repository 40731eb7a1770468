/** fast-check generators of valid scenarios (every one passes validateScenario). */
import fc from 'fast-check';
import { LIMITS, rootArn, type JsonValue, type Scenario, type ScenarioSettings, type Step } from '../../src/scenario/format';

const ACCOUNTS = ['111122223333', '444455556666'];

const jsonObject = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });

/** IAM identity policies the engine reads (a link with any other is refused when decoded) */
const policyObject = fc.record({
  Version: fc.constant('2012-10-17'),
  Statement: fc.array(
    fc.record({
      Effect: fc.constantFrom('Allow', 'Deny'),
      Action: fc.oneof(fc.constantFrom('kms:*', 'kms:Decrypt', 'kms:CreateGrant'), fc.constant(['kms:Encrypt', 'kms:Decrypt'])),
      Resource: fc.constantFrom('*', 'arn:aws:kms:*:111122223333:key/*'),
    }),
    { minLength: 1, maxLength: 2 },
  ),
});

/** a map with these pairs as own members (a "__proto__" key stays a member, as JSON.parse makes it) */
function ownMap(pairs: [string, string][]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of pairs) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** IAM tags as IAM allows them, prototype-named keys included (distinct keys, regardless of case) */
const tagsArbitrary = fc
  .uniqueArray(fc.tuple(fc.constantFrom('team', 'Cost Center', 'a:b/c=d+e-f@g', 'équipe', '__proto__', 'constructor', 'x'.repeat(LIMITS.tagKeyLength)), fc.constantFrom('', 'blue', 'red team', 'v'.repeat(LIMITS.tagValueLength))), {
    maxLength: 4,
    selector: ([k]) => k.toLowerCase(),
  })
  .map(ownMap);

/** organizations by account, for the accounts the arbitraries use and one more */
const organizationsArbitrary = fc
  .uniqueArray(fc.tuple(fc.constantFrom(...ACCOUNTS, '999988887777'), fc.constantFrom('o-a1b2c3d4e5', 'o-' + 'z9'.repeat(16))), { maxLength: 3, selector: ([a]) => a })
  .map(ownMap);

function principal(accountId: string, i: number) {
  return fc.record(
    {
      arn: fc.constantFrom(`arn:aws:iam::${accountId}:role/R${i}`, `arn:aws:sts::${accountId}:assumed-role/R${i}/session-${i}`),
      accessKeyId: fc.constant(`AKIA${String(i).padStart(16, '0')}`),
      secretAccessKey: fc.string({ minLength: 1, maxLength: 40, unit: fc.constantFrom(...'abcXYZ019+/=!~') }),
      policy: fc.oneof(policyObject.map((o) => JSON.stringify(o)), policyObject),
      tags: tagsArbitrary,
    },
    { requiredKeys: ['arn', 'accessKeyId'] },
  );
}

const settingsArbitrary: fc.Arbitrary<ScenarioSettings> = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.constantFrom(...ACCOUNTS), fc.integer({ min: 0, max: 3 }))
  .chain(([hosts, accountId, n]) =>
    fc.record(
      {
        region: fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-gov-west-1'),
        accountId: fc.constant(accountId),
        startTime: fc.integer({ min: 0, max: LIMITS.startTimeMax }),
        hosts: fc.constant(hosts),
        routing: fc.oneof(
          fc.constantFrom('random' as const, 'round-robin' as const),
          // below both `hosts` and the default 3, since `hosts` may be left out of the record
          fc.record({ pinned: fc.integer({ min: 0, max: Math.min(hosts, 3) - 1 }) }),
        ),
        propagation: fc
          .tuple(fc.integer({ min: 0, max: LIMITS.propagationMs }), fc.integer({ min: 0, max: LIMITS.propagationMs }), fc.constantFrom(undefined, 'uniform' as const, 'realistic' as const))
          .map(([a, b, distribution]) => ({ minMs: Math.min(a, b), maxMs: Math.max(a, b), ...(distribution && { distribution }) })),
        principals: fc.tuple(...Array.from({ length: n }, (_, i) => principal(accountId, i))),
        organizations: organizationsArbitrary,
      },
      { requiredKeys: [] },
    ),
  );

const expectation = fc.record(
  {
    status: fc.integer({ min: 100, max: 599 }),
    error: fc.constantFrom('AccessDeniedException', 'com.amazon.coral.validate#ValidationException', 'NotFoundException'),
    match: fc.dictionary(fc.constantFrom('Grants.length', 'Grants.0.Name', 'KeyMetadata.KeyState', 'GrantId', 'a_b.c-d.0'), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>, { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);

function stepArbitrary(callers: string[], hosts: number): fc.Arbitrary<Step> {
  const note = fc.string({ maxLength: 30 });
  const title = fc.string({ maxLength: 40 });
  return fc.oneof(
    fc.record(
      {
        kind: fc.constant('request' as const),
        title,
        at: fc.integer({ min: 0, max: LIMITS.timeMs }),
        caller: fc.constantFrom(...callers),
        target: fc.constantFrom('CreateKey', 'CreateGrant', 'Encrypt', 'Decrypt', 'RetireGrant', 'RevokeGrant', 'ListGrants', 'NoSuchOp'),
        body: jsonObject,
        host: fc.integer({ min: 0, max: hosts - 1 }),
        expect: expectation,
        note,
      },
      { requiredKeys: ['kind', 'target', 'body'] },
    ),
    fc.record({ kind: fc.constant('advance' as const), title, ms: fc.integer({ min: 0, max: LIMITS.timeMs }), note }, { requiredKeys: ['kind', 'ms'] }),
    fc.record({ kind: fc.constant('settle' as const), title, note }, { requiredKeys: ['kind'] }),
    fc.record({ kind: fc.constant('note' as const), title, text: fc.string({ maxLength: 60 }), note }, { requiredKeys: ['kind', 'text'] }),
  );
}

/**
 * Steps with unique ids on some of them (placed first, as the encoder writes them), and
 * request bodies that refer to earlier request steps by id.
 */
function withIds(steps: Step[], named: boolean[], refer: boolean[]): Step[] {
  const requestIds: string[] = [];
  return steps.map((step, i) => {
    let out: Step = step;
    if (step.kind === 'request' && refer[i] && requestIds.length > 0) {
      const id = requestIds[i % requestIds.length];
      out = { ...step, body: { ...step.body, Ref: `{{${id}.GrantId}}`, Text: `grant {{${id}.Grants.0.Name}} !` } };
    }
    if (!named[i]) return out;
    const { kind, ...rest } = out;
    const id = `s${i}_x-${i % 3}`;
    if (kind === 'request') requestIds.push(id);
    return { kind, id, ...rest } as Step;
  });
}

export const scenarioArbitrary: fc.Arbitrary<Scenario> = fc
  .tuple(fc.option(settingsArbitrary, { nil: undefined }), fc.integer({ min: 0, max: LIMITS.seedMax }), fc.option(fc.string({ maxLength: 40 }), { nil: undefined }))
  .chain(([settings, seed, title]) => {
    const accountId = settings?.accountId ?? '111122223333';
    const callers = [rootArn(accountId), ...(settings?.principals ?? []).map((p) => p.arn)];
    return fc
      .tuple(fc.array(stepArbitrary(callers, settings?.hosts ?? 3), { maxLength: 12 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), fc.option(fc.string({ maxLength: 60 }), { nil: undefined }))
      .map(([steps, named, refer, description]) => {
      const s: Scenario = { v: 2, seed, steps: withIds(steps, named, refer) };
      if (title !== undefined) s.title = title;
      if (description !== undefined) s.description = description;
      if (settings !== undefined) s.settings = settings;
      return s;
    });
  });
