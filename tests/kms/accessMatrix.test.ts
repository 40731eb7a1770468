/**
 * The access matrix and sim.decide: every cell is what fetch answers for the same request at the
 * same host, on a fork of the same world (now, and at the time the matrix says the answer
 * changes); computing it leaves the log, the events, the world and the counters as they were.
 */
import { describe, expect, it } from 'vitest';
import { createSimulator, type SimulatorOptions, type SimulatorWithEngine, type AccessMatrix, SUPPORTED_OPERATIONS } from '../../src/kms/index';
import { Rng } from '../../src/kms/rng';
import { grantOperationsFor } from '../../src/kms/ops/grants/rules';
import { ACCOUNT, ADMIN, APP_ROLE, AUDITOR, OTHER_ROLE, ROOT } from './helpers';

const REGION = 'us-east-1';
const AUDITOR_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['kms:Describe*', 'kms:List*', 'kms:Get*', 'kms:Decrypt'], Resource: '*' },
    { Effect: 'Deny', Action: 'kms:Encrypt', Resource: '*' },
  ],
};
const PRINCIPALS = [
  { arn: ROOT, accessKeyId: 'AKIAROOT0000000000000' },
  { arn: APP_ROLE, accessKeyId: 'AKIAAPPROLE000000000' },
  { arn: ADMIN, accessKeyId: 'AKIAADMIN00000000000', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] } },
  { arn: AUDITOR, accessKeyId: 'AKIAAUDITOR000000000', policy: AUDITOR_POLICY },
  { arn: OTHER_ROLE, accessKeyId: 'AKIAOTHERROLE0000000', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] } },
];
const ACCESS_KEY = new Map(PRINCIPALS.map((p) => [p.arn, p.accessKeyId]));

function options(seed: number): SimulatorOptions {
  return { seed, region: REGION, accountId: ACCOUNT, startTime: Date.UTC(2026, 0, 1), hosts: 3, propagation: { minMs: 1000, maxMs: 9000 }, principals: PRINCIPALS };
}

function request(op: string, body: string, as: string, host: number): Request {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${op}`, 'x-playground-host': String(host) };
  const akid = ACCESS_KEY.get(as);
  if (!akid) throw new Error(`no principal ${as}`);
  headers.Authorization = `AWS4-HMAC-SHA256 Credential=${akid}/20260101/${REGION}/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00`;
  headers['X-Amz-Date'] = '20260101T000000Z';
  return new Request(`https://kms.${REGION}.amazonaws.com/`, { method: 'POST', headers, body });
}

async function call(sim: SimulatorWithEngine, op: string, body: unknown, as = ROOT, host?: number) {
  const res = await sim.fetch(request(op, JSON.stringify(body), as, host ?? 0));
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  return { status: res.status, json, type: json?.__type as string | undefined };
}

/** everything the matrix must leave as it was: log, events, records, host views, agenda, counters */
function fingerprint(sim: SimulatorWithEngine): string {
  const e = sim.engine;
  const state = JSON.stringify(e.state(), (k, v) => (k === 'material' ? undefined : v));
  return JSON.stringify([state, sim.log.length, JSON.stringify(sim.events), e.world.hostViews.map((v) => [...v]), e.world.agenda.size, e.meta(), sim.clock.now()]);
}

/** a random small world: keys of several kinds, grants with and without constraints, some still propagating */
async function randomWorld(seed: number): Promise<{ sim: SimulatorWithEngine; keys: string[]; ec: Record<string, string> | undefined }> {
  const rng = new Rng({ seed: seed * 7919, counter: 0 });
  const sim = createSimulator(options(seed));
  const keys: string[] = [];
  const specs = [{}, {}, { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }, { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }];
  const nKeys = 1 + rng.int(2);
  for (let i = 0; i < nKeys; i++) {
    const body: Record<string, unknown> = { ...specs[rng.int(specs.length)] };
    if (rng.int(3) === 0) {
      // a key policy that names the auditor directly, and denies the app role DisableKey
      body.Policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Root', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
          { Sid: 'Auditor', Effect: 'Allow', Principal: { AWS: AUDITOR }, Action: ['kms:DescribeKey', 'kms:GetKeyPolicy'], Resource: '*' },
          { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: OTHER_ROLE }, Action: ['kms:Encrypt', 'kms:DescribeKey'], Resource: '*' },
          { Sid: 'NoDisable', Effect: 'Deny', Principal: { AWS: APP_ROLE }, Action: 'kms:DisableKey', Resource: '*' },
        ],
      });
    }
    const r = await call(sim, 'CreateKey', body);
    expect(r.status).toBe(200);
    keys.push(r.json.KeyMetadata.KeyId);
  }
  const grantees = [APP_ROLE, AUDITOR, OTHER_ROLE, ADMIN];
  const grants: { keyId: string; grantId: string }[] = [];
  const steps = 3 + rng.int(5);
  for (let i = 0; i < steps; i++) {
    const keyId = keys[rng.int(keys.length)];
    const meta = sim.engine.world.keys.get(keyId)!;
    const allowed = [...grantOperationsFor(meta)].filter((o) => o !== 'CreateGrant' || rng.int(2) === 0);
    const ops = allowed.filter(() => rng.int(2) === 0);
    if (!ops.length || (ops.length === 1 && ops[0] === 'CreateGrant')) ops.push(allowed.find((o) => o !== 'CreateGrant')!);
    const body: Record<string, unknown> = { KeyId: keyId, GranteePrincipal: grantees[rng.int(grantees.length)], Operations: ops };
    if (meta.keySpec === 'SYMMETRIC_DEFAULT' && rng.int(3) === 0) body.Constraints = rng.int(2) ? { EncryptionContextEquals: { dept: 'x' } } : { EncryptionContextSubset: { dept: 'y' } };
    const r = await call(sim, 'CreateGrant', body);
    expect(r.status).toBe(200);
    grants.push({ keyId, grantId: r.json.GrantId });
    sim.clock.advance(rng.int(6000));
  }
  if (rng.int(2) === 0 && grants.length) {
    const g = grants[rng.int(grants.length)];
    expect((await call(sim, 'RevokeGrant', { KeyId: g.keyId, GrantId: g.grantId })).status).toBe(200);
    sim.clock.advance(rng.int(3000));
  }
  // a grant still propagating, always
  const last = await call(sim, 'CreateGrant', { KeyId: keys[keys.length - 1], GranteePrincipal: APP_ROLE, Operations: [...grantOperationsFor(sim.engine.world.keys.get(keys[keys.length - 1])!)].filter((o) => o !== 'CreateGrant') });
  expect(last.status).toBe(200);
  const roll = rng.int(4);
  if (roll === 0) expect((await call(sim, 'DisableKey', { KeyId: keys[0] })).status).toBe(200);
  if (roll === 1) expect((await call(sim, 'ScheduleKeyDeletion', { KeyId: keys[0], PendingWindowInDays: 7 })).status).toBe(200);
  sim.clock.advance(1500);
  const ec = ([undefined, { dept: 'x' }, { dept: 'y', team: 'z' }] as (Record<string, string> | undefined)[])[rng.int(3)];
  return { sim, keys, ec };
}

/** a fork of sim's world: a new simulator from the same options and log */
async function forkOf(sim: SimulatorWithEngine, seed: number): Promise<SimulatorWithEngine> {
  const fork = createSimulator(options(seed));
  for (const entry of sim.log) {
    if (entry.kind === 'clock') {
      fork.clock.set(entry.to);
      continue;
    }
    if (entry.at > fork.clock.now()) fork.clock.set(entry.at);
    await fork.fetch(new Request(entry.url, { method: entry.method, headers: entry.headers, body: entry.body }));
  }
  return fork;
}

/** a fresh copy of a fork (its records restored into a new engine), to send one request to */
function copyOf(base: SimulatorWithEngine, seed: number): SimulatorWithEngine {
  const sim = createSimulator(options(seed));
  sim.engine.restore(structuredClone(base.engine.state()));
  return sim;
}

async function send(sim: SimulatorWithEngine, op: string, body: string, as: string, host: number) {
  const res = await sim.fetch(request(op, body, as, host));
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  const decision = res.headers.get('x-playground-decision');
  return { status: res.status, type: json.__type as string | undefined, decision: decision ? JSON.parse(decodeURIComponent(decision)) : undefined };
}

/** the cell agrees with fetch's answer: the same denial, or no denial (and the same error, if it stopped before the operation) */
function expectAgrees(cell: { status: number; errorType?: string; allowed?: boolean }, got: { status: number; type?: string; decision?: { allowed: boolean } }, where: string) {
  const deniedCell = cell.errorType === 'AccessDeniedException';
  expect(got.type === 'AccessDeniedException', `${where}: fetch answered ${got.status} ${got.type ?? ''}, the matrix ${cell.status} ${cell.errorType ?? ''}`).toBe(deniedCell);
  if (cell.status !== 200) expect([got.status, got.type], where).toEqual([cell.status, cell.errorType]);
  if (cell.allowed !== undefined) expect(got.decision?.allowed, where).toBe(cell.allowed);
}

describe('the access matrix', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`world ${seed}: every cell is what fetch answers at that host, now and when the matrix says it changes; no trace`, async () => {
      const { sim, keys, ec } = await randomWorld(seed);
      const before = fingerprint(sim);
      const matrices: AccessMatrix[] = [];
      for (const keyId of keys) matrices.push(await sim.accessMatrix(keyId, { encryptionContext: ec }));
      expect(fingerprint(sim)).toBe(before);
      // until stableUntil every answer holds: the matrix just before it says the same as now
      for (const m of matrices) {
        if (m.stableUntil === undefined || m.stableUntil - 1 <= m.at) continue;
        const later = await sim.accessMatrix(m.keyId, { encryptionContext: ec, at: m.stableUntil - 1 });
        const answers = (x: AccessMatrix) => JSON.stringify(x.cells.map((r) => r.map((hs) => hs.map((c) => [c.status, c.errorType, c.allowed]))));
        expect(answers(later)).toBe(answers(m));
        expect(m.cells.flat(2).some((c) => c.next?.at === m.stableUntil) || m.stableUntil === m.deletionDate).toBe(true);
      }

      const fork = await forkOf(sim, seed);
      // the fork is the same world
      expect(JSON.stringify(fork.engine.state(), (k, v) => (k === 'material' ? undefined : v))).toBe(JSON.stringify(sim.engine.state(), (k, v) => (k === 'material' ? undefined : v)));
      let pendingSeen = 0;
      let denied = 0;
      let allowed = 0;
      for (const m of matrices) {
        expect(m.principals).toEqual([ROOT, APP_ROLE, ADMIN, AUDITOR, OTHER_ROLE]);
        for (let i = 0; i < m.principals.length; i++) {
          for (let j = 0; j < m.operations.length; j++) {
            for (let h = 0; h < m.hosts; h++) {
              const cell = m.cells[i][j][h];
              const where = `seed ${seed} ${m.principals[i]} ${m.operations[j]} host ${h}`;
              const got = await send(copyOf(fork, seed), m.operations[j], m.bodies[i][j], m.principals[i], h);
              expectAgrees(cell, got, where);
              if (cell.errorType === 'AccessDeniedException') denied++;
              if (cell.allowed) allowed++;
              // sim.decide with the same request says the same, and leaves no trace
              const d = await sim.decide(request(m.operations[j], m.bodies[i][j], m.principals[i], h));
              expect([d.status, d.errorType, d.allowed, d.decision?.summary], where).toEqual([cell.status, cell.errorType, cell.allowed, cell.decision?.summary]);
              if (cell.next) {
                pendingSeen++;
                // just before, the answer is still the one now; at the time given, the new one
                const early = copyOf(fork, seed);
                early.clock.set(cell.next.at - 1);
                expectAgrees(cell, await send(early, m.operations[j], m.bodies[i][j], m.principals[i], h), `${where} just before ${cell.next.at}`);
                const late = copyOf(fork, seed);
                late.clock.set(cell.next.at);
                expectAgrees(cell.next, await send(late, m.operations[j], m.bodies[i][j], m.principals[i], h), `${where} at ${cell.next.at}`);
                const ahead = await sim.decide(request(m.operations[j], m.bodies[i][j], m.principals[i], h), { at: cell.next.at });
                expect([ahead.status, ahead.errorType, ahead.allowed], where).toEqual([cell.next.status, cell.next.errorType, cell.next.allowed]);
              }
            }
          }
        }
      }
      expect(fingerprint(sim)).toBe(before);
      expect(denied).toBeGreaterThan(0);
      expect(allowed).toBeGreaterThan(0);
      // every world has a grant still on its way to role/AppRole
      expect(pendingSeen).toBeGreaterThan(0);
    }, 120_000);
  }

  it('role/App × Encrypt: denied where the grant has not arrived, with the time it arrives; allowed everywhere after settling', async () => {
    const sim = createSimulator(options(42));
    const key = (await call(sim, 'CreateKey', {})).json.KeyMetadata.KeyId as string;
    const grant = await call(sim, 'CreateGrant', { KeyId: key, GranteePrincipal: APP_ROLE, Operations: ['Encrypt'] });
    const arrivals = sim.engine.world.grants.get(grant.json.GrantId)!.arrivals;
    const m = await sim.accessMatrix(key, { principals: [APP_ROLE], operations: ['Encrypt', 'Decrypt'] });
    const encrypt = m.cells[0][0];
    for (let h = 0; h < 3; h++) {
      expect(encrypt[h].errorType).toBe('AccessDeniedException');
      expect(encrypt[h].next).toMatchObject({ at: arrivals[h], status: 200, allowed: true, cause: { kind: 'grant', grantId: grant.json.GrantId, change: 'create' } });
      // Decrypt is not in the grant: nothing pending changes it
      expect(m.cells[0][1][h].errorType).toBe('AccessDeniedException');
      expect(m.cells[0][1][h].next).toBeUndefined();
    }
    sim.clock.settle();
    const after = await sim.accessMatrix(key, { principals: [APP_ROLE], operations: ['Encrypt'] });
    expect(after.cells[0][0].map((c) => [c.status, c.decision?.via])).toEqual([0, 1, 2].map(() => [200, { kind: 'grant', grantId: grant.json.GrantId }]));
  });

  it('a key pending deletion: usable by nobody now (key state), and gone at its deletion date', async () => {
    const sim = createSimulator(options(9));
    const key = (await call(sim, 'CreateKey', {})).json.KeyMetadata.KeyId as string;
    expect((await call(sim, 'ScheduleKeyDeletion', { KeyId: key, PendingWindowInDays: 7 })).status).toBe(200);
    const deletionDate = sim.engine.world.keys.get(key)!.deletionDate!;
    const m = await sim.accessMatrix(key, { principals: [ROOT], operations: ['Encrypt', 'DescribeKey', 'CancelKeyDeletion'] });
    expect(m.deletionDate).toBe(deletionDate);
    const [encrypt, describe, cancel] = m.cells[0].map((hosts) => hosts[0]);
    expect([encrypt.status, encrypt.errorType, encrypt.allowed]).toEqual([400, 'KMSInvalidStateException', true]);
    expect([describe.status, cancel.status]).toEqual([200, 200]);
    for (const c of [encrypt, describe, cancel]) expect(c.next).toMatchObject({ at: deletionDate, errorType: 'NotFoundException', cause: { kind: 'key-deletion' } });
    // looking ahead past the deletion
    const later = await sim.accessMatrix(key, { principals: [ROOT], operations: ['DescribeKey'], at: deletionDate });
    expect(later.cells[0][0][0].errorType).toBe('NotFoundException');
    expect(sim.engine.world.keys.has(key)).toBe(true);
  });

  it('decide() changes nothing for any operation, even those that would create, delete or draw randomness', async () => {
    const { sim, keys } = await randomWorld(3);
    const keyId = keys[0];
    const grantId = [...sim.engine.world.grants.values()].find((g) => g.keyId === keyId)?.grantId ?? '0'.repeat(64);
    await call(sim, 'CreateAlias', { AliasName: 'alias/matrix', TargetKeyId: keyId });
    const bodies: Record<string, unknown> = {
      CreateKey: {},
      ListKeys: {},
      ListAliases: {},
      CreateAlias: { AliasName: 'alias/other', TargetKeyId: keyId },
      UpdateAlias: { AliasName: 'alias/matrix', TargetKeyId: keys[keys.length - 1] },
      DeleteAlias: { AliasName: 'alias/matrix' },
      UpdateKeyDescription: { KeyId: keyId, Description: 'changed' },
      RetireGrant: { KeyId: keyId, GrantId: grantId },
      RevokeGrant: { KeyId: keyId, GrantId: grantId },
      ListRetirableGrants: { RetiringPrincipal: APP_ROLE },
      GenerateRandom: { NumberOfBytes: 16 },
      CreateGrant: { KeyId: keyId, GranteePrincipal: APP_ROLE, Operations: ['DescribeKey'] },
      ScheduleKeyDeletion: { KeyId: keyId, PendingWindowInDays: 7 },
      CancelKeyDeletion: { KeyId: keyId },
      DisableKey: { KeyId: keyId },
      EnableKey: { KeyId: keyId },
      PutKeyPolicy: { KeyId: keyId, PolicyName: 'default', Policy: sim.engine.world.keys.get(keyId)!.policy },
    };
    const before = fingerprint(sim);
    for (const op of SUPPORTED_OPERATIONS) {
      const body = bodies[op] ?? { KeyId: keyId };
      for (const as of [ROOT, APP_ROLE]) {
        const d = await sim.decide(request(op, JSON.stringify(body), as, 1));
        expect(d.errorType ?? '', `${op} as ${as}`).not.toBe('KMSInternalException');
        expect(d.operation).toBe(op);
        expect(fingerprint(sim), `${op} as ${as}`).toBe(before);
      }
    }
    // and the simulator answers what follows as if nothing had been decided
    const next = await call(sim, 'CreateKey', {});
    const twin = await forkOf(sim, 3);
    expect(twin.log.length).toBe(sim.log.length);
    expect(JSON.stringify(twin.events)).toBe(JSON.stringify(sim.events));
    expect(next.status).toBe(200);
  });

  it('decide() answers the wire errors before authorization as fetch does', async () => {
    const sim = createSimulator(options(5));
    const key = (await call(sim, 'CreateKey', {})).json.KeyMetadata.KeyId as string;
    const bad = await sim.decide(request('Encrypt', JSON.stringify({ KeyId: key }), APP_ROLE, 0));
    expect([bad.status, bad.errorType, bad.decision]).toEqual([400, 'ValidationException', undefined]);
    const unknown = await sim.decide(new Request(`https://kms.${REGION}.amazonaws.com/`, { method: 'POST', headers: { 'X-Amz-Target': 'TrentService.Nope' }, body: '{}' }));
    expect(unknown.errorType).toBe('UnknownOperationException');
    const noKey = await sim.decide(request('Encrypt', JSON.stringify({ KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', Plaintext: 'aGk=' }), ROOT, 2));
    expect([noKey.errorType, noKey.host]).toEqual(['NotFoundException', 2]);
    expect(sim.log.length).toBe(1);
  });
});
