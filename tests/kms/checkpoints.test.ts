/**
 * Time travel keeps bounded memory (issue #2 §8): checkpoints are spaced by the world's size and
 * thinned to at most MAX_CHECKPOINTS, so what they hold stays within a small constant of the
 * world however many inputs arrive, and seek still lands exactly where a straight run was.
 */
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_RECORD_BUDGET, CHECKPOINT_RECORD_FLOOR, MAX_CHECKPOINTS, thinCheckpoints } from '../../src/kms/index';
import { APP_ROLE, AUDITOR, makeSim } from './helpers';

const listRequest = (KeyId: string, Marker?: string) =>
  new Request('https://kms.us-east-1.amazonaws.com/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.ListGrants' },
    body: JSON.stringify(Marker ? { KeyId, Limit: 100, Marker } : { KeyId, Limit: 100 }),
  });

describe('checkpoints stay bounded', () => {
  it('holds at most MAX_CHECKPOINTS, and records within a small multiple of the world, over 20,000 inputs of a growing world', async () => {
    const { call, createKey, sim } = makeSim({ propagation: { minMs: 100, maxMs: 5_000 }, seed: 3 });
    const key = await createKey();
    const live: { id: string; token: string }[] = [];
    for (let i = 1; sim.log.length < 20_000; i++) {
      if (i % 4 === 0) {
        const r = await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: i % 8 ? APP_ROLE : AUDITOR, Operations: ['Decrypt'] });
        live.push({ id: r.json.GrantId, token: r.json.GrantToken });
      } else if (i % 13 === 0 && live.length) {
        const g = live.splice((i * 7) % live.length, 1)[0];
        await call('RevokeGrant', { KeyId: key.KeyId, GrantId: g.id });
      } else {
        sim.clock.advance(10);
      }
      if (i % 500 === 0) {
        const s = sim.checkpointStats();
        const w = sim.engine.world;
        expect(s.count).toBeLessThanOrEqual(MAX_CHECKPOINTS);
        expect(s.records).toBeLessThanOrEqual(CHECKPOINT_RECORD_BUDGET * (w.grants.size + w.keys.size + w.aliases.size) + CHECKPOINT_RECORD_FLOOR);
      }
    }
    const s = sim.checkpointStats();
    expect(s.count).toBeGreaterThan(5);
    expect(s.count).toBeLessThanOrEqual(MAX_CHECKPOINTS);
    // taking a checkpoint every 50 inputs and keeping them all held ~200 times the world here
    const size = sim.engine.world.grants.size + 1;
    expect(size).toBeGreaterThan(3_000);
    expect(s.records / size).toBeLessThanOrEqual(CHECKPOINT_RECORD_BUDGET + 1);
    // the newest checkpoint stays near the present, so seeking there replays little
    expect(sim.log.length - s.indexes[s.indexes.length - 1]).toBeLessThanOrEqual(Math.max(50, Math.ceil(size / 32)));
    // dense near the present, sparser into the past
    const gaps = s.indexes.map((x, i) => x - (i ? s.indexes[i - 1] : 0));
    expect(gaps[1]).toBeGreaterThan(gaps[gaps.length - 1]);
  }, 60_000);

  it('keeps the count bounded when the world stays small and the inputs keep coming', async () => {
    const { call, createKey, sim } = makeSim();
    const key = await createKey();
    await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] });
    for (let i = 0; i < 20_000; i++) sim.clock.advance(1);
    const s = sim.checkpointStats();
    expect(s.count).toBe(MAX_CHECKPOINTS);
    expect(s.records).toBeLessThanOrEqual(MAX_CHECKPOINTS * 2);
    expect(sim.log.length - s.indexes[s.indexes.length - 1]).toBeLessThanOrEqual(50);
  });

  it('seeks back through thinned checkpoints to exactly what a straight run saw, revocations after a checkpoint included', async () => {
    const { call, createKey, sim } = makeSim({ propagation: { minMs: 100, maxMs: 3_000 }, seed: 5 });
    const key = await createKey();
    const ids: string[] = [];
    const marks: { t: number; list: string; events: number }[] = [];
    for (let i = 1; i <= 4_000; i++) {
      if (i % 3 === 0) ids.push((await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'], Name: `n${i % 7}` })).json.GrantId);
      else if (i % 11 === 0 && ids.length > 40) await call('RevokeGrant', { KeyId: key.KeyId, GrantId: ids.splice(i % 40, 1)[0] });
      else if (i % 17 === 0) {
        const g = await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: AUDITOR, Operations: ['Decrypt'] });
        await call('RetireGrant', { GrantToken: g.json.GrantToken });
      } else sim.clock.advance(50);
      if (i % 700 === 0) {
        // a mark between two clock moves, so no request shares its instant
        sim.clock.advance(1);
        marks.push({ t: sim.clock.now(), list: await (await sim.peek(listRequest(key.KeyId))).text(), events: sim.events.length });
        sim.clock.advance(1);
      }
    }
    expect(sim.checkpointStats().count).toBeGreaterThan(5);
    const end = sim.clock.now();
    const finalEvents = JSON.stringify(sim.events);
    const final = JSON.parse(finalEvents) as unknown[];
    const finalList = await (await sim.peek(listRequest(key.KeyId))).text();
    for (const m of [...marks].reverse()) {
      await sim.seek(m.t);
      expect(await (await sim.peek(listRequest(key.KeyId))).text()).toBe(m.list);
      expect(JSON.stringify(sim.events)).toBe(JSON.stringify(final.slice(0, m.events)));
    }
    await sim.seek(end);
    expect(JSON.stringify(sim.events)).toBe(finalEvents);
    expect(await (await sim.peek(listRequest(key.KeyId))).text()).toBe(finalList);
  }, 60_000);

  it('thins to the most recent checkpoints densely and the older ones geometrically', () => {
    const cps = Array.from({ length: 1_000 }, (_, i) => ({ index: (i + 1) * 50 }));
    thinCheckpoints(cps, 50_000, 16);
    expect(cps).toHaveLength(16);
    expect(cps[cps.length - 1].index).toBe(50_000);
    const gaps = cps.map((c, i) => c.index - (i ? cps[i - 1].index : 0));
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeLessThanOrEqual(gaps[i - 1] * 1.01 + 50);
    expect(gaps[gaps.length - 1]).toBeLessThan(gaps[0]);
  });
});
