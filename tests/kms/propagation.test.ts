import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/kms/index';
import { APP_ROLE, AUDITOR, makeSim } from './helpers';

const describeGrant = (KeyId: string, extra: Record<string, unknown> = {}) => ({ KeyId, GranteePrincipal: APP_ROLE, Operations: ['DescribeKey', 'RetireGrant'], ...extra });

describe('grant propagation', () => {
  it('denies a new grant at a host it has not reached, and allows it once it arrives', async () => {
    const { call, createKey, sim } = makeSim({ propagation: { minMs: 10_000, maxMs: 10_000 } });
    const key = await createKey();
    await call('CreateGrant', describeGrant(key.KeyId));
    const before = await call('DescribeKey', { KeyId: key.KeyId }, { as: APP_ROLE, host: 1 });
    expect(before.type).toBe('AccessDeniedException');
    const decision = JSON.parse(decodeURIComponent(before.headers.get('x-playground-decision')!));
    expect(decision.notes.join(' ')).toMatch(/has not reached host 1 yet/);
    sim.clock.advance(9_999);
    expect((await call('DescribeKey', { KeyId: key.KeyId }, { as: APP_ROLE, host: 1 })).status).toBe(400);
    sim.clock.advance(1);
    expect((await call('DescribeKey', { KeyId: key.KeyId }, { as: APP_ROLE, host: 1 })).status).toBe(200);
  });

  it('lets the grant token authorize before the grant arrives', async () => {
    const { call, createKey } = makeSim({ propagation: { minMs: 60_000, maxMs: 60_000 } });
    const key = await createKey();
    const g = await call('CreateGrant', describeGrant(key.KeyId));
    const r = await call('DescribeKey', { KeyId: key.KeyId, GrantTokens: [g.json.GrantToken] }, { as: APP_ROLE });
    expect(r.status).toBe(200);
    const decision = JSON.parse(decodeURIComponent(r.headers.get('x-playground-decision')!));
    expect(decision.via).toEqual({ kind: 'grant-token', grantId: g.json.GrantId });
  });

  it('keeps honouring a revoked grant at a host until the revocation arrives there', async () => {
    const { call, createKey, sim } = makeSim({ propagation: { minMs: 5_000, maxMs: 5_000 } });
    const key = await createKey();
    const g = await call('CreateGrant', describeGrant(key.KeyId));
    sim.clock.settle();
    await call('RevokeGrant', { KeyId: key.KeyId, GrantId: g.json.GrantId });
    expect((await call('ListGrants', { KeyId: key.KeyId })).json.Grants).toHaveLength(0);
    expect((await call('DescribeKey', { KeyId: key.KeyId }, { as: APP_ROLE, host: 0 })).status).toBe(200);
    sim.clock.advance(5_000);
    expect((await call('DescribeKey', { KeyId: key.KeyId }, { as: APP_ROLE, host: 0 })).type).toBe('AccessDeniedException');
  });

  it('settles to the moment every change has reached every host', async () => {
    const { call, createKey, sim } = makeSim({ propagation: { minMs: 1_000, maxMs: 300_000 } });
    const key = await createKey();
    const start = sim.clock.now();
    await call('CreateGrant', describeGrant(key.KeyId));
    const changed = sim.events.find((e) => e.type === '@kms.grant.changed')!;
    const latest = Math.max(...(changed as { arrivals: readonly number[] }).arrivals);
    expect(sim.clock.settle()).toBe(latest);
    expect(latest).toBeGreaterThanOrEqual(start + 1_000);
    for (let h = 0; h < 3; h++) expect((await call('DescribeKey', { KeyId: key.KeyId }, { as: APP_ROLE, host: h })).status).toBe(200);
    expect(sim.clock.settle()).toBe(latest);
  });

  it('refuses to move the clock backwards', () => {
    const { sim } = makeSim();
    expect(() => sim.clock.set(sim.clock.now() - 1)).toThrow('Unable to travel back in time');
    expect(() => sim.clock.advance(-5)).toThrow(RangeError);
  });

  it('shows hosts disagreeing while a grant propagates under random routing', async () => {
    const { call, createKey, sim } = makeSim({ propagation: { minMs: 0, maxMs: 60_000 }, seed: 3 });
    const key = await createKey();
    await call('CreateGrant', describeGrant(key.KeyId));
    const arrivals = (sim.events.find((e) => e.type === '@kms.grant.changed') as { arrivals: readonly number[] }).arrivals;
    const sorted = [...arrivals].sort((a, b) => a - b);
    expect(sorted[0]).toBeLessThan(sorted[2]);
    sim.clock.set(sorted[0]);
    const statuses = await Promise.all([0, 1, 2].map(async (h) => (await call('DescribeKey', { KeyId: key.KeyId }, { as: APP_ROLE, host: h })).status));
    const expected = arrivals.map((t) => (t <= sorted[0] ? 200 : 400));
    expect(statuses).toEqual(expected);
    // unpinned requests land on hosts chosen by the seeded generator
    const hosts = new Set<number>();
    for (let i = 0; i < 20; i++) hosts.add(Number((await call('DescribeKey', { KeyId: key.KeyId })).headers.get('x-playground-host')));
    expect(hosts.size).toBe(3);
  });

  it('gives byte-identical event streams and responses for the same seed and requests', async () => {
    async function run() {
      const { call, createKey, sim } = makeSim({ propagation: { minMs: 100, maxMs: 90_000, distribution: 'realistic' }, seed: 99 });
      const key = await createKey();
      const bodies: string[] = [];
      for (let i = 0; i < 5; i++) bodies.push((await call('CreateGrant', describeGrant(key.KeyId, { RetiringPrincipal: AUDITOR }))).text);
      sim.clock.advance(3_000);
      const g = JSON.parse(bodies[0]);
      bodies.push((await call('RetireGrant', { GrantToken: g.GrantToken }, { as: AUDITOR })).text);
      bodies.push((await call('DescribeKey', { KeyId: key.KeyId }, { as: APP_ROLE })).text);
      sim.clock.settle();
      return JSON.stringify({ bodies, events: sim.events });
    }
    expect(await run()).toBe(await run());
  });

  it('drops the grant from each host view as removals arrive and forgets it afterwards', async () => {
    const { call, createKey, sim } = makeSim({ propagation: { minMs: 1_000, maxMs: 9_000 } });
    const key = await createKey();
    const g = await call('CreateGrant', describeGrant(key.KeyId));
    sim.clock.settle();
    expect(sim.engine.world.hostViews.every((v) => v.has(g.json.GrantId))).toBe(true);
    await call('RetireGrant', { GrantToken: g.json.GrantToken });
    sim.clock.settle();
    expect(sim.engine.world.hostViews.some((v) => v.has(g.json.GrantId))).toBe(false);
    expect(sim.engine.world.grants.has(g.json.GrantId)).toBe(false);
  });
});

describe('time travel', () => {
  it('seeks back to an earlier virtual time and forward again', async () => {
    const { call, createKey, sim } = makeSim({ propagation: { minMs: 2_000, maxMs: 2_000 } });
    const key = await createKey();
    const t0 = sim.clock.now();
    sim.clock.advance(1_000);
    await call('CreateGrant', describeGrant(key.KeyId));
    sim.clock.advance(5_000);
    const end = sim.clock.now();
    const eventsAtEnd = JSON.stringify(sim.events);
    await sim.seek(t0 + 500);
    expect(sim.clock.now()).toBe(t0 + 500);
    expect((await sim.engine.run('ListGrants', { KeyId: key.KeyId }) as { output: { Grants: unknown[] } }).output.Grants).toHaveLength(0);
    await sim.seek(end);
    expect(JSON.stringify(sim.events)).toBe(eventsAtEnd);
  });

  it('forks history when a request is sent after seeking back', async () => {
    const { call, createKey, sim } = makeSim();
    const key = await createKey();
    const t0 = sim.clock.now();
    sim.clock.advance(1_000);
    await call('CreateGrant', describeGrant(key.KeyId));
    await sim.seek(t0);
    await call('CreateGrant', describeGrant(key.KeyId, { GranteePrincipal: AUDITOR }));
    const grants = (await call('ListGrants', { KeyId: key.KeyId })).json.Grants;
    expect(grants.map((g: { GranteePrincipal: string }) => g.GranteePrincipal)).toEqual([AUDITOR]);
    expect(sim.horizon).toBe(sim.clock.now());
  });
});

/**
 * Incremental visibility (host views maintained as arrivals are drained) must equal visibility
 * recomputed from the grant records alone, after any sequence of operations. Failing seeds
 * found by fast-check are pinned below as regression cases (tldraw's fuzzing pattern).
 */
describe('incremental visibility equals visibility recomputed from scratch', () => {
  type Step = { kind: 'create' } | { kind: 'retire'; pick: number } | { kind: 'revoke'; pick: number } | { kind: 'advance'; ms: number };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.constant({ kind: 'create' as const }),
    fc.record({ kind: fc.constant('retire' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('revoke' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 20_000 }) }),
  );

  async function check(seed: number, steps: Step[]) {
    const { sim, createKey } = makeSim({ seed, hosts: 4, propagation: { minMs: 0, maxMs: 15_000 } });
    const key = await createKey();
    const e = sim.engine;
    const live: { id: string; token: string }[] = [];
    for (const s of steps) {
      if (s.kind === 'create') {
        const r = e.run('CreateGrant', describeGrant(key.KeyId)) as { ok: true; output: { GrantId: string; GrantToken: string } };
        live.push({ id: r.output.GrantId, token: r.output.GrantToken });
      } else if (s.kind === 'advance') {
        sim.clock.advance(s.ms);
      } else if (live.length) {
        const [g] = live.splice(s.pick % live.length, 1);
        if (s.kind === 'retire') void e.run('RetireGrant', { GrantToken: g.token });
        else void e.run('RevokeGrant', { KeyId: key.KeyId, GrantId: g.id });
      }
      const now = sim.clock.now();
      for (let h = 0; h < 4; h++) {
        const scratch = new Set([...e.world.grants.values()].filter((g) => World.visibleAt(g, h, now)).map((g) => g.grantId));
        expect([...e.world.hostViews[h]].sort()).toEqual([...scratch].sort());
      }
    }
  }

  it('holds for random operation sequences', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 1e6 }), fc.array(step, { maxLength: 40 }), check), { numRuns: 60 });
  });

  it('holds for a grant revoked before its creation reached every host (pinned)', async () => {
    await check(1, [{ kind: 'create' }, { kind: 'revoke', pick: 0 }, { kind: 'advance', ms: 20_000 }]);
  });
});

describe('checkpoints', () => {
  it('seeks through a long history to the same state a straight run reaches', async () => {
    const run = async (seekBack: boolean) => {
      const { call, createKey, sim } = makeSim({ propagation: { minMs: 100, maxMs: 5_000 }, seed: 11 });
      const key = await createKey();
      const marks: number[] = [];
      for (let i = 0; i < 130; i++) {
        await call('CreateGrant', describeGrant(key.KeyId, { Name: `g${i % 40}` }));
        sim.clock.advance(250);
        if (i % 30 === 0) marks.push(sim.clock.now());
      }
      const end = sim.clock.now();
      const final = JSON.stringify(sim.events);
      if (seekBack) {
        for (const m of marks) {
          await sim.seek(m);
          expect(sim.clock.now()).toBe(m);
        }
        await sim.seek(end);
      }
      return { final, now: JSON.stringify(sim.events), grants: (await call('ListGrants', { KeyId: key.KeyId, Limit: 100 })).text };
    };
    const a = await run(false);
    const b = await run(true);
    expect(b.now).toBe(a.final);
    expect(b.grants).toBe(a.grants);
  });
});

describe('a grantee with many grants', () => {
  const decisionOf = (h: Headers) => JSON.parse(decodeURIComponent(h.get('x-playground-decision')!));

  it('names at most 20 grants in a denial and counts the rest in one note', async () => {
    const { call, createKey } = makeSim({ propagation: { minMs: 60_000, maxMs: 60_000 } });
    const key = await createKey();
    for (let i = 0; i < 300; i++) await call('CreateGrant', describeGrant(key.KeyId));
    const r = await call('DescribeKey', { KeyId: key.KeyId }, { as: APP_ROLE, host: 0 });
    expect(r.type).toBe('AccessDeniedException');
    const notes: string[] = decisionOf(r.headers).notes;
    expect(notes.filter((n) => /has not reached host 0 yet/.test(n))).toHaveLength(20);
    expect(notes[notes.length - 1]).toBe(`…and 280 more of ${APP_ROLE}'s grants on this key that do not apply here.`);
  });

  it('counts every grant that does not apply, arrived or not, when the host has seen fewer grants than the grantee holds', async () => {
    const { call, createKey, sim } = makeSim({ propagation: { minMs: 60_000, maxMs: 60_000 } });
    const key = await createKey();
    // 50 grants that have arrived but give only Decrypt, then 100 for DescribeKey still on their way
    for (let i = 0; i < 50; i++) await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] });
    sim.clock.advance(60_000);
    for (let i = 0; i < 100; i++) await call('CreateGrant', describeGrant(key.KeyId));
    const r = await call('DescribeKey', { KeyId: key.KeyId }, { as: APP_ROLE, host: 1 });
    expect(r.type).toBe('AccessDeniedException');
    const notes: string[] = decisionOf(r.headers).notes;
    expect(notes.filter((n) => /^Grant /.test(n))).toHaveLength(20);
    expect(notes[notes.length - 1]).toBe(`…and 130 more of ${APP_ROLE}'s grants on this key that do not apply here.`);
    // once the 100 arrive, the first of them allows it
    sim.clock.advance(60_000);
    expect((await call('DescribeKey', { KeyId: key.KeyId }, { as: APP_ROLE, host: 1 })).status).toBe(200);
  });

  it('is allowed by the first grant that has arrived, whatever comes after it', async () => {
    const { call, createKey, sim } = makeSim({ propagation: { minMs: 60_000, maxMs: 60_000 } });
    const key = await createKey();
    const first = await call('CreateGrant', describeGrant(key.KeyId));
    sim.clock.advance(60_000);
    for (let i = 0; i < 200; i++) await call('CreateGrant', describeGrant(key.KeyId));
    const r = await call('DescribeKey', { KeyId: key.KeyId }, { as: APP_ROLE, host: 2 });
    expect(r.status).toBe(200);
    const d = decisionOf(r.headers);
    expect(d.via).toEqual({ kind: 'grant', grantId: first.json.GrantId });
    expect(d.notes).toEqual([]);
  });

  it('prefers a grant that has arrived to one that only a token vouches for', async () => {
    const { call, createKey, sim } = makeSim({ propagation: { minMs: 60_000, maxMs: 60_000 } });
    const key = await createKey();
    const old = await call('CreateGrant', describeGrant(key.KeyId));
    sim.clock.advance(60_000);
    const fresh = await call('CreateGrant', describeGrant(key.KeyId));
    const both = await call('DescribeKey', { KeyId: key.KeyId, GrantTokens: [fresh.json.GrantToken] }, { as: APP_ROLE });
    expect(decisionOf(both.headers).via).toEqual({ kind: 'grant', grantId: old.json.GrantId });
  });
});
