/**
 * Validation at the boundary (issue 19, items 1 and 2): share links, workspace files and the
 * options a simulator is made with all go through src/scenario/validate.ts. Each hostile input
 * found in the attack run is refused with a reason in words that names the field; the account
 * root listed as a principal is merged into the root (kept as its configuration, shown once in
 * the Caller list); prototype keys are plain keys; and no input makes a check throw.
 */
import '../store/helpers';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/kms/index';
import { OPERATION_GROUPS } from '../../src/kms/ops/index';
import { decodeScenario, scenarioFromHash, scenarioToUrlHash, toBase64Url } from '../../src/scenario/codec';
import { parseScenario, simulatorOptions, validateScenario, type Scenario } from '../../src/scenario/format';
import { replay } from '../../src/scenario/replay';
import { checkLog, checkSettings, checkSimulatorOptions, configuredCallers, show } from '../../src/scenario/validate';
import { fromJsonSafe, parseWorkspaceFile, toJsonSafe } from '../../src/store/file';
import { createMemoryPlaygroundStore, openWorkspaceSimulator } from '../../src/store/index';
import { groupsFrom } from '../../src/ui/operations';
import { Session } from '../../src/ui/Session.svelte';
import { configFor } from '../../src/ui/workspaces/WorkspaceApp.svelte';

const ACCOUNT = '111122223333';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const FIXTURE_TEXT = readFileSync(new URL('../fixtures/store/workspace-file-v1.json', import.meta.url), 'utf8');
const fixture = () => JSON.parse(FIXTURE_TEXT) as { workspace: { options: Record<string, unknown> }; snapshot: { log: Record<string, unknown>[]; state: { meta: Record<string, unknown> } } };

/** jargon a user must not be shown: a regular expression, or type words for a number */
const JARGON = /must match|\/\^|must be an integer|must be an array|must be a string\b/;
/** a refusal without the values it quotes (a quoted value may hold anything) */
const words = (text: string) => text.replace(/'(?:[^'\\]|\\.)*'…?/g, "'…'");

function refusedFor(r: { ok: boolean; error?: string; detail?: string }, field: string, reason: RegExp): void {
  expect(r.ok, JSON.stringify(r)).toBe(false);
  const text = r.error !== undefined && typeof r.error === 'string' && r.detail === undefined ? r.error : (r.detail ?? '');
  expect(text).toContain(field);
  expect(text).toMatch(reason);
  expect(text).not.toMatch(JARGON);
}

function fileWith(edit: (f: ReturnType<typeof fixture>) => void): unknown {
  const f = fixture();
  edit(f);
  return f;
}

function sessionFor(options: Parameters<typeof configFor>[0]): Session {
  const sim = createSimulator({ ...options });
  return new Session(sim, { ...configFor(options), operationGroups: groupsFrom(OPERATION_GROUPS) });
}

describe('hostile inputs are refused with a reason in words', () => {
  const hostileOptions: [string, Record<string, unknown>, string, RegExp][] = [
    ['a region with a shell command', { region: 'us-east-1$(touch${IFS}/x)' }, 'options.region', /'us-east-1\$\(touch\$\{IFS\}\/x\)' is not an AWS region name/],
    ['a principal ARN with a newline', { principals: [{ arn: `${APP}\nX-Evil: 1`, accessKeyId: 'AKIAAPP0000000000000' }] }, 'options.principals[0].arn', /has a control character \(such as a line break\)/],
    ['minMs above maxMs', { propagation: { minMs: 9000, maxMs: 10 } }, 'options.propagation', /the earliest \(minMs\) must not be later than the latest \(maxMs\)/],
    ['a fractional negative seed', { seed: -1.5 }, 'options.seed', /-1\.5 is not a whole number from 0/],
    ['a clock at 1e300', { startTime: 1e300 }, 'options.startTime', /1e\+300 is not a whole number of milliseconds since 1970/],
    ['an account id of 11 digits', { accountId: '11112222333' }, 'options.accountId', /is not a 12-digit AWS account id/],
    ['a propagation bound of a year', { propagation: { minMs: 0, maxMs: 366 * 24 * 3_600_000 } }, 'options.propagation.maxMs', /is not a whole number of milliseconds from 0 to 604,800,000/],
    ['an access key id with a header break', { principals: [{ arn: APP, accessKeyId: 'AKIA\r\nX-Evil: 1' }] }, 'options.principals[0].accessKeyId', /is not an access key id/],
    ['a secret with a space', { principals: [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000', secretAccessKey: 'a b' }] }, 'options.principals[0].secretAccessKey', /is not a secret access key/],
    ['a policy that is not JSON', { principals: [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000', policy: '{"Statement": [' }] }, 'options.principals[0].policy', /is not JSON text/],
    ['a policy that is a list', { principals: [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000', policy: '[1,2]' }] }, 'options.principals[0].policy', /must be an IAM policy \(a JSON object\), not a list/],
    ['a policy past the size limit', { principals: [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000', policy: { Statement: 'x'.repeat(40_000) } }] }, 'options.principals[0].policy', /characters long as JSON; at most 32,768/],
    ['the same ARN twice', { principals: [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000' }, { arn: APP, accessKeyId: 'AKIAAPP0000000000001' }] }, 'options.principals[1]', /lists arn:aws:iam::111122223333:role\/App a second time \(it is already \S*principals\[0\]\)/],
    ['the same access key twice', { principals: [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000' }, { arn: `${APP}2`, accessKeyId: 'AKIAAPP0000000000000' }] }, 'options.principals[1].accessKeyId', /is already the access key of \S*principals\[0\]; each principal needs its own/],
    ['the root twice', { principals: [{ arn: ROOT, accessKeyId: 'AKIAROOT000000000000' }, { arn: ROOT, accessKeyId: 'AKIAROOT000000000001' }] }, 'options.principals[1]', /lists the account root a second time/],
    ['51 principals', { principals: Array.from({ length: 51 }, (_, i) => ({ arn: `${APP}${i}`, accessKeyId: `AKIAAPP${String(i).padStart(13, '0')}` })) }, 'options.principals', /lists 51 principals; at most 50/],
    ['a pinned host that does not exist', { hosts: 2, routing: { pinned: 5 } }, 'options.routing.pinned', /5 is not a whole number of a host/],
    ['65 hosts', { hosts: 65 }, 'options.hosts', /65 is not a whole number of hosts from 1 to 64/],
  ];

  it.each(hostileOptions)('checkSimulatorOptions refuses %s', (_name, options, field, reason) => {
    refusedFor(checkSimulatorOptions(options), field, reason);
  });

  it.each(hostileOptions)('a workspace file is refused for %s', (_name, options, field, reason) => {
    const file = fileWith((f) => Object.assign(f.workspace.options, options));
    refusedFor(parseWorkspaceFile(file), field.replace(/^options/, 'workspace.options'), reason);
  });

  it.each(hostileOptions.filter(([name]) => name !== 'a fractional negative seed' && name !== '65 hosts'))('a share link is refused for %s', (_name, options, field, reason) => {
    const { seed: _seed, ...settings } = options;
    const link = scenarioFromHash(hashOf({ v: 2, seed: 1, settings, steps: [] }));
    refusedFor(link ?? { ok: true }, field.replace(/^options/, 'settings'), reason);
  });

  it('a share link is refused for a principal policy the engine cannot read, in its words', () => {
    const policy = { Version: '2012-10-17', Statement: 'everything' };
    const r = scenarioFromHash(hashOf({ v: 2, seed: 1, settings: { principals: [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000', policy }] }, steps: [] }));
    refusedFor(r ?? { ok: true }, 'settings.principals[0].policy', /is not an IAM policy the simulator can use: /);
    // and the simulator would indeed refuse it
    expect(() => createSimulator({ principals: [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000', policy }] })).toThrow(/is not valid/);
    const good = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
    expect(scenarioFromHash(hashOf({ v: 2, seed: 1, settings: { principals: [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000', policy: good }] }, steps: [] }))?.ok).toBe(true);
  });

  // each read by the engine's policy parser at the boundary, as the simulator will read it
  const badPolicies: [string, unknown, RegExp][] = [
    ['an unknown top-level element', { Version: '2012-10-17', Foo: 1, Statement: [] }, /Unknown top-level element "Foo"/],
    ['a Statement that is a string', { Version: '2012-10-17', Statement: 'x' }, /Statement must be an object or an array of objects/],
    ['an unknown condition operator', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*', Condition: { StringLikeX: { 'kms:CallerAccount': 'b' } } }] }, /unknown condition operator "StringLikeX"/],
    ['a __proto__ top-level element', JSON.parse('{"Version":"2012-10-17","__proto__":{},"Statement":[]}'), /Unknown top-level element "__proto__"/],
    ['Effect "Maybe"', { Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: 'kms:*', Resource: '*' }] }, /Effect must be "Allow" or "Deny", got "Maybe"/],
    ['the same as JSON text', '{"Version":"2012-10-17","Statement":"x"}', /Statement must be an object or an array of objects/],
  ];
  const withPolicy = (policy: unknown) => ({ principals: [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000', policy }] });
  const PARSER = /is not an IAM policy the simulator can use: /;

  it.each(badPolicies)('checkSettings and checkSimulatorOptions refuse a principal IAM policy with %s, in the parser\'s words', (_name, policy, reason) => {
    expect(() => createSimulator(withPolicy(policy) as never)).toThrow(/is not valid/);
    for (const [r, field] of [
      [checkSettings(withPolicy(policy)), 'settings.principals[0].policy'],
      [checkSimulatorOptions(withPolicy(policy)), 'options.principals[0].policy'],
      [checkSimulatorOptions({ seed: 1, ...withPolicy(policy) }, 'snapshot.options'), 'snapshot.options.principals[0].policy'],
    ] as const) {
      refusedFor(r, field, PARSER);
      expect((r as { error: string }).error).toMatch(reason);
    }
    refusedFor(scenarioFromHash(hashOf({ v: 2, seed: 1, settings: withPolicy(policy), steps: [] })) ?? { ok: true }, 'settings.principals[0].policy', reason);
    refusedFor(parseWorkspaceFile(fileWith((f) => Object.assign(f.workspace.options, withPolicy(policy)))), 'workspace.options.principals[0].policy', reason);
  });

  it('a stored workspace whose principal IAM policy the engine cannot read does not open: refused in words, no simulator made', async () => {
    const store = createMemoryPlaygroundStore({ name: 'bad-policy' });
    const ws = await store.createWorkspace('stored by hand', withPolicy({ Version: '2012-10-17', Statement: 'x' }) as never);
    await expect(openWorkspaceSimulator(store, ws.id)).rejects.toThrow(/options\.principals\[0\]\.policy is not an IAM policy the simulator can use: Statement must be/);
  });

  it('a policy the engine reads is accepted as it was given (text stays text, objects are copied)', () => {
    const good = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*', Condition: { StringLike: { 'kms:CallerAccount': '1111*' } } }] };
    expect(checkSettings(withPolicy(good))).toEqual({ ok: true, value: withPolicy(good) });
    expect(checkSimulatorOptions(withPolicy(JSON.stringify(good)))).toEqual({ ok: true, value: withPolicy(JSON.stringify(good)) });
  });

  it('a share link is refused for a fractional or negative seed', () => {
    refusedFor(scenarioFromHash(hashOf({ v: 2, seed: -1.5, steps: [] })) ?? { ok: true }, 'seed', /-1\.5 is not a whole number from 0 to 4,294,967,295/);
  });

  it.each([
    ['a javascript: URL', (e: Record<string, unknown>) => (e.url = 'javascript:alert(document.domain)'), 'snapshot.log[0].url', /is not an http or https address/],
    ['a data: URL', (e: Record<string, unknown>) => (e.url = 'data:text/html,<script>alert(1)</script>'), 'snapshot.log[0].url', /is not an http or https address/],
    ['a URL with a password', (e: Record<string, unknown>) => (e.url = 'https://user:pw@kms.us-east-1.amazonaws.com/'), 'snapshot.log[0].url', /carries a user name or password/],
    ['a clock entry at 1e300', (e: Record<string, unknown>) => Object.assign(e, { kind: 'clock', at: 1e300, to: 1e300 }), 'snapshot.log[0].at', /1e\+300 is not a whole number of milliseconds since 1970/],
    ['a fractional time', (e: Record<string, unknown>) => (e.at = 1768208400000.5), 'snapshot.log[0].at', /is not a whole number of milliseconds/],
    ['an operation with a script', (e: Record<string, unknown>) => (e.headers = [['x-amz-target', 'TrentService.<img src=x onerror=alert(1)>']]), 'snapshot.log[0].headers[0]', /is not an operation name \(letters only/],
    ['a target of another service', (e: Record<string, unknown>) => (e.headers = [['x-amz-target', 'DynamoDB_20120810.Scan']]), 'snapshot.log[0].headers[0]', /does not name a KMS operation/],
    ['a header value with a line break', (e: Record<string, unknown>) => (e.headers = [['content-type', 'a\r\nSet-Cookie: x=1']]), 'snapshot.log[0].headers[0]', /has a control character/],
    ['a header name with a space', (e: Record<string, unknown>) => (e.headers = [['x evil', 'a']]), 'snapshot.log[0].headers[0]', /is not a header name/],
    ['a method in lower case', (e: Record<string, unknown>) => (e.method = 'post\n'), 'snapshot.log[0].method', /is not an HTTP method/],
    ['an unknown kind', (e: Record<string, unknown>) => (e.kind = 'script'), 'snapshot.log[0].kind', /'script' is not 'request' or 'clock'/],
    ['a body that is not text', (e: Record<string, unknown>) => (e.body = { KeyId: 'x' }), 'snapshot.log[0].body', /must be text, not an object/],
  ])('a workspace file is refused for a log entry with %s', (_name, edit, field, reason) => {
    const file = fileWith((f) => edit(f.snapshot.log[0]));
    refusedFor(parseWorkspaceFile(file), field, reason);
    const log = fixture().snapshot.log;
    edit(log[0]);
    refusedFor(checkLog(log, 'snapshot.log'), field, reason);
  });

  it('an empty workspace file is refused for a policy the engine cannot read, in the engine’s words', () => {
    const file = fileWith((f) => {
      (f as { snapshot: unknown }).snapshot = null;
      f.workspace.options.principals = [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000', policy: { Version: '2012-10-17', Statement: 'everything' } }];
    });
    const r = parseWorkspaceFile(file);
    expect(r.ok).toBe(false);
    // named at its field by the boundary check, in the words of the parser the engine uses
    if (!r.ok) expect(r.detail).toBe('workspace.options.principals[0].policy is not an IAM policy the simulator can use: Statement must be an object or an array of objects.');
    // the same options with a valid policy import
    const good = fileWith((f) => {
      (f as { snapshot: unknown }).snapshot = null;
      f.workspace.options.principals = [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] } }];
    });
    expect(parseWorkspaceFile(good).ok).toBe(true);
  });

  it('a workspace file is refused for a world clock at 1e300', () => {
    refusedFor(parseWorkspaceFile(fileWith((f) => (f.snapshot.state.meta.now = 1e300))), 'snapshot.state.meta.now', /1e\+300 is not a whole number of milliseconds since 1970/);
  });

  it('quotes a hostile value shortly, on one line, with control characters escaped', () => {
    expect(show('a\nb\u0000c\u2028')).toBe("'a\\nb\\u0000c\\u2028'");
    expect(show('x'.repeat(100))).toBe(`'${'x'.repeat(40)}…'`);
    const r = checkSettings({ region: `us-east-1\n${'$(rm -rf /)'.repeat(20)}` });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).not.toContain('\n');
      expect(r.error.length).toBeLessThan(160);
    }
  });
});

/** a link as an attacker makes it: any JSON, compressed the way the codec reads it */
function hashOf(doc: unknown): string {
  return `#s=v2.${deflate(JSON.stringify(doc))}`;
}

function deflate(text: string): string {
  return toBase64Url(deflateSync(new TextEncoder().encode(text), { level: 9 }));
}

describe('the account root listed as a principal', () => {
  const scenario = {
    v: 2,
    seed: 7,
    settings: { principals: [{ arn: ROOT, accessKeyId: 'AKIAROOT000000000000' }, { arn: APP, accessKeyId: 'AKIAAPP0000000000000' }] },
    steps: [
      { kind: 'request', id: 'key', target: 'CreateKey', body: {} },
      { kind: 'request', caller: ROOT, target: 'DescribeKey', body: { KeyId: '{{key.KeyMetadata.KeyId}}' }, expect: { status: 200 } },
    ],
  };

  it('opens from a share link of about 212 characters, the root kept once as its own configuration', () => {
    const hash = hashOf({ v: 2, seed: 1, settings: { principals: [{ arn: ROOT, accessKeyId: 'AKIAROOT000000000000' }] }, steps: [] });
    expect(hash.length).toBeLessThan(260);
    const r = scenarioFromHash(hash);
    expect(r?.ok).toBe(true);
    if (!r?.ok) return;
    expect(r.scenario.settings?.principals).toEqual([{ arn: ROOT, accessKeyId: 'AKIAROOT000000000000' }]);
    expect(configuredCallers(ACCOUNT, r.scenario.settings?.principals ?? [])).toEqual([]);
  });

  it('replays, the root answering as the root', async () => {
    const checked = validateScenario(scenario);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    const result = await replay(checked.scenario);
    expect(result.results.map((s) => (s.kind === 'request' ? [s.caller, s.status] : s.kind))).toEqual([
      [ROOT, 200],
      [ROOT, 200],
    ]);
  });

  it('gives a Caller list with the root once and unique keys', () => {
    const checked = parseScenario(scenario);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    const session = sessionFor(simulatorOptions(checked.scenario));
    const arns = session.callers.map((c) => c.arn);
    expect(arns).toEqual([ROOT, APP]);
    expect(session.callers[0].label).toBe('Account root');
    session.dispose();
  });

  it('keeps the root entry’s access key: a request signed with it is the root’s', async () => {
    const signedAsRoot = () =>
      new Request('https://kms.us-east-1.amazonaws.com/', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'TrentService.CreateKey',
          'x-amz-date': '20260101T000000Z',
          authorization: 'AWS4-HMAC-SHA256 Credential=AKIAROOT000000000000/20260101/us-east-1/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00',
        },
        body: '{}',
      });
    const merged = checkSimulatorOptions({ accountId: ACCOUNT, principals: [{ arn: ROOT, accessKeyId: 'AKIAROOT000000000000' }] });
    expect(merged.ok).toBe(true);
    if (!merged.ok) return;
    const res = await createSimulator(merged.value).fetch(signedAsRoot());
    expect(res.status).toBe(200);
    expect(JSON.parse(await res.text()).KeyMetadata.AWSAccountId).toBe(ACCOUNT);
    // without the entry the key is nobody's: the entry was kept, not dropped
    const without = await createSimulator({ accountId: ACCOUNT }).fetch(signedAsRoot());
    expect(without.status).toBe(400);
    expect(await without.text()).toMatch(/UnrecognizedClient/);
  });
});

describe('the 0.1.0 workspace file', () => {
  it('imports through the store the UI uses, opens, and lists each caller once', async () => {
    const store = createMemoryPlaygroundStore();
    const imported = await store.importWorkspace(FIXTURE_TEXT);
    expect(imported).toMatchObject({ ok: true });
    if (!imported.ok) return;
    const ws = await store.getWorkspace(imported.id);
    expect(ws?.options.principals?.map((p) => p.arn)).toEqual([ROOT, APP, `arn:aws:iam::${ACCOUNT}:role/Auditor`]);
    const sim = await openWorkspaceSimulator(store, imported.id);
    expect(sim.log.length).toBe(fixture().snapshot.log.length);
    const session = new Session(sim, { ...configFor(ws!.options), operationGroups: groupsFrom(OPERATION_GROUPS) });
    const arns = session.callers.map((c) => c.arn);
    expect(new Set(arns).size).toBe(arns.length);
    expect(arns).toEqual([ROOT, APP, `arn:aws:iam::${ACCOUNT}:role/Auditor`]);
    // Send works, as the root and as a role
    session.setTarget('ListKeys');
    session.body = '{}';
    expect((await session.send()).response?.status).toBe(200);
    session.callerArn = APP;
    session.setTarget('ListKeys');
    expect((await session.send()).response?.status).toBeDefined();
    expect(session.history.length).toBe(2);
    session.dispose();
    store.close();
  });
});

describe('the store’s load path', () => {
  it('opens a stored workspace through the same check: hostile saved options are refused in words', async () => {
    const store = createMemoryPlaygroundStore();
    // a database written before the check, or by hand: createWorkspace stores what it is given
    const bad = await store.createWorkspace('old', { region: 'us-east-1$(touch${IFS}/x)' });
    await expect(openWorkspaceSimulator(store, bad.id)).rejects.toThrow(/The settings saved with workspace “old” cannot be used: options\.region 'us-east-1\$\(touch\$\{IFS\}\/x\)' is not an AWS region name/);
    const merged = await store.createWorkspace('root listed', { principals: [{ arn: ROOT, accessKeyId: 'AKIAROOT000000000000' }], store: {} } as never);
    const sim = await openWorkspaceSimulator(store, merged.id);
    expect(sim.clock.now()).toBe(Date.UTC(2026, 0, 1));
    store.close();
  });
});

describe('prototype keys are ordinary keys: neither lost nor honoured', () => {
  it('keeps "constructor" as a step id and resolves references to it', async () => {
    const r = parseScenario({
      v: 2,
      seed: 3,
      steps: [
        { kind: 'request', id: 'constructor', target: 'CreateKey', body: { Tags: [{ TagKey: '__proto__', TagValue: 'x' }] } },
        { kind: 'request', id: 'toString', target: 'DescribeKey', body: { KeyId: '{{constructor.KeyMetadata.KeyId}}' }, expect: { status: 200, match: { 'KeyMetadata.KeyId': '{{constructor.KeyMetadata.KeyId}}' } } },
      ],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const result = await replay(r.scenario);
    const second = result.results[1];
    expect(second.kind === 'request' && second.status).toBe(200);
    expect(second.kind === 'request' && second.check?.ok).toBe(true);
  });

  it('refuses a reference to "constructor" when no step has that id (it is not found on a prototype)', () => {
    const r = parseScenario({ v: 2, seed: 3, steps: [{ kind: 'request', target: 'DescribeKey', body: { KeyId: '{{constructor.name}}' } }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.detail).toMatch(/refers to step 'constructor', but no earlier request step has that id/);
  });

  it('keeps "__proto__" and "constructor" keys of a principal policy and of expect.match as own data', () => {
    // a policy is read by the engine's parser, which allows no such keys: each is an own key,
    // refused by its name, never read through a prototype
    for (const [text, key] of [
      ['{"Version":"2012-10-17","Statement":[],"__proto__":{"polluted":true}}', '__proto__'],
      ['{"Version":"2012-10-17","Statement":[],"constructor":{"polluted":true}}', 'constructor'],
    ]) {
      const policy = JSON.parse(text);
      expect(checkSettings({ principals: [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000', policy }] })).toEqual({
        ok: false,
        error: `settings.principals[0].policy is not an IAM policy the simulator can use: Unknown top-level element "${key}" (allowed: Version, Id, Statement).`,
      });
    }
    // and where a policy may hold any key (a condition's values), prototype names are plain data
    const policy = JSON.parse('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:EncryptionContext:x":["__proto__","constructor"]}}}]}');
    const r = checkSettings({ principals: [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000', policy }] });
    expect(r.ok).toBe(true);
    if (r.ok) expect(JSON.stringify(r.value.principals![0].policy)).toBe(JSON.stringify(policy));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const match = JSON.parse('{"__proto__":1,"constructor":2}');
    const s = validateScenario({ v: 2, seed: 1, steps: [{ kind: 'request', target: 'ListKeys', body: {}, expect: { match } }] });
    expect(s.ok).toBe(true);
    if (s.ok) expect(Object.keys((s.scenario.steps[0] as { expect: { match: object } }).expect.match)).toEqual(['__proto__', 'constructor']);
  });

  it('does not honour members reached through a prototype', () => {
    const inherited = Object.create({ region: 'evil$(x)', principals: [{ arn: 'x', accessKeyId: 'y' }] }) as Record<string, unknown>;
    expect(checkSettings(inherited)).toEqual({ ok: false, error: expect.stringMatching(/^settings must be an object of named members/) });
    const fromJson = JSON.parse('{"__proto__":{"region":"evil$(x)"},"hosts":2}');
    expect(checkSettings(fromJson)).toEqual({ ok: true, value: { hosts: 2 } });
    const principal = JSON.parse(`{"arn":"${APP}","accessKeyId":"AKIAAPP0000000000000","__proto__":{"policy":"{}","secretAccessKey":"s"}}`);
    expect(checkSimulatorOptions({ principals: [principal] })).toEqual({ ok: true, value: { principals: [{ arn: APP, accessKeyId: 'AKIAAPP0000000000000' }] } });
  });

  it('keeps a "__proto__" key of a stored world through a workspace file, both ways', () => {
    const data = JSON.parse('{"context":{"__proto__":"x","constructor":"y"},"bytes":{"__proto__":{"$bytes":"AA=="}}}');
    const encoded = toJsonSafe(data) as Record<string, Record<string, unknown>>;
    expect(Object.keys(encoded.context)).toEqual(['__proto__', 'constructor']);
    const decoded = fromJsonSafe(JSON.parse(JSON.stringify(encoded))) as Record<string, Record<string, unknown>>;
    expect(Object.keys(decoded.context)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(decoded.context)).toBe(Object.prototype);
    // an object of the data's own with a marker key stays that object (escaped), under a '__proto__' key
    expect(Object.keys(decoded.bytes)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(decoded.bytes, '__proto__')?.value).toEqual({ $bytes: 'AA==' });
    expect(Object.getPrototypeOf(decoded.bytes)).toBe(Object.prototype);
  });
});

describe('fuzz: the checks answer, never throw', () => {
  const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
  const hostileString = fc.oneof(
    fc.string(),
    fc.constantFrom('us-east-1$(touch${IFS}/x)', 'javascript:alert(1)', `${APP}\n`, ROOT, APP, 'logs.amazonaws.com', '\u0000', '\u2028', 'AKIAROOT000000000000', '{"Statement":[]}', '[]'),
  );
  const hostileNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-1.5, 1e300, -0, NaN, Infinity, Number.MAX_SAFE_INTEGER + 2, 2 ** 32));
  const leaf = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null), fc.constant(undefined));
  const key = fc.oneof(fc.constantFrom('region', 'accountId', 'startTime', 'hosts', 'routing', 'propagation', 'principals', 'seed', 'minMs', 'maxMs', 'distribution', 'pinned', 'arn', 'accessKeyId', 'secretAccessKey', 'policy', ...PROTO_KEYS), fc.string({ maxLength: 6 }));
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 6 })),
  }));
  // objects that look like settings, each member valid or hostile
  const principal = fc.record({ arn: fc.oneof(fc.constantFrom(ROOT, APP, `${APP}2`, 'logs.amazonaws.com'), hostileString), accessKeyId: fc.oneof(fc.constantFrom('AKIAROOT000000000000', 'AKIAAPP0000000000000'), hostileString), policy: value }, { requiredKeys: [] });
  const settingsLike = fc.record(
    {
      region: fc.oneof(fc.constantFrom('us-east-1', 'eu-west-1'), hostileString, value),
      accountId: fc.oneof(fc.constant(ACCOUNT), hostileString),
      startTime: fc.oneof(fc.integer({ min: 0, max: 2e12 }), hostileNumber, value),
      hosts: fc.oneof(fc.integer({ min: 0, max: 70 }), hostileNumber),
      routing: fc.oneof(fc.constantFrom('random', 'round-robin'), fc.record({ pinned: fc.oneof(fc.integer({ min: -1, max: 70 }), hostileNumber) }), value),
      propagation: fc.oneof(fc.record({ minMs: fc.oneof(fc.integer(), hostileNumber), maxMs: fc.oneof(fc.integer(), hostileNumber), distribution: fc.oneof(fc.constantFrom('uniform', 'realistic'), value) }, { requiredKeys: [] }), value),
      principals: fc.oneof(fc.array(principal, { maxLength: 4 }), value),
      seed: fc.oneof(fc.integer({ min: 0 }), hostileNumber),
    },
    { requiredKeys: [] },
  );

  it('checkSettings and checkSimulatorOptions return ok or a reason for any object', () => {
    fc.assert(
      fc.property(fc.oneof(settingsLike, value), (x) => {
        for (const r of [checkSettings(x), checkSimulatorOptions(x)]) {
          expect(typeof r.ok).toBe('boolean');
          if (r.ok) {
            // what is accepted is accepted again, unchanged: the check is a fixed point
            expect(checkSimulatorOptions(r.value)).toEqual({ ok: true, value: r.value });
          } else {
            expect(r.error).toMatch(/^(settings|options)\b/);
            expect(words(r.error)).not.toMatch(JARGON);
            expect(r.error).not.toMatch(/[\n\r\u2028]/);
          }
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('an accepted option set makes a simulator and a Caller list with unique keys', () => {
    fc.assert(
      fc.property(settingsLike, (x) => {
        const r = checkSimulatorOptions(x);
        if (!r.ok) return;
        const sim = createSimulator(r.value);
        expect(sim.clock.now()).toBe(r.value.startTime ?? Date.UTC(2026, 0, 1));
        const accountId = r.value.accountId ?? ACCOUNT;
        const callers = [`arn:aws:iam::${accountId}:root`, ...configuredCallers(accountId, r.value.principals ?? []).map((p) => p.arn)];
        expect(new Set(callers).size).toBe(callers.length);
      }),
      { numRuns: 300 },
    );
  });

  it('checkLog, parseWorkspaceFile and share links answer for any input', () => {
    fc.assert(
      fc.property(value, settingsLike, (x, settings) => {
        expect(typeof checkLog(x).ok).toBe('boolean');
        expect(typeof checkLog([x]).ok).toBe('boolean');
        expect(typeof parseWorkspaceFile({ format: 'kms-playground-workspace', v: 1, workspace: { name: 'x', options: x }, snapshot: null }).ok).toBe('boolean');
        const file = parseWorkspaceFile({ format: 'kms-playground-workspace', v: 1, workspace: { name: 'x', options: settings }, snapshot: x });
        expect(typeof file.ok).toBe('boolean');
        if (!file.ok) expect(words(file.detail)).not.toMatch(JARGON);
        const link = decodeScenario(`v2.${deflate(JSON.stringify({ v: 2, seed: 1, settings, steps: [] }) ?? 'null')}`);
        expect(typeof link.ok).toBe('boolean');
        if (!link.ok) expect(words(link.detail)).not.toMatch(JARGON);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a Proxy that throws with an answer', () => {
    const hostile = new Proxy({}, { getPrototypeOf: () => { throw new Error('boom'); } });
    expect(checkSettings(hostile)).toEqual({ ok: false, error: expect.stringMatching(/^settings cannot be read \(boom\)/) });
    expect(checkSimulatorOptions({ principals: [hostile] })).toMatchObject({ ok: false });
  });
});

// keep the codec's own round trip honest for the merged root
it('a link with the root as a principal encodes and decodes to the same scenario', () => {
  const s: Scenario = { v: 2, seed: 9, settings: { principals: [{ arn: ROOT, accessKeyId: 'AKIAROOT000000000000' }] }, steps: [] };
  const back = scenarioFromHash(scenarioToUrlHash(s));
  expect(back).toEqual({ ok: true, scenario: s });
});
