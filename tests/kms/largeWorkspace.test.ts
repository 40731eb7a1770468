/**
 * A workspace at the grant quota round-trips (issue 15 item 7): 50,000 grants on one key, their
 * arrivals at every host (some 200,000 events) and a long log are saved by the store, exported
 * as a workspace file, imported and resumed whole. Restoring once spread the saved events and
 * log as call arguments (`push(...events)`), which overflowed the stack from about 24,000
 * grants up: "snapshot does not resume: Maximum call stack size exceeded".
 *
 * The grants are made directly against the engine (no HTTP), as the benchmarks do; a clock move
 * then commits them to the store in one write, as any input would.
 */
import { describe, expect, it } from 'vitest';
import { GRANTS_PER_KEY } from '../../src/kms/ops/grants/createGrant';
import { createSimulator, createMemoryStore, type StoredSimulator } from '../../src/kms/index';
import { createMemoryPlaygroundStore } from '../../src/store/memory';
import { openWorkspaceSimulator } from '../../src/store/index';
import { APP_ROLE, PRINCIPALS } from './helpers';

const OPTIONS = {
  seed: 11,
  region: 'us-east-1',
  accountId: '111122223333',
  startTime: Date.UTC(2026, 0, 1),
  propagation: { minMs: 1_000, maxMs: 4_000 },
  hosts: 3,
  principals: PRINCIPALS.map(({ arn, accessKeyId }) => ({ arn, accessKeyId })),
};
const URL = 'https://kms.us-east-1.amazonaws.com/';
const call = (target: string, body: unknown) =>
  new Request(URL, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` }, body: JSON.stringify(body) });

describe('a workspace with 50,000 grants on one key', () => {
  it('is exported, imported and resumed with every grant and event', async () => {
    const store = createMemoryPlaygroundStore({ now: () => 0 });
    const ws = await store.createWorkspace('at the quota', OPTIONS);
    const sim = await openWorkspaceSimulator(store, ws.id);
    const created = await (await sim.fetch(call('CreateKey', { Description: 'full' }))).json();
    const keyId: string = created.KeyMetadata.KeyId;
    for (let i = 0; i < GRANTS_PER_KEY; i++) {
      const r = sim.engine.run('CreateGrant', { KeyId: keyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] }) as { ok: boolean };
      if (!r.ok) throw new Error(`grant ${i} failed`);
    }
    sim.clock.settle(); // every grant arrives at every host: an event each
    await sim.flush();
    expect(sim.storeError).toBeUndefined();
    expect(sim.engine.world.grantsByKey.get(keyId)!.size).toBe(GRANTS_PER_KEY);
    expect(sim.events.length).toBeGreaterThan(3 * GRANTS_PER_KEY);

    const file = JSON.parse(JSON.stringify(await store.exportWorkspace(ws.id)));
    const imported = await store.importWorkspace(file, { name: 'imported' });
    expect(imported).toMatchObject({ ok: true });
    const resumed = await openWorkspaceSimulator(store, (imported as { id: string }).id);
    expect(resumed.storeError).toBeUndefined();

    const grants = resumed.engine.world.grantsByKey.get(keyId);
    expect(grants?.size).toBe(GRANTS_PER_KEY);
    expect([...resumed.engine.world.grants.keys()]).toEqual([...sim.engine.world.grants.keys()]);
    expect(resumed.events.length).toBe(sim.events.length);
    expect(resumed.events[resumed.events.length - 1]).toEqual(sim.events[sim.events.length - 1]);
    expect(resumed.log).toEqual(sim.log);
    expect(resumed.clock.now()).toBe(sim.clock.now());
    // and it goes on: the key is full
    const more = await resumed.fetch(call('CreateGrant', { KeyId: keyId, GranteePrincipal: APP_ROLE, Operations: ['Decrypt'] }));
    expect((await more.json()).__type).toBe('LimitExceededException');
  }, 180_000);

  it('resumes a saved log longer than the stack holds as arguments', async () => {
    // a long session: 200,000 clock moves (a dragged clock, a long playback), saved and resumed
    const saved = createSimulator({ ...OPTIONS });
    for (let i = 0; i < 200_000; i++) saved.clock.advance(10);
    const snapshot: StoredSimulator = { state: saved.engine.state(), log: [...saved.log], events: [...saved.events] };
    const mem = createMemoryStore();
    await mem.commit({ kind: 'replace', snapshot });
    const sim = createSimulator({ ...OPTIONS, store: mem });
    await sim.ready;
    expect(sim.storeError).toBeUndefined();
    expect(sim.log.length).toBe(200_000);
    expect(sim.log[199_999]).toEqual(saved.log[199_999]);
    expect(sim.clock.now()).toBe(OPTIONS.startTime + 2_000_000);
    // the log resumes in place: seeking back replays it
    await sim.seek(OPTIONS.startTime + 1_000);
    expect(sim.clock.now()).toBe(OPTIONS.startTime + 1_000);
  }, 60_000);
});
