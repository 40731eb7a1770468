/**
 * The editor's requests (src/ui/wire.ts buildRequest, what Send uses) go through the same builder
 * and signer as replay: a principal configured with a secret key is answered, a wrong secret is
 * refused as AWS refuses it, and for the same inputs the editor and replay send the same request.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/kms/index';
import type { SimulatorOptions } from '../../src/kms/api';
import { INVALID_SIGNATURE_EXCEPTION, INVALID_SIGNATURE_MESSAGE } from '../../src/kms/wire/authErrors';
import { resolveSettings, type Scenario } from '../../src/scenario/format';
import { buildRequest as replayRequest } from '../../src/scenario/run';
import { replay } from '../../src/scenario/replay';
import { buildRequest, captureResponse, errorType, loadSigner, type Caller } from '../../src/ui/wire';

// the editor's request builder loads with the engine (src/ui/signer.ts)
beforeAll(() => loadSigner());

const ACCOUNT = '111122223333';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const LOGS = 'logs.amazonaws.com';
const START = Date.UTC(2026, 0, 1, 12);
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
const OPTIONS: SimulatorOptions = {
  seed: 5,
  region: 'us-east-1',
  accountId: ACCOUNT,
  startTime: START,
  hosts: 2,
  principals: [
    { arn: APP, accessKeyId: 'AKIAAPPROLEEXAMPLE01', secretAccessKey: SECRET, policy: ALLOW_ALL },
    { arn: LOGS, accessKeyId: 'AKIALOGSSERVICE00001' },
  ],
};
const callers = (secret: string | undefined): Caller[] => [
  { arn: ROOT, label: 'Account root' },
  { arn: APP, accessKeyId: 'AKIAAPPROLEEXAMPLE01', label: 'role/App', ...(secret !== undefined ? { secretAccessKey: secret } : {}) },
  { arn: LOGS, accessKeyId: 'AKIALOGSSERVICE00001', label: `service ${LOGS}`, service: true },
];

async function sendAs(secret: string | undefined, operation = 'ListKeys', body = '{}') {
  const sim = createSimulator(OPTIONS);
  await sim.ready;
  const res = await sim.fetch(buildRequest({ operation, callerArn: APP, body }, { region: 'us-east-1', callers: callers(secret), now: sim.clock.now() }));
  return captureResponse(res);
}

describe("the editor's requests (ui/wire buildRequest)", () => {
  it('are answered for a principal configured with a secret key: signed with it', async () => {
    const res = await sendAs(SECRET);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toHaveProperty('Keys');
  });

  it('are refused with AWS InvalidSignatureException when signed with the wrong secret', async () => {
    const res = await sendAs('not-the-secret');
    expect(res.status).toBe(400);
    expect(errorType(res)).toBe(INVALID_SIGNATURE_EXCEPTION);
    expect(JSON.parse(res.body)).toEqual({ __type: INVALID_SIGNATURE_EXCEPTION, message: INVALID_SIGNATURE_MESSAGE });
  });

  it('carry a placeholder signature when the caller has no secret, which a principal with one refuses', async () => {
    const res = await sendAs(undefined);
    expect(res.status).toBe(400);
    expect(errorType(res)).toBe(INVALID_SIGNATURE_EXCEPTION);
  });

  it('are the requests replay sends for the same step: same URL, headers and body', async () => {
    const settings = resolveSettings({ region: 'eu-west-1', accountId: ACCOUNT, principals: OPTIONS.principals as never });
    const body = { KeyId: 'alias/orders', Plaintext: 'aGk=', EncryptionContext: { tenant: 'ü' } };
    const cases = [
      { caller: APP, host: 1 },
      { caller: undefined, host: undefined },
      { caller: LOGS, host: 0, sourceArn: 'arn:aws:logs:eu-west-1:111122223333:log-group:app' },
    ];
    for (const c of cases) {
      const fromEditor = buildRequest(
        { operation: 'Encrypt', callerArn: c.caller ?? ROOT, body: JSON.stringify(body), host: c.host, sourceArn: c.sourceArn },
        { region: 'eu-west-1', callers: callers(SECRET), now: START + 1_234 },
      );
      const fromReplay = replayRequest({ kind: 'request', target: 'Encrypt', caller: c.caller, body, host: c.host, sourceArn: c.sourceArn }, settings, START + 1_234);
      expect(fromEditor.url).toBe(fromReplay.url);
      expect([...fromEditor.headers]).toEqual([...fromReplay.headers]);
      expect(await fromEditor.text()).toBe(await fromReplay.text());
    }
  });

  it("send a service caller's source ARN only, and never another caller's", () => {
    const sourceArn = 'arn:aws:logs:us-east-1:111122223333:log-group:app';
    const opts = { region: 'us-east-1', callers: callers(SECRET), now: START };
    expect(buildRequest({ operation: 'Encrypt', callerArn: LOGS, body: '{}', sourceArn }, opts).headers.get('x-playground-source-arn')).toBe(sourceArn);
    expect(buildRequest({ operation: 'Encrypt', callerArn: APP, body: '{}', sourceArn }, opts).headers.get('x-playground-source-arn')).toBeNull();
  });
});

describe('a lesson whose principal has a secret', () => {
  const lesson: Scenario = {
    v: 2,
    seed: 5,
    settings: { accountId: ACCOUNT, startTime: START, principals: [{ arn: APP, accessKeyId: 'AKIAAPPROLEEXAMPLE01', secretAccessKey: SECRET, policy: ALLOW_ALL }] },
    steps: [
      { kind: 'request', caller: APP, target: 'CreateKey', body: { Description: 'signed' } },
      { kind: 'request', caller: APP, target: 'ListKeys', body: {} },
    ],
  } as Scenario;

  it("keeps the secret in the learner's simulator, and the editor's requests get the answers replay gets", async () => {
    const options = { seed: 5, accountId: ACCOUNT, startTime: START, principals: lesson.settings!.principals };
    expect(options.principals?.[0].secretAccessKey).toBe(SECRET);
    const sim = createSimulator(options);
    await sim.ready;
    const replayed = await replay(lesson);
    for (const [i, step] of lesson.steps.entries()) {
      if (step.kind !== 'request') continue;
      const res = await captureResponse(
        await sim.fetch(buildRequest({ operation: step.target, callerArn: APP, body: JSON.stringify(step.body) }, { region: 'us-east-1', callers: callers(SECRET), now: sim.clock.now() })),
      );
      const expected = replayed.results[i] as { status: number; body: string };
      expect(res.status).toBe(200);
      expect([res.status, res.body]).toEqual([expected.status, expected.body]);
    }
  });
});

describe('captureResponse reads the body from its stream', () => {
  it('joins a character split across chunks, and reads an empty body as empty', async () => {
    const bytes = new TextEncoder().encode('{"Description":"clé ✓ 🔑"}');
    // one chunk per byte: every multi-byte character is split
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (const b of bytes) c.enqueue(new Uint8Array([b]));
        c.close();
      },
    });
    const res = await captureResponse(new Response(stream, { status: 200, headers: { 'x-amzn-requestid': 'r-1' } }));
    expect(res.body).toBe('{"Description":"clé ✓ 🔑"}');
    expect(res.requestId).toBe('r-1');
    expect((await captureResponse(new Response(null, { status: 200 }))).body).toBe('');
    // bytes that are not UTF-8 read as replacement characters, as Response.text() reads them
    const bad = new Uint8Array([0x7b, 0xff, 0x7d]);
    expect((await captureResponse(new Response(bad))).body).toBe(await new Response(bad).text());
  });
});
