/**
 * Workspace files: export → JSON text → import gives a workspace that answers exactly like the
 * original (DescribeKey, ListGrants, the next ids and tokens; Encrypt/Decrypt across the two
 * once the crypto handlers exist), key material bytes included. Bad and newer files are refused
 * with a reason, and nothing existing is ever overwritten.
 */
import { describe, expect, it } from 'vitest';
import { HANDLERS } from '../../src/kms/index';
import { readFileSync } from 'node:fs';
import { createMemoryPlaygroundStore, fromJsonSafe, openWorkspaceSimulator, parseWorkspaceFile, toJsonSafe, type PlaygroundStore, type WorkspaceFile } from '../../src/store/index';
import { APP_ROLE, AUDITOR, PRINCIPALS } from '../kms/helpers';
import { openStore } from './helpers';

const OPTIONS = { seed: 21, startTime: Date.UTC(2026, 0, 1), propagation: { minMs: 1_000, maxMs: 30_000 }, principals: PRINCIPALS };

function kms(sim: { fetch(r: Request): Promise<Response> }) {
  return async (target: string, body: unknown, as?: string) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` };
    const p = PRINCIPALS.find((x) => x.arn === as);
    if (p) {
      headers.Authorization = `AWS4-HMAC-SHA256 Credential=${p.accessKeyId}/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=00`;
      headers['X-Amz-Date'] = '20260101T000000Z';
    }
    const res = await sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers, body: JSON.stringify(body) }));
    const text = await res.text();
    return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
  };
}

/** a workspace with two keys (symmetric and ECC), an alias, grants in flight and a retired one */
async function populated(store: PlaygroundStore) {
  const ws = await store.createWorkspace('Original', OPTIONS);
  const sim = await openWorkspaceSimulator(store, ws.id);
  const call = kms(sim);
  const sym = (await call('CreateKey', { Description: 'symmetric' })).json.KeyMetadata.KeyId as string;
  const ecc = (await call('CreateKey', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' })).json.KeyMetadata.KeyId as string;
  await call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: sym });
  const g1 = (await call('CreateGrant', { KeyId: sym, GranteePrincipal: APP_ROLE, Operations: ['Encrypt', 'Decrypt', 'DescribeKey'], Constraints: { EncryptionContextSubset: { $bytes: 'not-bytes', app: 'x' } } })).json;
  sim.clock.advance(5_000);
  const g2 = (await call('CreateGrant', { KeyId: sym, GranteePrincipal: AUDITOR, Operations: ['DescribeKey'], RetiringPrincipal: AUDITOR, Name: 'audit' })).json;
  await call('RetireGrant', { GrantToken: g2.GrantToken }, AUDITOR);
  await call('CreateGrant', { KeyId: ecc, GranteePrincipal: APP_ROLE, Operations: ['Sign'] });
  await sim.flush();
  expect(sim.storeError).toBeUndefined();
  return { ws, sim, sym, ecc, g1 };
}

describe('export and import', () => {
  it('round-trips a workspace through JSON text: same answers, same key material, same future', async () => {
    const store = await openStore();
    const { ws, sim, sym, ecc } = await populated(store);
    const file = await store.exportWorkspace(ws.id, { exportedAt: 1_767_225_600_000 });
    expect(file).toMatchObject({ format: 'kms-playground-workspace', v: 1, exportedAt: 1_767_225_600_000, workspace: { name: 'Original', options: OPTIONS } });
    const text = JSON.stringify(file);
    expect(text).toContain('"$bytes"');
    expect(text).toContain('"$esc"');

    const other = await openStore(); // another browser
    const result = await other.importWorkspace(JSON.parse(text));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const imported = await openWorkspaceSimulator(other, result.id);
    expect((await other.getWorkspace(result.id))!.name).toBe('Original');

    // the stored snapshot is the same, bytes included
    const a = await store.forWorkspace(ws.id).load();
    const b = await other.forWorkspace(result.id).load();
    expect(b).toEqual(a);
    const mat = b!.state.keys.find((k) => k.keyId === sym)!.material as { kind: 'secret'; bytes: Uint8Array };
    expect(mat.bytes).toBeInstanceOf(Uint8Array);
    expect(mat.bytes).toEqual((a!.state.keys.find((k) => k.keyId === sym)!.material as { bytes: Uint8Array }).bytes);
    const pair = b!.state.keys.find((k) => k.keyId === ecc)!.material as { kind: 'pair'; pkcs8: Uint8Array; spki: Uint8Array };
    expect(pair.kind).toBe('pair');
    expect(pair.pkcs8).toBeInstanceOf(Uint8Array);
    expect(b!.state.grants.find((g) => g.constraints)!.constraints).toEqual({ EncryptionContextSubset: { $bytes: 'not-bytes', app: 'x' } });

    // both answer alike, now and for what comes next (ids, tokens, request ids, propagation)
    const [c1, c2] = [kms(sim), kms(imported)];
    for (const [target, body, as] of [
      ['DescribeKey', { KeyId: 'alias/app' }, undefined],
      ['DescribeKey', { KeyId: sym }, APP_ROLE],
      ['ListGrants', { KeyId: sym }, undefined],
      ['ListRetirableGrants', { RetiringPrincipal: AUDITOR }, undefined],
      ['ListAliases', {}, undefined],
      ['CreateGrant', { KeyId: sym, GranteePrincipal: AUDITOR, Operations: ['Decrypt'] }, undefined],
      ['DescribeKey', { KeyId: ecc }, APP_ROLE],
    ] as [string, unknown, string | undefined][]) {
      const [r1, r2] = [await c1(target, body, as), await c2(target, body, as)];
      expect(r2.text, `${target}`).toBe(r1.text);
    }
    sim.clock.settle();
    imported.clock.settle();
    expect(JSON.stringify(imported.events)).toBe(JSON.stringify(sim.events));
  });

  it.skipIf(!('Encrypt' in HANDLERS))('Encrypt in the original, Decrypt in the imported copy (key material survived)', async () => {
    const store = await openStore();
    const { ws, sim } = await populated(store);
    const file = JSON.parse(JSON.stringify(await store.exportWorkspace(ws.id)));
    const other = await openStore();
    const r = await other.importWorkspace(file);
    if (!r.ok) throw new Error(r.detail);
    const imported = await openWorkspaceSimulator(other, r.id);
    const enc = await kms(sim)('Encrypt', { KeyId: 'alias/app', Plaintext: btoa('secret') });
    expect(enc.status).toBe(200);
    const dec = await kms(imported)('Decrypt', { CiphertextBlob: enc.json.CiphertextBlob });
    expect(dec.status).toBe(200);
    expect(atob(dec.json.Plaintext)).toBe('secret');
  });

  it('imports as a new workspace, even from a file exported from this very store', async () => {
    const store = await openStore();
    const { ws } = await populated(store);
    const before = await store.forWorkspace(ws.id).load();
    const file = await store.exportWorkspace(ws.id);
    const r1 = await store.importWorkspace(file, { name: 'Imported' });
    const r2 = await store.importWorkspace(JSON.stringify(file));
    expect(r1.ok && r2.ok).toBe(true);
    const ids = (await store.listWorkspaces()).map((w) => w.id);
    expect(new Set(ids).size).toBe(3);
    expect(ids).toContain(ws.id);
    expect((await store.listWorkspaces()).map((w) => w.name).sort()).toEqual(['Imported', 'Original', 'Original']);
    expect(await store.forWorkspace(ws.id).load()).toEqual(before);
  });

  it('exports and imports an empty workspace (options only)', async () => {
    const store = await openStore();
    const ws = await store.createWorkspace('Empty', OPTIONS);
    const file = await store.exportWorkspace(ws.id);
    expect(file.snapshot).toBeNull();
    const r = await store.importWorkspace(JSON.parse(JSON.stringify(file)));
    if (!r.ok) throw new Error(r.detail);
    expect(await store.forWorkspace(r.id).load()).toBeNull();
    expect((await store.getWorkspace(r.id))!.options).toEqual(OPTIONS);
  });

  describe('refuses bad files and overwrites nothing', () => {
    async function setup() {
      const store = await openStore();
      const { ws } = await populated(store);
      const good = JSON.parse(JSON.stringify(await store.exportWorkspace(ws.id))) as Omit<WorkspaceFile, 'snapshot'> & { snapshot: { state: { grants: { arrivals: number[] }[]; keys: { material?: { bytes?: unknown } }[]; meta: Record<string, unknown> }; log: unknown[] } };
      const list = await store.listWorkspaces();
      const data = await store.forWorkspace(ws.id).load();
      const unchanged = async () => {
        expect(await store.listWorkspaces()).toEqual(list);
        expect(await store.forWorkspace(ws.id).load()).toEqual(data);
      };
      return { store, good, unchanged };
    }

    it('not a workspace file', async () => {
      const { store, unchanged } = await setup();
      for (const bad of [null, 42, 'not json {', '[]', {}, { format: 'something-else', v: 1 }, { v: 1, workspace: {}, snapshot: null }, { scenario: { v: 1 } }]) {
        const r = await store.importWorkspace(bad);
        expect(r).toMatchObject({ ok: false, error: 'not-a-workspace' });
        if (!r.ok) expect(r.detail).toBeTruthy();
      }
      await unchanged();
    });

    it('a newer version', async () => {
      const { store, good, unchanged } = await setup();
      const r = await store.importWorkspace({ ...good, v: 2 });
      expect(r).toMatchObject({ ok: false, error: 'newer-version' });
      if (!r.ok) expect(r.detail).toMatch(/version 2/);
      await unchanged();
    });

    it('a bad shape', async () => {
      const { store, good, unchanged } = await setup();
      const variants: [string, (f: typeof good) => unknown][] = [
        ['no version', (f) => ({ ...f, v: undefined })],
        ['version 0', (f) => ({ ...f, v: 0 })],
        ['no workspace', (f) => ({ ...f, workspace: undefined })],
        ['empty name', (f) => ({ ...f, workspace: { ...f.workspace, name: '' } })],
        ['bad options', (f) => ({ ...f, workspace: { ...f.workspace, options: { hosts: 'three' } } })],
        ['bad routing', (f) => ({ ...f, workspace: { ...f.workspace, options: { routing: 'sideways' } } })],
        ['snapshot not an object', (f) => ({ ...f, snapshot: 'x' })],
        ['no state', (f) => ({ ...f, snapshot: { log: [], events: [] } })],
        ['meta of another version', (f) => ({ ...f, snapshot: { ...f.snapshot, state: { ...f.snapshot.state, meta: { ...f.snapshot.state.meta, v: 2 } } } })],
        ['bad base64', (f) => {
          const c = structuredClone(f);
          c.snapshot.state.keys[0].material!.bytes = { $bytes: '***' };
          return c;
        }],
        ['log entry of an unknown kind', (f) => ({ ...f, snapshot: { ...f.snapshot, log: [{ kind: 'teleport', at: 0 }] } })],
        ['grant arrivals for the wrong number of hosts', (f) => {
          const c = structuredClone(f);
          c.snapshot.state.grants[0].arrivals = [0];
          return c;
        }],
        ['grant for a missing key', (f) => {
          const c = structuredClone(f);
          c.snapshot.state.keys = [];
          return c;
        }],
      ];
      for (const [what, make] of variants) {
        const r = await store.importWorkspace(make(good));
        expect(r, what).toMatchObject({ ok: false, error: 'bad-shape' });
        if (!r.ok) expect(r.detail, what).toBeTruthy();
      }
      await unchanged();
    });

    it('a workspace name that is too long or holds control characters', async () => {
      const { store, good, unchanged } = await setup();
      const named = (name: unknown) => ({ ...good, workspace: { ...good.workspace, name } });
      const refusals: [unknown, RegExp][] = [
        ['x'.repeat(201), /^workspace\.name is 201 characters long; at most 200 are allowed$/],
        ['x'.repeat(1_000_000), /^workspace\.name is 1,000,000 characters long/],
        ['two\nlines', /^workspace\.name 'two\\nlines' has a control character/],
        ['bell\u0007', /^workspace\.name .* has a control character/],
        ['\u2028', /^workspace\.name .* has a control character/],
        ['   ', /^workspace\.name is blank/],
        [42, /^workspace\.name must be text \(a name\), not a number$/],
      ];
      for (const [name, reason] of refusals) {
        const r = await store.importWorkspace(named(name));
        expect(r, JSON.stringify(name).slice(0, 20)).toMatchObject({ ok: false, error: 'bad-shape', detail: expect.stringMatching(reason) });
      }
      await unchanged();
      // the store's own methods refuse the same names, in words
      await expect(store.createWorkspace('a\u0000b', OPTIONS)).rejects.toThrow(/The name .* has a control character/);
      await expect(store.renameWorkspace((await store.listWorkspaces())[0].id, 'y'.repeat(201))).rejects.toThrow('at most 200 are allowed');
      await expect(store.importWorkspace(good, { name: 'tab\there' })).rejects.toThrow('has a control character');
      await unchanged();
      // 200 characters are fine
      const ok = await store.importWorkspace(named('z'.repeat(200)));
      expect(ok.ok).toBe(true);
    });

    it('the in-memory store refuses the same way', async () => {
      const { good } = await setup();
      const mem = createMemoryPlaygroundStore();
      expect(await mem.importWorkspace({ ...good, v: 3 })).toMatchObject({ ok: false, error: 'newer-version' });
      expect(await mem.importWorkspace({})).toMatchObject({ ok: false, error: 'not-a-workspace' });
      const ok = await mem.importWorkspace(good);
      expect(ok.ok).toBe(true);
      expect(await mem.listWorkspaces()).toHaveLength(1);
    });
  });

  it('the JSON-safe encoding keeps bytes, non-finite numbers and marker-like keys', () => {
    const value = { a: new Uint8Array([0, 1, 254, 255]), b: [Infinity, -Infinity, 1.5], c: { $bytes: 'x' }, d: { $esc: { $num: 'y' } }, e: 'text', f: null, g: undefined };
    const back = fromJsonSafe(JSON.parse(JSON.stringify(toJsonSafe(value)))) as typeof value;
    expect(back).toEqual({ a: new Uint8Array([0, 1, 254, 255]), b: [Infinity, -Infinity, 1.5], c: { $bytes: 'x' }, d: { $esc: { $num: 'y' } }, e: 'text', f: null });
    expect(back.a).toBeInstanceOf(Uint8Array);
    const big = new Uint8Array(20_000).map((_, i) => i % 251);
    expect(fromJsonSafe(JSON.parse(JSON.stringify(toJsonSafe(big))))).toEqual(big);
  });
});

describe('stored records and events in an imported file', () => {
  type Rec = Record<string, unknown>;
  type Fixture = { snapshot: { state: { keys: Rec[]; aliases: Rec[]; grants: Rec[] }; events: Rec[] } };
  const FIXTURE = readFileSync(new URL('../fixtures/store/workspace-file-v1.json', import.meta.url), 'utf8');
  const fixture = () => JSON.parse(FIXTURE) as Fixture;
  const firstOf = (f: Fixture, type: string) => f.snapshot.events.findIndex((e) => e.type === type);

  it('the 0.1.0 file still imports, and what it imports opens', async () => {
    const parsed = parseWorkspaceFile(FIXTURE);
    expect(parsed.ok, parsed.ok ? '' : parsed.detail).toBe(true);
    const store = createMemoryPlaygroundStore();
    const r = await store.importWorkspace(FIXTURE);
    expect(r.ok).toBe(true);
    if (r.ok) expect((await openWorkspaceSimulator(store, r.id)).events.length).toBe(329);
  });

  const cases: [string, (f: Fixture) => void, RegExp][] = [
    ['a grant change without arrivals', (f) => void delete f.snapshot.events[firstOf(f, '@kms.grant.changed')].arrivals, /^snapshot\.events\[\d+\]\.arrivals is missing$/],
    ['a grant change with arrivals for too few hosts', (f) => void (f.snapshot.events[firstOf(f, '@kms.grant.changed')].arrivals = [0]), /^snapshot\.events\[\d+\]\.arrivals lists 1 arrival times; the workspace runs 3 hosts/],
    ['a grant change whose operations are not a list', (f) => void (f.snapshot.events[firstOf(f, '@kms.grant.changed')].operations = 'Decrypt'), /^snapshot\.events\[\d+\]\.operations must be a list of operation names, not text$/],
    ['an event time outside the dates a clock can show', (f) => void (f.snapshot.events[0].at = 9e15), /^snapshot\.events\[0\]\.at 9000000000000000 is not a whole number of milliseconds since 1970 from/],
    ['an event time that is a fraction', (f) => void (f.snapshot.events[0].at = 1.5), /^snapshot\.events\[0\]\.at 1\.5 is not a whole number/],
    ['an event of an unknown type', (f) => void (f.snapshot.events[0].type = '@kms.teleport'), /^snapshot\.events\[0\]\.type '@kms\.teleport' is not one of '@kms\.request'/],
    ['a request event without a caller', (f) => void delete f.snapshot.events[firstOf(f, '@kms.request')].caller, /^snapshot\.events\[\d+\]\.caller is missing$/],
    ['a request event on a host the workspace does not run', (f) => void (f.snapshot.events[firstOf(f, '@kms.request')].host = 7), /^snapshot\.events\[\d+\]\.host 7 is not a whole number of a host \(counting from 0\) from 0 to 2$/],
    ['a request event whose decision has no summary', (f) => void delete (f.snapshot.events[firstOf(f, '@kms.request')].decision as Rec).summary, /^snapshot\.events\[\d+\]\.decision\.summary is missing$/],
    ['an arrival event without a host', (f) => void delete f.snapshot.events[firstOf(f, '@kms.grant.arrived')].host, /^snapshot\.events\[\d+\]\.host is missing$/],
    ['a key event of an unknown change', (f) => void (f.snapshot.events[firstOf(f, '@kms.key.changed')].change = 'explode'), /^snapshot\.events\[\d+\]\.change 'explode' is not one of 'create'/],
    ['a clock event without its start', (f) => void delete f.snapshot.events[firstOf(f, '@kms.clock')].from, /^snapshot\.events\[\d+\]\.from is missing$/],
    ['a key without tags', (f) => void delete f.snapshot.state.keys[0].tags, /^snapshot\.state\.keys\[0\]\.tags is missing$/],
    ['a key whose tag has no value', (f) => void (f.snapshot.state.keys[0].tags = [{ TagKey: 'team' }]), /^snapshot\.state\.keys\[0\]\.tags\[0\]\.TagValue is missing$/],
    ['a key of an unknown state', (f) => void (f.snapshot.state.keys[0].state = 'Melting'), /^snapshot\.state\.keys\[0\]\.state 'Melting' is not one of 'Creating', 'Enabled'/],
    ['a key without multiRegion', (f) => void delete f.snapshot.state.keys[0].multiRegion, /^snapshot\.state\.keys\[0\]\.multiRegion is missing$/],
    ['a key whose secret material has no bytes', (f) => void (f.snapshot.state.keys[0].material = { kind: 'secret' }), /^snapshot\.state\.keys\[0\]\.material\.bytes must be stored bytes/],
    ['a key whose creation time is text', (f) => void (f.snapshot.state.keys[0].created = 'yesterday'), /^snapshot\.state\.keys\[0\]\.created must be a whole number of milliseconds since 1970 .*, not text$/],
    ['an alias without its update time', (f) => void delete f.snapshot.state.aliases[0].updated, /^snapshot\.state\.aliases\[0\]\.updated is missing$/],
    ['a grant whose operations hold a number', (f) => void (f.snapshot.state.grants[0].operations = [1]), /^snapshot\.state\.grants\[0\]\.operations\[0\] must be text, not a number$/],
    ['a grant whose encryption context holds a number', (f) => void (f.snapshot.state.grants[0].constraints = { EncryptionContextEquals: { app: 1 } }), /^snapshot\.state\.grants\[0\]\.constraints\.EncryptionContextEquals\.app must be text, not a number$/],
    ['a grant removal without who removed it', (f) => void (f.snapshot.state.grants[0].removed = { change: 'retire', at: 0, arrivals: [0, 0, 0] }), /^snapshot\.state\.grants\[0\]\.removed\.by is missing$/],
    ['a grant without a grantee', (f) => void delete f.snapshot.state.grants[0].granteePrincipal, /^snapshot\.state\.grants\[0\] has no grantee/],
  ];
  for (const [what, spoil, reason] of cases) {
    it(`refuses ${what}, saying which member is wrong`, async () => {
      const f = fixture();
      spoil(f);
      const parsed = parseWorkspaceFile(JSON.stringify(f));
      expect(parsed).toMatchObject({ ok: false, error: 'bad-shape' });
      if (!parsed.ok) expect(parsed.detail).toMatch(reason);
      const store = createMemoryPlaygroundStore();
      expect((await store.importWorkspace(f)).ok).toBe(false);
      expect(await store.listWorkspaces()).toEqual([]);
    });
  }
});
