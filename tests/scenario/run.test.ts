import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import type { Simulator, SimulatorOptions } from '../../src/kms/api';
import type { SimEvent } from '../../src/kms/events';
import { resolveSettings, simulatorOptions, type Scenario } from '../../src/scenario/format';
import { scenarioFromLog, stepsFromLog } from '../../src/scenario/record';
import { buildRequest, ReplayError, replayWith, type StepResult } from '../../src/scenario/run';
import { amzDate, UNSIGNED_SIGNATURE } from '../../src/scenario/sigv4';
import { APP_ROLE, KEY_ARN, LESSON_20 } from './fixtures';

interface Sent {
  at: number;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A stand-in for the engine: records what it is sent, answers 200, keeps a virtual clock. */
function fakeSimulator(options: SimulatorOptions, failOn?: string) {
  let now = options.startTime ?? 0;
  const sent: Sent[] = [];
  const events: SimEvent[] = [];
  const sim: Simulator & { sent: Sent[]; options: SimulatorOptions } = {
    options,
    sent,
    clock: {
      now: () => now,
      advance(ms) {
        events.push({ type: '@kms.clock', at: now + ms, from: now });
        now += ms;
      },
      set(t) {
        if (t < now) throw new Error('Unable to travel back in time');
        events.push({ type: '@kms.clock', at: t, from: now });
        now = t;
      },
      settle() {
        now += 4_321;
        return now;
      },
    },
    async fetch(request) {
      const headers: Record<string, string> = {};
      request.headers.forEach((v, k) => (headers[k] = v));
      const body = await request.text();
      if (failOn && headers['x-amz-target'] === `TrentService.${failOn}`) throw new Error('invariant broken');
      sent.push({ at: now, method: request.method, url: request.url, headers, body });
      return new Response(JSON.stringify({ n: sent.length }), {
        status: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': `req-${sent.length}` },
      });
    },
    events,
    subscribe: () => () => {},
    lastDecision: undefined,
  };
  return sim;
}

function replayFake(scenario: Scenario, failOn?: string) {
  let made: ReturnType<typeof fakeSimulator> | undefined;
  const run = replayWith((o) => (made = fakeSimulator(o, failOn)), scenario);
  return { run, sim: () => made! };
}

class NodeSha256 {
  #h;
  constructor(secret?: unknown) {
    this.#h = secret ? createHmac('sha256', secret as Uint8Array) : createHash('sha256');
  }
  update(data: Uint8Array | string) {
    this.#h.update(data);
  }
  async digest() {
    return new Uint8Array(this.#h.digest());
  }
  reset() {}
}

const START = resolveSettings(undefined).startTime;

describe('replayWith (fake simulator)', () => {
  it('creates the simulator with the seed and every setting, defaults included', async () => {
    const { run, sim } = replayFake(LESSON_20);
    await run;
    expect(sim().options).toEqual(simulatorOptions(LESSON_20));
    expect(sim().options).toMatchObject({ seed: LESSON_20.seed, region: 'us-east-1', accountId: '111122223333', startTime: START, hosts: 4 });
  });

  it('sends AWS JSON 1.1 requests, unsigned for the root and signed for principals', async () => {
    const { run, sim } = replayFake(LESSON_20);
    await run;
    const [createKey, , createGrant, decrypt, pinned] = sim().sent;
    expect(createKey).toEqual({
      at: START,
      method: 'POST',
      url: 'https://kms.us-east-1.amazonaws.com/',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.CreateKey' },
      body: JSON.stringify((LESSON_20.steps[1] as { body: unknown }).body),
    });
    expect(createGrant.headers.authorization).toBeUndefined();
    expect(decrypt.headers).toMatchObject({ 'x-amz-target': 'TrentService.Decrypt', 'x-amz-date': '20260101T000002Z' });
    expect(decrypt.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20260101\/us-east-1\/kms\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(decrypt.headers['x-playground-host']).toBeUndefined();
    expect(pinned.headers['x-playground-host']).toBe('2');
    // OPS_ROLE has no secret: its key id travels with a placeholder signature
    const retire = sim().sent.find((s) => s.headers['x-amz-target'] === 'TrentService.RetireGrant')!;
    expect(retire.headers.authorization).toContain('Credential=AKIAI44QH8DHBEXAMPLE/');
    expect(retire.headers.authorization).toContain(`Signature=${UNSIGNED_SIGNATURE}`);
  });

  it('signs exactly as the AWS SDK signer does', async () => {
    const settings = resolveSettings(LESSON_20.settings);
    const principal = settings.principals.find((p) => p.arn === APP_ROLE)!;
    const body = { CiphertextBlob: 'AQICAHh', KeyId: KEY_ARN, EncryptionContext: { tenant: 'acme' } };
    for (const [region, at] of [['us-east-1', START + 2_200], ['eu-west-1', Date.UTC(2027, 11, 31, 23, 59, 59)]] as const) {
      const request = await buildRequest({ kind: 'request', caller: APP_ROLE, target: 'Decrypt', body }, { ...settings, region }, at);
      const signer = new SignatureV4({
        service: 'kms',
        region,
        credentials: { accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey! },
        sha256: NodeSha256,
        applyChecksum: false,
      });
      const host = `kms.${region}.amazonaws.com`;
      const signed = await signer.sign(
        {
          method: 'POST',
          protocol: 'https:',
          hostname: host,
          path: '/',
          query: {},
          headers: { 'content-type': 'application/x-amz-json-1.1', host, 'x-amz-target': 'TrentService.Decrypt' },
          body: JSON.stringify(body),
        },
        { signingDate: new Date(at) },
      );
      expect(request.headers.get('x-amz-date')).toBe(amzDate(at));
      expect(request.headers.get('authorization')).toBe(signed.headers.authorization);
    }
  });

  it('moves the clock to start + at before a request, never backwards', async () => {
    const scenario: Scenario = {
      v: 2,
      seed: 1,
      steps: [
        { kind: 'request', at: 5_000, target: 'ListKeys', body: {} },
        { kind: 'advance', ms: 10_000 },
        { kind: 'request', at: 7_000, target: 'ListKeys', body: {} },
        { kind: 'settle' },
        { kind: 'note', text: 'hi' },
        { kind: 'request', target: 'ListKeys', body: {} },
      ],
    };
    const { run, sim } = replayFake(scenario);
    const { results } = await run;
    expect(results.map((r) => [r.kind, r.at - START])).toEqual([
      ['request', 5_000],
      ['advance', 15_000],
      ['request', 15_000],
      ['settle', 19_321],
      ['note', 19_321],
      ['request', 19_321],
    ]);
    expect(sim().sent.map((s) => s.at - START)).toEqual([5_000, 15_000, 19_321]);
  });

  it('records status, every header, the body text and the time of each response', async () => {
    const seen: [number, StepResult][] = [];
    const scenario: Scenario = { v: 2, seed: 1, steps: [{ kind: 'request', caller: undefined, target: 'ListKeys', body: { Limit: 10 } }] };
    const { results, events, sim } = await replayWith((o) => fakeSimulator(o), scenario, { onStep: (i, r) => seen.push([i, r]) });
    expect(results).toEqual([
      {
        kind: 'request',
        at: START,
        target: 'ListKeys',
        caller: 'arn:aws:iam::111122223333:root',
        status: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-1' },
        body: '{"n":1}',
      },
    ]);
    expect(seen).toEqual([[0, results[0]]]);
    expect(events).toBe(sim.events);
  });

  it('stops between steps when the signal aborts, with the steps done so far reported', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = replayWith((o) => fakeSimulator(o), LESSON_20, {
      signal: controller.signal,
      onStep: (i) => {
        seen.push(i);
        if (i === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([0, 1, 2]);
    await expect(replayWith((o) => fakeSimulator(o), LESSON_20, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reports a simulator failure as a ReplayError with the step and the results before it', async () => {
    const { run } = replayFake(LESSON_20, 'CreateGrant');
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplayError);
    expect(error).toMatchObject({ stepIndex: 3, message: expect.stringMatching(/step 3: invariant broken/) });
    expect((error as ReplayError).results).toHaveLength(3);
    expect((error as ReplayError).cause).toBeInstanceOf(Error);
  });

  it('refuses an invalid scenario before creating a simulator', async () => {
    let created = false;
    const bad = { v: 2, seed: 1, steps: [{ kind: 'request', caller: 'arn:aws:iam::111122223333:role/Nobody', target: 'ListKeys', body: {} }] } as Scenario;
    await expect(replayWith((o) => ((created = true), fakeSimulator(o)), bad)).rejects.toThrow(TypeError);
    expect(created).toBe(false);
  });
});

describe('stepsFromLog / scenarioFromLog', () => {
  const settings = { hosts: 4, principals: [{ arn: APP_ROLE, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }] };
  const log = [
    { at: START, target: 'TrentService.CreateKey', body: {} },
    { at: START, caller: 'arn:aws:iam::111122223333:root', target: 'ListKeys', body: {} },
    { at: START + 2_000, caller: APP_ROLE, target: 'Decrypt', body: { KeyId: KEY_ARN }, host: 1 },
    { at: START + 1_000, caller: APP_ROLE, target: 'Decrypt', body: { KeyId: KEY_ARN }, note: 'clock went back?' },
  ];

  it('turns a recorded session into request steps at the same virtual times', () => {
    expect(stepsFromLog(log, settings)).toEqual([
      { kind: 'request', target: 'CreateKey', body: {} },
      { kind: 'request', target: 'ListKeys', body: {} },
      { kind: 'request', at: 2_000, caller: APP_ROLE, target: 'Decrypt', body: { KeyId: KEY_ARN }, host: 1 },
      { kind: 'request', caller: APP_ROLE, target: 'Decrypt', body: { KeyId: KEY_ARN }, note: 'clock went back?' },
    ]);
  });

  it('copies the bodies, so later edits of the log do not change the scenario', () => {
    const body = { KeyId: KEY_ARN, Nested: { a: 1 } };
    const [step] = stepsFromLog([{ at: START, target: 'Encrypt', body }]);
    body.Nested.a = 2;
    expect(step.body).toEqual({ KeyId: KEY_ARN, Nested: { a: 1 } });
  });

  it('builds a valid scenario that replays the session and ends where it ended', async () => {
    const scenario = scenarioFromLog(log, { seed: 8, settings: { ...settings, region: 'us-east-1' }, title: 'Recorded', until: START + 60_000 });
    expect(scenario).toEqual({
      v: 2,
      title: 'Recorded',
      seed: 8,
      settings,
      steps: [...stepsFromLog(log, settings), { kind: 'advance', ms: 58_000 }],
    });
    const { run, sim } = replayFake(scenario);
    const { results } = await run;
    expect(sim().sent.map((s) => s.at - START)).toEqual([0, 0, 2_000, 2_000]);
    expect(results.at(-1)).toEqual({ kind: 'advance', at: START + 60_000 });
    expect(sim().sent.map((s) => s.headers['x-amz-target'])).toEqual(log.map((l) => `TrentService.${l.target.replace('TrentService.', '')}`));
    expect(sim().sent[1].headers.authorization).toBeUndefined();
    expect(sim().sent[2].headers.authorization).toContain('AKIAIOSFODNN7EXAMPLE');
  });
});

describe('replayWith: references and checks (fake simulator)', () => {
  const KEY = 'arn:aws:kms:us-east-1:111122223333:key/k1';
  /** answers CreateKey and CreateGrant with fixed bodies, Encrypt with a 400, the rest with {n} */
  function scripted(options: SimulatorOptions) {
    const sim = fakeSimulator(options);
    const inner = sim.fetch.bind(sim);
    sim.fetch = async (request) => {
      const target = request.headers.get('x-amz-target');
      const res = await inner(request);
      const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: res.headers });
      if (target === 'TrentService.CreateKey') return json({ KeyMetadata: { Arn: KEY, KeyId: 'k1', Enabled: true } });
      if (target === 'TrentService.CreateGrant') return json({ GrantId: 'g1', GrantToken: 'tok' });
      if (target === 'TrentService.Encrypt') return json({ __type: 'AccessDeniedException', message: 'User: x is not authorized' }, 400);
      if (target === 'TrentService.RetireGrant') return new Response('', { status: 200, headers: res.headers });
      return res;
    };
    return sim;
  }

  const scenario: Scenario = {
    v: 2,
    seed: 1,
    settings: { principals: [{ arn: APP_ROLE, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }] },
    steps: [
      { kind: 'request', id: 'key', target: 'CreateKey', body: {}, expect: { status: 200, match: { 'KeyMetadata.Enabled': true } } },
      { kind: 'request', id: 'grant', target: 'CreateGrant', body: { KeyId: '{{key.KeyMetadata.Arn}}', Operations: ['Decrypt'], Name: 'for {{key.KeyMetadata.KeyId}}' }, expect: { status: 200 } },
      { kind: 'request', caller: APP_ROLE, target: 'Encrypt', body: { KeyId: '{{key.KeyMetadata.Arn}}', GrantTokens: ['{{grant.GrantToken}}'] }, expect: { status: 200 } },
      { kind: 'request', id: 'retire', target: 'RetireGrant', body: { GrantToken: '{{grant.GrantToken}}' }, expect: { status: 200, match: { GrantId: '{{grant.GrantId}}' } } },
      { kind: 'request', target: 'RetireGrant', body: { GrantToken: '{{retire.GrantToken}}' }, expect: { status: 200 } },
      { kind: 'request', target: 'ListGrants', body: { KeyId: '{{key.KeyMetadata.Arn}}', Limit: '{{key.KeyMetadata.Enabled}}' } },
    ],
  };

  it('sends each body with its references resolved, typed when a string is one reference', async () => {
    let sim: ReturnType<typeof scripted> | undefined;
    await replayWith((o) => (sim = scripted(o)), scenario);
    const bodies = sim!.sent.map((s) => JSON.parse(s.body) as unknown);
    expect(bodies).toEqual([
      {},
      { KeyId: KEY, Operations: ['Decrypt'], Name: 'for k1' },
      { KeyId: KEY, GrantTokens: ['tok'] },
      { GrantToken: 'tok' },
      // step 4 is not sent: step 'retire' answered with an empty body
      { KeyId: KEY, Limit: true },
    ]);
  });

  it('reports each check; a failed check does not stop the replay', async () => {
    const { results } = await replayWith(scripted, scenario);
    const checks = results.map((r) => (r.kind === 'request' ? r.check : undefined));
    expect(checks[0]).toMatchObject({ ok: true, failures: [] });
    expect(checks[1]).toMatchObject({ ok: true, failures: [] });
    expect(checks[2]).toMatchObject({ ok: false, failures: ['expected status 200, got 400 (AccessDeniedException: User: x is not authorized)'] });
    expect(checks[3]).toMatchObject({ ok: false, failures: ['expected GrantId to be "g1", but the response has no GrantId'] });
    expect(checks[5]).toBeUndefined(); // no expectation, no check
    expect(results).toHaveLength(6);
  });

  it('does not send a request whose reference cannot be resolved, and says why', async () => {
    const { results } = await replayWith(scripted, scenario);
    expect(results[4]).toEqual({
      kind: 'request',
      at: START,
      target: 'RetireGrant',
      caller: 'arn:aws:iam::111122223333:root',
      status: 0,
      headers: {},
      body: '',
      check: { ok: false, failures: ["not sent: step 'retire' has no response member GrantToken (its response had no JSON body)"] },
      unresolved: "step 'retire' has no response member GrantToken (its response had no JSON body)",
    });
  });

  it('resolves a caller reference and refuses one that names nobody configured', async () => {
    const withCaller = (caller: string): Scenario => ({
      ...scenario,
      steps: [scenario.steps[0], { kind: 'request', caller, target: 'ListKeys', body: {} }],
    });
    let sim: ReturnType<typeof scripted> | undefined;
    const ok = await replayWith((o) => (sim = scripted(o)), withCaller('arn:aws:iam::111122223333:role/{{key.KeyMetadata.KeyId}}'));
    expect(ok.results[1]).toMatchObject({ status: 0, unresolved: expect.stringMatching(/role\/k1" is neither the account root nor a principal/) });
    expect(sim!.sent).toHaveLength(1);
    const app = APP_ROLE.replace('OrdersApp', '{{key.KeyMetadata.KeyId}}');
    const named = await replayWith(scripted, { ...withCaller(app), settings: { principals: [{ arn: APP_ROLE.replace('OrdersApp', 'k1'), accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }] } });
    expect(named.results[1]).toMatchObject({ status: 200, caller: APP_ROLE.replace('OrdersApp', 'k1') });
  });

  it('replays the same results twice (resolution is deterministic)', async () => {
    const a = await replayWith(scripted, scenario);
    const b = await replayWith(scripted, scenario);
    expect(JSON.stringify(b.results)).toBe(JSON.stringify(a.results));
  });
});
