/**
 * The independent attack suite, engine side (Node): hostile share links, workspace files and
 * request bodies go in through the public APIs only (scenarioFromHash / decodeScenario, replay,
 * createSimulator + sim.fetch, parseWorkspaceFile, the memory store, codegen's generate) and
 * must come out as refusals in words or as ordinary answers:
 *
 * - deflate bombs in `#s=`: refused as too large, having inflated no more than the decoder's
 *   limit (the inflater's output is counted, not timed);
 * - huge fragments (10 MB: one parameter, percent-escapes, whitespace, millions of `&`): refused;
 * - request bodies nested 100,000 levels deep, through sim.fetch: an answer, never a crash;
 * - prototype keys (__proto__, constructor, prototype) in every map a link can carry, through the
 *   whole pipeline: link -> replay -> ListGrants -> Encrypt as the grantee -> workspace file ->
 *   memory store -> reopened simulator; Object.prototype stays clean;
 * - ReDoS: a key policy with 30 wildcards from a link, against a 10,000-character context value:
 *   the right answers, in work linear in the value (glob.ts counts its steps);
 * - "Copy as code" of every request of a hostile link, in every flavour, run for real (bash,
 *   dash, python3 with a fake boto3, node with a fake SDK): each runs as the one call with
 *   exactly the request's arguments, and no payload creates its marker file;
 * - hostile workspace options (the issue's list) refused with a reason in words;
 * - engine edges: a clock move during an in-flight seek, a body that never ends, a 50 MB body
 *   streamed under `Content-Length: 2`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/** every byte the share-link decoder inflates, counted at fflate's streaming inflater */
const inflated = vi.hoisted(() => ({ bytes: 0 }));
vi.mock('fflate', async (importOriginal) => {
  const real = await importOriginal<typeof import('fflate')>();
  class CountingInflate extends real.Inflate {
    constructor(cb?: (chunk: Uint8Array, final: boolean) => void) {
      super(cb ? (chunk, final) => ((inflated.bytes += chunk.length), cb(chunk, final)) : undefined);
    }
  }
  return { ...real, Inflate: CountingInflate };
});

import { createSimulator, SeekInProgressError, type SimulatorWithEngine } from '../../src/kms/index';
import { stepsTaken } from '../../src/kms/auth/glob';
import { MAX_BODY_BYTES } from '../../src/kms/wire/http';
import { decodeScenario, MAX_ENCODED_LENGTH, MAX_JSON_BYTES, scenarioFromHash } from '../../src/scenario/codec';
import { replay, type ReplayResult } from '../../src/scenario/replay';
import { simulatorOptions, type Scenario } from '../../src/scenario/format';
import { makeWorkspaceFile, parseWorkspaceFile } from '../../src/store/file';
import { createMemoryPlaygroundStore, openWorkspaceSimulator } from '../../src/store/index';
import { generate, kebab, snake, type CodeFlavour } from '../../src/ui/codegen';

const ACCOUNT = '111122223333';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const URL = 'https://kms.us-east-1.amazonaws.com/';
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
/** `#s=v<version>.` + base64url(deflate-raw(JSON)), as the codec writes links */
const linkOf = (doc: unknown, version = 2) => `#s=v${version}.${b64url(deflateSync(new TextEncoder().encode(JSON.stringify(doc)), { level: 9 }))}`;

function opened(hash: string): Scenario {
  const r = scenarioFromHash(hash);
  if (!r || !r.ok) throw new Error(`the link did not open: ${JSON.stringify(r)}`);
  return r.scenario;
}

const post = (target: string, body: string, headers: Record<string, string> = {}) =>
  new Request(URL, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}`, ...headers }, body });

// ---------------------------------------------------------------------------------------------

describe('deflate bombs in #s=', () => {
  const bombs: [string, () => string][] = [
    // the densest stream that fits in a link: ~45 MB of zeros in ~44 KB of deflate (59 KB of base64url)
    ['45 MB of zeros', () => '#s=v2.' + b64url(deflateSync(new Uint8Array(45 * 1024 * 1024), { level: 9 }))],
    // 45 MB of a JSON string body: inflates to text that would parse if it were read whole
    ['45 MB inside a JSON string', () => '#s=v2.' + b64url(deflateSync(new TextEncoder().encode(`{"v":2,"title":"${'a'.repeat(45 * 1024 * 1024)}"}`), { level: 9 }))],
    // the same bomb under the v1 prefix, and percent-encoded as a chat tool might pass it on
    ['45 MB under v1', () => '#s=v1.' + b64url(deflateSync(new Uint8Array(45 * 1024 * 1024).fill(32), { level: 9 }))],
  ];
  for (const [name, hash] of bombs) {
    it(`${name}: refused as too large after inflating at most the limit`, () => {
      const h = hash();
      expect(h.length).toBeLessThan(MAX_ENCODED_LENGTH);
      inflated.bytes = 0;
      const r = scenarioFromHash(h);
      expect(r).toMatchObject({ ok: false, error: 'too-large' });
      // the decoder stops one chunk past its limit: a 256-byte input chunk yields at most ~264 KB
      expect(inflated.bytes).toBeGreaterThan(0);
      expect(inflated.bytes).toBeLessThanOrEqual(MAX_JSON_BYTES + 300 * 1024);
      console.log(`${name}: ${h.length} characters of link, ${inflated.bytes} bytes inflated before the refusal`);
    });
  }

  it('a bomb percent-encoded and wrapped in whitespace is refused the same way', () => {
    const core = b64url(deflateSync(new Uint8Array(40 * 1024 * 1024), { level: 9 }));
    inflated.bytes = 0;
    const r = scenarioFromHash('#s=' + encodeURIComponent('v2.' + core.replace(/(.{76})/g, '$1\n')));
    expect(r).toMatchObject({ ok: false });
    expect(inflated.bytes).toBeLessThanOrEqual(MAX_JSON_BYTES + 300 * 1024);
  });
});

describe('huge fragments', () => {
  const TEN_MB = 10 * 1024 * 1024;
  const huge: [string, () => string][] = [
    ['10 MB of base64url', () => '#s=v2.' + 'A'.repeat(TEN_MB)],
    ['10 MB of percent-escapes', () => '#s=v2.' + '%41'.repeat(TEN_MB / 3)],
    ['10 MB of whitespace around a tiny payload', () => '#s=' + ' '.repeat(TEN_MB) + 'v2.AA'],
    ['10 MB of version digits', () => '#s=v' + '9'.repeat(TEN_MB) + '.AA'],
  ];
  for (const [name, hash] of huge) {
    it(`${name}: refused with a reason`, () => {
      inflated.bytes = 0;
      const r = scenarioFromHash(hash());
      expect(r?.ok).toBe(false);
      expect(r && !r.ok && r.detail).toMatch(/\w+ \w+/);
      expect(inflated.bytes).toBe(0);
    });
  }

  it('10 MB of other `&` parameters before a broken scenario: an answer, not a crash', () => {
    const r = scenarioFromHash('#' + 'x&'.repeat(TEN_MB / 2) + 's=v2.AA');
    expect(r?.ok).toBe(false);
  });

  it('decodeScenario refuses any text over its limit before looking inside', () => {
    inflated.bytes = 0;
    expect(decodeScenario('v2.' + 'A'.repeat(MAX_ENCODED_LENGTH))).toMatchObject({ ok: false, error: 'too-large' });
    expect(inflated.bytes).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe('bodies nested 100,000 levels deep through sim.fetch', () => {
  const DEPTH = 100_000;
  const arrays = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
  const objectsIn = (member: string) => `{"${member}":${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}}`;
  const cases: [string, string, string][] = [
    ['a bare nest of arrays', 'CreateKey', arrays],
    ['arrays in KeyId', 'DescribeKey', `{"KeyId":${arrays}}`],
    ['objects in Tags[0].TagValue', 'CreateKey', `{"Tags":[{"TagKey":"a","TagValue":${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}}]}`],
    ['objects in an encryption context value', 'Encrypt', `{"KeyId":"alias/x","Plaintext":"aGk=","EncryptionContext":{"k":${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}}}`],
    ['objects in Constraints', 'CreateGrant', `{"KeyId":"k","GranteePrincipal":"${APP}","Operations":["Encrypt"],"Constraints":${objectsIn('EncryptionContextSubset')}}`],
    ['objects in a policy document member', 'PutKeyPolicy', `{"KeyId":"k","PolicyName":"default","Policy":${objectsIn('Statement')}}`],
  ];
  for (const [name, target, body] of cases) {
    it(`${name} (${target}): a 4xx answer`, async () => {
      expect(body.length).toBeLessThanOrEqual(MAX_BODY_BYTES);
      const sim = createSimulator({ seed: 1 });
      const res = await sim.fetch(post(target, body));
      const text = await res.text();
      expect(res.status, text.slice(0, 200)).toBeGreaterThanOrEqual(400);
      expect(res.status, text.slice(0, 200)).toBeLessThan(500);
      // and the simulator goes on serving
      expect((await sim.fetch(post('ListKeys', '{}'))).status).toBe(200);
    });
  }
});

// ---------------------------------------------------------------------------------------------

describe('prototype keys through link -> replay -> ListGrants -> file -> store -> reopen', () => {
  const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
  // JSON text keeps "__proto__" an own member; an object literal would not
  const ctxJson = `{${KEYS.map((k, i) => `"${k}":"v${i}"`).join(',')}}`;
  const ctx = JSON.parse(ctxJson) as Record<string, string>;
  const doc = JSON.parse(`{
    "v": 2, "seed": 7,
    "settings": {
      "propagation": {"minMs": 0, "maxMs": 0},
      "principals": [{"arn": "${APP}", "accessKeyId": "AKIAAPPROLE000000001",
        "policy": {"Version": "2012-10-17", "Statement": [{"Sid": "None", "Effect": "Deny", "Action": "kms:ScheduleKeyDeletion", "Resource": "*", "Condition": {"StringEquals": {"kms:EncryptionContext:__proto__": "x", "kms:EncryptionContext:constructor": "y"}}}]}}]
    },
    "steps": [
      {"kind": "request", "id": "key", "target": "CreateKey", "body": {"Description": "proto", "Tags": [{"TagKey": "__proto__", "TagValue": "x"}, {"TagKey": "constructor", "TagValue": "y"}]}},
      {"kind": "request", "id": "grant", "target": "CreateGrant", "body": {"KeyId": "{{key.KeyMetadata.KeyId}}", "GranteePrincipal": "${APP}", "Operations": ["Encrypt", "Decrypt"], "Name": "__proto__",
        "Constraints": {"EncryptionContextSubset": ${ctxJson}}}},
      {"kind": "settle"},
      {"kind": "request", "id": "list", "target": "ListGrants", "body": {"KeyId": "{{key.KeyMetadata.KeyId}}"}},
      {"kind": "request", "id": "with", "caller": "${APP}", "target": "Encrypt", "body": {"KeyId": "{{key.KeyMetadata.KeyId}}", "Plaintext": "aGk=", "EncryptionContext": ${ctxJson}}},
      {"kind": "request", "id": "without", "caller": "${APP}", "target": "Encrypt", "body": {"KeyId": "{{key.KeyMetadata.KeyId}}", "Plaintext": "aGk=", "EncryptionContext": {"toString": "v3"}}}
    ]
  }`);

  it('every map keeps its prototype-named keys as data, and the constraint binds', async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const scenario = opened(linkOf(doc));
    // the decoded scenario still holds the keys as own members
    const grantStep = scenario.steps[1] as unknown as { body: { Constraints: { EncryptionContextSubset: object } } };
    expect(Object.keys(grantStep.body.Constraints.EncryptionContextSubset).sort()).toEqual([...KEYS].sort());
    const { sim, results } = (await replay(scenario)) as ReplayResult & { sim: SimulatorWithEngine };
    const byId = (i: number) => results[i] as { status: number; body: string };
    expect(byId(0).status).toBe(200);
    expect(byId(1).status).toBe(200);
    const list = JSON.parse(byId(3).body);
    const subset = list.Grants[0].Constraints.EncryptionContextSubset;
    expect(Object.getPrototypeOf(subset)).toBe(Object.prototype);
    expect(Object.keys(subset).sort()).toEqual([...KEYS].sort());
    for (const k of KEYS) expect(Object.getOwnPropertyDescriptor(subset, k)?.value).toBe(ctx[k]);
    expect(list.Grants[0].Name).toBe('__proto__');
    // the grantee may encrypt with the whole context, and not with a context that lacks __proto__
    expect(byId(4).status).toBe(200);
    expect(byId(5).status).toBe(400);
    expect(JSON.parse(byId(5).body).__type).toBe('AccessDeniedException');

    // through a workspace file and the store, then reopened: the same answers
    const options = { seed: 7, accountId: ACCOUNT, region: 'us-east-1', propagation: { minMs: 0, maxMs: 0 }, principals: scenario.settings?.principals };
    const snapshot = { state: sim.engine.state(), log: [...sim.log], events: [...sim.events] };
    const file = JSON.parse(JSON.stringify(makeWorkspaceFile({ id: 'w', name: '__proto__', created: 0, updated: 0, options }, snapshot as never)));
    const parsed = parseWorkspaceFile(file);
    expect(parsed.ok, JSON.stringify(parsed).slice(0, 300)).toBe(true);
    const store = createMemoryPlaygroundStore({ name: 'attack' });
    const imported = await store.importWorkspace(file);
    expect(imported.ok, JSON.stringify(imported)).toBe(true);
    const again = await openWorkspaceSimulator(store, (imported as { id: string }).id);
    await again.ready;
    const keyId = JSON.parse(byId(0).body).KeyMetadata.KeyId;
    const listed = JSON.parse(await (await again.fetch(post('ListGrants', JSON.stringify({ KeyId: keyId })))).text());
    expect(Object.keys(listed.Grants[0].Constraints.EncryptionContextSubset).sort()).toEqual([...KEYS].sort());
    const signed = { Authorization: `AWS4-HMAC-SHA256 Credential=AKIAAPPROLE000000001/20260101/us-east-1/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00`, 'X-Amz-Date': '20260101T000000Z' };
    const denied = await again.fetch(post('Encrypt', JSON.stringify({ KeyId: keyId, Plaintext: 'aGk=', EncryptionContext: { toString: 'v3' } }), signed));
    expect(denied.status).toBe(400);
    const allowed = await again.fetch(post('Encrypt', `{"KeyId":"${keyId}","Plaintext":"aGk=","EncryptionContext":${ctxJson}}`, signed));
    expect(allowed.status).toBe(200);

    // nothing leaked onto Object.prototype on the way
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).Statement).toBeUndefined();
    expect(({} as Record<string, unknown>).v0).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------

describe('ReDoS policies from a link', () => {
  const stars = 30;
  const pattern = `${'*a'.repeat(stars)}*b`;
  const value = 'a'.repeat(10_000);
  const keyPolicy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Root', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
      { Sid: 'AppWithB', Effect: 'Allow', Principal: { AWS: APP }, Action: 'kms:Encrypt', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:app': pattern } } },
    ],
  });
  const doc = {
    v: 2,
    seed: 1,
    settings: {
      principals: [
        {
          arn: APP,
          accessKeyId: 'AKIAAPPROLE000000001',
          // and the same pattern in an IAM policy, with ForAnyValue over tag keys
          policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:app': pattern } } }] },
        },
      ],
    },
    steps: [
      { kind: 'request', id: 'key', target: 'CreateKey', body: { Policy: keyPolicy } },
      { kind: 'request', caller: APP, target: 'Encrypt', body: { KeyId: '{{key.KeyMetadata.KeyId}}', Plaintext: 'aGk=', EncryptionContext: { app: value } } },
      { kind: 'request', caller: APP, target: 'Encrypt', body: { KeyId: '{{key.KeyMetadata.KeyId}}', Plaintext: 'aGk=', EncryptionContext: { app: `${value}b` } } },
      { kind: 'request', caller: APP, target: 'Decrypt', body: { KeyId: '{{key.KeyMetadata.KeyId}}', CiphertextBlob: 'AAAA', EncryptionContext: { app: value } } },
    ],
  };

  it(`${stars} wildcards against ${value.length.toLocaleString('en-US')} characters: the right answers, in linear work`, async () => {
    const scenario = opened(linkOf(doc));
    const before = stepsTaken();
    const { results } = await replay(scenario);
    const steps = stepsTaken() - before;
    const statuses = results.map((r) => (r as { status: number }).status);
    expect(statuses[0]).toBe(200);
    expect(JSON.parse((results[1] as { body: string }).body).__type).toBe('AccessDeniedException');
    expect(statuses[2]).toBe(200);
    expect(statuses[3]).toBe(400);
    // the backtracking RegExp took ~2^30 steps; a linear matcher a small multiple of the characters seen
    const m = pattern.length;
    console.log(`ReDoS link: ${steps} matcher steps for values of ${value.length} characters`);
    expect(steps).toBeLessThanOrEqual(40 * (value.length + m + 1));
  });
});

// ---------------------------------------------------------------------------------------------

describe('a 1 KB link whose {{references}} amplify a response', () => {
  // the attack: a 30 KB key policy full of quotes (60 KB once written as JSON again), read back
  // with GetKeyPolicy, then named 9,000 times in one body: 540 MB of JSON from a 1 KB link
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'R', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
      { Sid: 'Q', Effect: 'Deny', Principal: { AWS: ROOT }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:x': '"'.repeat(15_000) } } },
    ],
  });
  const head = [
    { kind: 'request', id: 'c', target: 'CreateKey', body: { Policy: policy } },
    { kind: 'request', id: 'k', target: 'GetKeyPolicy', body: { KeyId: '{{c.KeyMetadata.KeyId}}', PolicyName: 'default' } },
  ];
  const NOT_SENT = "this step's {{references}} would make a body over 1 MiB";

  it('the 9,000-fold body is not sent, in words, in about the time of the link itself (was 10–28 s and 600 MB)', async () => {
    const hash = linkOf({ v: 2, seed: 1, steps: [...head, { kind: 'request', target: 'ListKeys', body: { x: Array.from({ length: 9_000 }, () => '{{k.Policy}}') } }] });
    expect(hash.length).toBeLessThan(2_000);
    const t0 = performance.now();
    const { results } = await replay(opened(hash));
    const ms = performance.now() - t0;
    expect((results[1] as { status: number }).status).toBe(200);
    expect(results[2]).toMatchObject({ status: 0, body: '', unresolved: NOT_SENT, check: { ok: false, failures: [`not sent: ${NOT_SENT}`] } });
    console.log(`amplifying link: replayed in ${Math.round(ms)} ms`);
    expect(ms).toBeLessThan(5_000);
  });

  it('the caller and the expected values are bounded the same way; 17 copies (under 1 MiB) are still sent', async () => {
    const many = Array.from({ length: 9_000 }, () => 'x{{k.Policy}}');
    const { results } = await replay(
      opened(
        linkOf({
          v: 2,
          seed: 1,
          steps: [
            ...head,
            { kind: 'request', target: 'ListKeys', caller: '{{k.Policy}}{{k.Policy}}{{k.Policy}}', body: {} },
            { kind: 'request', target: 'ListKeys', body: {}, expect: { status: 200, match: { Keys: many } } },
            { kind: 'request', target: 'ListKeys', body: { x: Array.from({ length: 17 }, () => '{{k.Policy}}') } },
          ],
        }),
      ),
    );
    expect(results[2]).toMatchObject({ status: 0, unresolved: "this step's {{references}} would make a caller over 16 KiB" });
    expect(results[3]).toMatchObject({ status: 200, check: { ok: false, failures: ["cannot check the response: this step's {{references}} would make the expected values over 1 MiB"] } });
    // 17 × 60 KB is just under the engine's limit: sent and answered as usual
    expect((results[4] as { status: number }).status).toBe(200);
  });
});

describe('a link whose principal has an IAM policy the engine cannot read', () => {
  const badPolicies: [string, object, RegExp][] = [
    ['an unknown top-level element', { Version: '2012-10-17', Foo: 1, Statement: [] }, /Unknown top-level element "Foo"/],
    ['a Statement that is a string', { Version: '2012-10-17', Statement: 'x' }, /Statement must be an object or an array of objects/],
    ['an unknown condition operator', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*', Condition: { StringLikeX: { 'kms:CallerAccount': 'b' } } }] }, /unknown condition operator "StringLikeX"/],
    ['a __proto__ top-level element', JSON.parse('{"Version":"2012-10-17","__proto__":{},"Statement":[]}'), /Unknown top-level element "__proto__"/],
    ['Effect "Maybe"', { Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: 'kms:*', Resource: '*' }] }, /Effect must be "Allow" or "Deny"/],
  ];
  it.each(badPolicies)('%s: refused in words naming the field, not by createSimulator later', (_name, policy, reason) => {
    const principals = [{ arn: APP, accessKeyId: 'AKIAAPPROLE000000001', policy }];
    const link = scenarioFromHash(linkOf({ v: 2, seed: 1, settings: { principals }, steps: [] }));
    if (link?.ok) expect(() => createSimulator(simulatorOptions(link.scenario))).not.toThrow();
    expect(link?.ok).toBe(false);
    const detail = (link as { detail: string }).detail;
    expect(detail).toMatch(/^settings\.principals\[0\]\.policy is not an IAM policy the simulator can use: /);
    expect(detail).toMatch(reason);
    // the simulator would indeed refuse it
    expect(() => createSimulator({ principals })).toThrow(/is not valid/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('Copy as code of a hostile link: no executable payload in any flavour', () => {
  let work: string;
  let marker: string;
  const payloads = () => [
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `'; touch ${marker}; '`,
    `"; touch ${marker}; "`,
    `\n touch ${marker} \n`,
    `\\'$(touch ${marker})`,
    `${'${'}require("fs").writeFileSync("${marker}","")}`,
    `"); require("fs").writeFileSync("${marker}", ""); ("`,
    `\u2028require("fs").writeFileSync("${marker}","")//`,
    `*/ require("fs").writeFileSync("${marker}",""); /*`,
    `__import__("os").system("touch ${marker}")`,
    `""" + __import__("os").system("touch ${marker}") + """`,
    `\\\r\nimport os; os.system("touch ${marker}")`,
    `\u202e\u0000\u001b]52;c;${Buffer.from(`touch ${marker}`).toString('base64')}\u0007`,
  ];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'attack-codegen-'));
    marker = join(work, 'pwned');
    // a fake boto3: records the call's kwargs (bytes as base64) as JSON
    writeFileSync(
      join(work, 'boto3.py'),
      [
        'import json, base64, sys',
        'def enc(v):',
        '    if isinstance(v, bytes): return {"$bytes": base64.b64encode(v).decode()}',
        '    if isinstance(v, dict): return {k: enc(x) for k, x in v.items()}',
        '    if isinstance(v, list): return [enc(x) for x in v]',
        '    return v',
        'class _C:',
        '    def __init__(self, region): self.region = region',
        '    def __getattr__(self, name):',
        '        def call(**kw):',
        '            with open(sys.argv[1], "w") as f: json.dump({"op": name, "region": self.region, "input": enc(kw)}, f)',
        '            return {}',
        '        return call',
        'def client(service, region_name=None): return _C(region_name)',
      ].join('\n'),
    );
    mkdirSync(join(work, 'node_modules/@aws-sdk/client-kms'), { recursive: true });
    writeFileSync(join(work, 'node_modules/@aws-sdk/client-kms/package.json'), JSON.stringify({ name: '@aws-sdk/client-kms', type: 'module', exports: './index.js' }));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** runs a snippet for real; returns what its one call recorded */
  function runSnippet(flavour: CodeFlavour, code: string, operation: string, shell?: string): { op: string; region: string; input: unknown } | string[] {
    const out = join(work, `out-${flavour}-${shell ?? ''}`);
    rmSync(out, { force: true });
    let r;
    if (flavour === 'cli') {
      const script = join(work, 'snippet.sh');
      writeFileSync(script, `aws() { printf '%s\\0' "$@" > "${out}"; }\n${code}`);
      r = spawnSync(shell!, [script], { encoding: 'utf8', cwd: work, timeout: 20_000 });
    } else if (flavour === 'boto3') {
      const script = join(work, 'snippet.py');
      writeFileSync(script, code);
      r = spawnSync('python3', [script, out], { encoding: 'utf8', cwd: work, env: { ...process.env, PYTHONPATH: work }, timeout: 20_000 });
    } else {
      const script = join(work, 'snippet.mjs');
      // a fake @aws-sdk/client-kms serving the client and this operation's command: records the input (Buffers as base64)
      writeFileSync(
        join(work, 'node_modules/@aws-sdk/client-kms/index.js'),
        `import { writeFileSync } from 'node:fs';
const enc = (v) => Buffer.isBuffer(v) ? { $bytes: v.toString('base64') } : Array.isArray(v) ? v.map(enc) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, enc(x)])) : v;
export class KMSClient { constructor(o) { this.region = o.region; } async send(c) { writeFileSync(process.env.OUT, JSON.stringify({ op: c.op, region: this.region, input: enc(c.input) })); return {}; } }
export class ${operation}Command { constructor(input) { this.op = ${JSON.stringify(operation)}; this.input = input; } }
`,
      );
      writeFileSync(script, code);
      r = spawnSync(process.execPath, [script], { encoding: 'utf8', cwd: work, env: { ...process.env, OUT: out }, timeout: 20_000 });
    }
    expect(r.status, `${flavour} ${shell ?? ''} exited: ${r.stderr}`).toBe(0);
    expect(existsSync(out), `${flavour}: the call was made`).toBe(true);
    const text = readFileSync(out, 'utf8');
    return flavour === 'cli' ? text.split('\0').slice(0, -1) : JSON.parse(text);
  }

  /** what the SDK snippets should record: blob members decoded to bytes (base64 again here) */
  const BLOBS = new Set(['Plaintext', 'CiphertextBlob']);
  const expected = (body: Record<string, unknown>): unknown => Object.fromEntries(Object.entries(body).map(([k, v]) => [k, BLOBS.has(k) && typeof v === 'string' ? { $bytes: Buffer.from(v, 'base64').toString('base64') } : v]));

  it('every request of the link runs as exactly its own call in CLI (bash, dash), boto3 and JavaScript', async () => {
    const PAYLOADS = payloads();
    const evil = `arn:aws:iam::${ACCOUNT}:role/$(touch\${IFS}${marker})\`touch\${IFS}${marker}\`'"`;
    const doc = {
      v: 2,
      seed: 3,
      title: PAYLOADS[0],
      settings: { principals: [{ arn: evil, accessKeyId: 'AKIAEVILEXAMPLE00001', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] } }] },
      steps: [
        { kind: 'request', id: 'k', target: 'CreateKey', body: { Description: PAYLOADS.join(' | ').slice(0, 8000), Tags: PAYLOADS.slice(0, 6).map((p, i) => ({ TagKey: `k${i}${p}`.slice(0, 128), TagValue: p.slice(0, 256) })) } },
        {
          kind: 'request',
          caller: evil,
          target: 'Encrypt',
          body: { KeyId: '{{k.KeyMetadata.KeyId}}', Plaintext: Buffer.from(PAYLOADS[2]).toString('base64'), EncryptionContext: Object.fromEntries(PAYLOADS.map((p, i) => [p, PAYLOADS[(i + 1) % PAYLOADS.length]])) },
        },
        { kind: 'request', target: 'CreateAlias', body: JSON.parse(`{"AliasName":${JSON.stringify('alias/' + PAYLOADS[1])},"TargetKeyId":"{{k.KeyMetadata.KeyId}}","__proto__":${JSON.stringify(PAYLOADS[4])}}`) },
        { kind: 'request', target: 'ListGrants', body: Object.fromEntries(PAYLOADS.map((p) => [p, p])) },
      ],
    };
    const scenario = opened(linkOf(doc));
    const { sim, results } = (await replay(scenario)) as ReplayResult & { sim: SimulatorWithEngine };
    const requests = sim.log.filter((e) => e.kind === 'request');
    expect(requests.length).toBe(4);
    let ran = 0;
    for (let i = 0; i < requests.length; i++) {
      const entry = requests[i] as { body: string };
      const result = results[i] as { target: string; caller: string };
      const input = { operation: result.target, body: entry.body, region: 'us-east-1', callerArn: result.caller, rootArn: ROOT };
      const body = JSON.parse(entry.body) as Record<string, unknown>;
      for (const flavour of ['cli', 'boto3', 'js'] as CodeFlavour[]) {
        const code = generate(flavour, input);
        for (const shell of flavour === 'cli' ? ['bash', 'dash'] : [undefined]) {
          const got = runSnippet(flavour, code, result.target, shell);
          ran++;
          if (flavour === 'cli') {
            const argv = got as string[];
            expect(argv.slice(0, 5)).toEqual(['kms', kebab(result.target), '--region', 'us-east-1', '--cli-input-json']);
            expect(argv.length).toBe(6);
            expect(JSON.parse(argv[5])).toEqual(body);
          } else {
            const call = got as { op: string; region: string; input: unknown };
            expect(call.op).toBe(flavour === 'boto3' ? snake(result.target) : result.target);
            expect(call.region).toBe('us-east-1');
            expect(call.input).toEqual(expected(body));
          }
          expect(existsSync(marker), `a payload ran in ${flavour} ${shell ?? ''} for ${result.target}`).toBe(false);
        }
      }
    }
    expect(ran).toBe(16);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------

describe('hostile workspace options are refused with a reason in words', () => {
  const good = () => {
    const sim = createSimulator({ seed: 1, accountId: ACCOUNT, region: 'us-east-1' });
    return { sim, options: { seed: 1, accountId: ACCOUNT, region: 'us-east-1', propagation: { minMs: 0, maxMs: 10 }, principals: [{ arn: APP, accessKeyId: 'AKIAAPPROLE000000001' }] } };
  };
  const fileWith = (options: Record<string, unknown>, edit?: (snap: { log: Record<string, unknown>[] }) => void) => {
    const { sim } = good();
    const snapshot = JSON.parse(JSON.stringify({ state: sim.engine.state(), log: [...sim.log], events: [...sim.events] }));
    edit?.(snapshot);
    return JSON.parse(JSON.stringify(makeWorkspaceFile({ id: 'w', name: 'hostile', created: 0, updated: 0, options: { ...good().options, ...options } as never }, snapshot)));
  };
  const cases: [string, () => unknown, RegExp, RegExp][] = [
    ['a region with a shell command', () => fileWith({ region: 'us-east-1$(touch${IFS}/x)' }), /region/, /not an AWS region/],
    ['a principal ARN with a newline', () => fileWith({ principals: [{ arn: `${APP}\nX-Evil: 1`, accessKeyId: 'AKIAAPPROLE000000001' }] }), /principals\[0\]\.arn/, /control character|line break/],
    ['minMs > maxMs', () => fileWith({ propagation: { minMs: 9_000, maxMs: 10 } }), /propagation/, /minMs|earliest/],
    ['seed -1.5', () => fileWith({ seed: -1.5 }), /seed/, /whole number/],
    ['a clock at 1e300', () => fileWith({ startTime: 1e300 }), /startTime/, /milliseconds/],
    [
      'a javascript: URL in the log',
      () => fileWith({}, (s) => s.log.push({ kind: 'request', at: Date.UTC(2026, 0, 1), method: 'POST', url: 'javascript:alert(document.domain)//', headers: [['x-amz-target', 'TrentService.ListKeys']], body: '{}' })),
      /log\[0\]\.url/,
      /\w+ \w+ \w+/,
    ],
  ];
  for (const [name, file, field, reason] of cases) {
    it(`${name}: refused, naming the field, in words`, async () => {
      const r = parseWorkspaceFile(file());
      expect(r.ok).toBe(false);
      const detail = (r as { detail: string }).detail;
      expect(detail).toMatch(field);
      expect(detail).toMatch(reason);
      expect(detail).not.toMatch(/\/\^|must match/);
      // and the store the UI uses refuses it the same way, adding nothing
      const store = createMemoryPlaygroundStore({ name: 'attack' });
      const before = (await store.listWorkspaces()).length;
      expect((await store.importWorkspace(file())).ok).toBe(false);
      expect((await store.listWorkspaces()).length).toBe(before);
    });
  }
  it('a file with no saved world whose principal IAM policy the engine cannot read: refused in words, nothing added', async () => {
    for (const policy of [{ Version: '2012-10-17', Statement: 'x' }, { Version: '2012-10-17', Foo: 1, Statement: [] }, JSON.parse('{"Version":"2012-10-17","__proto__":{},"Statement":[]}')]) {
      const file = { format: 'kms-playground-workspace', v: 1, workspace: { id: 'w', name: 'bad policy', created: 0, updated: 0, options: { seed: 1, principals: [{ arn: APP, accessKeyId: 'AKIAAPPROLE000000001', policy }] } }, snapshot: null };
      const r = parseWorkspaceFile(file);
      expect(r.ok, JSON.stringify(policy)).toBe(false);
      expect((r as { detail: string }).detail).toMatch(/workspace\.options\.principals\[0\]\.policy is not an IAM policy the simulator can use: \w+/);
      const store = createMemoryPlaygroundStore({ name: 'attack' });
      const before = (await store.listWorkspaces()).length;
      expect((await store.importWorkspace(file)).ok).toBe(false);
      expect((await store.listWorkspaces()).length).toBe(before);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('engine edges', () => {
  it('clock.advance during an in-flight seek is refused; the world is what its log replays to', async () => {
    const sim = createSimulator({ seed: 5, startTime: Date.UTC(2026, 0, 1) });
    await sim.fetch(post('CreateKey', '{}'));
    sim.clock.advance(60_000);
    await sim.fetch(post('CreateKey', '{}'));
    const seeking = sim.seek(Date.UTC(2026, 0, 1) + 1_000);
    expect(() => sim.clock.advance(5_000)).toThrow(SeekInProgressError);
    expect(() => sim.fork()).toThrow(SeekInProgressError);
    await seeking;
    expect(sim.clock.now()).toBe(Date.UTC(2026, 0, 1) + 1_000);
    const keys = JSON.parse(await (await sim.fetch(post('ListKeys', '{}'))).text()).Keys;
    expect(keys.length).toBe(1);
  });

  it('a body that never ends is given up with the host timer, and the queue goes on', async () => {
    const timers: (() => void)[] = [];
    const sim = createSimulator({ seed: 1, timer: (cb) => (timers.push(cb), () => undefined), bodyTimeoutMs: 50 });
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      start: (c) => c.enqueue(new TextEncoder().encode('{"Description":"')),
      cancel: () => void (cancelled = true),
    });
    const stuck = sim.fetch(new Request(URL, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.CreateKey' }, body: endless, duplex: 'half' } as RequestInit));
    const after = sim.fetch(post('ListKeys', '{}'));
    await new Promise((r) => setTimeout(r, 20));
    expect(timers.length).toBeGreaterThan(0);
    timers.forEach((t) => t());
    const r = await stuck;
    expect(r.status).toBe(400);
    expect(JSON.parse(await r.text()).__type).toBe('RequestTimeoutException');
    expect((await after).status).toBe(200);
    expect(cancelled).toBe(true);
  });

  it('a 50 MB body streamed under Content-Length: 2 is refused having read about the limit', async () => {
    const sim = createSimulator({ seed: 1 });
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (pulled >= 50 * 1024 * 1024) return c.close();
        pulled += chunk.length;
        c.enqueue(chunk);
      },
    });
    const r = await sim.fetch(new Request(URL, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.CreateKey', 'Content-Length': '2' }, body, duplex: 'half' } as RequestInit));
    expect(r.status).toBe(413);
    console.log(`50 MB under Content-Length: 2: ${pulled} bytes pulled before the 413`);
    expect(pulled).toBeLessThanOrEqual(MAX_BODY_BYTES + 4 * chunk.length);
    expect((await sim.fetch(post('ListKeys', '{}'))).status).toBe(200);
  });
});
